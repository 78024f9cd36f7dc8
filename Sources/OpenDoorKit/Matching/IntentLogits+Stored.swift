import Foundation

/// The matcher's learned weights (``IntentLogits``) as saved in the knowledge folder, so that a load doesn't
/// train them again: training was about 9 ms of a 33 ms knowledge load, and it gives the same weights, bit for
/// bit, every time the same examples are read.
///
/// The file is derived data, never a source of truth: it names a fingerprint of everything training reads (the
/// examples' terms and weights, the index's postings, the training settings and ``IntentLogits/trainingVersion``),
/// and the weights are used only while the knowledge being loaded has that same fingerprint. Edited examples, a
/// missing file or a damaged one mean the weights are trained at load, as before. `Scripts/train-matcher-weights`
/// writes the file, and its `--check` (run by CI) fails unless the file is what training gives now.
public struct StoredIntentWeights: Sendable, Hashable {
    /// The file's name in the knowledge folder.
    public static let fileName = "matcher-weights.tsv"
    /// The file format this code reads and writes.
    static let formatVersion = "1"

    /// The fingerprint of the inputs the weights were trained on.
    let inputs: IntentLogits.Fingerprint
    /// One weight per intent posting of the index.
    let weights: [Float]

    init(inputs: IntentLogits.Fingerprint, weights: [Float]) {
        self.inputs = inputs
        self.weights = weights
    }

    /// The file's text: a header, then each weight's bits in hexadecimal, eight to a line.
    public var text: String {
        var text = """
            # The matcher's learned weights, derived from the intents' examples: written by
            # Scripts/train-matcher-weights, never by hand. They are used only while `inputs` is the fingerprint of
            # the knowledge being loaded; otherwise (examples edited, file missing) they are trained at load.
            format\t\(Self.formatVersion)
            inputs\t\(inputs.hex)
            count\t\(weights.count)
            weights

            """
        text.reserveCapacity(text.utf8.count + weights.count * 9 + 16)
        for start in stride(from: 0, to: weights.count, by: 8) {
            let line = weights[start..<min(start + 8, weights.count)].map { Self.hex(UInt64($0.bitPattern), digits: 8) }
            text += line.joined(separator: " ") + "\n"
        }
        return text
    }

    /// Reads a file's text; a problem is returned with its line, for a warning (the weights are then trained).
    static func parse(_ text: String) -> Result<StoredIntentWeights, Problem> {
        var header: [String: String] = [:]
        var weights: [Float] = []
        var inWeights = false
        var expected = -1
        var number = 0
        var failure: Problem?
        text.utf8.withContiguousStorageIfAvailable { bytes in
            var lineStart = 0
            while lineStart < bytes.count, failure == nil {
                number += 1
                var lineEnd = lineStart
                while lineEnd < bytes.count && bytes[lineEnd] != 10 { lineEnd += 1 }
                defer { lineStart = lineEnd + 1 }
                let line = UnsafeBufferPointer(rebasing: bytes[lineStart..<lineEnd])
                if line.isEmpty || line[0] == 35 { continue }  // blank or `#`
                if !inWeights {
                    let text = String(decoding: line, as: UTF8.self)
                    if text == "weights" {
                        inWeights = true
                        expected = Int(header["count"] ?? "") ?? -1
                        if expected < 0 { failure = Problem(line: number, "the header has no `count`") }
                        weights.reserveCapacity(max(expected, 0))
                        continue
                    }
                    let parts = text.split(separator: "\t", maxSplits: 1).map(String.init)
                    guard parts.count == 2 else {
                        failure = Problem(line: number, "expected a header line KEY<TAB>value or `weights`")
                        continue
                    }
                    header[parts[0]] = parts[1]
                    continue
                }
                var value: UInt32 = 0
                var digits = 0
                for byte in line {
                    if byte == 32 {
                        guard digits == 8 else { break }
                        weights.append(Float(bitPattern: value))
                        value = 0
                        digits = 0
                        continue
                    }
                    guard let digit = Self.digit(byte) else {
                        digits = -1
                        break
                    }
                    value = value << 4 | UInt32(digit)
                    digits += 1
                }
                guard digits == 8 else {
                    failure = Problem(line: number, "expected up to eight weights of eight hexadecimal digits each")
                    continue
                }
                weights.append(Float(bitPattern: value))
            }
        }
        if let failure { return .failure(failure) }
        guard header["format"] == formatVersion else {
            return .failure(Problem(line: nil, "format “\(header["format"] ?? "")” is not \(formatVersion)"))
        }
        guard let inputs = header["inputs"].flatMap(IntentLogits.Fingerprint.init(hex:)) else {
            return .failure(Problem(line: nil, "`inputs` is missing or not 32 hexadecimal digits"))
        }
        guard inWeights, weights.count == expected else {
            return .failure(Problem(line: nil, "`count` says \(expected) weights, the file has \(weights.count)"))
        }
        return .success(StoredIntentWeights(inputs: inputs, weights: weights))
    }

    /// Why a file couldn't be read, and where.
    struct Problem: Error {
        var line: Int?
        var message: String
        init(line: Int?, _ message: String) {
            self.line = line
            self.message = message
        }
    }

    @inline(__always)
    private static func digit(_ byte: UInt8) -> UInt8? {
        if byte >= 48 && byte <= 57 { return byte - 48 }
        if byte >= 97 && byte <= 102 { return byte - 87 }
        return nil
    }

    static func hex(_ value: UInt64, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}

extension IntentLogits {
    /// Bump when training changes in a way that gives other weights from the same inputs: saved weights of an
    /// older version are then trained again (and `Scripts/train-matcher-weights --check` fails until rewritten).
    static let trainingVersion: UInt64 = 1

    /// A 128-bit fingerprint of everything training reads, in two independent 64-bit hashes.
    struct Fingerprint: Sendable, Hashable {
        var first: UInt64 = 0xcbf2_9ce4_8422_2325
        var second: UInt64 = 0x9e37_79b9_7f4a_7c15

        init() {}

        init?(hex: String) {
            guard hex.utf8.count == 32, let first = UInt64(hex.prefix(16), radix: 16),
                let second = UInt64(hex.suffix(16), radix: 16)
            else { return nil }
            self.first = first
            self.second = second
        }

        var hex: String {
            StoredIntentWeights.hex(first, digits: 16) + StoredIntentWeights.hex(second, digits: 16)
        }

        @inline(__always)
        mutating func add(_ value: UInt64) {
            // FNV-1a over the value, and a multiply-rotate mix (as in xxHash): a change that one misses, the
            // other catches.
            first = (first ^ value) &* 0x0000_0100_0000_01b3
            let mixed = second ^ (value &* 0xc2b2_ae3d_27d4_eb4f)
            second = (mixed << 31 | mixed >> 33) &* 0x9e37_79b9_7f4a_7c15
        }

        mutating func add(_ values: [Int32]) {
            add(UInt64(values.count))
            values.withUnsafeBufferPointer { buffer in
                for value in buffer { add(UInt64(UInt32(bitPattern: value))) }
            }
        }

        mutating func add(_ values: [Float]) {
            add(UInt64(values.count))
            values.withUnsafeBufferPointer { buffer in
                for value in buffer { add(UInt64(value.bitPattern)) }
            }
        }
    }

    /// The fingerprint of training's inputs (see `init`'s parameters).
    static func fingerprint(
        exampleTerms: [Int32], exampleValues: [Float], exampleEnds: [Int32], exampleIntent: [Int32],
        intentCount: Int, postingIntents: [Int32], postingOffsets: [Int32], training: Training
    ) -> Fingerprint {
        var fingerprint = Fingerprint()
        fingerprint.add(trainingVersion)
        fingerprint.add(UInt64(training.epochs))
        fingerprint.add(UInt64(training.learningRate.bitPattern))
        fingerprint.add(UInt64(training.decay.bitPattern))
        fingerprint.add(UInt64(training.l2.bitPattern))
        fingerprint.add(UInt64(training.maximumIntents))
        fingerprint.add(training.seed)
        if training.orders > 1 { fingerprint.add(UInt64(training.orders)) }
        fingerprint.add(UInt64(intentCount))
        fingerprint.add(exampleTerms)
        fingerprint.add(exampleValues)
        fingerprint.add(exampleEnds)
        fingerprint.add(exampleIntent)
        fingerprint.add(postingIntents)
        fingerprint.add(postingOffsets)
        return fingerprint
    }
}

extension Matcher {
    /// This matcher's learned weights, as `matcher-weights.tsv` holds them.
    public var storedWeights: StoredIntentWeights {
        StoredIntentWeights(inputs: index.logits.inputs, weights: index.logits.weights)
    }

    /// Whether this matcher read its learned weights from the knowledge folder rather than training them.
    public var usesStoredWeights: Bool { index.logits.isStored }
}

extension Knowledge {
    /// The same knowledge without saved weights: a matcher built from it trains its own.
    public func withoutStoredWeights() -> Knowledge {
        var knowledge = self
        knowledge.storedWeights = nil
        return knowledge
    }
}
