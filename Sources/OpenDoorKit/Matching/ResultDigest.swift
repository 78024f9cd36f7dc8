/// Every answer the matcher and the crisis check give, one line per message, to show that a change meant to be
/// faster (or tidier) answers exactly the same: the same intents, decisions and crisis findings, and confidences to
/// the last bit.
///
/// A line names its file and line number and never holds the message's words: the words read (the analysis) and
/// the words an intent shares with the message are given as checksums, so a digest of a held-out set can be
/// compared without being read.
public struct ResultDigest: Sendable {
    let matcher: Matcher
    let detector: CrisisDetector
    let rulesAlone: CrisisDetector

    /// A digest maker for a knowledge's matcher and a set of crisis rules.
    public init(matcher: Matcher, rules: SafetyRules) {
        self.matcher = matcher
        detector = CrisisDetector(rules: rules)
        rulesAlone = CrisisDetector(rules: rules.withoutModel())
    }

    /// One line per message of a file: `file:line`, the matcher's answer, then the crisis check's (with the
    /// learned model, with the rules alone, and whether the message reads as a denial), tab-separated.
    public func lines(file: String, messages: [(line: Int, text: String)]) -> [String] {
        messages.map { message in
            let result = matcher.match(message.text)
            let crisis = [detector.assess(message.text), rulesAlone.assess(message.text)].map {
                $0.map(String.init(describing:)) ?? "-"
            }
            return (["\(file):\(message.line)"] + Self.fields(of: result) + crisis
                + ["denial=\(detector.isDenial(message.text))"]).joined(separator: "\t")
        }
    }

    /// The matcher's answer: decision, candidates (intent, confidence and similarity as bit patterns, shared words'
    /// checksum), the other question's intents, the analysis' checksum.
    static func fields(of result: MatchResult) -> [String] {
        let candidates = result.candidates.map { candidate in
            "\(candidate.intent):\(hex(candidate.confidence.bitPattern)):\(hex(candidate.similarity.bitPattern))"
                + ":\(checksum(candidate.matchedWords.joined(separator: " ")))"
        }
        return [
            "\(result.decision)", candidates.joined(separator: ","),
            "also=\(result.alsoAsked?.rawValue ?? "-")/\(result.alsoUnknown?.rawValue ?? "-")",
            "analysis=\(checksum(String(describing: result.analysis)))",
        ]
    }

    /// The messages of a tab-separated evaluation file (the text after the last tab), with their line numbers;
    /// blank lines and `#` comments are skipped.
    public static func messages(ofFile text: String) -> [(line: Int, text: String)] {
        // Split on the byte: as characters, a CR LF is one character, not a line break.
        text.utf8.split(separator: 10, omittingEmptySubsequences: false).enumerated().compactMap { offset, bytes in
            let raw = Substring(bytes)
            let line = raw.utf8.last == 13 ? raw.dropLast() : raw
            guard !line.allSatisfy(\.isWhitespace), !line.hasPrefix("#"), let tab = line.lastIndex(of: "\t") else {
                return nil
            }
            return (offset + 1, String(line[line.index(after: tab)...]))
        }
    }

    /// FNV-1a over the text's UTF-8 bytes, in hex: the same in every process (Swift's `Hasher` is not).
    public static func checksum(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return hex(hash)
    }

    private static func hex(_ value: UInt64) -> String {
        String(value, radix: 16)
    }
}
