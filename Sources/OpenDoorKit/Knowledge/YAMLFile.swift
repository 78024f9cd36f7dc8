import Dispatch
import Foundation
import Synchronization

/// One knowledge file, read and parsed: its node tree, or the diagnostics that say why there is none.
struct YAMLFile: Sendable {
    /// The reader that parsed it, holding any diagnostics so far; walks the tree next.
    var reader: YAMLReader
    /// The tree, when the file could be read and parsed.
    var node: YAMLNode?

    /// Parses one file's contents (nil when it couldn't be read); problems become the reader's diagnostics.
    init(name: String, contents: Data?) {
        reader = YAMLReader(file: name)
        guard let contents else {
            reader.error(line: nil, "The file is missing or can't be read. Restore it from the repository.")
            return
        }
        guard let text = String(data: contents, encoding: .utf8) else {
            reader.error(line: nil, "The file is not UTF-8 text. Save it as UTF-8.")
            return
        }
        node = reader.read(text)
    }

    /// Reads several files, then parses and walks them at once on every core; the results are in the
    /// order given.
    ///
    /// Parsing is most of a knowledge load's time, and files don't depend on each other until they are
    /// checked against each other.
    static func readAll<Part: Sendable>(
        _ files: [(url: URL, name: String)], walking walk: @Sendable (_ position: Int, YAMLFile) -> Part
    ) -> [Part] {
        let contents = files.map { FileManager.default.contents(atPath: $0.url.path) }
        // The largest files first, so the cores finish together.
        let order = files.indices.sorted { (contents[$0]?.count ?? 0) > (contents[$1]?.count ?? 0) }
        let results = Mutex<[Int: Part]>([:])
        DispatchQueue.concurrentPerform(iterations: files.count) { number in
            let position = order[number]
            let part = walk(position, YAMLFile(name: files[position].name, contents: contents[position]))
            results.withLock { $0[position] = part }
        }
        let parts = results.withLock { $0 }
        return files.indices.compactMap { parts[$0] }
    }
}
