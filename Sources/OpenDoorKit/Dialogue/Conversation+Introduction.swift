/// A visitor who says who they are before anything else ("im Tasha", "Maria", "Please have someone telephone me. My
/// name is Mrs. Eleanor Whitfield."): the name is no topic to match (QA25 S2-7, S3-3).
extension Conversation {
    /// A name typed with nothing else ("im Tasha", "Maria"): a hello back, no topic guessed; or a request for a call
    /// with a sentence that says the name ("Could someone call me back? This is Darnell."): the request, with the
    /// name kept and said back. Nil for anything else, which is read as usual.
    mutating func introductionReply(_ text: String) -> Reply? {
        guard let intro = introduction(in: text) else { return nil }
        if intro.rest.isEmpty {
            return Reply(text: filled(.nameHeard, name: intro.name), intent: .welcome, source: dialogue.heading, state: state)
        }
        // The rest is matched without the name's words, which only blur it ("telephone me" and "Eleanor Whitfield").
        let rest = assistant.responder.matcher.match(intro.rest)
        let handoff: Bool
        if case .answer(let id) = rest.decision { handoff = assistant.responder.action(of: id) == .handoff } else {
            handoff = false
        }
        // "Kindly have a counselor contact me. I am Mr. Harold Price.": a call asked for in other words too (QA26).
        guard handoff || wishesForCall(intro.rest), !answers.contains(intro.rest, .talkNow) else { return nil }
        let reply = beginCallback(phone: spokenOrTypedNumber(in: text), confidence: rest.confidence, request: intro.rest)
        guard state == .callbackConsent, !nameGiven else { return reply }
        name = intro.name
        nameGiven = true
        return reply.prefixed(filled(.consentNameKept, name: intro.name))
    }

    /// The sentence of a message that only says the visitor's name, and the other sentences. A name said plainly
    /// ("my name is…", "i go by…"), or with a looser word and a capital ("This is Darnell", "im Tasha"), or a single
    /// word typed as a name that is no common word and answers nothing ("Maria"). Nil when no sentence does.
    func introduction(in text: String) -> (name: String, rest: String)? {
        let words = TimeAnswer.whitespaceWords(text)
        guard words.count <= 40 else { return nil }
        // "Mrs. Eleanor Whitfield": the title's period ends no sentence, and the title is no part of the name.
        var kept: [String] = []
        for (index, word) in words.enumerated() {
            // The title's letters are read only before a capital: most words are followed by none.
            if index + 1 < words.count, words[index + 1].first?.isUppercase == true,
                Self.titles.contains(StepAnswer.lowercaseLetters(of: word))
            {
                continue
            }
            kept.append(word)
        }
        let sentences = kept.joined(separator: " ").split(whereSeparator: Self.endsSentence)
            .map { String($0).trimmingWhitespace() }.filter { $0.contains(where: \.isLetter) }
        for (index, sentence) in sentences.enumerated() {
            // A sentence that only says a name is short (6 words at most, the name kept to 60 characters): a longer
            // one is never read for a name, whose reading compares every word with every phrase, and a 4,000-byte
            // word under combining marks costs a full normalization per comparison (60 ms a message).
            guard sentence.utf8.count <= Self.longestNameSentence else { continue }
            let said = TextNormalizer.words(sentence)
            // Only a sentence that says the name and nothing else: "I'm Marisol, 706-555-0140, mornings" is a request
            // with its details, read as one. The cheap tests first: most sentences hold no name, and reading one for
            // the form's details (a time, a voicemail wish) was a third of answering an ordinary question.
            // A name introduced loosely or bare counts only typed with a capital: a sentence of ASCII with no capital
            // (most messages) is read for a plain name only.
            let uncapitalized = sentence.utf8.allSatisfy { $0 < 0x80 && !(0x41...0x5A).contains($0) }
            guard said.count <= 6, !sentence.contains(where: \.isNumber),
                let found = answers.nameAnswer(in: sentence, plainOnly: uncapitalized)
            else { continue }
            let held = details(in: sentence, plainNamesOnly: true)
            guard held.time == nil, held.voicemail == nil, !answers.contains(sentence, .hostile) else { continue }
            let named: Bool
            switch found.introduced {
            case .plain: named = true
            // "This is Darnell", "im Tasha"; never "im Struggling", a word of everyday English.
            case .loose:
                named = found.capitalized
                    && !TextNormalizer.words(found.name).allSatisfy(assistant.knowledge.commonWords.contains)
            case .bare:
                // "Maria" alone: not a word of the knowledge or of everyday English, and nothing the matcher answers
                // as typed ("Maria" is read as "MARTA" only once corrected).
                let result = assistant.responder.matcher.match(sentence)
                let answered = result.analysis.corrections.isEmpty && result.decision != .fallback(topic: nil)
                named = sentences.count == 1 && said.count == 1 && found.capitalized
                    && !assistant.knowledge.commonWords.contains(said[0]) && !answered
            }
            guard named else { continue }
            var others = sentences
            others.remove(at: index)
            return (found.name, others.joined(separator: ". "))
        }
        return nil
    }

    /// The most bytes a sentence that only says a name may have: six words of 40 bytes (a name of 13 letters in a
    /// script of three bytes a letter) and the spaces between them.
    static let longestNameSentence = 256

    /// Whether a character is `.`, `!`, `?` or a line feed, read from its scalars: comparing a character of
    /// thousands of combining marks with each of the four normalized it four times (a third of such a message's
    /// reading). A character of one scalar equals one of them only if that scalar is it; "\r\n" is not "\n".
    static func endsSentence(_ character: Character) -> Bool {
        let scalars = character.unicodeScalars
        guard let first = scalars.first, scalars.index(after: scalars.startIndex) == scalars.endIndex else {
            return false
        }
        return first == "." || first == "!" || first == "?" || first == "\n"
    }

    /// Titles before a name, set aside.
    private static let titles: Set<String> = ["mr", "mrs", "ms", "miss", "mx", "dr", "mister"]
}
