import Foundation

extension SafetyModel {
    /// The model's file name, next to `safety.yaml`.
    public static let fileName = "safety-model.tsv"
    /// The file format this code reads.
    static let formatVersion = "2"
    /// The feature recipe this code computes; a model trained with another is refused.
    static let recipe =
        "ascii-lower; apostrophes dropped; words a-z0-9; letter runs of 3+ kept twice; w:unigrams w:bigrams "
        + "c:char3-5 of ' word ' (word cut at 24) n:3 words after a negation; s:fp s:past s:q markers; "
        + "segments whole, sentences, clauses"
    /// The heads a file may have, in this order: the check-in head alone, with the crisis head, with the crisis
    /// head and one head per category, or with all of those and the check-level head.
    static let headNames = ["check", "crisis"] + categoryOrder.map(\.rawValue) + ["check_level"]
    private static let headerKeys = ["format", "features", "enabled", "category", "heads", "bias", "threshold"]
    /// The last line's start: `end<TAB>COUNT<TAB>CHECKSUM`, written by the trainer (QA22 O3).
    private static let endPrefix = Array("end\t".utf8)

    /// The integrity line that ends a model file: `end`, how many weight lines follow `weights`, and a checksum
    /// (FNV-1a 64, 16 hex digits) of every line that is not a comment or blank, from the first to the last weight,
    /// each with one line break (`\n`). A file cut short (an interrupted copy, `head`, a full disk) loses it, and a
    /// line changed after training no longer matches it: either is refused, as a garbled file is.
    /// Scripts/train-safety-model writes the same line.
    public static func endLine(for text: String) -> String {
        var count = 0
        var checksum = fnvOffset
        var inWeights = false
        for var line in Array(text.utf8).split(separator: 10, omittingEmptySubsequences: false) {
            if line.last == 13 { line = line.dropLast() }
            if line.isEmpty || line.first == 35 { continue }  // blank or `#`
            if inWeights && line.starts(with: endPrefix) { break }
            checksum = fnv(line, from: checksum)
            checksum = fnv(newline, from: checksum)
            if inWeights { count += 1 }
            if line.elementsEqual("weights".utf8) { inWeights = true }
        }
        return "end\t\(count)\t\(hex(checksum))"
    }

    /// `text` with its integrity line (``endLine(for:)``) at the end, as the trainer writes a model.
    public static func sealed(_ text: String) -> String {
        let body = text.hasSuffix("\n") ? text : text + "\n"
        return body + endLine(for: body) + "\n"
    }

    private static let newline: [UInt8] = [10]

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
    /// The most problems a model file is reported with; the rest are counted.
    public static let maximumProblems = 10
    private static let requiredKeys = ["format", "features", "enabled", "category", "bias", "threshold"]

    /// Reads the model next to a safety rules file, or nil when there is none (the rules then work alone).
    ///
    /// - Throws: `KnowledgeError` with every problem found, each with file and line.
    public static func load(besides rulesURL: URL) throws(KnowledgeError) -> SafetyModel? {
        let url = rulesURL.deletingLastPathComponent().appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw KnowledgeError(diagnostics: [
                KnowledgeDiagnostic(.error, file: fileName, "could not read the safety model (\(error.localizedDescription))")
            ])
        }
        return try parse(text, file: fileName)
    }

    /// Checks and parses the text of a model file.
    ///
    /// Reads bytes, not characters, and keeps only each feature's hash: a 3,000-weight file loads in about a
    /// millisecond.
    /// - Throws: `KnowledgeError` with every problem found, each with file and line.
    public static func parse(_ text: String, file: String) throws(KnowledgeError) -> SafetyModel {
        var problems: [KnowledgeDiagnostic] = []
        func problem(_ line: Int?, _ message: String) {
            problems.append(KnowledgeDiagnostic(.error, file: file, line: line, message))
        }
        var header: [String: (value: String, line: Int)] = [:]
        var hashes: [UInt64] = []
        var words: [[UInt8]] = []
        var weights: [SIMD8<Double>] = []
        var headCount = 1
        var seen = Set<UInt64>()
        var weightsLine: Int?
        // The integrity line and what it is checked against (``endLine(for:)``).
        var end: (value: String, line: Int)?
        var weightLines = 0
        var checksum = fnvOffset
        let bytes = Array(text.utf8)
        var number = 0
        var lineStart = 0
        while lineStart < bytes.count {
            number += 1
            let lineBreak = bytes[lineStart...].firstIndex(of: 10) ?? bytes.count
            defer { lineStart = lineBreak + 1 }
            // A CRLF's CR, and spaces or tabs an editor padded the line with (QA23 O6), are not part of the line.
            var lineEnd = lineBreak
            while lineEnd > lineStart, bytes[lineEnd - 1] == 13 || bytes[lineEnd - 1] == 32 || bytes[lineEnd - 1] == 9 {
                lineEnd -= 1
            }
            let line = bytes[lineStart..<lineEnd]
            if line.isEmpty || line.first == 35 { continue }  // blank or `#`
            if end != nil {
                problem(number, "nothing but comments may follow the “end” line")
                continue
            }
            if weightsLine != nil && line.starts(with: endPrefix) {
                end = (String(decoding: line.dropFirst(endPrefix.count), as: UTF8.self), number)
                continue
            }
            checksum = fnv(line, from: checksum)
            checksum = fnv(newline, from: checksum)
            if weightsLine != nil { weightLines += 1 }
            let tab = line.firstIndex(of: 9)
            guard weightsLine != nil else {
                let text = String(decoding: line, as: UTF8.self)
                if text == "weights" {
                    weightsLine = number
                    continue
                }
                guard let tab, case let key = String(decoding: line[..<tab], as: UTF8.self), headerKeys.contains(key) else {
                    problem(number, "expected a header line KEY<TAB>value, KEY one of \(headerKeys.joined(separator: ", ")), or “weights”")
                    continue
                }
                if header[key] != nil { problem(number, "“\(key)” is given twice; keep one") }
                header[key] = (String(decoding: line[(tab + 1)...], as: UTF8.self), number)
                if key == "heads" { headCount = line[(tab + 1)...].split(separator: 9).count }
                continue
            }
            let numbers = tab.map { line[($0 + 1)...].split(separator: 9, omittingEmptySubsequences: false) } ?? []
            let values = numbers.compactMap { Double(String(decoding: $0, as: UTF8.self)) }.filter(\.isFinite)
            guard let tab, numbers.count == headCount, values.count == headCount else {
                problem(
                    number,
                    headCount == 1
                        ? "expected FEATURE<TAB>weight (a finite number)"
                        : "expected FEATURE and \(headCount) weights (finite numbers), one per head, tab-separated")
                continue
            }
            let feature = line[..<tab]
            if let reason = Self.problem(withFeature: feature) {
                problem(number, reason)
                continue
            }
            let hash = fnv(feature, from: fnvOffset)
            guard seen.insert(hash).inserted else {
                problem(number, "the feature “\(String(decoding: feature, as: UTF8.self))” is here twice; keep one")
                continue
            }
            hashes.append(hash)
            if feature.starts(with: "w:".utf8), !feature.contains(32) { words.append(Array(feature.dropFirst(2))) }
            var weight = SIMD8<Double>()
            for (lane, value) in values.enumerated() { weight[lane] = value }
            weights.append(weight)
        }
        func value(_ key: String) -> (value: String, line: Int)? {
            if let entry = header[key] { return entry }
            if requiredKeys.contains(key) { problem(1, "the header needs “\(key)<TAB>…” before “weights”") }
            return nil
        }
        if let format = value("format"), format.value != formatVersion {
            problem(format.line, "format “\(format.value)” is not one this version reads (\(formatVersion)); retrain with Scripts/train-safety-model")
        }
        if let features = value("features"), features.value != recipe {
            problem(features.line, "the features recipe is not the one this version computes (“\(recipe)”); retrain with Scripts/train-safety-model")
        }
        var isEnabled = false
        if let enabled = value("enabled") {
            switch enabled.value {
            case "yes": isEnabled = true
            case "no": isEnabled = false
            default: problem(enabled.line, "enabled is yes or no")
            }
        }
        var category = CrisisCategory.suicide
        if let entry = value("category") {
            if let known = CrisisCategory(rawValue: entry.value) {
                category = known
            } else {
                let known = CrisisCategory.allCases.map(\.rawValue).joined(separator: ", ")
                problem(entry.line, "unknown category “\(entry.value)”; the categories are \(known)")
            }
        }
        var heads = ["check"]
        if let entry = value("heads") {
            heads = entry.value.split(separator: "\t").map(String.init)
            if ![1, 2, headNames.count - 1, headNames.count].contains(heads.count)
                || heads != Array(headNames.prefix(heads.count))
            {
                problem(
                    entry.line,
                    "heads are “check”, “check<TAB>crisis” or all of \(headNames.joined(separator: ", ")), in this order")
            }
        }
        var bias = SIMD8<Double>()
        if let entry = value("bias") {
            let values = entry.value.split(separator: "\t", omittingEmptySubsequences: false).map { Double($0) }
            if values.count == heads.count, case let numbers = values.compactMap({ $0 }), numbers.count == heads.count,
                numbers.allSatisfy(\.isFinite)
            {
                for (lane, number) in numbers.enumerated() { bias[lane] = number }
            } else {
                problem(entry.line, "bias should be \(heads.count) finite number(s), one per head")
            }
        }
        var threshold = 0.5
        var crisisThreshold: Double?
        var levelThreshold: Double?
        var raiseThreshold: Double?
        if let entry = value("threshold") {
            let values = entry.value.split(separator: "\t", omittingEmptySubsequences: false).map { Double($0) }
            let wanted = heads.count == headNames.count ? 3 : heads.count > 1 ? 2 : 1
            // With every head, a fourth threshold may follow: raising a rule's check-in to the crisis reply.
            let allowed = wanted == 3 ? [3, 4] : [wanted]
            if allowed.contains(values.count), case let numbers = values.compactMap({ $0 }),
                numbers.count == values.count, numbers.allSatisfy({ $0 > 0 && $0 < 1 })
            {
                threshold = numbers[0]
                crisisThreshold = numbers.count > 1 ? numbers[1] : nil
                levelThreshold = numbers.count > 2 ? numbers[2] : nil
                raiseThreshold = numbers.count > 3 ? numbers[3] : nil
            } else {
                problem(
                    entry.line,
                    wanted == 1
                        ? "threshold is a probability strictly between 0 and 1, e.g. 0.95"
                        : wanted == 2
                            ? "threshold is two probabilities strictly between 0 and 1, check-in then crisis, e.g. 0.9<TAB>0.97"
                            : "threshold is three or four probabilities strictly between 0 and 1, check-in, crisis, "
                                + "check level and optionally raising a rule's check-in, e.g. 0.9<TAB>0.97<TAB>0.9<TAB>0.99")
            }
        }
        if weightsLine == nil {
            problem(nil, "the line “weights” is missing; the weights follow it, one FEATURE<TAB>weight a line")
        } else if weights.isEmpty && problems.isEmpty {
            problem(weightsLine, "no weights follow “weights”")
        }
        if weightsLine != nil { checkEnd(end, weightLines: weightLines, checksum: checksum, problem: problem) }
        if problems.count > maximumProblems {
            // A file damaged throughout (a wrong file, a bad conversion) says so in a screen, not in thousands of lines.
            let more = problems.count - maximumProblems
            problems = Array(problems.prefix(maximumProblems))
            problem(nil, "…and \(more) more problem(s) like these")
        }
        if !problems.isEmpty { throw KnowledgeError(diagnostics: problems) }
        return SafetyModel(
            file: file, isEnabled: isEnabled, category: category, bias: bias, threshold: threshold,
            crisisThreshold: crisisThreshold, levelThreshold: levelThreshold, raiseThreshold: raiseThreshold,
            hasCategories: heads.count >= headNames.count - 1,
            hashes: hashes,
            weights: weights, words: words)
    }

    /// Adds a problem unless `end` (the integrity line's value and line) matches the weight lines read and their
    /// checksum.
    private static func checkEnd(
        _ end: (value: String, line: Int)?, weightLines: Int, checksum: UInt64, problem: (Int?, String) -> Void
    ) {
        let retrain = "put the whole file back (from git or a backup) or retrain with Scripts/train-safety-model"
        guard let end else {
            return problem(
                nil,
                "the model has no “end” line after its \(weightLines) weights: it was cut short (an interrupted copy, "
                    + "a full disk) or written by an older trainer, and a partial model would miss crises the whole "
                    + "one catches; \(retrain)")
        }
        let fields = end.value.split(separator: "\t", omittingEmptySubsequences: false)
        guard fields.count == 2, let count = Int(fields[0]), fields[1].count == 16,
            let expected = UInt64(fields[1], radix: 16)
        else {
            return problem(end.line, "the “end” line is end<TAB>WEIGHT-LINES<TAB>CHECKSUM (16 hex digits)")
        }
        if count != weightLines {
            problem(
                end.line,
                "“end” says \(count) weight lines, the file has \(weightLines): lines were lost or added after "
                    + "training; \(retrain)")
        } else if expected != checksum {
            problem(
                end.line,
                "the checksum on the “end” line doesn't match the lines above it: the file was changed or damaged "
                    + "after training; \(retrain)")
        }
    }

    /// Why a feature can't be one this version computes, or nil when it can.
    private static func problem(withFeature bytes: ArraySlice<UInt8>) -> String? {
        var feature: String { String(decoding: bytes, as: UTF8.self) }
        guard bytes.count > 2, bytes[bytes.startIndex + 1] == 58, let kind = bytes.first,
            kind == 119 || kind == 99 || kind == 110 || kind == 115
        else {
            return "a feature starts with w: (words), n: (a word after a negation), c: (letter slices) or s: (markers), "
                + "then plain text"
        }
        let body = bytes.dropFirst(2)
        if kind == 115 {
            let marker = String(decoding: body, as: UTF8.self)
            return ["fp", "past", "q"].contains(marker) ? nil : "“\(feature)”: the markers are s:fp, s:past and s:q"
        }
        let plain = body.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 32 }
        guard plain else { return "“\(feature)”: features hold only a–z, 0–9 and spaces" }
        if kind == 110 {
            guard !body.contains(32) else { return "“\(feature)”: a negation feature is one word" }
        } else if kind == 119 {
            let words = body.split(separator: 32, omittingEmptySubsequences: false)
            guard (1...2).contains(words.count), words.allSatisfy({ !$0.isEmpty }) else {
                return "“\(feature)”: a word feature is one word or two separated by one space"
            }
        } else {
            guard (3...5).contains(body.count), !body.dropFirst().dropLast().contains(32) else {
                return "“\(feature)”: a slice feature is 3 to 5 letters, spaces only at its ends"
            }
        }
        return nil
    }
}
