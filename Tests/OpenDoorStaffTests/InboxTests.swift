import Foundation
import Hummingbird
import HummingbirdTesting
import OpenDoorKit
import OpenDoorTestSupport
import Testing

@testable import OpenDoorStaff

@Suite("Staff console: the callback inbox")
struct InboxTests {
    @Test("new requests first, with age, name, tel: link, best time as said, voicemail, channel; count in the title")
    func inboxShowsRequests() async throws {
        try await withStaffConsole { harness, client in
            let older = try await harness.saveRequest(name: "Alex", phone: "+14705550111", voicemail: .noVoicemail)
            harness.clock.advance(by: 60)
            let closed = try await harness.saveRequest(name: "Chris", phone: "+14705550122")
            _ = try await harness.store.mark(reference: closed.reference, as: .closed)
            harness.clock.advance(by: 2 * 3600)
            try await client.signIn()
            let page = try await client.get("/")
            #expect(page.status == .ok)
            let html = page.text
            #expect(html.contains("<title>(1) Callbacks — OpenDoor staff</title>"))
            #expect(html.contains("http-equiv=\"refresh\""))
            #expect(html.contains("waiting 2 h"))
            #expect(html.contains("Alex"))
            #expect(html.contains("href=\"tel:+14705550111\""))
            #expect(html.contains("after 5 on weekdays"))
            #expect(html.contains("Please don&#39;t leave a message"))
            #expect(html.contains("<td data-channel=\"web\">web page</td>"))
            // New before closed.
            let alex = try #require(html.range(of: older.reference))
            let chris = try #require(html.range(of: closed.reference))
            #expect(alex.lowerBound < chris.lowerBound)
            #expect(page.headers[.cacheControl] == "no-store")
        }
    }

    @Test("a second number the visitor offered is shown under the first, with its own tel: link")
    func backupPhoneShown() async throws {
        try await withStaffConsole { harness, client in
            _ = try await harness.saveRequest(name: "Alex", phone: "+14705550111", backupPhone: "+17065550999")
            _ = try await harness.saveRequest(name: "Chris", phone: "+14705550122")
            try await client.signIn()
            let html = try await client.get("/").text
            #expect(html.contains("href=\"tel:+17065550999\">(706) 555-0999</a>"), "\(html)")
            #expect(html.components(separatedBy: "class=\"backup\"").count == 2)
        }
    }

    @Test("a request row written outside OpenDoor is named above the list; every other request is shown (QA20 O3)")
    func unreadableRowNamed() async throws {
        try await withStaffConsole { harness, client in
            let shown = try await harness.saveRequest(name: "Alex", phone: "+14705550111")
            let odd = try await harness.saveRequest(name: "Chris", phone: "+14705550122")
            _ = try await harness.store.mark(reference: odd.reference, as: .contacted)
            try await harness.store.execute(
                sql: "UPDATE callback_request SET channel = 'fax' WHERE reference = '\(odd.reference)'")
            try await client.signIn()
            let page = try await client.get("/")
            #expect(page.status == .ok)
            #expect(page.text.contains(shown.reference) && page.text.contains("Alex"))
            #expect(!page.text.contains("Chris"))
            #expect(page.text.contains("id=\"unreadable\""), "\(page.text)")
            #expect(page.text.contains("1 request could not be read and is not shown: \(odd.reference)"), "\(page.text)")
        }
    }

    @Test("every new request, then a bounded page of the newest handled ones with “Show more”, read with the limit")
    func handledRequestsArePaged() async throws {
        try await withStaffConsole { harness, client in
            var closed: [CallbackRequest] = []
            let waiting = try await harness.saveRequest(name: "Wren", phone: "+14705550101")
            for index in 0..<(StaffRoutes.othersShown + 3) {
                harness.clock.advance(by: 1)
                let request = try await harness.saveRequest(name: "Handled \(index)", phone: "+14705550102")
                _ = try await harness.store.mark(reference: request.reference, as: .closed)
                closed.append(request)
            }
            try await client.signIn()
            let first = try await client.get("/").text
            #expect(first.contains(waiting.reference))
            let shown = closed.filter { first.contains($0.reference) }
            #expect(shown.map(\.reference) == closed.suffix(StaffRoutes.othersShown).map(\.reference))
            #expect(first.contains("href=\"/?shown=\(StaffRoutes.othersShown * 2)\""), "\(first)")
            let more = try await client.get("/?shown=\(StaffRoutes.othersShown * 2)").text
            #expect(closed.allSatisfy { more.contains($0.reference) } && more.contains(waiting.reference))
            #expect(!more.contains("id=\"show-more\""))
        }
    }

    @Test("each voicemail choice is shown in staff's words")
    func voicemailChoices() async throws {
        try await withStaffConsole { harness, client in
            try await harness.saveRequest(name: "Ana", voicemail: .allowed)
            try await harness.saveRequest(name: "Bo", voicemail: .discreet)
            try await harness.saveRequest(name: "Cy", voicemail: .noVoicemail)
            try await client.signIn()
            let html = try await client.get("/").text
            #expect(html.contains("<td>OK to leave a message</td>"))
            #expect(html.contains("<td>Only a message that doesn&#39;t name the center</td>"))
            #expect(html.contains("<td>Please don&#39;t leave a message</td>"))
        }
    }

    @Test("marking contacted, closed and reopening records who, when and from which status, without phone numbers")
    func marking() async throws {
        try await withStaffConsole { harness, client in
            let saved = try await harness.saveRequest()
            try await client.signIn()
            let contacted = try await client.submit(
                "/callbacks/\(saved.reference)/mark", form: [("status", "contacted")])
            #expect(contacted.status == .seeOther)
            #expect(contacted.location == "/")
            #expect(try await harness.store.find(reference: saved.reference)?.status == .contacted)
            try await client.submit("/callbacks/\(saved.reference)/mark", form: [("status", "closed")])
            try await client.submit("/callbacks/\(saved.reference)/mark", form: [("status", "new")])
            #expect(try await harness.store.find(reference: saved.reference)?.status == .new)

            let changes = try await harness.store.statusChanges(limit: 10)
            #expect(changes.map(\.to) == [.new, .closed, .contacted])
            #expect(changes.map(\.from) == [.closed, .contacted, .new])
            #expect(changes.allSatisfy { $0.staff == testAccount && $0.reference == saved.reference })

            let page = try await client.get("/").text
            #expect(page.contains("Recent changes"))
            #expect(page.contains("contacted → closed"))
            // When: the day and time, and how long ago.
            #expect(page.contains(#/<td class="nowrap">\d{4}-\d\d-\d\d \d\d:\d\d <span class="muted">\(.+ ago\)/#))
            let logs = harness.logs.all.joined(separator: "\n")
            #expect(logs.contains(saved.reference))
            for secret in ["Sam", "4705550123", "555-0123"] {
                #expect(!logs.contains(secret), "the logs contain \(secret)")
            }
        }
    }

    @Test("a mark without the form's token (CSRF) or with another session's token changes nothing")
    func markWithoutToken() async throws {
        try await withStaffConsole { harness, client in
            let saved = try await harness.saveRequest()
            try await client.signIn()
            let forged = try await client.post(
                "/callbacks/\(saved.reference)/mark", form: [("status", "closed"), ("token", "1234")])
            #expect(forged.status == .forbidden)
            let missing = try await client.post("/callbacks/\(saved.reference)/mark", form: [("status", "closed")])
            #expect(missing.status == .forbidden)
            #expect(try await harness.store.find(reference: saved.reference)?.status == .new)
            #expect(try await harness.store.statusChanges(limit: 10).isEmpty)
        }
    }

    @Test("marking a request that isn't there says so")
    func markMissing() async throws {
        try await withStaffConsole { _, client in
            try await client.signIn()
            let response = try await client.submit("/callbacks/BBB-BBB/mark", form: [("status", "closed")])
            #expect(response.status == .notFound)
        }
    }

    @Test("a name written as HTML shows as text")
    func escaping() async throws {
        try await withStaffConsole { harness, client in
            try await harness.saveRequest(name: "<img src=x onerror=alert(1)>")
            try await client.signIn()
            let html = try await client.get("/").text
            #expect(!html.contains("<img src=x"))
            #expect(html.contains("&lt;img src=x onerror=alert(1)&gt;"))
        }
    }

    @Test("the page holds no script at all")
    func noScript() async throws {
        try await withStaffConsole { harness, client in
            try await harness.saveRequest()
            try await client.signIn()
            for path in ["/", "/try", "/knowledge", "/counts"] {
                #expect(!(try await client.get(path).text.lowercased().contains("<script")))
            }
        }
    }
}
