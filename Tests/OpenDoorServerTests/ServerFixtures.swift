import Foundation
import Logging
import OpenDoorKit
import OpenDoorServer
import OpenDoorTestSupport
import ServiceLifecycle

/// The shipped knowledge and its assistant, as the server tests name them.
enum ServerFixtures {
    /// The assistant every test server starts with, loaded once.
    static var assistant: Assistant { ShippedKnowledge.assistant }

    /// The shipped knowledge folder.
    static var knowledgeDirectory: URL { RepositoryFiles.knowledgeDirectory }

    /// The center's phone number as the knowledge writes it.
    static var centerPhone: String { ShippedKnowledge.centerPhone }

    /// An assistant from a knowledge folder, as `opendoor serve` builds it.
    static func loadAssistant(from directory: URL) throws -> Assistant {
        try ShippedKnowledge.loadAssistant(from: directory)
    }
}
