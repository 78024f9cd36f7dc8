import Foundation
import Hummingbird

extension StaffRoutes {
    /// The knowledge's health: when it was loaded and how long that took, the lint's findings, the matcher's
    /// score on the held-out messages.
    func knowledgePage(context: StaffRequestContext) -> Response {
        let health = console.health.current
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate, .withFullTime, .withSpaceBetweenDateAndTime]
        formatter.timeZone = .current
        let milliseconds = Double(health.loadDuration.components.seconds) * 1000
            + Double(health.loadDuration.components.attoseconds) / 1e15
        let lint: Markup
        if health.findings == nil {
            lint = "<p id=\"lint\" class=\"muted\">Still being checked; reload this page in a minute.</p>"
        } else if let findings = health.findings, findings.isEmpty {
            lint = "<p id=\"lint\">No problems found.</p>"
        } else {
            let findings = health.findings ?? []
            let items = findings.map { finding -> Markup in "<li>\(finding)</li>" }
            lint = """
                <p id="lint">\(health.errors) error(s), \(findings.count - health.errors) warning(s). \
                Fix them in the knowledge files, then run <code>opendoor lint</code>.</p><ul>\(items)</ul>
                """
        }
        let scores: Markup
        if health.scores == nil {
            scores = "<p class=\"muted\">Still being measured; reload this page in a minute.</p>"
        } else if let measured = health.scores, measured.isEmpty {
            scores = "<p class=\"muted\">No held-out messages found under eval/ in the knowledge folder.</p>"
        } else {
            let rows = (health.scores ?? []).map { score -> Markup in
                """
                <tr><td>\(score.file)</td><td>\(score.messages)</td><td>\(Self.percent(score.accuracy))</td>\
                <td>\(Self.percent(score.fallbackRate))</td></tr>
                """
            }
            scores = """
                <table id="scores"><thead><tr><th>Messages</th><th>How many</th><th>Answered right</th>\
                <th>Honest “I don't know” when the answer isn't there</th></tr></thead><tbody>\(rows)</tbody></table>
                """
        }
        return StaffPage.response(
            title: "Knowledge — OpenDoor staff", section: .knowledge, session: context.sessions.session,
            body: """
                <h1>Knowledge health</h1>
                <div class="card"><dl>
                <dt>Loaded</dt><dd id="loaded">\(formatter.string(from: health.loadedAt)) from \(health.directory)</dd>
                <dt>Load time</dt><dd id="load-time">\(String(format: "%.0f ms", milliseconds))</dd>
                <dt>Intents</dt><dd>\(health.intents) intents, \(health.examples) examples</dd>
                </dl></div>
                <h2>Lint</h2>
                \(lint)
                <h2>Evaluation</h2>
                \(scores)
                <p class="muted">The knowledge is read when the console starts: restart <code>opendoor staff</code> (or \
                <code>opendoor serve --staff-port</code>) to read it again.</p>
                """)
    }

    static func percent(_ share: Double) -> String { String(format: "%.1f%%", share * 100) }
}
