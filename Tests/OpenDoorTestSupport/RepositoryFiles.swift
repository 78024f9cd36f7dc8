import Foundation

/// Where the repository's files are, found from this source file, and scratch folders for tests.
public enum RepositoryFiles {
    /// The repository's root.
    public static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        // Tests/OpenDoorTestSupport/RepositoryFiles.swift
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    /// The shipped knowledge folder.
    public static let knowledgeDirectory = root.appendingPathComponent("Knowledge", isDirectory: true)

    /// A path under the repository's root, such as `Knowledge/eval/visitors.tsv`.
    public static func path(_ relative: String) -> URL {
        root.appendingPathComponent(relative)
    }

    /// A fresh, not yet created folder under the system's temporary folder, named `opendoor-<name>-<uuid>`.
    public static func temporaryDirectory(_ name: String = "test") -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent(
            "opendoor-\(name)-\(UUID().uuidString)", isDirectory: true)
    }

    /// A copy of the shipped knowledge in a temporary folder; the caller removes it.
    public static func knowledgeCopy() throws -> URL {
        let folder = temporaryDirectory("knowledge")
        try FileManager.default.copyItem(at: knowledgeDirectory, to: folder)
        return folder
    }
}
