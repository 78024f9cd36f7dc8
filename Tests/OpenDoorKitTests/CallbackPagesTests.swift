import Foundation
import OpenDoorKit
import Testing

/// `callbacks list` and `export` write a page at a time: their pieces, fed page by page, give the same text as the
/// whole list formatted at once.
@Suite("Callback reports and listings a page at a time")
struct CallbackPagesTests {
    /// Nine requests newest first, two pairs made in the same millisecond (the id decides), the widest name and phone
    /// in the oldest, so that a table measured on its first page alone would be too narrow.
    static let requests: [CallbackRequest] = {
        let names: [String?] = [
            "Sam", nil, "Ann", "Bo", "Jo, \"the\" =cousin", "Lee", "Kim", "Ty", "Maximilian Alexander Thornbury-Wells",
        ]
        let minutes: [Double] = [90, 60, 60, 45, 30, 30, 20, 10, 0]
        return names.indices.map { index in
            let request = CallbackReportTests.request(
                id: Int64(100 - index), name: names[index], minutesAfterEpoch: minutes[index],
                reference: "K7M-3Q\(index)",
                phone: index == names.count - 1
                    ? PhoneNumber(e164: "+14705550123", extensionDigits: "12345")! : CallbackReportTests.phone,
                bestTimeSaid: index == 3 ? "after 5, weekdays" : nil)
            return request
        }
    }()

    static func pages(of size: Int) -> [[CallbackRequest]] {
        stride(from: 0, to: requests.count, by: size).map { Array(requests[$0..<min($0 + size, requests.count)]) }
    }

    @Test("table, CSV and JSON written page by page are the whole list's, byte for byte", arguments: [1, 2, 4, 8, 9, 50])
    func samePageByPage(size: Int) {
        let pages = Self.pages(of: size)
        var layout = CallbackReport.TableLayout()
        for page in pages { layout.measure(page) }
        #expect(layout.count == Self.requests.count)
        #expect(layout.header + pages.map(layout.lines).joined() == CallbackReport.table(Self.requests))

        #expect(CallbackReport.csvHeader + pages.map { CallbackReport.csvRows($0) }.joined() == CallbackReport.csv(Self.requests))

        var json = CallbackReport.JSONArrayWriter()
        // An empty page (the last read of a list whose length is a multiple of the page) changes nothing.
        let written = (pages + [[]]).map { json.page($0) }.joined() + json.end()
        #expect(written == CallbackReport.json(Self.requests))
    }

    @Test("no requests: the table's sentence, the CSV header, an empty JSON array")
    func empty() {
        var json = CallbackReport.JSONArrayWriter()
        #expect(json.page([]) + json.end() == CallbackReport.json([]))
        #expect(CallbackReport.csvHeader + CallbackReport.csvRows([]) == CallbackReport.csv([]))
        #expect(CallbackReport.TableLayout().count == 0)
        #expect(CallbackReport.table([]) == CallbackReport.emptyTable)
    }

    @Test("a row wider than the columns measured wraps its wide cells under their columns, two spaces between cells")
    func widerThanMeasured() {
        var layout = CallbackReport.TableLayout()
        layout.measure([Self.requests[0]])
        let lines = layout.lines([Self.requests.last!]).split(separator: "\n").map(String.init)
        #expect(lines.count > 1, "\(lines)")
        #expect(lines[0].hasPrefix("K7M-3Q8    2025-03-04 14:00  Maxi  "), "\(lines)")
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix(String(repeating: " ", count: 29)) }, "\(lines)")
    }

    @Test("a store without its own pages (in memory) reads pages that add up to its list", arguments: [1, 3, 5, 100])
    func inMemoryPages(size: Int) async throws {
        let clock = Clock()
        let store = InMemoryCallbackStore(now: { clock.now })
        let phone = CallbackReportTests.phone
        for index in 0..<10 {
            _ = try await store.save(
                CallbackDraft(name: "V\(index)", phone: phone, bestTime: .morning, voicemailOK: true), channel: .web)
            if index % 3 == 0 { clock.advance() }  // some in the same millisecond
        }
        for status in [nil, CallbackStatus.new, .closed] {
            var read: [CallbackRequest] = []
            let count = try await store.forEachPage(status: status, pageSize: size) { page in
                #expect(page.requests.count <= size)
                read += page.requests
            }
            let all = try await store.list(status: status)
            #expect(read == all)
            #expect(count == max(1, (read.count + size - 1) / size))
        }
    }

    final class Clock: @unchecked Sendable {
        private let lock = NSLock()
        private var current = Date(timeIntervalSince1970: 1_741_096_800)
        var now: Date { lock.withLock { current } }
        func advance() { lock.withLock { current += 1 } }
    }
}
