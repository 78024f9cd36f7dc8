import Foundation
import Hummingbird
import Logging
import OpenDoorKit

extension StaffRoutes {
    /// "Try a message": the box, and when a message was sent, the reply exactly as a visitor would read it
    /// as their first message, with why (the same data as `opendoor ask --explain`). Nothing typed here is
    /// stored or logged: the conversation is thrown away, and the message is never in a URL.
    func tryPage(context: StaffRequestContext, message: String?) -> Response {
        let session = context.sessions.session
        let result = message.map(explain)
        let typed = message ?? ""
        return StaffPage.response(
            title: "Try a message — OpenDoor staff", section: .tryMessage, session: session,
            body: """
                <h1>Try a message</h1>
                <p class="muted">Type what a visitor might write. You'll see the reply they would get as their first \
                message, and why. Nothing you type here is saved or logged.</p>
                <form method="post" action="/try" class="card">
                \(session.map(StaffPage.tokenField) ?? "")
                <label for="message">Message</label>
                <textarea id="message" name="message" maxlength="4000" required>\(typed)</textarea>
                <p><button type="submit" class="primary">Show the reply</button></p>
                </form>
                \(result ?? "")
                """)
    }

    func tryMessage(_ request: Request, context: StaffRequestContext) async throws -> Response {
        let form = try await FormFields.read(request, context: context)
        guard let session = context.sessions.session, session.accepts(token: form["token"]) else {
            return staleForm(context: context)
        }
        let message = (form["message"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        return tryPage(context: context, message: message.isEmpty ? nil : message)
    }

    /// The reply and the explanation for `message`.
    func explain(_ message: String) -> Markup {
        let assistant = console.assistant
        // A conversation of its own that logs nothing: what staff type is nobody's business but theirs.
        var conversation = assistant.makeConversation(
            channel: .web, logger: Logger(label: "opendoor.staff.try") { _ in SwiftLogNoOpLogHandler() })
        _ = conversation.start()
        let reply: Reply
        switch conversation.receive(message) {
        case .reply(let answer): reply = answer
        case .save: return "<p class=\"notice\">This message would save a callback request, which one message can't do.</p>"
        }
        let options = reply.options.map { option -> Markup in "<li>\(option)</li>" }
        let optionList: Markup = options.isEmpty ? "" : "<ol class=\"options\">\(options)</ol>"
        var facts: [Markup] = [
            "<dt>Intent</dt><dd id=\"intent\">\(reply.intent.rawValue)</dd>",
            "<dt>Confidence</dt><dd id=\"confidence\">\(String(format: "%.2f", reply.confidence))</dd>",
            "<dt>Source heading</dt><dd id=\"source\">\(reply.source)</dd>",
        ]
        if reply.intent == .fallback {
            let topic = reply.topic?.rawValue ?? "no topic"
            facts.append("<dt>Fallback topic</dt><dd id=\"topic\">\(topic) (how the Counts page counts it)</dd>")
        }
        if let finding = assistant.safety.assess(message) {
            let what = finding.level == .crisis ? "the full crisis reply" : "the check-in question"
            facts.append(
                "<dt>Crisis level</dt><dd id=\"crisis\">\(finding.level.rawValue) (\(what)), category \(finding.category.rawValue)</dd>")
            facts.append("<dt>Rule</dt><dd>\(finding.ruleID.rawValue)\(finding.note.map { " (\($0))" } ?? "")</dd>")
            facts.append("<dt>Matcher</dt><dd>not consulted: the crisis check comes first</dd>")
        } else {
            facts.append("<dt>Crisis level</dt><dd id=\"crisis\">none</dd>")
            let match = assistant.responder.matcher.match(message)
            var decision = match.decision.name
            switch match.decision {
            case .answer(let id): decision += " → \(id.rawValue)"
            case .clarify(let first, let second): decision += " → \(first.rawValue) or \(second.rawValue)"
            case .fallback(let topic): if let topic { decision += " (topic: \(topic.rawValue))" }
            }
            facts.append("<dt>Decision</dt><dd>\(decision)</dd>")
            if let focus = match.analysis.focus {
                facts.append("<dt>Decided by</dt><dd>“\(focus)” (the rest of the message counts less)</dd>")
            }
            let candidates = match.candidates.map { candidate -> Markup in
                """
                <tr><td>\(candidate.intent.rawValue)</td><td>\(String(format: "%.3f", candidate.confidence))</td>\
                <td>\(String(format: "%.3f", candidate.similarity))</td><td>\(candidate.matchedWords.joined(separator: ", "))</td></tr>
                """
            }
            facts.append(
                """
                <dt>Runner-ups</dt><dd><table id="candidates"><thead><tr><th>Intent</th><th>Confidence</th>\
                <th>Similarity</th><th>Words that matched</th></tr></thead><tbody>\(candidates)</tbody></table></dd>
                """)
        }
        return """
            <section class="card" id="reply">
            <h2>What the visitor would read</h2>
            <div class="reply">\(reply.text)</div>
            \(optionList)
            </section>
            <section class="card" id="explanation">
            <h2>Why</h2>
            <dl>\(facts)</dl>
            </section>
            """
    }
}
