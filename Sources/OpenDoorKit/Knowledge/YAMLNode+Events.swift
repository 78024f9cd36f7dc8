import CYaml

extension YAMLNode {
    /// A file's one document read straight from libyaml's events, or nil when Yams must compose it to say what it
    /// is: a syntax error, an empty file, a second document, an anchor, an alias, a tag, a key that is a list or a
    /// mapping, or a key said twice in one mapping. Otherwise the same tree as `YAMLNode(compose(yaml:))` with the
    /// basic resolver: the same texts (untyped), lines and block styles.
    static func read(_ yaml: String) -> YAMLNode? {
        var text = yaml
        return text.withUTF8 { bytes -> YAMLNode? in
            guard let start = bytes.baseAddress, !bytes.isEmpty else { return nil }
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) == 1 else { return nil }
            defer { yaml_parser_delete(&parser) }
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            yaml_parser_set_input_string(&parser, start, bytes.count)
            return withUnsafeMutablePointer(to: &parser) { parser in
                var events = YAMLEventStream(parser: parser)
                return events.document()
            }
        }
    }
}

/// libyaml's events, pulled one at a time and built into nodes.
private struct YAMLEventStream {
    /// One event, reduced to what a node needs.
    enum Event {
        case scalar(String, line: Int, block: Bool)
        case sequenceStart(line: Int)
        case mappingStart(line: Int)
        case sequenceEnd
        case mappingEnd
        case streamStart
        case streamEnd
        case documentStart
        case documentEnd
    }

    let parser: UnsafeMutablePointer<yaml_parser_t>

    /// The next event; nil for a syntax error, an alias, and a node with an anchor or a tag.
    mutating func next() -> Event? {
        var event = yaml_event_t()
        guard yaml_parser_parse(parser, &event) == 1 else { return nil }
        defer { yaml_event_delete(&event) }
        let line = Int(event.start_mark.line) + 1
        switch event.type {
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            guard scalar.anchor == nil, scalar.tag == nil else { return nil }
            let text = String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
            let block = scalar.style == YAML_LITERAL_SCALAR_STYLE || scalar.style == YAML_FOLDED_SCALAR_STYLE
            return .scalar(text, line: line, block: block)
        case YAML_SEQUENCE_START_EVENT:
            let start = event.data.sequence_start
            return start.anchor == nil && start.tag == nil ? .sequenceStart(line: line) : nil
        case YAML_MAPPING_START_EVENT:
            let start = event.data.mapping_start
            return start.anchor == nil && start.tag == nil ? .mappingStart(line: line) : nil
        case YAML_SEQUENCE_END_EVENT: return .sequenceEnd
        case YAML_MAPPING_END_EVENT: return .mappingEnd
        case YAML_STREAM_START_EVENT: return .streamStart
        case YAML_STREAM_END_EVENT: return .streamEnd
        case YAML_DOCUMENT_START_EVENT: return .documentStart
        case YAML_DOCUMENT_END_EVENT: return .documentEnd
        default: return nil  // an alias
        }
    }

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
