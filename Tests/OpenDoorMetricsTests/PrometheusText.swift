import Foundation

/// The Prometheus text exposition format read back strictly, for tests: every line must be a `# HELP`, a
/// `# TYPE` or a sample of a metric whose type was declared before it.
struct PrometheusText {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// One sample line.
    struct Sample: Hashable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    /// Metric name → type, from the `# TYPE` lines.
    var types: [String: String] = [:]
    /// Metric name → help, from the `# HELP` lines.
    var help: [String: String] = [:]
    /// Every sample, in order.
    var samples: [Sample] = []

    init(_ text: String) throws {
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(line)
            if line.isEmpty { continue }
            if line.hasPrefix("# TYPE ") {
                let parts = line.dropFirst(7).split(separator: " ")
                guard parts.count == 2, Self.isName(parts[0]),
                    ["counter", "gauge", "histogram", "summary", "untyped"].contains(parts[1])
                else { throw Failure(description: "line \(number + 1): bad TYPE line: \(line)") }
                guard types.updateValue(String(parts[1]), forKey: String(parts[0])) == nil else {
                    throw Failure(description: "line \(number + 1): second TYPE line for \(parts[0])")
                }
            } else if line.hasPrefix("# HELP ") {
                let rest = line.dropFirst(7)
                guard let space = rest.firstIndex(of: " "), Self.isName(rest[..<space]) else {
                    throw Failure(description: "line \(number + 1): bad HELP line: \(line)")
                }
                help[String(rest[..<space])] = String(rest[rest.index(after: space)...])
            } else if line.hasPrefix("#") {
                continue
            } else {
                let sample = try Self.sample(line, number: number + 1)
                guard types[Self.family(of: sample.name, types: types)] != nil else {
                    throw Failure(description: "line \(number + 1): \(sample.name) has no TYPE line before it")
                }
                samples.append(sample)
            }
        }
    }

    /// The metric a sample belongs to: a histogram's `_bucket`, `_sum` and `_count` belong to the histogram.
    func family(of name: String) -> String { Self.family(of: name, types: types) }

    /// The value of the one sample with this name and exactly these labels.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { $0.name == name && $0.labels == labels }?.value
    }

    private static func family(of name: String, types: [String: String] = [:]) -> String {
        if types[name] != nil { return name }
        for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) {
            return String(name.dropLast(suffix.count))
        }
        return name
    }

    private static func isName(_ text: Substring) -> Bool {
        guard let first = text.first, first.isLetter || first == "_" || first == ":" else { return false }
        return text.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "_" || $0 == ":" }
    }

    private static func sample(_ line: String, number: Int) throws -> Sample {
        let bad = Failure(description: "line \(number): not a sample: \(line)")
        var rest = Substring(line)
        let nameEnd = rest.firstIndex { $0 == "{" || $0 == " " } ?? rest.endIndex
        let name = rest[..<nameEnd]
        guard isName(name) else { throw bad }
        rest = rest[nameEnd...]
        var labels: [String: String] = [:]
        if rest.first == "{" {
            rest = rest.dropFirst()
            while rest.first != "}" {
                guard let equals = rest.firstIndex(of: "="), isName(rest[..<equals]) else { throw bad }
                let key = String(rest[..<equals])
                rest = rest[rest.index(after: equals)...]
                guard rest.first == "\"" else { throw bad }
                rest = rest.dropFirst()
                var value = ""
                while let character = rest.first, character != "\"" {
                    if character == "\\" {
                        rest = rest.dropFirst()
                        guard let escaped = rest.first else { throw bad }
                        value.append(escaped == "n" ? "\n" : escaped)
                    } else {
                        value.append(character)
                    }
                    rest = rest.dropFirst()
                }
                guard rest.first == "\"" else { throw bad }
                rest = rest.dropFirst()
                labels[key] = value
                if rest.first == "," { rest = rest.dropFirst() }
            }
            rest = rest.dropFirst()
        }
        guard rest.first == " " else { throw bad }
        let fields = rest.dropFirst().split(separator: " ")
        guard (1...2).contains(fields.count),
            let value = Double(fields[0].replacingOccurrences(of: "+Inf", with: "inf"))
        else { throw bad }
        return Sample(name: String(name), labels: labels, value: value)
    }
}
