import Logging

/// A `LogHandler` that writes lines as swift-log's `StreamLogHandler` does, into a ``BufferedLogOutput``
/// that writes them to the descriptor in batches from a thread of its own.
///
/// A line reads `2025-05-01T09:30:00+0200 info opendoor.serve: connection=7 intent=faq_cost [OpenDoorServer] reply`:
/// the timestamp, the level, the label, the metadata sorted by key as `key=value`, the source module in
/// brackets, then the message. The metadata is the handler's own, then the metadata provider's, then the
/// line's (a later one wins for the same key), plus `error.message` and `error.type` when an error is logged.
///
/// ```swift
/// LoggingSystem.bootstrap { label in
///     var handler = BufferedLogHandler(label: label, output: .standardError)
///     handler.logLevel = .info
///     return handler
/// }
/// ```
public struct BufferedLogHandler: LogHandler {
    /// The least severe level logged.
    public var logLevel: Logger.Level = .info
    /// Metadata added to every line when the line is logged.
    public var metadataProvider: Logger.MetadataProvider?
    /// Metadata every line of this logger carries.
    public var metadata = Logger.Metadata() {
        didSet { sortedMetadata = Self.sorted(Array(metadata)) }
    }
    /// ``metadata``, sorted by key: set once per logger, merged with each line's own.
    private var sortedMetadata: [(key: String, value: Logger.MetadataValue)] = []

    private let label: String
    private let output: BufferedLogOutput

    /// Creates a handler that writes into `output`.
    public init(
        label: String, output: BufferedLogOutput,
        metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider
    ) {
        self.label = label
        self.output = output
        self.metadataProvider = metadataProvider
    }

    /// A metadata item of this logger.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Writes one line.
    public func log(event: LogEvent) {
        let provided = metadataProvider?.get() ?? [:]
        // Formatted here, outside the output's lock.
        var line: [UInt8] = []
        line.reserveCapacity(256)
        writeStart(event.level, into: &line)
        if provided.isEmpty && event.error == nil {
            // The usual line: the logger's metadata, already sorted, merged with the line's own.
            writeMerged(event.metadata ?? [:], into: &line)
        } else {
            let entries = Self.entries(
                base: metadata, provided: provided, explicit: event.metadata ?? [:], error: event.error)
            for entry in entries { Self.write(key: entry.key, value: entry.value, into: &line) }
        }
        Self.writeEnd(source: event.source, message: event.message.description, into: &line)
        output.append(level: event.level, line: line)
    }

    /// Writes ``metadata`` and `explicit` sorted by key, `explicit`'s value for a key in both.
    private func writeMerged(_ explicit: Logger.Metadata, into line: inout [UInt8]) {
        // The line's own keys in order, as dictionary positions: nothing is copied but the positions.
        var order = Array(explicit.indices)
        var sorted = 1
        while sorted < order.count {
            var index = sorted
            while index > 0 && Self.precedes(explicit.keys[order[index]], explicit.keys[order[index - 1]]) {
                order.swapAt(index, index - 1)
                index -= 1
            }
            sorted += 1
        }
        var baseIndex = 0
        var explicitIndex = 0
        while baseIndex < sortedMetadata.count || explicitIndex < order.count {
            if explicitIndex == order.count
                || (baseIndex < sortedMetadata.count
                    && Self.precedes(sortedMetadata[baseIndex].key, explicit.keys[order[explicitIndex]]))
            {
                Self.write(key: sortedMetadata[baseIndex].key, value: sortedMetadata[baseIndex].value, into: &line)
                baseIndex += 1
            } else {
                let position = order[explicitIndex]
                if baseIndex < sortedMetadata.count && sortedMetadata[baseIndex].key == explicit.keys[position] {
                    baseIndex += 1
                }
                Self.write(key: explicit.keys[position], value: explicit.values[position], into: &line)
                explicitIndex += 1
            }
        }
    }

    /// `info opendoor.serve:`
    private func writeStart(_ level: Logger.Level, into line: inout [UInt8]) {
        line.append(contentsOf: level.rawValue.utf8)
        if !label.isEmpty {
            line.append(UInt8(ascii: " "))
            line.append(contentsOf: label.utf8)
        }
        line.append(UInt8(ascii: ":"))
    }

    /// ` key=value`
    private static func write(key: String, value: Logger.MetadataValue, into line: inout [UInt8]) {
        line.append(UInt8(ascii: " "))
        line.append(contentsOf: key.utf8)
        line.append(UInt8(ascii: "="))
        if case .string(let string) = value {
            line.append(contentsOf: string.utf8)
        } else {
            line.append(contentsOf: value.description.utf8)
        }
    }

    /// ` [Module] message`
    private static func writeEnd(source: String, message: String, into line: inout [UInt8]) {
        line.append(contentsOf: " [".utf8)
        line.append(contentsOf: source.utf8)
        line.append(contentsOf: "] ".utf8)
        line.append(contentsOf: message.utf8)
    }

    /// The line's metadata, merged as `StreamLogHandler` merges it, sorted by key.
    static func entries(
        base: Logger.Metadata, provided: Logger.Metadata, explicit: Logger.Metadata, error: (any Error)?
    ) -> [(key: String, value: Logger.MetadataValue)] {
        var entries: [(key: String, value: Logger.MetadataValue)] = []
        entries.reserveCapacity(base.count + provided.count + explicit.count + (error == nil ? 0 : 2))
        var errorKeys: Set<String> = []
        if let error {
            errorKeys = ["error.message", "error.type"]
            entries.append(("error.message", "\(error)"))
            entries.append(("error.type", "\(String(reflecting: type(of: error)))"))
        }
        for (key, value) in explicit where !errorKeys.contains(key) {
            entries.append((key, value))
        }
        for (key, value) in provided where explicit[key] == nil && !errorKeys.contains(key) {
            entries.append((key, value))
        }
        for (key, value) in base where explicit[key] == nil && provided[key] == nil && !errorKeys.contains(key) {
            entries.append((key, value))
        }
        return sorted(entries)
    }

    /// The entries sorted by key; there are a handful, so by insertion.
    static func sorted(
        _ entries: [(key: String, value: Logger.MetadataValue)]
    ) -> [(key: String, value: Logger.MetadataValue)] {
        var entries = entries
        var sorted = 1
        while sorted < entries.count {
            var index = sorted
            while index > 0 && precedes(entries[index].key, entries[index - 1].key) {
                entries.swapAt(index, index - 1)
                index -= 1
            }
            sorted += 1
        }
        return entries
    }

    /// `left < right`, comparing bytes when both are ASCII (the same order, without Unicode's rules).
    private static func precedes(_ left: String, _ right: String) -> Bool {
        var left = left
        var right = right
        let order = left.withUTF8 { l in
            right.withUTF8 { r -> Bool? in
                var index = 0
                while index < l.count && index < r.count {
                    let a = l[index]
                    let b = r[index]
                    if a >= 0x80 || b >= 0x80 { return nil }
                    if a != b { return a < b }
                    index += 1
                }
                return l.count < r.count
            }
        }
        return order ?? (left < right)
    }
}
