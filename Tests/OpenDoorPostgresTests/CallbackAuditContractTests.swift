import Foundation
import OpenDoorKit
import OpenDoorTestSupport
import Testing

/// The staff console's audit of status changes, the same on SQLite and PostgreSQL.
@Suite("Callback audit contract (SQLite and PostgreSQL)")
struct CallbackAuditContractTests {
    @Test("a status change is recorded with who, when and both statuses; the same status twice records once",
        arguments: StoreKind.allCases)
    func recordsChanges(kind: StoreKind) async throws {
        try await kind.withPlace { place in
            let store = try #require(try await place.open() as? any CallbackAuditStore)
            let first = try await store.save(sampleDraft, channel: .web)
            let second = try await store.save(sampleDraft, channel: .socket)
            let before = Date().addingTimeInterval(-1)

            let contacted = try #require(try await store.mark(reference: first.reference, as: .contacted, by: "dana"))
            #expect(contacted.status == .contacted && contacted.id == first.id)
            // Typed in another case and without the dash, as the other operations accept it.
            let typed = first.reference.lowercased().replacingOccurrences(of: "-", with: "")
            #expect(try await store.mark(reference: typed, as: .contacted, by: "sam")?.status == .contacted)
            _ = try await store.mark(reference: first.reference, as: .closed, by: "sam")
            _ = try await store.mark(reference: second.reference, as: .closed, by: "dana")
            #expect(try await store.mark(reference: "BBB-BBB", as: .closed, by: "dana") == nil)

            let changes = try await store.statusChanges(limit: 10)
            #expect(changes.count == 3)
            #expect(changes.map(\.reference) == [second.reference, first.reference, first.reference])
            #expect(changes.map(\.staff) == ["dana", "sam", "dana"])
            #expect(changes.map(\.from) == [.new, .contacted, .new])
            #expect(changes.map(\.to) == [.closed, .closed, .contacted])
            #expect(changes.allSatisfy { $0.at >= before && $0.at <= Date().addingTimeInterval(1) })
            #expect(try await store.statusChanges(limit: 1).count == 1)
            #expect(try await store.find(reference: first.reference)?.status == .closed)

            // The audit outlives a purge of its request, and holds no name or number.
            #expect(try await store.purge(olderThan: Date().addingTimeInterval(60)) == 2)
            #expect(try await store.statusChanges(limit: 10).count == 3)
            try await store.close()
        }
    }

    @Test("the audit survives closing and opening again", arguments: StoreKind.allCases)
    func reopen(kind: StoreKind) async throws {
        try await kind.withPlace { place in
            let store = try #require(try await place.open() as? any CallbackAuditStore)
            let saved = try await store.save(sampleDraft, channel: .web)
            _ = try await store.mark(reference: saved.reference, as: .contacted, by: "dana")
            try await store.close()
            let reopened = try #require(try await place.open() as? any CallbackAuditStore)
            #expect(try await reopened.statusChanges(limit: 5).map(\.to) == [.contacted])
            try await reopened.close()
        }
    }
}
