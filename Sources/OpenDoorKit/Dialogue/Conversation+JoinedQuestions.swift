import Foundation

/// Two questions joined by "and" in one sentence, one the knowledge answers and one it doesn't (QA36 S2-6).
///
/// "can i come back and is there a waitlist" got the answer about coming back without its "Yes." (the waitlist was
/// read as a condition the center never spoke of) and "I don't know how that works in your situation"; "how long have
/// i got before i have to start over and is there a waitlist" got the answer and a bare "I don't have information
/// about that", which never says which part it can't answer. Each question is now read on its own: the first keeps
/// its answer as it would have alone, and the second is named in the honest "I don't know".
extension Conversation {
    /// The reply to a message of two joined questions, each read alone: the first one's answer, then the second named
    /// with its "I don't know". Nil unless the message is one sentence of exactly two questions joined by a joining
    /// word, the first answered with the same answer as the whole message, and the second one the knowledge doesn't
    /// answer (a topic it names honestly, or nothing it knows).
    func joinedQuestionsReply(_ reply: Reply, _ result: MatchResult, text: String) -> Reply? {
        guard case .answer(let main) = result.decision, assistant.responder.action(of: main) == .answer, !reply.crisis,
            text.utf8.count <= Self.longestJoinedQuestions
        else { return nil }
        let sentences = Self.clauses(of: text)
        guard sentences.count == 1 else { return nil }
        let pieces = MessageParts.questionsJoined(in: Substring(sentences[0]))
        guard pieces.count == 2 else { return nil }
        let first = String(pieces[0]).trimmingWhitespace()
        let second = Self.withoutJoiningWord(String(pieces[1]))
        guard TextNormalizer.words(second).count >= 2, looksLikeQuestion(second) else { return nil }
        let (own, ownMatch) = assistant.responder.respond(to: first)
        guard ownMatch.decision == result.decision else { return nil }
        let other = assistant.responder.matcher.match(second)
        let unknown: String
        switch other.decision {
        case .fallback(let topic?) where topic != Self.otherServicesIntent:
            // A topic with its own honest line ("I don't have information about insurance or coverage"): it names itself.
            unknown = assistant.responder.fallback(topic: topic, confidence: 1).text
        case .fallback:
            let named = dialogue[.alsoAskedNamed] + " “" + second + "”."
            unknown = named + " " + assistant.responder.fallback(topic: nil, confidence: 1).text
        default:
            return nil
        }
        // Already said as it should be ("can i come back and do yall take medicaid"): the reply stands.
        guard !reply.text.contains(unknown) else { return nil }
        var both = reply
        both.text = own.text + "\n\n" + unknown
        return both
    }

    /// The most bytes of a message read as two joined questions.
    static let longestJoinedQuestions = 300

    /// A question without the word that joined it to the one before ("and is there a waitlist" → "is there a
    /// waitlist") and without its closing marks.
    static func withoutJoiningWord(_ piece: String) -> String {
        var words = piece.split(whereSeparator: \.isWhitespace).map(String.init)
        while let first = words.first, ["and", "but", "also", "plus", "&"].contains(first.lowercased()) {
            words.removeFirst()
        }
        return words.joined(separator: " ").trimmingCharacters(in: .punctuationCharacters.union(.whitespaces))
    }
}
