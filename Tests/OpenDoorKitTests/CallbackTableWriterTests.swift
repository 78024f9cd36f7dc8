import Foundation
import OpenDoorKit
import Testing

/// `callbacks list` and `purge` write their table in one read (issue 12): the columns measured on a first window of
/// rows, later rows written at once in those columns, a wider cell wrapped under its own column.
@Suite("Callback table written in one read")
struct CallbackTableWriterTests {
    static let requests = CallbackPagesTests.requests

    @Test("a table no longer than the window is the whole table's, byte for byte, whatever the pages", arguments: [1, 2, 4, 9])
    func withinTheWindow(size: Int) {
        var writer = CallbackReport.TableWriter(window: Self.requests.count)
        let text = CallbackPagesTests.pages(of: size).map { writer.add($0) }.joined() + writer.finish()
        #expect(text == CallbackReport.table(Self.requests))
        #expect(writer.count == Self.requests.count)
        var empty = CallbackReport.TableWriter()
        #expect(empty.add([]) + empty.finish() == CallbackReport.emptyTable)
    }

    @Test("rows after the window keep the columns above them; a wider cell wraps under its column, nothing cut")
    func afterTheWindow() throws {
        // The oldest request has the widest name and phone: measured on the first eight, its cells wrap.
        var writer = CallbackReport.TableWriter(window: 8)
        let first = writer.add(Array(Self.requests.prefix(8)))
        #expect(first == CallbackReport.table(Array(Self.requests.prefix(8))), "the window is written once full")
        let last = writer.add([Self.requests[8]]) + writer.finish()
        let lines = last.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        #expect(lines.count > 1, "\(last)")
        // Every piece starts where its column starts in the header.
        let header = try #require(first.split(separator: "\n").first.map(String.init))
        let nameColumn = try #require(header.range(of: "NAME")).lowerBound.utf16Offset(in: header)
        let phoneColumn = try #require(header.range(of: "PHONE")).lowerBound.utf16Offset(in: header)
        #expect(lines[0].hasPrefix("K7M-3Q8"))
        let bestColumn = try #require(header.range(of: "BEST TIME")).lowerBound.utf16Offset(in: header)
        func joined(from start: Int, to end: Int) -> String {
            lines.map { line -> String in
                let characters = Array(line)
                guard characters.count > start else { return "" }
                return String(characters[start..<min(characters.count, end)]).trimmingCharacters(in: .whitespaces)
            }.filter { !$0.isEmpty }.joined(separator: " ")
        }
        // The name as every table shows it (cut at 24 with …), the phone number whole.
        #expect(joined(from: nameColumn, to: phoneColumn) == "Maximilian Alexander Th…", "\(last)")
        #expect(joined(from: phoneColumn, to: bestColumn) == Self.requests[8].phone.display, "\(last)")
        #expect(lines.dropFirst().allSatisfy { !$0.hasSuffix(" ") && $0.hasPrefix(String(repeating: " ", count: 7)) }, "\(last)")
        // Each line is no wider than the header's columns allow for the cells it holds.
        for line in lines.dropFirst() {
            #expect(!line.contains("K7M"), "a continuation line repeats no other cell: \(line)")
        }
    }

    @Test("a stored best time this version doesn't know is read as said, with the visitor's words or the kind's own")
    func unknownBestTimeKinds() throws {
        func stored(_ bestTime: String?, said: String?) -> StoredRequest {
            StoredRequest(
                id: 3, reference: "K7M-3QP", createdMilliseconds: 1_700_000_000_000, name: "Sam", phoneE164: "+14705550123",
                phoneExtension: nil, bestTime: bestTime, voicemailOK: true, channel: "web", status: "new",
                bestTimeSaid: said, voicemail: "yes")
        }
        let withWords = try stored("weekends_only", said: "Saturday mornings").request().get()
        #expect(withWords.bestTime == .asSaid && withWords.bestTimeSaid == "Saturday mornings")
        let bare = try stored("weekends_only", said: nil).request().get()
        #expect(bare.bestTime == .asSaid && bare.bestTimeSaid == "weekends only")
        #expect(bare.bestTimeForStaff(timeZone: CallbackReport.utc) == "weekends only (as said)")
        #expect(try stored("as_said", said: "not mornings").request().get().bestTime == .asSaid)
        #expect(try stored("evening", said: nil).request().get().bestTime == .evening)
        for missing in [nil, ""] as [String?] {
            guard case .failure(let unreadable) = stored(missing, said: "x").request() else {
                Issue.record("a missing best time was read")
                continue
            }
            #expect(unreadable.column == "best time")
        }
    }
}
