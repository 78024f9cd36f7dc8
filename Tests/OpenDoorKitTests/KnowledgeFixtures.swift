import Foundation
import OpenDoorKit

/// Paths and builders shared by the tests.
enum Fixtures {
    /// The repository's root, found from this file.
    static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    /// The shipped knowledge folder.
    static let knowledgeDirectory = root.appendingPathComponent("Knowledge", isDirectory: true)

    /// The shipped knowledge, loaded once.
    static let knowledge: Knowledge = {
        do { return try Knowledge.load(from: knowledgeDirectory) } catch { fatalError("shipped knowledge: \(error)") }
    }()

    /// A matcher over the shipped knowledge.
    static let matcher = Matcher(knowledge: knowledge)

    /// A copy of the shipped knowledge in a temporary folder, with `edit` applied to one file's text.
    static func knowledgeCopy(editing file: String, _ edit: (String) -> String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("opendoor-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: knowledgeDirectory, to: folder)
        let url = folder.appendingPathComponent(file)
        let text = try String(contentsOf: url, encoding: .utf8)
        try edit(text).write(to: url, atomically: true, encoding: .utf8)
        return folder
    }

    /// The 1-based line of the first occurrence of `needle` in a text.
    static func line(of needle: String, in text: String) -> Int? {
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where line.contains(needle) {
            return index + 1
        }
        return nil
    }
}
