import Foundation
import OpenDoorKit
import OpenDoorSQLite
import OpenDoorTestSupport
import Testing

/// QA20 O3: a request row written outside OpenDoor (a hand edit, another version sharing the store) with a value this
/// version can't read. Before, every list, export, purge and the console's inbox failed with "damaged … move the file
/// aside"; now the row is skipped and named, every other request is read, and nothing is deleted because of it.
@Suite("Callback stores: rows that can't be read")
struct UnreadableRowTests {
    @Test(
        "a row with an unknown channel or a broken phone number is named and skipped; the others are listed, purge keeps it",
        arguments: StoreKind.allCases)
    func unreadableRowsAreSkipped(kind: StoreKind) async throws {
        try await kind.withPlace { place in
            let records = CapturedLogs()
            let store = try await place.open(logger: records.logger)
            let draft = CallbackDraft(
                name: "Bartholomew", phone: PhoneNumber(e164: "+14705550123")!, bestTime: .evening, voicemailOK: true)
            let kept = try await store.save(draft, channel: .web)
            let oddTime = try await store.save(draft, channel: .web)
            let oddPhone = try await store.save(draft, channel: .socket)
            try await place.execute(
                "UPDATE callback_request SET channel = 'fax' WHERE reference = '\(oddTime.reference)'", on: store)
            try await place.execute(
                "UPDATE callback_request SET phone_e164 = '+1470555012x' WHERE reference = '\(oddPhone.reference)'",
                on: store)

            // Every way of reading a whole list goes on, without the two rows.
            #expect(try await store.list(status: nil).map(\.reference) == [kept.reference])
            #expect(try await store.list(status: .new, limit: 10, oldestFirst: true).map(\.reference) == [kept.reference])
            let listing = try await store.listing(status: nil)
            #expect(listing.requests.map(\.reference) == [kept.reference])
            #expect(Set(listing.unreadable.compactMap(\.reference)) == [oddTime.reference, oddPhone.reference])
            let warning = try #require(listing.warning)
            #expect(warning.contains("\(oddTime.reference) (row \(oddTime.id)): unreadable channel 'fax'"), "\(warning)")
            #expect(warning.contains("\(oddPhone.reference) (row \(oddPhone.id)): unreadable phone number"), "\(warning)")
            #expect(warning.hasPrefix("2 requests could not be read"), "\(warning)")
            // The number itself is never repeated (the same words go to the log).
            #expect(!warning.contains("555012"), "\(warning)")

            // The row asked for by its reference: a read failure naming it, not a damaged store to move aside.
            let error = await #expect(throws: CallbackStoreError.self) {
                try await store.find(reference: oddTime.reference)
            }
            #expect(error?.code == .readFailed, "\(String(describing: error))")
            #expect(error?.description.contains("unreadable channel 'fax'") == true, "\(String(describing: error))")
            #expect(error?.description.contains("Move the file aside") == false)
            #expect(try await store.find(reference: kept.reference) == kept)

            // Purge deletes what staff could see, never a row they were not shown.
            #expect(try await store.purge(olderThan: Date().addingTimeInterval(60)) == 1)
            let after = try await store.listing(status: nil)
            #expect(after.requests.isEmpty)
            #expect(Set(after.unreadable.compactMap(\.reference)) == [oddTime.reference, oddPhone.reference])
            try await store.close()

            let text = records.all.joined(separator: "\n")
            #expect(
                records.all.contains { $0.hasPrefix("warning") && $0.contains(oddTime.reference) && $0.contains("channel") },
                "\(text)")
            for secret in ["Bartholomew", "4705550123", "470555012x"] {
                #expect(!text.contains(secret), "the logs contain \(secret):\n\(text)")
            }
        }
    }
}

extension StorePlace {
    /// Runs `sql` as someone with `sqlite3` or `psql` would, beside OpenDoor's own connections.
    func execute(_ sql: String, on store: any CallbackStore) async throws {
        switch self {
        case .sqlite:
            try await #require(store as? SQLiteCallbackStore).execute(sql: sql)
        case .postgres(let url):
            try await adminQuery(url, sql)
        }
    }
}
