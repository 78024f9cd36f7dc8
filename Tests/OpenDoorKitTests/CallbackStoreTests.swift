import Foundation
import OpenDoorKit
import Testing

@Suite("Callback requests, reference codes and the in-memory store")
struct CallbackStoreTests {
    static let draft = CallbackDraft(
        name: "Sam",
        phone: PhoneNumber(e164: "+14705550123")!,
        bestTime: .evening,
        voicemailOK: false
    )

    @Test("reference codes look like K7M-3QP and use only unambiguous characters")
    func referenceCodes() {
        var seen = Set<String>()
        for _ in 0..<2000 {
            let code = ReferenceCode.random()
            #expect(code.count == 7)
            #expect(Array(code)[3] == "-")
            #expect(code.filter { $0 != "-" }.allSatisfy(ReferenceCode.alphabet.contains))
            seen.insert(code)
        }
        #expect(seen.count > 1990)  // 28^6 codes: repeats in 2000 draws are very unlikely
        for excluded in "0O1IL" + "AEU" {
            #expect(!ReferenceCode.alphabet.contains(excluded))
        }
    }

    @Test(
        "reference codes are found however they are typed",
        arguments: [
            ("K7M-3QP", "K7M-3QP"),
            ("k7m3qp", "K7M-3QP"),
            (" k7m 3qp ", "K7M-3QP"),
            ("K7M-3Q", nil),
            ("K7M-3QPX", nil),
            ("K0M-3QP", nil),
            ("", nil),
        ] as [(String, String?)]
    )
    func normalizedReference(typed: String, expected: String?) {
        #expect(ReferenceCode.normalized(typed) == expected)
    }

    @Test("a draft's name is tidied: escapes removed, blank is nil, long is cut")
    func draftName() {
        let phone = PhoneNumber(e164: "+14705550123")!
        #expect(
            CallbackDraft(name: "  \u{1B}[31mSam\u{1B}[0m ", phone: phone, bestTime: .any, voicemailOK: true).name
                == "Sam"
        )
        #expect(CallbackDraft(name: " \n ", phone: phone, bestTime: .any, voicemailOK: true).name == nil)
        #expect(CallbackDraft(name: nil, phone: phone, bestTime: .any, voicemailOK: true).name == nil)
        let long = CallbackDraft(
            name: String(repeating: "a", count: 500),
            phone: phone,
            bestTime: .any,
            voicemailOK: true
        )
        #expect(long.name?.count == CallbackDraft.maximumNameLength)
    }

    @Test("the in-memory store saves, lists newest first, finds, marks and purges")
    func inMemoryRoundTrip() async throws {
        let clock = CallbackTestClock()
        let store = InMemoryCallbackStore(now: { clock.now })
        let first = try await store.save(Self.draft, channel: .terminal)
        clock.advance(by: 60)
        let second = try await store.save(Self.draft, channel: .web)
        #expect(first.id != second.id && first.reference != second.reference)
        #expect(first.status == .new && first.name == "Sam" && first.channel == .terminal)
        #expect(try await store.list(status: nil).map(\.id) == [second.id, first.id])

        let lowercased = first.reference.lowercased().replacingOccurrences(of: "-", with: "")
        #expect(try await store.find(reference: lowercased) == first)
        #expect(try await store.find(reference: "nope") == nil)

        let marked = try await store.mark(reference: first.reference, as: .contacted)
        #expect(marked?.status == .contacted)
        #expect(try await store.list(status: .contacted).map(\.id) == [first.id])
        #expect(try await store.list(status: .new).map(\.id) == [second.id])
        #expect(try await store.mark(reference: "BBB-BBB", as: .closed) == nil)

        #expect(try await store.purge(olderThan: first.created.addingTimeInterval(1)) == 1)
        #expect(try await store.list(status: nil).map(\.id) == [second.id])

        await store.close()
        await #expect(throws: CallbackStoreError.closed()) { try await store.list(status: nil) }
    }

    @Test("the in-memory store retries a reference code that is taken")
    func inMemoryCollision() async throws {
        let codes = ScriptedReferenceCodes(["BBB-BBB", "BBB-BBB", "CCC-CCC"])
        let store = InMemoryCallbackStore(makeReference: { codes.next() })
        #expect(try await store.save(Self.draft, channel: .web).reference == "BBB-BBB")
        #expect(try await store.save(Self.draft, channel: .web).reference == "CCC-CCC")
    }

    @Test("the in-memory store can be made to fail saves")
    func inMemoryFailure() async throws {
        let store = InMemoryCallbackStore(failingSavesWith: .diskFull())
        await #expect(throws: CallbackStoreError.diskFull()) { try await store.save(Self.draft, channel: .web) }
        #expect(await store.count == 0)
        await store.failSaves(with: nil)
        _ = try await store.save(Self.draft, channel: .web)
        #expect(await store.count == 1)
    }

    @Test("store errors say what to do, and compare by code")
    func errorMessages() {
        let locked = CallbackStoreError.locked(path: "/data/callbacks.sqlite", timeout: .milliseconds(250))
        #expect(locked.code == .locked)
        #expect(locked == .locked())
        #expect(locked != .diskFull())
        #expect(locked.description.contains("/data/callbacks.sqlite"))
        #expect(locked.description.contains("250 ms"))
        #expect(CallbackStoreError.readOnly(path: "/x").description.contains("write access"))
        #expect(CallbackStoreError.diskFull().description.contains("Free some space"))
        #expect(CallbackStoreError.cannotOpen(path: "/x", reason: "permission denied").description.contains("--data"))
        #expect(String(reflecting: locked).contains("CallbackStoreError(locked"))
    }
}

/// A clock tests move by hand.
final class CallbackTestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current = Date(timeIntervalSince1970: 1_741_096_800)

    var now: Date { lock.withLock { current } }

    func advance(by seconds: TimeInterval) {
        lock.withLock { current += seconds }
    }
}

/// Reference codes handed out in order.
final class ScriptedReferenceCodes: @unchecked Sendable {
    private let lock = NSLock()
    private var codes: [String]

    init(_ codes: [String]) { self.codes = codes }

    func next() -> String {
        lock.withLock { codes.isEmpty ? ReferenceCode.random() : codes.removeFirst() }
    }
}
