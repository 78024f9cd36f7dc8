import Foundation
import OpenDoorKit
import OpenDoorServer
import OpenDoorTestSupport
import Synchronization
import Testing

/// A store that can't save (a full disk) until space is freed; only ``recheck()`` notices, as the real stores do.
final class RecoveringStore: ForwardingCallbackStore {
    let base = InMemoryCallbackStore()
    private let freed = Atomic(false)
    private let accepting = Atomic(false)

    var acceptsRequests: Bool { accepting.load(ordering: .acquiring) }
    func recheck() async {
        if freed.load(ordering: .acquiring) { accepting.store(true, ordering: .releasing) }
    }

    /// Space was freed: the next recheck finds saves work again.
    func free() { freed.store(true, ordering: .releasing) }
}

@Suite("While requests can't be saved")
struct UnavailableStoreTests {
    static let callMe = "Can someone call me?"

    @Test("the welcome offers a call again as soon as saves work, not after some later message (QA18 O3)")
    func welcomeComesBack() async throws {
        let store = RecoveringStore()
        try await withServer(observe: { _ in store }) { server in
            let before = try await server.jsonClient()
            let welcome = try await before.readJSON()
            #expect(welcome.options?.contains(Self.callMe) == false, "\(welcome)")
            #expect(welcome.text?.contains(ServerFixtures.centerPhone) == true, "the number instead: \(welcome)")
            await before.close()

            store.free()
            let json = try await server.jsonClient()
            let again = try await json.readJSON()
            #expect(again.options?.contains(Self.callMe) == true, "a new chat's welcome, once space is freed: \(again)")
            let text = try await server.textClient()
            let greeting = try #require(try await text.readTextReply())
            #expect(greeting.contains { $0.hasSuffix(Self.callMe) }, "\(greeting)")
            await json.close()
            await text.close()
        }
    }
}
