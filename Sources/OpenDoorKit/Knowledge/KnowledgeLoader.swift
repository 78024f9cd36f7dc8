import Foundation

/// Reads a knowledge folder file by file and checks everything, collecting every problem before failing.
struct KnowledgeLoader {
    let directory: URL
    private var diagnostics: [KnowledgeDiagnostic] = []
    /// center.yaml had errors: `{center.KEY}` left undefined by them is not reported again in every answer.
    private var centerFailed = false
    /// An intents file could not be read whole: a name that isn't an intent may be in that file, so
    /// references to intents are not checked (the file's own error is the one to fix).
    private var intentsIncomplete = false

    /// The fewest examples an intent may have: fewer, and it is matched poorly or never.
    static let minimumExamples = 12

    /// The request fields the callback steps may name as `{request.KEY}`.
    static let requestKeys: Set<String> = ["name", "phone", "backup_phone", "time", "voicemail", "reference"]
    /// Ids the engine uses for its own replies; the knowledge can't define intents with them.
    static let reservedIDs: Set<IntentID> = [
        .fallback, .crisis, .crisisCheck, .welcome, .clarify, .callback, .callForSomeoneElse, .callForMe, .instructions,
        .staffPerson,
    ]

    init(directory: URL) {
        self.directory = directory
    }

    mutating func load() throws(KnowledgeError) -> Knowledge {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw KnowledgeError(diagnostics: [
                KnowledgeDiagnostic(
                    .error, file: directory.path,
                    "There is no folder here. Point --knowledge (or $OPENDOOR_KNOWLEDGE) at the knowledge folder, the one that holds center.yaml."
                )
            ])
        }
        guard FileManager.default.fileExists(atPath: directory.appendingPathComponent("center.yaml").path) else {
            throw KnowledgeError(diagnostics: [
                KnowledgeDiagnostic(
                    .error, file: directory.path,
                    "This is not a knowledge folder: it has no center.yaml. Point --knowledge at the folder that holds center.yaml, vocabulary.yaml, dialogue.yaml and intents/."
                )
            ])
        }
        // The center's facts first: every answer is rendered with them.
        let centerURL = directory.appendingPathComponent("center.yaml")
        let center = loadCenter(
            YAMLFile(name: relative(centerURL), contents: FileManager.default.contents(atPath: centerURL.path)))
        let centerFailed = diagnostics.contains { $0.severity == .error }
        // Then every other file at once, each walked by its own loader; their diagnostics are joined in
        // file order, so they read the same as a sequential load's.
        let urls =
            [directory.appendingPathComponent("vocabulary.yaml")] + intentFiles()
            + [directory.appendingPathComponent("dialogue.yaml")]
        let directory = self.directory
        let parts = YAMLFile.readAll(urls.map { ($0, relative($0)) }) { position, file -> FilePart in
            var loader = KnowledgeLoader(directory: directory)
            loader.centerFailed = centerFailed
            if position == 0 { return .vocabulary(loader.loadVocabulary(file), loader.diagnostics) }
            if position == urls.count - 1 { return .dialogue(file) }
            return .intents(loader.loadIntents(file, center: center), loader.diagnostics, complete: file.node != nil)
        }
        var vocabulary = Vocabulary()
        var intents: [Intent] = []
        var dialogueFile: YAMLFile?
        var intentsIncomplete = false
        for part in parts {
            switch part {
            case .vocabulary(let value, let found):
                vocabulary = value
                diagnostics += found
            case .intents(let value, let found, let complete):
                intents += value
                diagnostics += found
                intentsIncomplete = intentsIncomplete || !complete
            case .dialogue(let file):
                dialogueFile = file
            }
        }
        // Checking the intents (with reading the saved weights) and walking dialogue.yaml don't depend on each
        // other either, and take about as long: the walk is the longer (its texts' checks), the check is mostly
        // normalizing every example for the duplicate check. Normalizing before, on both cores, left one core idle
        // through the weights and most of the walk.
        let (allIntents, parsedDialogue, incomplete) = (intents, dialogueFile, intentsIncomplete)
        let ((checked, words, storedWeights, weightsDiagnostics, commonWords), (dialogue, dialogueDiagnostics)) = concurrently {
            var loader = KnowledgeLoader(directory: directory)
            loader.intentsIncomplete = incomplete
            // Read into words once, here, for the duplicate check and then the matcher's index.
            let words = allIntents.map { $0.examples.map(TextWords.init) }
            loader.checkIntents(allIntents, exampleWords: words)
            let checked = loader.diagnostics
            loader.diagnostics = []
            let weights = loader.loadStoredWeights()
            return (checked, words, weights, loader.diagnostics, loader.loadCommonWords())
        } and: {
            var loader = KnowledgeLoader(directory: directory)
            loader.centerFailed = centerFailed
            loader.intentsIncomplete = incomplete
            let dialogue = parsedDialogue.flatMap { loader.loadDialogue($0, center: center, intents: allIntents) }
            return (dialogue, loader.diagnostics)
        }
        diagnostics += checked + dialogueDiagnostics + weightsDiagnostics

        if diagnostics.contains(where: { $0.severity == .error }) {
            throw KnowledgeError(diagnostics: diagnostics)
        }
        var knowledge = Knowledge(
            center: center, intents: intents, vocabulary: vocabulary,
            dialogue: dialogue ?? DialogueText(heading: "", welcomeOptions: [], messages: [:]),
            warnings: diagnostics
        )
        knowledge.storedWeights = storedWeights
        knowledge.commonWords = commonWords
        knowledge.exampleWords = zip(intents, words).map { ExampleWords(examples: $0.examples, words: $1) }
        return knowledge
    }

    /// The name of the file of common English words the typo corrector leaves alone.
    static let commonWordsFileName = "common-words.txt"

    /// The common words of `common-words.txt`, one a line (`#` starts a comment line), lowercased; none when the
    /// folder has no such file (every unknown word is then a typo to try).
    private func loadCommonWords() -> Set<String> {
        let url = directory.appendingPathComponent(Self.commonWordsFileName)
        guard let data = FileManager.default.contents(atPath: url.path) else { return [] }
        if let words = Self.asciiCommonWords(data) { return words }
        var words = Set<String>()
        for line in String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline) {
            let word = line.trimmingCharacters(in: .whitespaces)
            if !word.isEmpty && !word.hasPrefix("#") { words.insert(word.lowercased()) }
        }
        return words
    }

    /// `loadCommonWords` on a file of ASCII text, read by its bytes: the same words without a grapheme break,
    /// a Foundation trim and a lowercasing per line (12 ms of a 36 ms load, for 10,800 words); nil for other text.
    /// In ASCII the newlines are bytes 10–13 (CR LF is one, and empty lines are skipped either way) and the spaces
    /// trimmed are space and tab.
    static func asciiCommonWords(_ data: Data) -> Set<String>? {
        // Through the raw bytes: Data's own `allSatisfy`, `split` and `map`, one call per byte through its
        // representations, took most of this function's time.
        data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> Set<String>? in
            guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
            var words = Set<String>(minimumCapacity: bytes.count / 8)
            var word: [UInt8] = []
            var start = 0
            while start < bytes.count {
                var end = start
                while end < bytes.count, !(10...13).contains(bytes[end]) { end += 1 }
                var first = start
                var last = end
                while first < last, bytes[first] == 32 || bytes[first] == 9 { first += 1 }
                while last > first, bytes[last - 1] == 32 || bytes[last - 1] == 9 { last -= 1 }
                if first < last, bytes[first] != 35 {  // not empty, not a `#` comment
                    word.removeAll(keepingCapacity: true)
                    for byte in bytes[first..<last] { word.append((65...90).contains(byte) ? byte + 32 : byte) }
                    words.insert(String(decoding: word, as: UTF8.self))
                }
                start = end + 1
            }
            return words
        }
    }

    /// The matcher's saved weights, when the folder has them. A file that can't be read is a warning, never an
    /// error: the weights are derived data, trained at load when missing (see `StoredIntentWeights`).
    private mutating func loadStoredWeights() -> StoredIntentWeights? {
        let url = directory.appendingPathComponent(StoredIntentWeights.fileName)
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        switch StoredIntentWeights.parse(String(decoding: data, as: UTF8.self)) {
        case .success(let weights):
            return weights
        case .failure(let problem):
            diagnostics.append(
                KnowledgeDiagnostic(
                    .warning, file: relative(url), line: problem.line,
                    "The matcher's saved weights can't be read (\(problem.message)), so they are trained at every load. Run Scripts/train-matcher-weights to write them again."
                ))
            return nil
        }
    }

    /// What walking one file gave.
    private enum FilePart: Sendable {
        case vocabulary(Vocabulary, [KnowledgeDiagnostic])
        case intents([Intent], [KnowledgeDiagnostic], complete: Bool)
        /// dialogue.yaml, parsed; it is walked once the intents are known.
        case dialogue(YAMLFile)
    }

    // MARK: - Files

    /// A file's path as diagnostics show it: relative to the current folder when it is inside it
    /// (`Knowledge/intents/faq.yaml`), else in full (`/srv/center/intents/faq.yaml`), so that an
    /// editor can open it whatever folder `--knowledge` named.
    private func relative(_ url: URL) -> String { Self.displayPath(url) }

    /// A path as diagnostics show it (see `relative`); the safety rules name their file the same way.
    static func displayPath(_ url: URL) -> String {
        let path = url.standardizedFileURL.path
        let current = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).standardizedFileURL.path
        let base = current.hasSuffix("/") ? current : current + "/"
        return path.hasPrefix(base) ? String(path.dropFirst(base.count)) : path
    }

    private func intentFiles() -> [URL] {
        let folder = directory.appendingPathComponent("intents", isDirectory: true)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted().map {
            folder.appendingPathComponent($0)
        }
    }

    /// The tree of a parsed file; when there is none, its problems go to the diagnostics.
    private mutating func take(_ file: YAMLFile) -> (YAMLReader, YAMLNode)? {
        guard let node = file.node else {
            diagnostics += file.reader.diagnostics
            return nil
        }
        return (file.reader, node)
    }

    // MARK: - center.yaml

    private mutating func loadCenter(_ file: YAMLFile) -> CenterFacts {
        guard case (var reader, let node)? = take(file) else {
            return CenterFacts(values: [:])
        }
        defer { diagnostics += reader.diagnostics }
        guard let mapping = node.mapping else {
            reader.error(node, "center.yaml must be `key: value` lines, e.g. `phone: (470) 284-1834`.")
            return CenterFacts(values: [:])
        }
        var values: [String: String] = [:]
        var written: Set<String> = []
        for (key, value) in mapping {
            guard let name = key.string, !name.isEmpty else {
                reader.error(key, "A key in center.yaml is not a plain word.")
                continue
            }
            written.insert(name)
            if let text = reader.text(value, key: name, in: key, required: true) {
                values[name] = text
                if let problem = CenterFacts.problem(key: name, value: text) { reader.error(value, problem) }
            }
        }
        // A key written but empty or not text has had its error above: "has no" would contradict it.
        for key in CenterFacts.requiredKeys where values[key] == nil && !written.contains(key) {
            reader.error(node, "center.yaml has no `\(key)`. Add `\(key): …`; replies name it.")
        }
        return CenterFacts(values: values)
    }

    // MARK: - vocabulary.yaml

    private mutating func loadVocabulary(_ file: YAMLFile) -> Vocabulary {
        guard case (var reader, let node)? = take(file) else {
            return Vocabulary()
        }
        defer { diagnostics += reader.diagnostics }
        guard let fields = reader.mapping(node, allowedKeys: ["synonyms", "filler", "expansions", "polar_openings"], what: "vocabulary.yaml")
        else { return Vocabulary() }

        var groups: [[String]] = []
        var seen: [String: Int?] = [:]
        if let list = fields["synonyms"] {
            if let sequence = list.sequence {
                for group in sequence {
                    let words = reader.textList(group, key: "a synonym group", in: list, required: true)
                    if words.count < 2 {
                        reader.error(group, "A synonym group needs at least two words or phrases.")
                    }
                    var normalized: [String] = []
                    for word in words {
                        let form = TextNormalizer.normalize(word.text)
                        if let earlier = seen[form] {
                            let place = earlier.map { " (line \($0))" } ?? ""
                            reader.error(line: word.line, "`\(word.text)` is already in another synonym group\(place). A word can mean only one thing; remove one of them.")
                        }
                        seen[form] = word.line
                        normalized.append(form)
                    }
                    groups.append(normalized)
                }
            } else {
                reader.error(list, "`synonyms` must be a list of groups, e.g. `- [ghosted, dropped out]`.")
            }
        }
        let filler = reader.textList(fields["filler"], key: "filler", in: node, required: false).map {
            TextNormalizer.normalize($0.text)
        }
        var expansions: [String: String] = [:]
        if let node = fields["expansions"] {
            if let mapping = node.mapping {
                for (key, value) in mapping {
                    guard let short = key.string,
                        let long = reader.text(value, key: key.string ?? "?", in: key, required: true)
                    else { continue }
                    expansions[TextNormalizer.normalize(short)] = TextNormalizer.normalize(long)
                }
            } else {
                reader.error(node, "`expansions` must be `short: long` lines, e.g. `dont: do not`.")
            }
        }
        return Vocabulary(
            synonyms: groups, filler: filler, expansions: expansions,
            polarOpening: loadPolarOpening(fields["polar_openings"], reader: &reader, in: node))
    }

    /// `polar_openings`: the bare yes/no openings of the center's answers and the words that turn a question round.
    private func loadPolarOpening(_ node: YAMLNode?, reader: inout YAMLReader, in parent: YAMLNode) -> PolarOpening {
        guard let node else { return PolarOpening() }
        let keys = [
            "bare", "too", "inverting", "turning", "condition", "unspoken", "turned_starts", "empty_alternatives",
            "open_starts", "count_words", "question_starts", "question_only", "strange",
        ]
        guard let fields = reader.mapping(node, allowedKeys: Set(keys), what: "`polar_openings`") else {
            return PolarOpening()
        }
        func words(_ key: String) -> Set<String> {
            Set(reader.textList(fields[key], key: key, in: node, required: false).map { TextNormalizer.normalize($0.text) })
        }
        let bare = reader.textList(fields["bare"], key: "bare", in: node, required: false).map(\.text)
        return PolarOpening(
            bareWords: bare, tooWords: words("too"), invertingWords: words("inverting"), turningWords: words("turning"),
            conditionWords: words("condition"), turnedStarts: words("turned_starts"),
            emptyAlternatives: words("empty_alternatives"), openStarts: words("open_starts"),
            unspoken: reader.textList(fields["unspoken"], key: "unspoken", in: node, required: false).map {
                TextNormalizer.words(TextNormalizer.normalize($0.text))
            },
            countWords: words("count_words"), questionStarts: words("question_starts"),
            questionOnly: reader.textList(fields["question_only"], key: "question_only", in: node, required: false)
                .map(\.text),
            strangeWords: words("strange"))
    }

    // MARK: - intents/*.yaml

    private mutating func loadIntents(_ file: YAMLFile, center: CenterFacts) -> [Intent] {
        guard case (var reader, let node)? = take(file) else { return [] }
        defer { diagnostics += reader.diagnostics }
        guard let fields = reader.mapping(node, allowedKeys: ["intents"], what: "an intents file"),
            let list = fields["intents"]
        else {
            if node.mapping != nil { reader.error(node, "The file has no `intents:` list.") }
            return []
        }
        guard let sequence = list.sequence else {
            reader.error(list, "`intents` must be a list of intents, each starting with `- id:`.")
            return []
        }
        let allowed: Set<String> = ["id", "heading", "label", "answer", "action", "examples", "follow_ups", "note"]
        var intents: [Intent] = []
        for entry in sequence {
            guard let intentFields = reader.mapping(entry, allowedKeys: allowed, what: "an intent") else { continue }
            guard let rawID = reader.text(intentFields["id"], key: "id", in: entry, required: true) else { continue }
            let id = IntentID(rawValue: rawID)
            if !rawID.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }) {
                reader.error(intentFields["id"], "The id `\(rawID)` may use only a–z, 0–9 and `_`.")
            }
            if Self.reservedIDs.contains(id) {
                reader.error(intentFields["id"], "`\(rawID)` is reserved for OpenDoor's own replies. Choose another id.")
            }
            let heading = reader.text(intentFields["heading"], key: "heading", in: entry, required: true) ?? ""
            let label = reader.text(intentFields["label"], key: "label", in: entry, required: false)
            let rawAnswer = reader.text(intentFields["answer"], key: "answer", in: entry, required: true) ?? ""
            var action = IntentAction.answer
            if let rawAction = reader.text(intentFields["action"], key: "action", in: entry, required: false) {
                if let known = IntentAction(rawValue: rawAction) {
                    action = known
                } else {
                    let names = IntentAction.allCases.map(\.rawValue).joined(separator: ", ")
                    reader.error(intentFields["action"], "Unknown action `\(rawAction)`. Use one of: \(names).")
                }
            }
            checkUnknownPlaceholders(rawAnswer, node: intentFields["answer"], reader: &reader) { $0.hasPrefix("center.") }
            let answer = renderChecked(rawAnswer, node: intentFields["answer"], center: center, reader: &reader)
            let examples = reader.textList(intentFields["examples"], key: "examples", in: entry, required: true)
            if intentFields["examples"] != nil, examples.count < Self.minimumExamples {
                // The same rule as `opendoor lint`: what lint rejects never loads.
                reader.error(
                    intentFields["id"],
                    "`\(rawID)` has \(examples.count) examples; write at least \(Self.minimumExamples), the way visitors really type. Without them it is matched poorly or never.")
            }
            let followUps = reader.textList(intentFields["follow_ups"], key: "follow_ups", in: entry, required: false)
            let note = reader.text(intentFields["note"], key: "note", in: entry, required: false).map { rawNote in
                checkUnknownPlaceholders(rawNote, node: intentFields["note"], reader: &reader) { $0.hasPrefix("center.") }
                return renderChecked(rawNote, node: intentFields["note"], center: center, reader: &reader)
            }
            intents.append(
                Intent(
                    id: id, heading: heading, label: label, answer: answer, action: action,
                    examples: examples.map(\.text),
                    exampleLocations: examples.map { SourceLocation(file: reader.file, line: $0.line) },
                    followUps: followUps.map { IntentID(rawValue: $0.text) },
                    location: SourceLocation(file: reader.file, line: entry.line), note: note
                ))
        }
        return intents
    }

    /// Fills center facts into a text; an undefined fact is an error at the text's line.
    func renderChecked(_ template: String, node: YAMLNode?, center: CenterFacts, reader: inout YAMLReader) -> String {
        switch center.render(template) {
        case .success(let text):
            return text
        case .failure where centerFailed:
            return template
        case .failure(let undefined):
            for key in undefined.keys {
                reader.error(
                    line: Self.line(of: "{center.\(key)}", in: node),
                    "`{center.\(key)}` is not defined in center.yaml. Add `\(key): …` there or fix the name.")
            }
            return template
        }
    }

    /// The line of a piece of text inside a scalar: block scalars (`|`, `>`) start on the line after their mark.
    static func line(of needle: String, in node: (some YAMLTreeNode)?) -> Int? {
        guard let node, let text = node.scalarText, let line = node.lineNumber else { return node?.lineNumber }
        guard node.isBlockScalar,
            let index = text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex(where: {
                $0.contains(needle)
            })
        else { return line }
        return line + 1 + index
    }

    /// Checks across files: duplicate ids, the same example under two intents (the same words once normalized),
    /// unknown follow-ups. `words` holds each intent's examples read into words.
    private mutating func checkIntents(_ intents: [Intent], exampleWords words: [[TextWords]]) {
        var ids: [IntentID: SourceLocation] = [:]
        for intent in intents {
            if let first = ids[intent.id] {
                diagnostics.append(
                    KnowledgeDiagnostic(
                        .error, file: intent.location.file, line: intent.location.line,
                        "The id `\(intent.id)` is used twice (first at \(first)). Every intent needs its own id."))
            } else {
                ids[intent.id] = intent.location
            }
        }
        var examples: [TextWords: (intent: Int, example: Int)] = [:]
        examples.reserveCapacity(words.reduce(0) { $0 + $1.count })
        for (position, intent) in intents.enumerated() {
            for (number, (example, location)) in zip(intent.examples, intent.exampleLocations).enumerated() {
                let key = words[position][number]
                if let earlier = examples[key] {
                    let owner = intents[earlier.intent].id
                    let first = intents[earlier.intent].exampleLocations[earlier.example]
                    let sameIntent = owner == intent.id
                    diagnostics.append(
                        KnowledgeDiagnostic(
                            sameIntent ? .warning : .error, file: location.file, line: location.line,
                            sameIntent
                                ? "The example “\(example)” is written twice in `\(intent.id)` (first at \(first)). Remove one."
                                : "The example “\(example)” is under both `\(owner)` (\(first)) and `\(intent.id)`. An example can teach only one intent; keep it where it belongs."
                        ))
                } else {
                    examples[key] = (position, number)
                }
            }
            for followUp in intent.followUps where ids[followUp] == nil && !intentsIncomplete {
                diagnostics.append(
                    KnowledgeDiagnostic(
                        .error, file: intent.location.file, line: intent.location.line,
                        "`follow_ups` names `\(followUp)`, which is not an intent. Fix the id or remove it."))
            }
        }
    }

    // MARK: - dialogue.yaml

    private mutating func loadDialogue(_ file: YAMLFile, center: CenterFacts, intents: [Intent]) -> DialogueText? {
        guard case (var reader, let node)? = take(file) else { return nil }
        defer { diagnostics += reader.diagnostics }
        guard
            let fields = reader.mapping(
                node, allowedKeys: [
                    "heading", "welcome_options", "messages", "step_options", "words", "safety_follow_ups",
                    "no_callback_answers",
                ],
                what: "dialogue.yaml")
        else { return nil }
        let heading = reader.text(fields["heading"], key: "heading", in: node, required: true) ?? ""
        let known = Set(intents.map(\.id))
        var options: [IntentID] = []
        for option in reader.textList(fields["welcome_options"], key: "welcome_options", in: node, required: false) {
            let id = IntentID(rawValue: option.text)
            if !known.contains(id) && !intentsIncomplete {
                reader.error(line: option.line, "`welcome_options` names `\(option.text)`, which is not an intent.")
            }
            options.append(id)
        }
        var messages: [DialogueKey: String] = [:]
        guard let messagesNode = fields["messages"] else {
            reader.error(node, "dialogue.yaml has no `messages:`.")
            return nil
        }
        guard
            let entries = reader.mapping(
                messagesNode, allowedKeys: Set(DialogueKey.allCases.map(\.rawValue)), what: "`messages`")
        else { return nil }
        for key in DialogueKey.allCases {
            guard let text = reader.text(entries[key.rawValue], key: key.rawValue, in: messagesNode, required: true)
            else { continue }
            checkUnknownPlaceholders(text, node: entries[key.rawValue], reader: &reader) { name in
                name.hasPrefix("center.") || name.hasPrefix("request.") || name == "limit"
                    || (name == "choices" && key == .pickOption)
            }
            checkRequestPlaceholders(text, node: entries[key.rawValue], reader: &reader)
            checkLimitPlaceholder(text, key: key, node: entries[key.rawValue], reader: &reader)
            messages[key] = renderChecked(text, node: entries[key.rawValue], center: center, reader: &reader)
        }
        var stepOptions: [ConversationState: [String]] = [:]
        if let stepsNode = fields["step_options"], let mapping = stepsNode.mapping {
            for (key, value) in mapping {
                guard let name = key.string, let state = ConversationState(rawValue: name), state.isCollectingCallback
                else {
                    reader.error(key, "`\(key.string ?? "?")` is not a callback step. Use callback_consent, callback_name, callback_time, callback_voicemail or callback_confirm.")
                    continue
                }
                stepOptions[state] = reader.textList(value, key: name, in: key, required: true).map(\.text)
            }
        }
        var words: [AnswerWord: [String]] = [:]
        if let wordsNode = fields["words"] {
            let allowed = Set(AnswerWord.allCases.map(\.rawValue))
            if let entries = reader.mapping(wordsNode, allowedKeys: allowed, what: "`words`") {
                for kind in AnswerWord.allCases {
                    words[kind] = reader.textList(
                        entries[kind.rawValue], key: kind.rawValue, in: wordsNode, required: kind.isRequired)
                        .map { kind == .ackMarks || kind == .yesMarks ? DialogueText.plainMark($0.text) : TextNormalizer.normalize($0.text) }
                }
            }
        } else {
            reader.error(node, "dialogue.yaml has no `words:` (yes, no, skip, cancel).")
        }
        let followUps = safetyFollowUps(fields["safety_follow_ups"], center: center, reader: &reader)
        var noCallbackAnswers: [IntentID: String] = [:]
        if let answersNode = fields["no_callback_answers"], let mapping = answersNode.mapping {
            for (key, value) in mapping {
                let id = IntentID(rawValue: key.string ?? "")
                if !known.contains(id) && !intentsIncomplete {
                    reader.error(key, "`no_callback_answers` names `\(key.string ?? "?")`, which is not an intent.")
                    continue
                }
                guard let text = reader.text(value, key: id.rawValue, in: answersNode, required: true) else { continue }
                checkUnknownPlaceholders(text, node: value, reader: &reader) { $0.hasPrefix("center.") }
                noCallbackAnswers[id] = renderChecked(text, node: value, center: center, reader: &reader)
            }
        }
        return DialogueText(
            heading: heading, welcomeOptions: options, messages: messages, stepOptions: stepOptions, words: words,
            followUps: followUps, noCallbackAnswers: noCallbackAnswers)
    }

    /// `{limit}` (the server's line limit) is filled in `line_too_long` only, which should name it.
    private func checkLimitPlaceholder(_ text: String, key: DialogueKey, node: YAMLNode?, reader: inout YAMLReader) {
        let named = text.contains("{limit}")
        if key == .lineTooLong && !named {
            reader.warning(node, "`line_too_long` doesn’t say the limit: add `{limit}` (the limit in bytes).")
        } else if key != .lineTooLong && named {
            reader.error(node, "`{limit}` is filled only in `line_too_long`; here it would be shown as written.")
        }
    }

    /// A `{…}` OpenDoor doesn't fill would reach visitors as written: an error at its line.
    /// (`{center.KEY}`, `{request.KEY}` and `{limit}` that are let through here have their own checks.)
    func checkUnknownPlaceholders(
        _ text: String, node: YAMLNode?, reader: inout YAMLReader, filled: (String) -> Bool
    ) {
        for name in Placeholders.names(in: text) where !filled(name) {
            reader.error(
                line: Self.line(of: "{\(name)}", in: node),
                "`{\(name)}` is not a placeholder OpenDoor fills, so visitors would see it as written. Fix the name (e.g. `{center.phone}`) or remove the braces.")
        }
    }

    private func checkRequestPlaceholders(_ text: String, node: YAMLNode?, reader: inout YAMLReader) {
        guard text.utf8.contains(UInt8(ascii: "{")) else { return }
        var rest = Substring(text)
        while let open = rest.range(of: "{request.") {
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else { break }
            let key = String(rest[open.upperBound..<close])
            if !Self.requestKeys.contains(key) {
                let names = Self.requestKeys.sorted().joined(separator: ", ")
                reader.error(node, "`{request.\(key)}` is not a field of a callback request. Use one of: \(names).")
            }
            rest = rest[close...]
        }
    }
}
