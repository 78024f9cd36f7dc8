import Foundation
import OpenDoorKit

/// The repository's own knowledge and the assistant built from it, loaded once for every test that needs them.
public enum ShippedKnowledge {
    /// The shipped knowledge.
    public static let knowledge: Knowledge = assistant.knowledge

    /// The assistant `opendoor serve` builds from the shipped knowledge.
    public static let assistant: Assistant = {
        do {
            return try loadAssistant(from: RepositoryFiles.knowledgeDirectory)
        } catch {
            fatalError("shipped knowledge: \(error)")
        }
    }()

    /// The center's phone number as the knowledge writes it.
    public static var centerPhone: String { knowledge.center.phone }

    /// An assistant from a knowledge folder (its knowledge and its `safety.yaml`), as `opendoor serve` builds it.
    public static func loadAssistant(from directory: URL) throws -> Assistant {
        let knowledge = try Knowledge.load(from: directory)
        let rules = try SafetyRules.load(from: directory.appendingPathComponent("safety.yaml"))
        return Assistant(knowledge: knowledge, safety: CrisisDetector(rules: rules))
    }
}
