import Foundation
import Synchronization

/// What was read from the last few long texts (their words, their phone number), so that the checks of one reply
/// share one reading of a message instead of each reading it again.
///
/// Texts are matched byte for byte (not by `==`, which compares canonically and would give "é" written with a
/// combining mark the reading of "é" written as one letter); a few entries are enough for the message and its
/// clauses while other conversations' messages come and go. Only long texts are kept (`RecentText.shortest`), unless
/// the reading is one a reply asks for dozens of times (`keepsShortInScope`: a message's words, which answer phrases
/// they start): then a lookup costs less than reading even a short question again. Nothing here is logged or leaves
/// the process, and each entry is replaced within a few messages.
///
/// Inside ``ReadingScope/reading(_:)`` (one message's reply: `Conversation.receive`) an entry answers only for the same
/// scope: what one message's reply read is never given to another's, even with the same bytes, so a message sent
/// again costs what it cost the first time (and the worst-case benchmark, which sends one text over and over,
/// measures a first reading every time).
final class RecentReadings<Value: Sendable>: Sendable {
    private struct Entry {
        var text: String
        var value: Value
        var scope: UInt64
    }

    private struct State {
        var entries: [Entry] = []
        /// The entry replaced next.
        var next = 0
    }

    private let state = Mutex(State())
    /// Whether short texts are kept too, inside a reading (``ReadingScope``): for readings that one reply asks for
    /// again and again of the same short message (its words, and which answer phrases they start), where looking
    /// the text up costs less than reading it even for a question of a few words.
    private let keepsShortInScope: Bool
    /// How many texts are kept.
    private let capacity: Int

    /// A store of readings; `keepsShortInScope` keeps short texts too, inside a reading, and then `capacity` should
    /// hold a message's clauses beside another conversation's.
    init(keepsShortInScope: Bool = false, capacity: Int = RecentText.capacity) {
        self.keepsShortInScope = keepsShortInScope
        self.capacity = capacity
    }

    /// What was kept for exactly these bytes, if anything.
    func value(of text: String) -> Value? {
        let scope = ReadingScope.current
        return state.withLock { state in
            state.entries.first { $0.scope == scope && RecentText.sameBytes($0.text, text) }?.value
        }
    }

    /// Keeps what was read from a text, replacing the oldest entry when full.
    func keep(_ value: Value, of text: String) {
        let entry = Entry(text: text, value: value, scope: ReadingScope.current)
        state.withLock { state in
            if state.entries.count < capacity {
                state.entries.append(entry)
            } else {
                state.entries[state.next] = entry
                state.next = (state.next + 1) % capacity
            }
        }
    }

    /// What `read` gives for the text: kept from before when the text is long and was read lately.
    func reading(_ text: String, _ read: (String) -> Value) -> Value {
        if text.utf8.count < RecentText.shortest {
            // Outside a reading (a knowledge load, a benchmark's loop) nothing short is kept.
            guard keepsShortInScope, ReadingScope.current != 0 else { return read(text) }
        }
        if let known = value(of: text) { return known }
        let value = read(text)
        keep(value, of: text)
        return value
    }
}

/// The limits of `RecentReadings`, and how it compares texts.
enum RecentText {
    /// The shortest text kept, in UTF-8 bytes.
    static let shortest = 256
    /// How many texts each kind of reading keeps.
    static let capacity = 8
    /// How many texts a reading that keeps short texts keeps: a reply reads its message, its clauses and a few texts
    /// made of them, while another event loop's reply reads its own.
    static let shortCapacity = 24

    /// Whether two texts are the same UTF-8 bytes.
    static func sameBytes(_ a: String, _ b: String) -> Bool {
        guard a.utf8.count == b.utf8.count else { return false }
        let fast = a.utf8.withContiguousStorageIfAvailable { left in
            b.utf8.withContiguousStorageIfAvailable { right in
                left.isEmpty || memcmp(left.baseAddress!, right.baseAddress!, left.count) == 0
            }
        }
        if let result = fast ?? nil { return result }
        return a.utf8.elementsEqual(b.utf8)
    }
}

/// The reading of one message: what ``RecentReadings`` keeps inside it is for it alone.
public enum ReadingScope {
    /// The scope of the reading under way; 0 outside any (what is kept then is shared by every reading outside one).
    @TaskLocal static var current: UInt64 = 0

    private static let last = Atomic<UInt64>(0)

    /// Runs `body` as a reading of its own.
    public static func reading<Result>(_ body: () throws -> Result) rethrows -> Result {
        try $current.withValue(last.add(1, ordering: .relaxed).newValue) { try body() }
    }
}
