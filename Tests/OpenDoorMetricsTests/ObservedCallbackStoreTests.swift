import Foundation
import OpenDoorKit
import OpenDoorMetrics
import OpenDoorTestSupport
import Synchronization
import Testing

@Suite("The observed store passes counts on")
struct ObservedCallbackStoreTests {
    /// A store that only remembers the replies it was told to count.
    final class CountingStore: ForwardingCallbackStore, ReplyCounting {
        let base = InMemoryCallbackStore()
        let counted = Mutex<[String]>([])

        func countReply(intent: IntentID, topic: IntentID?) {
            counted.withLock { $0.append("\(intent.rawValue)/\(topic?.rawValue ?? "")") }
        }
    }

    @Test("replies given through the wrapper (serve's store) are counted by the wrapped store, by topic")
    func repliesCounted() async {
        let counting = CountingStore()
        let observed = ObservedCallbackStore(counting)
        var conversation = ShippedKnowledge.assistant.makeConversation(channel: .socket)
        _ = conversation.start()
        _ = await conversation.respond(to: "do you take insurance", store: observed)
        _ = await conversation.respond(to: "what if i relapsed", store: observed)
        #expect(counting.counted.withLock { $0 } == ["fallback/insurance", "faq_relapse/"])
    }
}
