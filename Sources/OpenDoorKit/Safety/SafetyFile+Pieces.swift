import Dispatch
import Synchronization
import Yams

extension SafetyFile {
    /// Composes the node tree of a safety file on two cores: the `categories:` list item by item, the rest of the
    /// file on its own, then put together. Composing the file whole was about a fifth of the rules' load time, on one
    /// core.
    ///
    /// Each piece is composed from a text of the file's own length in lines, with every line outside the piece left
    /// empty, so every mark (line and column) is the one composing the file whole gives, and the tree is the same.
    /// Returns nil when the file isn't shaped for this (no `categories:` key at the top, items at column 0) or when
    /// any piece doesn't compose (an alias to an anchor in another piece, a quote left open across items, a syntax
    /// error…): the caller then composes the file whole, which says what is wrong and where.
    static func composeInPieces(_ yaml: String) -> Node? {
        let bytes = Array(yaml.utf8)
        guard let pieces = Pieces(bytes) else { return nil }
        let texts = pieces.texts(of: bytes)
        // The largest pieces first, so the two cores finish together.
        let order = texts.indices.sorted { pieces.sizes[$0] > pieces.sizes[$1] }
        let roots = Mutex<[Int: NodeBox]>([:])
        DispatchQueue.concurrentPerform(iterations: texts.count) { number in
            let position = order[number]
            guard let root = try? Yams.compose(yaml: texts[position], .basic, .default, .utf8) else { return }
            roots.withLock { $0[position] = NodeBox(node: root) }
        }
        let composed = roots.withLock { $0 }
        guard composed.count == texts.count, let top = composed[0]?.node.mapping else { return nil }
        var items: [Node] = []
        var first: Node.Sequence?
        for position in 1..<texts.count {
            guard let sequence = composed[position]?.node.sequence, sequence.count == 1 else { return nil }
            if first == nil { first = sequence }
            items.append(sequence[0])
        }
        guard let first else { return nil }
        var pairs: [(Node, Node)] = []
        var replaced = false
        for (key, value) in top {
            // The key is there once (Yams rejects a duplicate) and, with its items taken out, has no value.
            if key.string == "categories", !replaced, value.scalar?.string == "" {
                pairs.append((key, .sequence(Node.Sequence(items, first.tag, first.style, first.mark))))
                replaced = true
            } else {
                pairs.append((key, value))
            }
        }
        guard replaced else { return nil }
        return .mapping(Node.Mapping(pairs, top.tag, top.style, top.mark))
    }

    /// A composed tree handed from the thread that composed it to the one that puts the pieces together.
    private struct NodeBox: @unchecked Sendable {
        // @unchecked: Yams' nodes are not Sendable; each tree is built by one parser and only read afterwards.
        let node: Node
    }

    /// Where the pieces of a safety file are, by line.
    private struct Pieces {
        /// The byte offset each line starts at, and the end of the text last.
        let lineStarts: [Int]
        /// The line of `categories:`.
        let categoriesLine: Int
        /// The first line of each item of `categories:`, and the line after the last item last.
        let itemLines: [Int]
        /// The bytes in each piece: the rest of the file first, then each item.
        let sizes: [Int]

        init?(_ bytes: [UInt8]) {
            var starts = [0]
            for (offset, byte) in bytes.enumerated() where byte == 10 { starts.append(offset + 1) }
            if starts.last != bytes.count { starts.append(bytes.count) }
            lineStarts = starts
            let lineCount = starts.count - 1
            func line(_ number: Int) -> ArraySlice<UInt8> {
                var slice = bytes[starts[number]..<starts[number + 1]]
                while let last = slice.last, last == 10 || last == 13 || last == 32 { slice = slice.dropLast() }
                return slice
            }
            let key = Array("categories:".utf8)
            let candidates = (0..<lineCount).filter { line($0).elementsEqual(key) }
            guard candidates.count == 1, let categories = candidates.first else { return nil }
            categoriesLine = categories
            // Items start at the indentation of the first one; the list ends at the next line at column 0 that
            // isn't a comment.
            var indentation = -1
            var items: [Int] = []
            var end = lineCount
            for number in (categories + 1)..<lineCount {
                let text = line(number)
                guard let firstByte = text.first else { continue }
                if firstByte != 32 && firstByte != 35 {
                    end = number
                    break
                }
                let spaces = text.prefix { $0 == 32 }.count
                guard spaces < text.count, text[text.startIndex + spaces] != 35 else { continue }  // a comment
                if indentation < 0 { indentation = spaces }
                // A line left of the items would end the list where composing whole may disagree: not split.
                guard spaces >= indentation else { return nil }
                if spaces == indentation {
                    guard text.count > spaces + 1, text[text.startIndex + spaces] == 45,
                        text[text.startIndex + spaces + 1] == 32
                    else { return nil }
                    items.append(number)
                }
            }
            guard indentation > 0, !items.isEmpty else { return nil }
            itemLines = items + [end]
            var sizes = [bytes.count - (starts[end] - starts[items[0]])]
            for index in items.indices { sizes.append(starts[itemLines[index + 1]] - starts[items[index]]) }
            self.sizes = sizes
        }

        /// The texts to compose: the file without its items, then each item alone, every other line left empty.
        func texts(of bytes: [UInt8]) -> [String] {
            let first = itemLines[0]
            let end = itemLines[itemLines.count - 1]
            var rest = Array(bytes[..<lineStarts[first]])
            rest += repeatElement(10, count: end - first)
            rest += bytes[lineStarts[end]...]
            var texts = [String(decoding: rest, as: UTF8.self)]
            for index in 0..<(itemLines.count - 1) {
                var text = [UInt8](repeating: 10, count: itemLines[index])
                text += bytes[lineStarts[itemLines[index]]..<lineStarts[itemLines[index + 1]]]
                texts.append(String(decoding: text, as: UTF8.self))
            }
            return texts
        }
    }
}
