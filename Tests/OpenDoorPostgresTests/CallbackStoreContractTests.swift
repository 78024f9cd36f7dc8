import Foundation
import Logging
import OpenDoorKit
import OpenDoorTestSupport
import Testing

/// What every callback store promises, checked against SQLite and PostgreSQL alike.
///
/// PostgreSQL cases need `OPENDOOR_TEST_POSTGRES` (Scripts/test sets it); without it they are
/// cancelled with ``postgresMissing`` as the printed reason, never passed silently.
@Suite("Callback store contract (SQLite and PostgreSQL)")
struct CallbackStoreContractTests {
    static let phone = PhoneNumber(e164: "+14705550123", extensionDigits: "12")!

    static func draft(_ name: String? = "Sam", bestTime: BestTime = .evening) -> CallbackDraft {
        CallbackDraft(name: name, phone: phone, bestTime: bestTime, voicemailOK: true)
    }

    @Test("save, list, find, mark and purge round trip", arguments: StoreKind.allCases)
    func roundTrip(kind: StoreKind) async throws {
        try await kind.withPlace { place in
            let clock = StoreTestClock()
            let store = try await place.open(StoreOptions(now: { clock.now }))

            let first = try await store.save(Self.draft("Sam", bestTime: .morning), channel: .terminal)
            clock.advance(by: 0.0015)  // sub-millisecond parts are dropped the same way on save and read
            let second = try await store.save(Self.draft(nil), channel: .web)
            #expect(first.id < second.id)
            #expect(first.reference != second.reference)
            #expect(ReferenceCode.normalized(first.reference) == first.reference)
            #expect(first.name == "Sam" && first.phone == Self.phone && first.bestTime == .morning)
            #expect(first.voicemailOK && first.channel == .terminal && first.status == .new)
            #expect(second.name == nil)

            #expect(try await store.list(status: nil) == [second, first])
            let typed = first.reference.lowercased().replacingOccurrences(of: "-", with: " ")
            #expect(try await store.find(reference: typed) == first)
            #expect(try await store.find(reference: "BBB-BBB") == nil)
            #expect(try await store.find(reference: "'; DROP TABLE callback_request; --") == nil)

            let marked = try #require(try await store.mark(reference: first.reference, as: .contacted))
            #expect(marked.status == .contacted && marked.id == first.id)
            #expect(try await store.find(reference: first.reference)?.status == .contacted)
            #expect(try await store.list(status: .contacted).map(\.id) == [first.id])
            #expect(try await store.list(status: .new).map(\.id) == [second.id])
            #expect(try await store.list(status: .closed).isEmpty)
            #expect(try await store.mark(reference: "BBB-BBB", as: .closed) == nil)

            #expect(try await store.purge(olderThan: first.created) == 0)
            #expect(try await store.purge(olderThan: second.created) == 1)
            #expect(try await store.list(status: nil) == [second])
            // Ids are never reused after a purge.
            #expect(try await store.save(Self.draft(), channel: .socket).id > second.id)
            try await store.close()
        }
    }

    @Test(
        "a bounded list gives the newest requests; whole lists and purges longer than a page are complete",
        arguments: StoreKind.allCases)
    func pages(kind: StoreKind) async throws {
        try await kind.withPlace { place in
            let clock = StoreTestClock()
            // Two rows a page: seven requests take four reads, and a purge of six takes three batches.
            let store = try await place.open(StoreOptions(now: { clock.now }, pageSize: 2))
            var saved: [CallbackRequest] = []
            for index in 0..<7 {
                saved.append(try await store.save(Self.draft("Visitor \(index)"), channel: .web))
                clock.advance(by: 1)
            }
            for request in saved[1...3] { _ = try await store.mark(reference: request.reference, as: .closed) }
            let newestFirst = saved.reversed().map(\.reference)
            #expect(try await store.list(status: nil).map(\.reference) == newestFirst)
            #expect(try await store.list(status: nil, limit: 3).map(\.reference) == Array(newestFirst.prefix(3)))
            #expect(try await store.list(status: .closed, limit: 2).map(\.reference) == [saved[3], saved[2]].map(\.reference))
            #expect(try await store.list(status: .new, limit: 10).map(\.reference) == [6, 5, 4, 0].map { saved[$0].reference })
            #expect(try await store.list(status: .new, limit: 0).isEmpty)
            #expect(try await store.purge(olderThan: saved[6].created) == 6)
            #expect(try await store.list(status: nil).map(\.reference) == [saved[6].reference])
            try await store.close()
        }
    }

    @Test(
        "a long list read a page at a time (keyset pages) gives every request once, in the list's order, whatever the page",
        arguments: StoreKind.allCases)
    func keysetPages(kind: StoreKind) async throws {
        try await kind.withPlace { place in
            let clock = StoreTestClock()
            let store = try await place.open(StoreOptions(now: { clock.now }))
            // 150 requests, three to a millisecond (the id orders those), one in four marked closed.
            var saved: [CallbackRequest] = []
            for index in 0..<150 {
                saved.append(try await store.save(Self.draft("Visitor \(index)"), channel: .web))
                if index % 3 == 2 { clock.advance(by: 0.001) }
            }
            for request in saved where request.id % 4 == 0 {
                _ = try await store.mark(reference: request.reference, as: .closed)
            }
            for status in [nil, CallbackStatus.closed, .new] {
                let whole = try await store.list(status: status)
                #expect(whole.count == (status == nil ? 150 : saved.filter { ($0.id % 4 == 0) == (status == .closed) }.count))
                for size in [1, 7, 50, max(1, whole.count), 1_000] {
                    var read: [CallbackRequest] = []
                    var biggest = 0
                    let pages = try await store.forEachPage(status: status, pageSize: size) { page in
                        biggest = max(biggest, page.requests.count)
                        #expect(page.unreadable.isEmpty)
                        read += page.requests
                    }
                    #expect(read.map(\.id) == whole.map(\.id), "page size \(size), status \(status?.rawValue ?? "all")")
                    #expect(biggest <= size)
                    // A page short of its size ends the listing; a full last one is followed by one empty read.
                    #expect(pages == whole.count / size + 1, "page size \(size)")
                }
            }
            let first = try await store.listingPage(status: nil, after: nil, limit: 2)
            let cursor = try #require(first.next)
            #expect(cursor == CallbackCursor(first.listing.requests[1]))
            let second = try await store.listingPage(status: nil, after: cursor, limit: 2)
            #expect(second.listing.requests.map(\.id) == Array(saved.reversed())[2..<4].map(\.id))
            try await store.close()
        }
    }

    @Test("the best time as the visitor said it is kept beside its normalized part", arguments: StoreKind.allCases)
    func bestTimeSaid(kind: StoreKind) async throws {
        try await kind.withPlace { place in
            let store = try await place.open()
            let said = CallbackDraft(
                name: "Sam", phone: Self.phone, bestTime: .evening, bestTimeSaid: "after 5 on weekdays", voicemailOK: true)
            let saved = try await store.save(said, channel: .socket)
            let picked = try await store.save(Self.draft("Jo"), channel: .web)
            #expect(saved.bestTimeSaid == "after 5 on weekdays")
            try await store.close()

            let reopened = try await place.open()
            let listed = try await reopened.list(status: nil)
            #expect(listed.first { $0.reference == saved.reference }?.bestTimeSaid == "after 5 on weekdays")
            #expect(listed.first { $0.reference == picked.reference }?.bestTimeSaid == nil)
            try await reopened.close()
        }
    }

    @Test("the marker of a crisis reply in the chat is kept and read back; a request without one has none (QA21 W8)", arguments: StoreKind.allCases)
    func crisisInChat(kind: StoreKind) async throws {
        try await kind.withPlace { place in
            let store = try await place.open()
            var marked = Self.draft("Kim")
            marked.crisisInChat = true
            let saved = try await store.save(marked, channel: .socket)
            let plain = try await store.save(Self.draft("Jo"), channel: .web)
            #expect(saved.crisisInChat)
            #expect(!plain.crisisInChat)
            try await store.close()

            let reopened = try await place.open()
            let listed = try await reopened.list(status: nil)
            #expect(listed.first { $0.reference == saved.reference }?.crisisInChat == true)
            #expect(listed.first { $0.reference == plain.reference }?.crisisInChat == false)
            #expect(try await reopened.find(reference: saved.reference)?.crisisInChat == true)
            try await reopened.close()
        }
    }

    @Test(
        "a saved request is marked crisis in chat by its reference, twice the same, nothing else changes (QA31 S2-1)",
        arguments: StoreKind.allCases)
    func markCrisisInChat(kind: StoreKind) async throws {
        try await kind.withPlace { place in
            let store = try await place.open()
            let saved = try await store.save(Self.draft("Kim"), channel: .socket)
            let other = try await store.save(Self.draft("Jo"), channel: .web)
            _ = try await store.mark(reference: saved.reference, as: .contacted)
            let typed = saved.reference.lowercased().replacingOccurrences(of: "-", with: "")
            let marked = try #require(try await store.markCrisisInChat(reference: typed))
            #expect(marked.crisisInChat && marked.id == saved.id)
            #expect(marked.status == .contacted && marked.name == "Kim" && marked.phone == Self.phone)
            #expect(try await store.markCrisisInChat(reference: saved.reference) == marked)
            #expect(try await store.markCrisisInChat(reference: "BBB-BBB") == nil)
            #expect(try await store.markCrisisInChat(reference: "'; DROP TABLE callback_request; --") == nil)
            try await store.close()

            let reopened = try await place.open()
            let listed = try await reopened.list(status: nil)
            #expect(listed.first { $0.reference == saved.reference }?.crisisInChat == true)
            #expect(listed.first { $0.reference == other.reference }?.crisisInChat == false)
            try await reopened.close()
        }
    }

    @Test("a second number the visitor offered is kept and read back; a request without one has none", arguments: StoreKind.allCases)
    func backupPhone(kind: StoreKind) async throws {
        try await kind.withPlace { place in
            let store = try await place.open()
            var offered = Self.draft("Kim")
            offered.backupPhone = PhoneNumber.parse("706 555 0999")
            let saved = try await store.save(offered, channel: .socket)
            let plain = try await store.save(Self.draft("Jo"), channel: .web)
            #expect(saved.backupPhone?.e164 == "+17065550999")
            #expect(plain.backupPhone == nil)
            try await store.close()

            let reopened = try await place.open()
            let listed = try await reopened.list(status: nil)
            #expect(listed.first { $0.reference == saved.reference }?.backupPhone?.e164 == "+17065550999")
            #expect(listed.first { $0.reference == plain.reference }?.backupPhone == nil)
            #expect(try await reopened.find(reference: saved.reference)?.backupPhone?.e164 == "+17065550999")
            try await reopened.close()
        }
    }

    @Test("each voicemail choice (yes, discreet only, none) is kept and read back", arguments: StoreKind.allCases)
    func voicemailChoices(kind: StoreKind) async throws {
        try await kind.withPlace { place in
            let store = try await place.open()
            var saved: [VoicemailPreference: CallbackRequest] = [:]
            for choice in VoicemailPreference.allCases {
                let draft = CallbackDraft(name: "Sam", phone: Self.phone, bestTime: .evening, voicemail: choice)
                saved[choice] = try await store.save(draft, channel: .web)
                #expect(saved[choice]?.voicemail == choice)
            }
            try await store.close()

            let reopened = try await place.open()
            let listed = try await reopened.list(status: nil)
            for (choice, request) in saved {
                let found = listed.first { $0.reference == request.reference }
                #expect(found?.voicemail == choice)
                #expect(found?.voicemailOK == (choice == .allowed))
            }
            try await reopened.close()
        }
    }

    @Test("a closed store refuses everything with the closed error", arguments: StoreKind.allCases)
    func closedStore(kind: StoreKind) async throws {
        try await kind.withPlace { place in
            let store = try await place.open()
            let saved = try await store.save(Self.draft(), channel: .web)
            try await store.close()
            try await store.close()  // twice is harmless
            await #expect(throws: CallbackStoreError.closed()) { try await store.save(Self.draft(), channel: .web) }
            await #expect(throws: CallbackStoreError.closed()) { try await store.list(status: nil) }
            await #expect(throws: CallbackStoreError.closed()) { try await store.find(reference: saved.reference) }
            await #expect(throws: CallbackStoreError.closed()) {
                try await store.mark(reference: saved.reference, as: .closed)
            }
            await #expect(throws: CallbackStoreError.closed()) { try await store.purge(olderThan: Date()) }
        }
    }

    @Test("data survives closing and opening again", arguments: StoreKind.allCases)
    func reopen(kind: StoreKind) async throws {
        try await kind.withPlace { place in
            let store = try await place.open()
            var saved: [CallbackRequest] = []
            for index in 0..<5 {
                saved.append(try await store.save(Self.draft("Person \(index)"), channel: .web))
            }
            _ = try await store.mark(reference: saved[2].reference, as: .closed)
            saved[2].status = .closed
            try await store.close()

            let reopened = try await place.open()
            #expect(try await reopened.list(status: nil) == saved.reversed())
            try await reopened.close()
        }
    }

    @Test(
        "200 concurrent saves through two stores are all kept once, with unique references",
        arguments: StoreKind.allCases
    )
    func concurrentSaves(kind: StoreKind) async throws {
        try await kind.withPlace { place in
            let stores = [try await place.open(), try await place.open()]
            let count = 200
            let saved = try await withThrowingTaskGroup(of: CallbackRequest.self) { group in
                for index in 0..<count {
                    let store = stores[index % 2]
                    group.addTask {
                        try await store.save(Self.draft("Visitor \(index)"), channel: index.isMultiple(of: 2) ? .web : .socket)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(saved.count == count)
            #expect(Set(saved.map(\.reference)).count == count)
            #expect(Set(saved.map(\.id)).count == count)
            for store in stores {
                let listed = try await store.list(status: nil)
                #expect(listed.count == count)
                #expect(Set(listed) == Set(saved))
                #expect(Set(listed.compactMap(\.name)).count == count)
            }
            for store in stores { try await store.close() }
        }
    }

    @Test("a reference code already taken is drawn again, and a save gives up after its tries", arguments: StoreKind.allCases)
    func referenceCollision(kind: StoreKind) async throws {
        try await kind.withPlace { place in
            let codes = StoreScriptedCodes(["BBB-BBB", "BBB-BBB", "BBB-BBB", "CCC-CCC"])
            let store = try await place.open(StoreOptions(makeReference: { codes.next() }, referenceAttempts: 3))
            #expect(try await store.save(Self.draft(), channel: .web).reference == "BBB-BBB")
            #expect(try await store.save(Self.draft(), channel: .web).reference == "CCC-CCC")

            codes.set(Array(repeating: "BBB-BBB", count: 10))
            let error = await #expect(throws: CallbackStoreError.self) {
                try await store.save(Self.draft(), channel: .web)
            }
            #expect(error?.code == .saveFailed)
            #expect(error?.description.contains("reference code") == true)
            #expect(try await store.list(status: nil).count == 2)
            try await store.close()
        }
    }

    @Test("logs hold reference codes and events, never a name or a phone number", arguments: StoreKind.allCases)
    func logsHoldNoPersonalData(kind: StoreKind) async throws {
        try await kind.withPlace { place in
            let records = CapturedLogs()
            let codes = StoreScriptedCodes(["BBB-BBB", "BBB-BBB"])
            let store = try await place.open(
                StoreOptions(makeReference: { codes.next() }, referenceAttempts: 1),
                logger: records.logger
            )
            let draft = CallbackDraft(name: "Bartholomew Quigley", phone: Self.phone, bestTime: .morning, voicemailOK: false)
            let saved = try await store.save(draft, channel: .terminal)
            _ = try? await store.save(draft, channel: .web)  // fails: the only code it may draw is taken
            _ = try await store.list(status: nil)
            _ = try await store.find(reference: saved.reference)
            _ = try await store.find(reference: "call me at 470 555 0123")
            _ = try await store.mark(reference: saved.reference, as: .contacted)
            _ = try await store.purge(olderThan: Date().addingTimeInterval(60))
            try await store.close()

            let text = records.all.joined(separator: "\n")
            #expect(records.all.count >= 5, "too few log lines: \(text)")
            #expect(text.contains(saved.reference))
            #expect(text.contains("saveFailed"))
            // Whole numbers only: a folder name or a port may hold "555" by chance.
            for secret in ["Bartholomew", "Quigley", "4705550123", "(470) 555", "555-0123", "555 0123"] {
                #expect(!text.contains(secret), "the logs contain \(secret):\n\(text)")
            }
        }
    }
}
