import Foundation
import Synchronization

/// The words of the last few long texts read, so that the checks of one reply share one reading of a message.
///
/// Texts are matched byte for byte (not by `==`, which compares canonically and would give "é" written with a
/// combining mark the words of "é" written as one letter); a few entries are enough for the message and its
/// clauses while other conversations' messages come and go. Only long texts are kept: a short one is read in less
/// time than a lookup takes. Nothing here is logged or leaves the process, and each entry is replaced within a few
/// messages.
final class RecentWords: Sendable {
    /// The shortest text kept, in UTF-8 bytes.
    static let shortest = 256
    /// How many texts are kept.
    static let capacity = 8

    static let shared = RecentWords()

    private struct Entry {
        var text: String
        var words: [String]
        /// The words joined by single spaces, once asked for.
        var normalized: String?
    }

    private struct State {
        var entries: [Entry] = []
        /// The entry replaced next.
        var next = 0
    }

    private let state = Mutex(State())

    /// The words kept for exactly these bytes, if any.
    func words(of text: String) -> [String]? {
        state.withLock { state in
            state.entries.first { Self.sameBytes($0.text, text) }?.words
        }
    }

    /// The normalized form kept for exactly these bytes, if any.
    func normalized(of text: String) -> String? {
        state.withLock { state in
            state.entries.first { Self.sameBytes($0.text, text) }?.normalized
        }
    }

    /// Keeps a text's normalized form beside its words (when they are still kept).
    func keep(normalized: String, of text: String) {
        state.withLock { state in
            if let index = state.entries.firstIndex(where: { Self.sameBytes($0.text, text) }) {
                state.entries[index].normalized = normalized
            }
        }
    }

    /// Keeps a text's words, replacing the oldest entry when full.
    func keep(_ words: [String], of text: String) {
        state.withLock { state in
            if state.entries.count < Self.capacity {
                state.entries.append(Entry(text: text, words: words))
            } else {
                state.entries[state.next] = Entry(text: text, words: words)
                state.next = (state.next + 1) % Self.capacity
            }
        }
    }

    /// Whether two texts are the same UTF-8 bytes.
    static func sameBytes(_ a: String, _ b: String) -> Bool {
        guard a.utf8.count == b.utf8.count else { return false }
        let fast = a.utf8.withContiguousStorageIfAvailable { left in
            b.utf8.withContiguousStorageIfAvailable { right in
                left.count == 0 || memcmp(left.baseAddress!, right.baseAddress!, left.count) == 0
            }
        }
        if let result = fast ?? nil { return result }
        return a.utf8.elementsEqual(b.utf8)
    }
}
