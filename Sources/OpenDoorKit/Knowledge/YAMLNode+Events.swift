extension YAMLNode {
    /// A file's one document read straight from libyaml's events, or nil when Yams must compose it to say what it
    /// is: a syntax error, an empty file, a second document, an anchor, an alias, a tag, a key that is a list or a
    /// mapping, or a key said twice in one mapping. Otherwise the same tree as `YAMLNode(compose(yaml:))` with the
    /// basic resolver: the same texts (untyped), lines and block styles.
    static func read(_ yaml: String) -> YAMLNode? {
        LibYAMLEvents.reading(yaml) { events in
            var stream = YAMLEventStream(events: events)
            return stream.document()
        }
    }
}

/// libyaml's events, pulled one at a time and built into nodes.
private struct YAMLEventStream {
    typealias Event = LibYAMLEvents.Event

    var events: LibYAMLEvents

    /// The next event; nil for a syntax error, an alias, and a node with an anchor or a tag.
    mutating func next() -> Event? { events.next() }

    /// A stream of exactly one document.
    mutating func document() -> YAMLNode? {
        guard case .streamStart = next(), case .documentStart = next(), let root = node(next()),
            case .documentEnd = next(), case .streamEnd = next()
        else { return nil }
        return root
    }

    /// The node that starts with `event`, read to its end.
    mutating func node(_ event: Event?) -> YAMLNode? {
        switch event {
        case .scalar(let text, let line, let block):
            return YAMLNode(content: .scalar(text, block: block), line: line)
        case .sequenceStart(let line):
            var items: [YAMLNode] = []
            while true {
                let event = next()
                if case .sequenceEnd = event { return YAMLNode(content: .sequence(items), line: line) }
                guard let item = node(event) else { return nil }
                items.append(item)
            }
        case .mappingStart(let line):
            var pairs: [(key: YAMLNode, value: YAMLNode)] = []
            while true {
                let event = next()
                if case .mappingEnd = event { break }
                // A key that is a list or a mapping is left to Yams.
                guard case .scalar = event, let key = node(event), let value = node(next()) else { return nil }
                pairs.append((key, value))
            }
            return Self.hasUniqueKeys(pairs) ? YAMLNode(content: .mapping(pairs), line: line) : nil
        default:
            return nil
        }
    }

    /// Whether no key is said twice: Yams (with the basic resolver and no tags) rejects two equal texts.
    static func hasUniqueKeys(_ pairs: [(key: YAMLNode, value: YAMLNode)]) -> Bool {
        // Most mappings have a few keys, where comparing each pair beats hashing them.
        if pairs.count <= 16 {
            for later in pairs.indices {
                for earlier in pairs.indices[..<later] where pairs[earlier].key.string == pairs[later].key.string {
                    return false
                }
            }
            return true
        }
        var seen = Set<String>(minimumCapacity: pairs.count)
        return pairs.allSatisfy { seen.insert($0.key.string ?? "").inserted }
    }
}
