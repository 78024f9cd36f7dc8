import Foundation
import Hummingbird
import OpenDoorKit

extension StaffRoutes {
    /// How many contacted and how many closed requests the inbox shows at first (the newest); "Show more" doubles it.
    static let othersShown = 50
    /// The most "Show more" goes to; the rest stay in the store and in exports.
    static let othersShownAtMost = 6_400
    /// The most new requests the page shows (the longest waiting); beyond, it says there are more.
    static let newShownAtMost = 1_000

    /// The callback list: new requests first (the longest waiting on top), then the latest contacted, then the
    /// latest closed; the count of new ones in the title; reloads itself.
    ///
    /// Only the new requests are read in full (the filter is in the query); the others a bounded page each, newest
    /// first, with a "Show more" link (`?shown=N`): a store keeps every handled request until it is purged, and
    /// reading all of them made a 56 MB page from 60,000 requests on SQLite, and a 503 from 5,000 on PostgreSQL.
    func inbox(_ request: Request, context: StaffRequestContext) async throws -> Response {
        let session = context.sessions.session
        let shown = min(
            max(request.uri.queryParameters.get("shown", as: Int.self) ?? Self.othersShown, Self.othersShown),
            Self.othersShownAtMost)
        let new: [CallbackRequest]
        let contacted: [CallbackRequest]
        let closed: [CallbackRequest]
        let changes: [CallbackStatusChange]
        var unreadable = CallbackListing(requests: [])
        do {
            // Rows a value can't be read in are skipped and named above the list, never hiding the others.
            func read(_ status: CallbackStatus, limit: Int, oldestFirst: Bool = false) async throws -> [CallbackRequest] {
                let listing = try await console.store.listing(status: status, limit: limit, oldestFirst: oldestFirst)
                unreadable.unreadable += listing.unreadable
                return listing.requests
            }
            // The longest waiting first; a bound even here (a flood of requests, a store nobody handled).
            new = try await read(.new, limit: Self.newShownAtMost + 1, oldestFirst: true)
            // One more than shown, to know whether there are more.
            contacted = try await read(.contacted, limit: shown + 1)
            closed = try await read(.closed, limit: shown + 1)
            changes = try await console.store.statusChanges(limit: 20)
        } catch {
            logger.error("Could not read the callback list", metadata: ["error": "\(error)"])
            return StaffPage.response(
                title: "Callbacks — OpenDoor staff", section: .callbacks, session: session,
                refresh: console.configuration.refreshSeconds, status: .serviceUnavailable,
                body: """
                    <h1>Callback requests</h1>
                    <p class="notice" role="alert">The callback list can't be read right now. \
                    This page tries again by itself. What the server says: \(String(describing: error))</p>
                    """)
        }
        let now = console.configuration.now()
        let more = contacted.count > shown || closed.count > shown
        let rows = (new.prefix(Self.newShownAtMost) + contacted.prefix(shown) + closed.prefix(shown)).map {
            row($0, now: now, session: session)
        }
        let everyOne: Markup = "every one is in <code>opendoor callbacks export</code>"
        let showMore: Markup
        if more && shown < Self.othersShownAtMost {
            showMore = """
                <p id="show-more"><a href="/?shown=\(min(shown * 2, Self.othersShownAtMost))">Show more handled \
                requests</a> <span class="muted">(the \(shown) newest contacted and closed ones are shown; \
                \(everyOne))</span></p>
                """
        } else if more {
            showMore = "<p id=\"show-more\" class=\"muted\">The \(shown) newest contacted and closed requests are shown; \(everyOne).</p>"
        } else {
            showMore = ""
        }
        let table: Markup
        if rows.isEmpty {
            table = "<p class=\"card\">No callback requests yet. New ones appear here by themselves.</p>"
        } else {
            table = """
                <table id="callbacks">
                <thead><tr><th>Status</th><th>Waiting</th><th>Name</th><th>Phone</th><th>Best time</th>\
                <th>Voicemail</th><th>Came through</th><th>Reference</th><th>Change</th></tr></thead>
                <tbody>
                \(rows)
                </tbody>
                </table>
                """
        }
        let waiting = new.count > Self.newShownAtMost ? "\(Self.newShownAtMost)+" : "\(new.count)"
        let title = new.isEmpty ? "Callbacks — OpenDoor staff" : "(\(waiting)) Callbacks — OpenDoor staff"
        let summary: Markup =
            new.isEmpty
            ? "No one is waiting for a call."
            : new.count > Self.newShownAtMost
                ? "<strong>More than \(Self.newShownAtMost)</strong> people are waiting for a call; those waiting longest are shown."
                : "<strong>\(new.count)</strong> \(new.count == 1 ? "person is" : "people are") waiting for a call."
        return StaffPage.response(
            title: title, section: .callbacks, session: session, refresh: console.configuration.refreshSeconds,
            body: """
                <h1>Callback requests</h1>
                <p id="summary">\(summary) <span class="muted">This page updates itself every \
                \(console.configuration.refreshSeconds) seconds.</span></p>
                \(Self.unreadableNotice(unreadable))
                \(table)
                \(showMore)
                \(history(changes, now: now))
                \(storeLine)
                """)
    }

    /// Says which stored rows could not be read and are not in the list (nothing when all could).
    static func unreadableNotice(_ listing: CallbackListing) -> Markup {
        guard let warning = listing.warning else { return "" }
        return "<p class=\"notice\" id=\"unreadable\" role=\"alert\">\(warning)</p>"
    }

    /// The store the inbox reads, named at the foot of the page.
    private var storeLine: Markup {
        let store = console.configuration.storeDescription
        guard !store.isEmpty else { return "" }
        return "<p class=\"muted\" id=\"store\">Requests are read from \(store).</p>"
    }

    private func row(_ request: CallbackRequest, now: Date, session: StaffSession?) -> Markup {
        let status = request.status.rawValue
        let waited = Self.age(from: request.created, to: now)
        let age: Markup = request.status == .new ? "waiting \(waited)" : "asked \(waited) ago"
        let name: Markup =
            request.name.map { "\(CallbackReport.sanitize($0))" } ?? "<span class=\"muted\">(no name given)</span>"
        var phoneHref = "tel:" + request.phone.e164
        if let digits = request.phone.extensionDigits { phoneHref += ";ext=" + digits }
        let bestTime = request.bestTimeForStaff(timeZone: .current)
        let voicemail = Self.describe(request.voicemail)
        // A crisis reply was given in the chat that asked for the call: staff call with that in mind (no words kept).
        let crisis: Markup = request.crisisInChat ? " <span class=\"crisis\">\(CallbackReport.crisisMarker)</span>" : ""
        // A second number the visitor offered, to try when the first doesn't answer.
        let backup: Markup =
            request.backupPhone.map { number -> Markup in
                "<br><span class=\"muted\">or</span> <a class=\"backup\" href=\"tel:\(number.e164)\">\(number.display)</a>"
            } ?? ""
        let actions = Self.actions(for: request.status).map { target, label -> Markup in
            guard let session else { return "" }
            return """
                <form method="post" action="/callbacks/\(request.reference)/mark">\(StaffPage.tokenField(session))\
                <input type="hidden" name="status" value="\(target.rawValue)">\
                <button type="submit">\(label)</button></form>
                """
        }
        return """
            <tr class="\(status)" data-reference="\(request.reference)" data-status="\(status)">\
            <td><span class="status \(status)">\(status)</span>\(crisis)</td><td>\(age)</td><td>\(name)</td>\
            <td class="nowrap"><a href="\(phoneHref)">\(request.phone.display)</a>\(backup)</td><td>\(bestTime)</td>\
            <td>\(voicemail)</td><td data-channel="\(request.channel.rawValue)">\(Self.describe(request.channel))</td>\
            <td class="nowrap">\(request.reference)</td>\
            <td class="actions">\(actions)</td></tr>

            """
    }

    /// What the visitor said about a voicemail, in staff's words.
    static func describe(_ voicemail: VoicemailPreference) -> String {
        switch voicemail {
        case .allowed: "OK to leave a message"
        case .discreet: "Only a message that doesn't name the center"
        case .noVoicemail: "Please don't leave a message"
        }
    }

    /// How a request came, in staff's words. The web widget reaches the server through its socket protocol, so
    /// its requests say `socket` in the store, as other chat programs' do.
    static func describe(_ channel: CallbackChannel) -> String {
        switch channel {
        case .socket: "chat (web widget or app)"
        case .web: "web page"
        case .terminal: "terminal chat on the server"
        }
    }

    /// The buttons a request in `status` gets: where it can go next.
    static func actions(for status: CallbackStatus) -> [(CallbackStatus, String)] {
        switch status {
        case .new: [(.contacted, "Mark contacted"), (.closed, "Close")]
        case .contacted: [(.closed, "Close"), (.new, "Reopen")]
        case .closed: [(.new, "Reopen")]
        }
    }

    /// The latest status changes: who, when, from which status to which, and the reference. No names or numbers.
    private func history(_ changes: [CallbackStatusChange], now: Date) -> Markup {
        guard !changes.isEmpty else { return "" }
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        let rows = changes.map { change -> Markup in
            """
            <tr><td class="nowrap">\(formatter.string(from: change.at)) \
            <span class="muted">(\(Self.age(from: change.at, to: now)) ago)</span></td><td>\(change.staff)</td><td>\(change.reference)</td>\
            <td>\(change.from.rawValue) → \(change.to.rawValue)</td></tr>

            """
        }
        return """
            <h2>Recent changes</h2>
            <table id="changes"><thead><tr><th>When</th><th>Who</th><th>Reference</th><th>Change</th></tr></thead>
            <tbody>\(rows)</tbody></table>
            """
    }

    /// "5 min", "2 h", "3 days": how long ago, in the largest whole unit.
    static func age(from date: Date, to now: Date) -> String {
        let seconds = max(0, Int(now.timeIntervalSince(date)))
        switch seconds {
        case ..<60: return "under a minute"
        case ..<3600: return "\(seconds / 60) min"
        case ..<(2 * 86_400): return "\(seconds / 3600) h"
        default: return "\(seconds / 86_400) days"
        }
    }

    /// Marks a request and records who did it; back to the inbox.
    func mark(_ request: Request, context: StaffRequestContext) async throws -> Response {
        let form = try await FormFields.read(request, context: context)
        guard let session = context.sessions.session, let account = session.account,
            session.accepts(token: form["token"])
        else {
            return staleForm(context: context)
        }
        guard let reference = context.parameters.get("reference").flatMap(ReferenceCode.normalized),
            let status = form["status"].flatMap(CallbackStatus.init(rawValue:))
        else {
            throw HTTPError(.badRequest, message: "This change can't be read.")
        }
        do {
            guard let updated = try await console.store.mark(reference: reference, as: status, by: account) else {
                throw HTTPError(.notFound, message: "There is no callback request \(reference).")
            }
            logger.info(
                "Marked a callback request",
                metadata: ["reference": "\(reference)", "status": "\(updated.status.rawValue)", "account": "\(account)"])
        } catch let error as HTTPError {
            throw error
        } catch {
            logger.error("Could not mark a callback request", metadata: ["reference": "\(reference)", "error": "\(error)"])
            return StaffPage.response(
                title: "Not changed — OpenDoor staff", section: .callbacks, session: session,
                status: .serviceUnavailable,
                body: """
                    <h1>Nothing was changed</h1>
                    <p class="notice" role="alert">The request \(reference) couldn't be marked \(status.rawValue): \
                    \(String(describing: error))</p><p><a href="/">Back to the callback list</a></p>
                    """)
        }
        return Response.redirect(to: "/", type: .normal)
    }
}
