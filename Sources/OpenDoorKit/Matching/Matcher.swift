import Dispatch
import Synchronization

/// Finds the intent a message means, or decides honestly that nothing fits.
///
/// An intent's similarity combines the closest single example (a nearest neighbour, which catches
/// paraphrases) and the intent's centroid (which catches its topic words), both cosine similarities of
/// TF-IDF vectors over stems, synonym groups and word pairs; its confidence blends that with a learned
/// probability (``IntentLogits``) that tells neighbouring intents apart. Only the index entries of the message's own terms are visited, and
/// of those only the examples of intents that can still reach the top (see `rank(_:limit:pruning:)`).
public struct Matcher: Sendable {
    /// The knowledge the matcher answers from.
    public let knowledge: Knowledge
    /// Thresholds and weights.
    public let configuration: MatcherConfiguration
    private let analyzer: Analyzer
    /// Each intent's training texts as analyzer tokens, kept so leave-one-out can rebuild only the index.
    private let tokenLists: [[[Int32]]]
    let index: MatchIndex
    let intentIDs: [IntentID]
    private let isFallbackTopic: [Bool]
    let scratch: ScratchPool

    /// Builds the matcher's index from the knowledge.
    ///
    /// Work that doesn't depend on other work runs on every core: stemming each word, the typo corrector
    /// next to the lexicon, and reading each intent's texts as tokens.
    public init(knowledge: Knowledge, configuration: MatcherConfiguration = MatcherConfiguration()) {
        // The texts are read into words on every core, then the words numbered in order of first appearance,
        // as reading them one after the other would.
        let read = Self.trainingWords(of: knowledge)
        var table = WordTable(capacity: 4096)
        let corpus = read.map { texts in
            texts.map { text in
                var words: [Int32] = []
                words.reserveCapacity(text.ends.count)
                text.forEach { words.append(table.add($0)) }
                return words
            }
        }
        table.add(knowledge.vocabulary)
        let words = table
        let stems = words.words.concurrentMap(PorterStemmer.stem)
        // The examples' tokens are read on every core (work nested inside `concurrently` would run on one); then
        // the index, which is built on one core, is built beside the typo corrector, which needs only the words.
        // (Building the corrector beside the lexicon instead left one core idle through the index.)
        let lexicon = Lexicon(vocabulary: knowledge.vocabulary, table: words, stems: stems)
        let tokenLists = corpus.concurrentMap { texts in texts.map(lexicon.tokens(ofWords:)) }
        let (corrector, index) = concurrently {
            SpellingCorrector(words: words.words, counts: words.counts)
        } and: {
            Self.index(
                tokenLists, lexicon: lexicon, configuration: configuration, storedWeights: knowledge.storedWeights)
        }
        self.init(
            knowledge: knowledge, configuration: configuration,
            analyzer: Analyzer(lexicon: lexicon, corrector: corrector, commonWords: knowledge.commonWords),
            tokenLists: tokenLists, index: index)
    }

    private init(
        knowledge: Knowledge, configuration: MatcherConfiguration, analyzer: Analyzer, tokenLists: [[[Int32]]],
        index: MatchIndex
    ) {
        self.knowledge = knowledge
        self.configuration = configuration
        self.analyzer = analyzer
        self.tokenLists = tokenLists
        self.index = index
        intentIDs = knowledge.intents.map(\.id)
        isFallbackTopic = knowledge.intents.map { $0.action == .fallback }
        scratch = ScratchPool(
            largestIntent: tokenLists.map(\.count).max() ?? 0, intents: index.intentCount)
    }

    private static func index(
        _ tokenLists: [[[Int32]]], lexicon: Lexicon, configuration: MatcherConfiguration,
        storedWeights: StoredIntentWeights? = nil
    ) -> MatchIndex {
        MatchIndex(
            intentExamples: tokenLists, tokenNames: lexicon.tokenNames, bigramWeight: Float(configuration.bigramWeight),
            unknownWeight: Float(configuration.unknownWeight), training: configuration.training,
            storedWeights: storedWeights)
    }

    /// The same matcher without one example (for leave-one-out), reusing the analyzer and token lists:
    /// only the index is rebuilt. Its weights are trained in one shuffled order, not averaged over
    /// ``IntentLogits/Training/orders``: a leave-one-out trains once per example, and eight orders each would
    /// make `opendoor lint` eight times slower for a check that looks for examples far from their intent.
    func leavingOut(intent position: Int, example: Int) -> Matcher {
        var reduced = knowledge
        reduced.intents[position].examples.remove(at: example)
        reduced.intents[position].exampleLocations.remove(at: example)
        var lists = tokenLists
        lists[position].remove(at: example)
        var single = configuration
        single.training.orders = 1
        return Matcher(
            knowledge: reduced, configuration: configuration, analyzer: analyzer, tokenLists: lists,
            index: Self.index(lists, lexicon: analyzer.lexicon, configuration: single))
    }

    /// Every example matched by a matcher built without it, in knowledge order: on every core, or, in a server
    /// (`onEveryCore: false`), on the calling thread alone. Dispatch's shared threads also run Swift's async
    /// tasks, so spreading this work there stalls a server's saves and web pages until it ends. On the calling
    /// thread, the work stops at the first example after `shouldStop` says true (the results so far are returned).
    func leaveOneOut(
        onEveryCore: Bool = true, shouldStop: @Sendable () -> Bool = { false }
    ) -> [(intent: Int, example: Int, result: MatchResult)] {
        let cases = knowledge.intents.indices.flatMap { intent in
            knowledge.intents[intent].examples.indices.map { (intent, $0) }
        }
        let resultOf: @Sendable (Int) -> MatchResult = { number in
            let (intent, example) = cases[number]
            return leavingOut(intent: intent, example: example).match(knowledge.intents[intent].examples[example])
        }
        guard onEveryCore else {
            var results: [(intent: Int, example: Int, result: MatchResult)] = []
            for number in cases.indices {
                if shouldStop() { break }
                results.append((cases[number].0, cases[number].1, resultOf(number)))
            }
            return results
        }
        let results = Mutex<[Int: MatchResult]>([:])
        DispatchQueue.concurrentPerform(iterations: cases.count) { number in
            let result = resultOf(number)
            results.withLock { $0[number] = result }
        }
        let all = results.withLock { $0 }
        return cases.enumerated().map { ($0.element.0, $0.element.1, all[$0.offset]!) }
    }

    /// The texts each intent is matched against: its examples, plus its label and heading when they are its own.
    /// The words of each intent's ``trainingTexts(of:)``, read on every core. The examples' words come from the
    /// loader, which read them for its duplicate check (``Knowledge/exampleWords``), unless the examples changed
    /// since: reading them once instead of twice is about a sixth of a knowledge load's work.
    static func trainingWords(of knowledge: Knowledge) -> [[TextWords]] {
        let texts = trainingTexts(of: knowledge)
        let read = knowledge.exampleWords.flatMap { $0.count == knowledge.intents.count ? $0 : nil }
        return Array(texts.indices).concurrentMap { (position: Int) -> [TextWords] in
            let examples = knowledge.intents[position].examples
            guard let read, read[position].examples == examples else { return texts[position].map(TextWords.init) }
            return read[position].words + texts[position][examples.count...].map(TextWords.init)
        }
    }

    static func trainingTexts(of knowledge: Knowledge) -> [[String]] {
        var idsByHeading: [String: Set<IntentID>] = [:]
        for intent in knowledge.intents { idsByHeading[intent.heading, default: []].insert(intent.id) }
        return knowledge.intents.map { intent in
            var texts = intent.examples
            let sharedHeading = (idsByHeading[intent.heading]?.count ?? 0) > 1
            if !sharedHeading && intent.action != .fallback { texts.append(intent.heading) }
            if intent.label != intent.heading { texts.append(intent.label) }
            return texts
        }
    }

    /// How a message is read (normalized, corrected, stemmed), without scoring it.
    ///
    /// A long message is read as its parts (``MessageParts``): the clauses that ask count fully, the story
    /// around them ``MatcherConfiguration/storyWeight``.
    public func analyze(_ message: String) -> Analysis {
        let message = TextNormalizer.folded(message)
        return parts(of: message).map(analyze) ?? analyzer.analyze(message, correcting: configuration.correctsTypos)
    }

    private func analyze(_ parts: MessageParts) -> Analysis {
        analyzer.analyze(
            parts, text: "", correcting: configuration.correctsTypos, storyWeight: Float(configuration.storyWeight),
            storyShare: Float(configuration.storyShare))
    }

    /// The parts of a message long enough to hold a story and a question, when it has both.
    func parts(of message: String) -> MessageParts? {
        let parts = splitParts(of: message)
        return parts?.hasFocus == true ? parts : nil
    }

    /// The parts of a message long enough to hold a story or a second question.
    private func splitParts(of message: String) -> MessageParts? {
        // Most messages are one short question: not worth walking their characters.
        guard message.utf8.count >= configuration.storyLength else { return nil }
        return MessageParts(message)
    }

    /// Ranks the intents for a message and decides what to do.
    ///
    /// When a long message asks two questions the knowledge answers differently, the answer is the
    /// whole message's and the other question's intent is kept as ``MatchResult/alsoAsked``; when one of
    /// them is a topic the knowledge doesn't answer (insurance, cost), it is kept as
    /// ``MatchResult/alsoUnknown``, so the reply can answer one and say honestly it doesn't know the other.
    public func match(_ message: String, limit: Int = 3) -> MatchResult {
        // Full-width letters and invisible characters inside words read as plain text (TextNormalizer.folded).
        let message = TextNormalizer.folded(message)
        let parts = splitParts(of: message)
        let focused = parts?.hasFocus == true ? parts : nil
        let analysis = focused.map(analyze) ?? analyzer.analyze(message, correcting: configuration.correctsTypos)
        let candidates = rank(analysis, limit: max(limit, 2))
        var result = MatchResult(
            analysis: analysis, candidates: Array(candidates.prefix(limit)),
            decision: decide(candidates, analysis: analysis))
        // The focus read alone, once: it may also be the asking part the question check reads.
        var focusReading: (text: String, reading: Reading)?
        if let focused, case .answer = result.decision {
            let reading = read(focused.focusText)
            focusReading = (focused.focusText, reading)
            readFocus(reading, into: &result)
        }
        if let parts, configuration.questionDecides, analysis.words.count >= configuration.questionCheckWords {
            checkQuestions(of: parts, into: &result, known: focusReading)
        }
        if let questions = parts?.questions, questions.count > 1 {
            combine(questions, into: &result)
        } else if let parts, case .fallback(let topic?) = result.decision {
            answerStoryBesideTopic(topic, statements: parts.statements, into: &result)
        }
        letQuestionDecide(over: parts, of: message, into: &result)
        result.folded = message
        return result
    }

    /// The intents that are an aside beside a real question: a greeting ("yo", "hi"), and a question about the
    /// assistant itself ("r u a real person?").
    static let asides: Set<IntentID> = ["greeting", "bot_identity"]

    /// A greeting or a question about the assistant beside a real question doesn't decide the message: the
    /// question does (issue 11, "the question decides"). When the whole message goes to an aside, and one of its
    /// asking parts, read alone, goes clearly to the intent the whole message ranked second, that intent decides:
    /// "yo can i just like show back up monday or do i gotta call first" is about coming back, "r u a real
    /// person? what are your hours" gets the honest line about hours. Beside a question about the assistant, only
    /// a topic the knowledge doesn't answer takes over: "are you a real counselor? idk if i should go back" is
    /// answered by what the assistant is, which already says where a person is.
    /// A short message is split here too (`parts` is nil below ``MatcherConfiguration/storyLength``): an aside and
    /// a question fit in a few words.
    private func letQuestionDecide(over parts: MessageParts?, of message: String, into result: inout MatchResult) {
        guard case .answer(let main) = result.decision, Self.asides.contains(main), result.candidates.count > 1
        else { return }
        let second = result.candidates[1].intent
        guard !Self.asides.contains(second) else { return }
        for tail in (parts ?? MessageParts(message)).askingTails(last: Self.mostAskingClausesRead) {
            let reading = read(tail)
            guard let first = reading.candidates.first, first.intent == second else { continue }
            switch reading.decision {
            case .answer(second) where main == "greeting" && knowledge.intent(second)?.action == .answer:
                result.decision = .answer(second)
            case .fallback(second?)
            where isFallback(second) && first.confidence >= configuration.alsoUnknownConfidence:
                result.decision = .fallback(topic: second)
            default:
                continue
            }
            result.candidates.swapAt(0, 1)
            if result.alsoAsked == second { result.alsoAsked = nil }
            if result.alsoUnknown == second { result.alsoUnknown = nil }
            return
        }
    }

    /// The most asking clauses of one message ``checkQuestions(of:into:)`` reads on their own (the last ones).
    static let mostAskingClausesRead = 3
    /// The most words those clauses may have together to be read on their own.
    static let mostQuestionWords = 60

    /// Reads what a long message asks, without the story around it (``MessageParts/askingTails``): when none of
    /// it supports an answer — it is a topic the knowledge doesn't answer ("… does the program take tricare"), or
    /// asks something the knowledge knows nothing of ("… what should i make for dinner") — the answer came from the
    /// story's words alone, and the reply is the honest fallback instead (naming the topic when there is one).
    /// `known` is a text already read this way (the focus), not read again.
    private func checkQuestions(
        of parts: MessageParts, into result: inout MatchResult, known: (text: String, reading: Reading)?
    ) {
        guard case .answer(let main) = result.decision, let action = knowledge.intent(main)?.action,
            action == .answer
        else { return }
        var tails = parts.askingTails(last: Self.mostAskingClausesRead)
        // Nothing asks in so many words: the point is the last sentence, as for the focus ("… i need the price").
        if tails.isEmpty, parts.hasFocus { tails = [parts.focusText] }
        // "… i want to come back. can my dog come with me": the wish is what the story leads to; the question decides.
        if configuration.wishesStepAside {
            let questions = tails.filter { !MessageParts.isWish($0) }
            if !questions.isEmpty { tails = questions }
        }
        // Only when the asking part leaves a story out (a message that is all question was read as it is), and is
        // the length of a question: a "question" of a hundred words is a story again, and reading it twice would
        // only cost time.
        let tailWords = tails.reduce(0) { $0 + $1.split(separator: " ").count }
        guard !tails.isEmpty, tailWords < result.analysis.words.count, tailWords <= Self.mostQuestionWords else { return }
        var topic: IntentID?
        var vagueSupport = false
        var clearTopic = false
        for tail in tails {
            let reading = known.flatMap { RecentText.sameBytes($0.text, tail) ? $0.reading : nil } ?? read(tail)
            // Accepted when the question supports an answer and the answer speaks to what it asks (Answerability).
            let judged = answerability(of: tail, analysis: reading.analysis, intent: main)
            result.answerability.append(judged)
            let support = support(of: reading, answering: main)
            let addressed = configuration.requestShare <= 0 || judged.addressed
            switch support {
            case .answered, .unjudged:
                if addressed { return }
            case .vague:
                if addressed { vagueSupport = true }
            case .none:
                break
            }
            if let first = reading.candidates.first, isFallback(first.intent),
                first.similarity >= configuration.questionSupportSimilarity
            {
                if topic == nil { topic = first.intent }
                if support == .none { clearTopic = true }
            }
        }
        // A question that only points back at the story supports the answer, unless another question clearly asks
        // about a topic the knowledge doesn't answer ("how many sessions a week is it now? is it still three").
        if vagueSupport && !(configuration.topicOutweighsVague && clearTopic) { return }
        result.decision = .fallback(topic: topic)
    }

    /// A text read and ranked on its own: a question of a long message without the story around it.
    struct Reading {
        var analysis: Analysis
        var candidates: [MatchCandidate]
        var decision: MatchDecision
    }

    private func read(_ text: String) -> Reading {
        let analysis = analyzer.analyze(text, correcting: configuration.correctsTypos)
        let candidates = rank(analysis, limit: 2)
        return Reading(analysis: analysis, candidates: candidates, decision: decide(candidates, analysis: analysis))
    }

    /// Reads the asking clauses of a long message on their own: when they alone answer the intent the whole
    /// message answers, and with more confidence, that confidence stands. A story told before the question gives
    /// context; it must not make the answer look less sure than the question alone. (Letting the question alone
    /// decide where the whole message falls back was tried on the dev sets: as many lost as won.)
    private func readFocus(_ reading: Reading, into result: inout MatchResult) {
        guard case .answer(let id) = result.decision, !result.candidates.isEmpty,
            case .answer(id) = reading.decision, let top = reading.candidates.first,
            top.confidence > result.confidence
        else { return }
        result.candidates[0].confidence = top.confidence
    }

    /// The most questions of one message ``combine(_:into:)`` reads on their own (the last ones).
    static let mostQuestionsRead = 6

    /// Reads each question of a message on its own, and keeps what the whole message's answer leaves out:
    /// another question the knowledge answers (offered as an option), or a topic it doesn't (said honestly):
    /// "can i come back and do they take medicaid" answers coming back and says insurance is a question for
    /// the center.
    ///
    /// Only beside an answer: where the whole message leaned to a topic the knowledge doesn't answer, or was
    /// torn, answering one of its questions instead cost more than it gained on the long held-out messages.
    private func combine(_ questions: [String], into result: inout MatchResult) {
        if case .fallback(let topic?) = result.decision {
            answerBesideTopic(topic, questions: questions, into: &result)
            return
        }
        guard case .answer(let main) = result.decision, knowledge.intent(main)?.action == .answer else { return }
        var answered: [IntentID] = []
        var firstAnswer: MatchCandidate?
        var unknown: [IntentID] = []
        // Each question is analysed and ranked on its own: a line of hundreds of "is it ok?" must not cost hundreds
        // of rankings. The last ones asked are the ones a reply can still take up.
        for question in questions.suffix(Self.mostQuestionsRead) {
            let reading = read(question)
            let candidates = reading.candidates
            switch reading.decision {
            case .answer(let id) where knowledge.intent(id)?.action == .answer:
                if !answered.contains(id) { answered.append(id) }
                if firstAnswer == nil, candidates.first?.intent == id { firstAnswer = candidates.first }
            // Said out loud beside the answer only when the question is clearly about the topic ("is it possible
            // to be placed in a different group" shares words with the hours topic, and is not about hours).
            case .fallback(let topic?)
            where isFallback(topic) && candidates.first?.intent == topic
                && candidates[0].confidence >= configuration.alsoUnknownConfidence:
                if !unknown.contains(topic) { unknown.append(topic) }
            default:
                break
            }
        }
        // A short list of questions with a topic the knowledge doesn't answer among them ("can i come back, will i
        // have the same counselor, and do you take medicaid?"): the first question answered decides, the topic is
        // said honestly, and the whole message's answer is offered, as when the whole message leans to the topic
        // (``answerBesideTopic(_:questions:into:)``). The reply doesn't hang on which of the two the words of three
        // questions summed lean to by a hair.
        if let topic = unknown.first, let first = firstAnswer, first.intent != main,
            result.analysis.words.count <= Self.mostWordsBesideTopic
        {
            answerWith(first, besideTopic: topic, into: &result)
            result.alsoAsked = main
            return
        }
        // The question asked last is usually the new one ("… can i still come back? and will it be the same
        // counselor?").
        result.alsoAsked = answered.last { $0 != main }
        result.alsoUnknown = unknown.first
    }

    /// The most words of a message whose questions ``answerBesideTopic(_:questions:into:)`` reads one by one.
    static let mostWordsBesideTopic = 20

    /// A short message of two questions, one the knowledge answers and one a topic it doesn't, read as a whole
    /// as that topic ("can i come back and do they take medicaid"): the answer to the one, and the topic said
    /// honestly beside it, as when the whole message leans to the answer. Long messages are left to the topic:
    /// there, a story's words make a question look answerable more often than it is.
    private func answerBesideTopic(_ topic: IntentID, questions: [String], into result: inout MatchResult) {
        guard isFallback(topic), result.analysis.words.count <= Self.mostWordsBesideTopic else { return }
        var answer: MatchCandidate?
        var topicAsked = false
        for question in questions.suffix(Self.mostQuestionsRead) {
            let reading = read(question)
            switch reading.decision {
            case .answer(let id) where knowledge.intent(id)?.action == .answer:
                if answer == nil { answer = reading.candidates.first }
            case .fallback(topic?)
            where reading.candidates.first?.intent == topic
                && reading.candidates[0].confidence >= configuration.alsoUnknownConfidence:
                topicAsked = true
            default:
                break
            }
        }
        guard topicAsked, let answer else { return }
        answerWith(answer, besideTopic: topic, into: &result)
    }

    /// A short message that tells something the knowledge answers, then asks about a topic it doesn't ("i relapsed
    /// hard. im so ashamed. are they gonna drug test me and kick me out?"): the answer to what was told, with the
    /// topic said honestly beside it, instead of the topic alone. Only when the whole message is clearly about the
    /// topic and a sentence that doesn't ask is clearly answered on its own.
    private func answerStoryBesideTopic(_ topic: IntentID, statements: [String], into result: inout MatchResult) {
        guard isFallback(topic), result.analysis.words.count <= Self.mostWordsBesideTopic,
            result.candidates.first?.intent == topic,
            result.candidates[0].confidence >= configuration.alsoUnknownConfidence
        else { return }
        for statement in statements.suffix(Self.mostQuestionsRead) {
            let reading = read(statement)
            // The statement must look like the answer's examples, not only share a word or two with one: "im on the
            // road all week" shares "all week" with the start-over answer ("do i have to do all the weeks again") and
            // is only why a virtual group is asked for (QA36 S2-5).
            if case .answer(let id) = reading.decision, knowledge.intent(id)?.action == .answer,
                let first = reading.candidates.first, first.confidence >= configuration.alsoUnknownConfidence,
                first.similarity >= configuration.storyBesideTopicSimilarity
            {
                answerWith(first, besideTopic: topic, into: &result)
                return
            }
        }
    }

    /// Answers `answer` and keeps `topic` to be said honestly beside it.
    private func answerWith(_ answer: MatchCandidate, besideTopic topic: IntentID, into result: inout MatchResult) {
        result.decision = .answer(answer.intent)
        result.candidates.removeAll { $0.intent == answer.intent }
        result.candidates.insert(answer, at: 0)
        result.alsoUnknown = topic
    }

    /// How a question read alone supports an answer to the whole message.
    enum QuestionSupport: Equatable {
        /// It is answered (or asked about) by itself.
        case answered
        /// It says too little of its own to judge ("is that ok", "am i still welcome?"): the story speaks for it.
        case vague
        /// It doesn't look like a topic the knowledge doesn't answer nor like nothing the knowledge has.
        case unjudged
        /// It leans to a topic the knowledge doesn't answer, or says plenty and looks like nothing the knowledge has.
        case none
    }

    /// Whether a question read alone supports the answer `main` to the whole message (see ``QuestionSupport``).
    func support(of reading: Reading, answering main: IntentID) -> QuestionSupport {
        switch reading.decision {
        case .answer(let id):
            // Barely answered by another intent: judged like a question nothing answers.
            let confidence = reading.candidates.first?.confidence ?? 0
            if id == main || confidence >= configuration.otherAnswerConfidence { return .answered }
        case .clarify:
            return .answered
        case .fallback:
            break
        }
        let content = contentTokens(of: reading.analysis)
        if isVague(reading.analysis, content: content) { return .vague }
        // Leaning to a topic the knowledge doesn't answer ("… how many people are in a group usually" is the hours
        // topic's), more than to any it does.
        if let first = reading.candidates.first, isFallback(first.intent),
            first.similarity >= configuration.questionSupportSimilarity
        {
            return .none
        }
        // Saying plenty, and looking like nothing the knowledge has ("… is the building still the one off the main
        // road"). A question that says little and matches nothing well is given the benefit of the doubt.
        let best = reading.candidates.first?.similarity ?? 0
        return content < configuration.unknownQuestionTokens || best >= configuration.unknownQuestionSimilarity
            ? .unjudged : .none
    }

    /// Whether a question says too little of its own to judge: one word that says what it is about, or a few
    /// and one that points back at the story ("is that a bad sign", "will i get her again").
    private func isVague(_ analysis: Analysis, content: Int) -> Bool {
        content <= configuration.vagueQuestionTokens
            || (content <= configuration.referringQuestionTokens && Self.refersBack(analysis.words))
    }

    /// Whether a question's words point back at the story: a referring word, but not "there" after "is" or "are"
    /// ("is there a spanish group" points at nothing), nor "it" after them when what it stands for follows ("is it
    /// ok if i bring my dog", "is it possible to switch").
    static func refersBack(_ words: [String]) -> Bool {
        for (i, word) in words.enumerated() where referringWords.contains(word) {
            let afterBe = i > 0 && beWords.contains(words[i - 1])
            if afterBe && word == "there" { continue }
            if afterBe && word == "it" && words[(i + 1)...].contains(where: extrapositionWords.contains) { continue }
            return true
        }
        return false
    }

    private static let beWords: Set<String> = ["is", "are", "was", "were", "isnt", "arent", "will", "would"]
    private static let extrapositionWords: Set<String> = ["if", "to", "for"]

    /// Words by which a question points back at the story told before it.
    static let referringWords: Set<String> = [
        "that", "thats", "this", "it", "its", "those", "these", "her", "him", "he", "she", "them", "there",
    ]

    /// How many of an analysis's tokens say what it is about: words the knowledge has never seen, and words few
    /// of its examples have (IDF at least ``MatcherConfiguration/contentIDF``); not "i", "can", "come".
    func contentTokens(of analysis: Analysis) -> Int {
        let floor = Float(configuration.contentIDF)
        return analysis.tokens.count { token in
            guard let id = index.unigrams[token] else { return true }
            return index.idf[Int(id)] >= floor
        }
    }

    /// Each question of a long message read alone, described for explanations and tuning: the question, its
    /// decision, its best intents, and how many of its tokens say what it is about.
    public func questionReadings(of message: String) -> [String] {
        guard let parts = splitParts(of: message) else { return [] }
        return parts.askingTails(last: Self.mostAskingClausesRead).map { question in
            let reading = read(question)
            let top = reading.candidates.map {
                "\($0.intent.rawValue):" + String(format: "%.3f:%.3f", $0.confidence, $0.similarity)
            }
            return ([question, reading.decision.name, String(contentTokens(of: reading.analysis))] + top)
                .joined(separator: " ")
        }
    }

    func matchedWords(_ query: MatchIndex.Query, intent: Int) -> [String] {
        query.terms.filter { index.intentHasTerm(intent, $0.term) }
            .sorted { $0.weight > $1.weight }
            .map { index.name(of: $0.term) }
    }

    /// Answer, clarify or fall back, from the ranked candidates of an analysed message.
    ///
    /// An intent that ends the conversation (`action: goodbye`) answers only a message that is a farewell:
    /// every word of it is one the intent's examples share, or it looks enough like them
    /// (``MatcherConfiguration/endingSimilarity``). "im done pretending im fine" shares "done" with "im done"
    /// but is not a goodbye: the other candidates decide. One weak known word among unknown ones is no answer
    /// (``MatcherConfiguration/loneWordConfidence``).
    func decide(_ candidates: [MatchCandidate], analysis: Analysis) -> MatchDecision {
        if let first = candidates.first, knowledge.intent(first.intent)?.action == .goodbye,
            first.similarity < configuration.endingSimilarity
        {
            let shared = Set(first.matchedWords)
            if !analysis.tokens.allSatisfy(shared.contains) {
                return decide(Array(candidates.dropFirst()), words: analysis.words.count)
            }
        }
        if let first = candidates.first, first.confidence < configuration.loneWordConfidence,
            isLoneKnownWord(analysis.tokens)
        {
            return .fallback(topic: nil)
        }
        return decide(candidates, words: analysis.words.count)
    }

    /// Whether the message's tokens hold one known word (perhaps repeated) beside at least one word the knowledge
    /// has never seen (``MatcherConfiguration/loneWordConfidence``).
    func isLoneKnownWord(_ tokens: [String]) -> Bool {
        var known: String?
        var unknown = false
        for token in tokens {
            if index.unigrams[token] == nil {
                unknown = true
            } else if let seen = known, seen != token {
                return false
            } else {
                known = token
            }
        }
        return known != nil && unknown
    }

    /// The similarity the best intent needs before it may answer a message of this many words: lower for long
    /// messages, whose many words dilute the likeness to any one example (see
    /// ``MatcherConfiguration/longAnswerThreshold``).
    func answerThreshold(words: Int) -> Double {
        let short = configuration.answerThreshold
        let range = configuration.longMessageWords
        guard words > range.lowerBound else { return short }
        let long = min(short, configuration.longAnswerThreshold)
        guard words < range.upperBound, range.upperBound > range.lowerBound else { return long }
        let share = Double(words - range.lowerBound) / Double(range.upperBound - range.lowerBound)
        return short + (long - short) * share
    }

    /// Answer, clarify or fall back, from the ranked candidates of a message of `words` words.
    func decide(_ candidates: [MatchCandidate], words: Int = 0) -> MatchDecision {
        // Evidence first: however the probabilities fall, a message that looks like none of the best
        // intent's examples gets the honest fallback.
        guard let first = candidates.first, first.similarity >= answerThreshold(words: words),
            first.confidence >= configuration.confidenceFloor
        else {
            return .fallback(topic: nil)
        }
        let close = candidates.dropFirst().filter {
            first.confidence - $0.confidence < configuration.clarifyMargin
        }
        // Never guess near a topic the knowledge doesn't answer.
        if isFallback(first.intent) { return .fallback(topic: first.intent) }
        if let topic = close.first(where: { isFallback($0.intent) }) { return .fallback(topic: topic.intent) }
        if let second = close.first { return .clarify(first.intent, second.intent) }
        return .answer(first.intent)
    }

    private func isFallback(_ id: IntentID) -> Bool {
        knowledge.intent(id)?.action == .fallback
    }
}
