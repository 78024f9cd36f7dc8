/// Short follow-ups read with the last answer's question, and questions about the center's own words (QA23).
extension Conversation {
    /// What a short follow-up to the last answer turned out to be.
    enum FollowUp {
        /// The follow-up read together with the question it follows ("what about the counselor" after "will the same
        /// people be in my group").
        case carried(MatchResult, asked: String)
        /// It points back with nothing of its own ("what about the other one"): what they mean is asked.
        case unclear
    }

    /// The most words a follow-up has: longer messages say what they are about.
    static let followUpWords = 10
    /// The confidence from which a follow-up is answered on its own, whatever came before ("and what if i relapsed",
    /// "what about insurance").
    static let followUpStandsAlone = 0.6
    /// The confidence from which a follow-up's own answer is given when, read with the question before, it would
    /// only get the same answer again ("and if its been like a year" after the answer about relapse: the one about
    /// starting over, which speaks of how long you've been away).
    static let followUpOwnAnswer = 0.3

    /// A message that opens like a follow-up ("and if…", "what about…"), names no topic the knowledge answers with
    /// confidence on its own, and comes right after an answer: read with the question that answer was for, or, when
    /// it only points back ("the other one"), asked about. Nil for every other message.
    func followUp(_ text: String, alone: MatchResult) -> FollowUp? {
        guard let previous = lastAsked else { return nil }
        let words = TextNormalizer.words(text).map { Substring($0) }
        guard !words.isEmpty, words.count <= Self.followUpWords, spokenOrTypedNumber(in: text) == nil else { return nil }
        let start = answers.leadingFillers(in: words)
        guard start < words.count, let lead = answers.phraseLength(of: .followUpLead, at: start, in: words) else {
            return nil
        }
        switch alone.decision {
        case .answer(let id):
            // A call asked for, or a goodbye, is never read as a follow-up; an answer it is sure of stands.
            if responder.action(of: id) != .answer || alone.confidence >= Self.followUpStandsAlone { return nil }
        case .fallback(let topic?):
            // "what about insurance": a topic of its own.
            if alone.confidence >= Self.followUpStandsAlone, topic != lastTopic { return nil }
        default:
            break
        }
        let rest = words[(start + lead)...].joined(separator: " ")
        if rest.isEmpty || answers.consists(rest, of: [.vagueReference, .filler]) { return .unclear }
        let asked = previous + " " + rest
        let combined = responder.matcher.match(asked)
        if case .answer(let own) = alone.decision, own != lastTopic, responder.action(of: own) == .answer,
            alone.confidence >= Self.followUpOwnAnswer, Self.decides(combined.decision, lastTopic)
        {
            return nil
        }
        switch combined.decision {
        case .answer(let id) where responder.action(of: id) == .answer:
            return .carried(combined, asked: asked)
        case .fallback(_?):
            return .carried(combined, asked: asked)
        default:
            return nil
        }
    }

    /// Words of a question that only points back ("how do i do that", "is that possible", "how does it work"), beside
    /// the words that point.
    static let pointingQuestionWords: Set<String> = [
        "how", "do", "does", "i", "can", "could", "is", "should", "would", "will", "what", "go", "about", "get", "make",
        "happen", "work", "possible", "you", "we", "even", "start", "then", "so",
    ]

    /// The match of a message's story when the part that decided its "I don't know" only points back to it: "my
    /// therapist said i should come back to iop, how do i do that" is read as "my therapist said i should come back
    /// to iop" (QA23 W12). Nil for any other message, or when the story has no answer either.
    func storyAsked(_ text: String, _ result: MatchResult) -> MatchResult? {
        guard case .fallback(nil) = result.decision, let focus = result.analysis.focus,
            let range = text.range(of: focus, options: [.caseInsensitive, .backwards])
        else { return nil }
        let own = TextNormalizer.words(focus).filter { !Self.pointingQuestionWords.contains($0) }.joined(separator: " ")
        guard own.isEmpty || answers.consists(own, of: [.vagueReference, .filler]) else { return nil }
        var story = text
        story.removeSubrange(range)
        guard story.contains(where: \.isLetter) else { return nil }
        var told = responder.matcher.match(story)
        guard case .answer(let id) = told.decision, responder.action(of: id) == .answer else { return nil }
        // The question is still the one asked: its words decide how the answer opens (no "Yes." to "how do i…").
        told.analysis.focus = focus
        return told
    }

    /// The confidence from which a second question in a message, read alone, is said not to be known (a topic is
    /// often guessed from one shared word, so it must be sure), or offered as an option (a tap the visitor may
    /// leave).
    static let secondQuestionConfidence = 0.6
    static let secondQuestionOffered = 0.35
    /// The fewest words of a clause read as a question of its own.
    static let secondQuestionWords = 3

    /// The reply with a second question of the message seen to when the matcher answered one and saw no other
    /// ("…whether re-enrollment is possible, and whether evening sessions are offered"; "…ditched group for like 3
    /// months. am i banned or nah"): a topic the knowledge doesn't answer is said honestly after the answer, another
    /// answer is offered first among the options (QA23 W10). One at most; the reply as it was otherwise.
    func withSecondQuestion(_ reply: Reply, _ result: MatchResult, text: String) -> Reply {
        guard case .answer(let main) = result.decision, responder.action(of: main) == .answer,
            result.alsoAsked == nil, result.alsoUnknown == nil
        else { return reply }
        for clause in secondQuestionClauses(of: text) {
            let read = responder.matcher.match(clause)
            switch read.decision {
            case .fallback(let topic?) where read.confidence >= Self.secondQuestionConfidence:
                let unknown = responder.fallback(topic: topic, confidence: 1).text
                guard !reply.text.contains(unknown), !Responder.alreadySays(reply.text, unknown) else { continue }
                var both = reply
                both.text += "\n\n" + unknown
                return both
            case _ where read.confidence >= Self.secondQuestionOffered && read.candidates[0].intent != main
                && responder.action(of: read.candidates[0].intent) == .answer:
                // Offered, not answered: the matcher's best reading of the clause, though it wasn't sure enough to
                // answer it alone.
                let label = responder.label(read.candidates[0].intent)
                guard !reply.options.contains(label) else { continue }
                var both = reply
                both.options.insert(label, at: 0)
                return both
            default:
                continue
            }
        }
        return reply
    }

    /// The clauses of a message ``withSecondQuestion(_:_:text:)`` reads with the matcher, first to last: those of
    /// ``secondQuestionWords`` words or more that ask, as many as ``clausesRead(_:where:)`` allows. Empty for a
    /// message of one clause.
    func secondQuestionClauses(of text: String) -> [String] {
        var clauses: [String] = []
        for clause in Self.clauses(of: text) {
            // ", and whether…", "also can i…": a second question inside one sentence.
            var rest = clause[...]
            for joint in [" and whether ", " and if ", " also "] {
                if let cut = rest.caseInsensitiveRange(of: joint) {
                    clauses.append(String(rest[..<cut.lowerBound]))
                    rest = rest[cut.lowerBound...].dropFirst(joint.count - 1)
                }
            }
            clauses.append(String(rest))
        }
        guard clauses.count > 1 else { return [] }
        return Self.clausesRead(clauses) { clause in
            let words = TextNormalizer.words(clause)
            return words.count >= Self.secondQuestionWords
                && (looksLikeQuestion(clause, words: words) || ["whether", "if"].contains(words.first ?? ""))
        }
    }

    /// Whether a decision gives the answer (or the "I don't know" of the topic) of `topic`.
    static func decides(_ decision: MatchDecision, _ topic: IntentID?) -> Bool {
        switch decision {
        case .answer(let id), .fallback(topic: let id?): id == topic
        default: false
        }
    }

    /// The question to remember for a follow-up, after a reply to `asked` with this decision: the part that decided
    /// the answer of a long message; nil after a plain "I don't know" or a clarifying question.
    static func followedQuestion(_ asked: String, _ result: MatchResult) -> (String, IntentID)? {
        switch result.decision {
        case .answer(let id), .fallback(topic: let id?):
            return (result.analysis.focus ?? asked, id)
        default:
            return nil
        }
    }

    /// "what does IOP mean": the short form's words, from the center's own copy ("intensive outpatient program
    /// (IOP)"), when the message asks what a short form the copy spells out means. Nil for any other message.
    func shortFormReply(_ text: String) -> Reply? {
        guard answers.contains(text, .meaningAsk) else { return nil }
        // "wat even is iop lol im faded": being high said beside the question is no part of it (the gentle line for
        // tonight follows the answer).
        let high = answers.contains(text, .intoxicatedNow)
        let words = TextNormalizer.words(high ? answers.removing(.intoxicatedNow, from: text) : text)
        for intent in assistant.knowledge.intents {
            for (short, long) in Self.shortForms(in: intent.answer) where words.contains(short.lowercased()) {
                // Only what it means: "whats the iop like" asks about the program, not the word.
                guard words.allSatisfy({ $0 == short.lowercased() || Self.meaningWords.contains($0) }) else { return nil }
                let options = dialogue.welcomeOptions.map(responder.label).filter {
                    offersCall && callbacksAvailable || $0 != responder.handoffIntent?.label
                }
                let note = high ? "\n\n" + dialogue[.intoxicatedNote] : ""
                return Reply(
                    text: "\(short) \(dialogue[.standsFor]) \(long)." + note, intent: .fallback,
                    source: dialogue.heading, options: options, state: state)
            }
        }
        return nil
    }

    /// The words around a short form in a question about what it means ("what does IOP even mean").
    static let meaningWords: Set<String> = [
        "what", "whats", "is", "does", "do", "a", "an", "the", "mean", "means", "meaning", "stand", "stands", "for",
        "short", "even", "exactly", "again", "u", "you", "it", "that", "word",
        // As typed in a hurry: "wat even is iop lol", "whats iop stand 4".
        "wat", "wut", "whut", "wats", "4", "r", "lol", "lmao", "tho", "though", "really", "rly", "actually",
        "yo", "ok", "um", "uh", "hmm", "sorry", "btw",
    ]

    /// The short forms a text spells out, written "words (SHORT)" with the words' first letters spelling it:
    /// "intensive outpatient program (IOP)".
    static func shortForms(in text: String) -> [(short: String, long: String)] {
        var found: [(String, String)] = []
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "(") {
            let after = rest.index(after: open)
            guard let close = rest[after...].firstIndex(of: ")") else { break }
            let short = rest[after..<close]
            if (2...6).contains(short.count), short.allSatisfy({ $0.isUppercase && $0.isLetter }) {
                let before = text[text.startIndex..<open].split(separator: " ").suffix(short.count)
                let initials = before.compactMap { $0.first(where: \.isLetter)?.lowercased() }.joined()
                if before.count == short.count, initials == short.lowercased() {
                    let long = before.map { $0.filter { $0.isLetter || $0 == "-" } }.joined(separator: " ")
                    found.append((String(short), long))
                }
            }
            rest = rest[rest.index(after: close)...]
        }
        return found
    }

    /// The reply with the center's own line about its region ("If you’re in or around metro Atlanta…") when the
    /// message names the region ("do you have a program in atlanta") and the reply doesn't say it: instead of an
    /// answer about how to reach the center or an "I don't know", or after any other answer (QA23 W15).
    func withRegionLine(_ reply: Reply, _ decision: MatchDecision, text: String) -> Reply {
        guard let region = assistant.knowledge.center.text("region"), !region.isEmpty,
            let name = TextNormalizer.words(region).max(by: { $0.count < $1.count }),
            TextNormalizer.words(text).contains(name), !reply.crisis
        else { return reply }
        for intent in assistant.knowledge.intents {
            guard let line = intent.answer.split(separator: "\n").first(where: { $0.contains(region) }) else { continue }
            guard !reply.text.contains(line) else { return reply }
            let said = intent.note.map { line + " " + $0 } ?? String(line)
            var noted = reply
            switch decision {
            case .answer(let id) where responder.action(of: id) == .answer && !Self.reachesCenter(intent: id, assistant):
                noted.text = reply.text + "\n\n" + said
            case .fallback where TextNormalizer.words(text).count > 15:
                // A long message whose question nothing answers ("…any good mocktail bars in atlanta"): the honest
                // "I don't know" stays first; the region's line follows it.
                noted.text = reply.text + "\n\n" + said
            case .answer, .fallback, .clarify:
                noted.text = said
                noted.source = intent.heading
                if case .clarify = decision { noted.options = responder.handoffIntent.map { [$0.label] } ?? [] }
            }
            return noted
        }
        return reply
    }

    /// Whether an intent's answer is about how to reach the center (it names the center's number): a region named
    /// is the question then, and the region's line the answer.
    static func reachesCenter(intent id: IntentID, _ assistant: Assistant) -> Bool {
        guard let answer = assistant.knowledge.intent(id)?.answer else { return false }
        return answer.contains(assistant.knowledge.center.phone)
    }
}
