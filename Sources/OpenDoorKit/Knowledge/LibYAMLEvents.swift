import CYaml

/// libyaml's events for one text, pulled one at a time and reduced to what OpenDoor's readers need: the knowledge
/// files' light tree (`YAMLNode.read`) and the safety file's sections (`SafetyFile.readEvents`). No node tree is
/// composed.
struct LibYAMLEvents {
    /// One event. Lines count from 1, as Yams' marks do.
    enum Event {
        /// A scalar's text; `block` for the literal (`|`) and folded (`>`) styles.
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

    private let parser: UnsafeMutablePointer<yaml_parser_t>

    /// `body`'s reading of the events of `yaml`; nil for an empty text or a parser that can't start.
    static func reading<T>(_ yaml: String, _ body: (inout LibYAMLEvents) -> T?) -> T? {
        var text = yaml
        return text.withUTF8 { bytes -> T? in
            guard let start = bytes.baseAddress, !bytes.isEmpty else { return nil }
            // libyaml keeps a pointer to the parser inside the parser (`read_handler_data`), so it needs an address
            // that stays put for the whole reading: not the temporary one an `&local` argument may be.
            let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
            parser.initialize(to: yaml_parser_t())
            defer { parser.deallocate() }
            guard yaml_parser_initialize(parser) == 1 else { return nil }
            defer { yaml_parser_delete(parser) }
            yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
            yaml_parser_set_input_string(parser, start, bytes.count)
            var events = LibYAMLEvents(parser: parser)
            return body(&events)
        }
    }

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
}
