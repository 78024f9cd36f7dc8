import Foundation
import OpenDoorKit
import OpenDoorPostgres
import OpenDoorTestSupport
import Testing

/// `callbacks copy` of a store larger than one batch: each batch its own transaction, the whole still idempotent.
@Suite("PostgreSQL copy in batches")
struct BatchCopyTests {
    @Test(
        "more requests and status changes than one batch are all copied once; copying again adds nothing",
        .enabled(if: testPostgresURL != nil, postgresMissing)
    )
    func copyInBatches() async throws {
        try await withTestDatabase { url in
            var configuration = PostgresCallbackStore.Configuration.forTests
            configuration.copyBatchSize = 2
            let store = try await PostgresCallbackStore.open(url, configuration: configuration, logger: quietLogger)
            let requests = (0..<5).map { index in
                var request = CallbackRequest(
                    id: Int64(index + 1), reference: ReferenceCode.random(),
                    created: Date(timeIntervalSince1970: 1_700_000_000 + Double(index)), draft: sampleDraft, channel: .web)
                request.status = index < 2 ? .closed : .new
                return request
            }
            let changes = requests.prefix(2).enumerated().map { index, request in
                CallbackStatusChange(
                    reference: request.reference, from: .new, to: .closed, staff: "ana",
                    at: Date(timeIntervalSince1970: 1_700_000_100 + Double(index)))
            }
            let first = try await store.copy(requests, changes: changes)
            #expect(first.copied == 5 && first.alreadyThere == 0 && first.conflicts.isEmpty)
            #expect(first.statusChanges == 2)
            let again = try await store.copy(requests, changes: changes)
            #expect(again.copied == 0 && again.alreadyThere == 5 && again.statusChangesAlreadyThere == 2)
            let stored = try await store.list(status: nil)
            #expect(stored.map(\.reference) == requests.reversed().map(\.reference))
            #expect(stored.filter { $0.status == .closed }.count == 2)
            #expect(try await store.statusChanges(limit: 10).count == 2)
            try await store.close()
        }
    }
}
