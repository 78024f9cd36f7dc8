import Foundation
import OpenDoorKit

/// How replies and explanations are printed by the commands.
enum ReplyFormatter {
    /// The reply as a visitor reads it: the text, then numbered options.
    static func plain(_ reply: Reply) -> String {
        var lines = [reply.text]
        for (number, option) in reply.options.enumerated() {
            lines.append("  \(number + 1). \(option)")
        }
        return lines.joined(separator: "\n")
    }
}

/// The reply object as one line of JSON.
enum ReplyJSON {
    static func encode(_ reply: Reply) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(reply), as: UTF8.self)
    }
}

/// What `ask --explain` prints for staff.
enum ExplainFormatter {
    static func describe(_ match: MatchResult, reply: Reply) -> String {
        var lines: [String] = []
        if let focus = match.analysis.focus {
            lines.append("decided:  “\(focus)” (the rest of the message counts less)")
        }
        let corrections = match.analysis.corrections.map { "\($0.typed)→\($0.corrected)" }
        lines.append("tokens:   " + (match.analysis.tokens.isEmpty ? "(none)" : match.analysis.tokens.joined(separator: " ")))
        if !corrections.isEmpty { lines.append("typos:    " + corrections.joined(separator: ", ")) }
        lines.append("top intents:")
        if match.candidates.isEmpty { lines.append("  (nothing matched)") }
        for (rank, candidate) in match.candidates.enumerated() {
            let words = candidate.matchedWords.isEmpty ? "" : "  [" + candidate.matchedWords.joined(separator: ", ") + "]"
            lines.append(
                String(
                    format: "  %d. %@ %.3f  (similarity %.3f)", rank + 1,
                    candidate.intent.rawValue.padding(toLength: 24, withPad: " ", startingAt: 0),
                    candidate.confidence, candidate.similarity)
                    + words)
        }
        var decision = "decision: " + match.decision.name
        switch match.decision {
        case .answer(let id): decision += " → \(id)"
        case .clarify(let first, let second): decision += " → \(first) or \(second)"
        case .fallback(let topic): if let topic { decision += " (topic: \(topic))" }
        }
        for judged in match.answerability {
            let asked = judged.asked.map { judged.answered.contains($0) ? $0 : "\($0)✗" }
            lines.append(
                "request:  “\(judged.request)” "
                    + (judged.asked.isEmpty
                        ? "asks nothing of its own: the story decides"
                        : String(format: "answered %.2f", judged.share) + " [" + asked.joined(separator: ", ") + "]")
                    + (judged.addressed ? "" : " (not addressed)"))
        }
        lines.append(decision)
        if let other = match.alsoAsked { lines.append("also asked: \(other) (offered as an option)") }
        // What the visitor reads: a conversation rule may reply other than the matcher decided ("what is iop" is the
        // matcher's what_return_looks_like, and the reply the own words on what IOP stands for).
        var replied = "replied:  intent \(reply.intent)"
        let decided: IntentID? = switch match.decision {
        case .answer(let id): id
        case .clarify: IntentID.clarify
        case .fallback: IntentID.fallback
        }
        if reply.intent != decided { replied += " (a rule of the conversation, not the matcher's decision)" }
        lines.append(replied)
        lines.append("source:   " + reply.source)
        return lines.joined(separator: "\n")
    }
}

/// What `opendoor eval` prints.
enum EvaluationReport {
    /// The report; `totalsOnly` prints the overall figures alone (for a held-out set, whose per-intent
    /// figures and confusions would hint at its lines).
    static func render(_ evaluation: Evaluation, listMistakes: Bool, totalsOnly: Bool = false) -> String {
        var lines: [String] = []
        let count = evaluation.outcomes.count
        lines.append(String(format: "messages: %d", count))
        lines.append(String(format: "accuracy: %.3f (a clarify question counts as wrong)", evaluation.accuracy))
        lines.append(
            String(format: "accuracy counting clarify with the right choice: %.3f", evaluation.accuracyCountingClarify))
        lines.append(String(format: "fallback rate on fallback lines (off-topic, unanswered): %.3f", evaluation.fallbackRate))
        lines.append(String(format: "guesses on fallback lines: %.3f", evaluation.guessRate))
        lines.append(
            String(format: "guesses (a wrong intent answered, of all messages): %.3f", evaluation.wrongAnswerRate))
        lines.append(String(format: "in-domain lines sent to fallback: %.3f", evaluation.missedRate))
        if totalsOnly { return lines.joined(separator: "\n") }
        lines.append("")
        lines.append("intent                    support  precision  recall")
        for score in evaluation.labelScores {
            lines.append(
                String(
                    format: "%@ %7d  %9.3f  %6.3f", score.label.rawValue.padding(toLength: 25, withPad: " ", startingAt: 0),
                    score.support, score.precision, score.recall))
        }
        let confusions = evaluation.confusions()
        if !confusions.isEmpty {
            lines.append("")
            lines.append("most confused (expected → decided):")
            for confusion in confusions {
                lines.append("  \(confusion.count)× \(confusion.expected) → \(confusion.predicted)")
            }
        }
        if listMistakes {
            lines.append("")
            lines.append("mistakes:")
            for mistake in evaluation.mistakes {
                lines.append(
                    String(format: "  line %d: %@ → %@ (%.2f)  ", mistake.item.line, mistake.item.label.rawValue,
                        mistake.predicted.rawValue, mistake.confidence) + mistake.item.text)
            }
        }
        return lines.joined(separator: "\n")
    }
}
