import Foundation

extension SafetyModel {
    /// The model's file name, next to `safety.yaml`.
    public static let fileName = "safety-model.tsv"
    /// The file format this code reads.
    static let formatVersion = "1"
    /// The feature recipe this code computes; a model trained with another is refused.
    static let recipe =
        "ascii-lower; apostrophes dropped; words a-z0-9; w:unigrams w:bigrams c:char3-5 of ' word ' (word cut at 24)"
    private static let headerKeys = ["format", "features", "enabled", "category", "bias", "threshold"]

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
        var weights: [Double] = []
        var seen = Set<UInt64>()
        var weightsLine: Int?
        let bytes = Array(text.utf8)
        var number = 0
        var lineStart = 0
        while lineStart < bytes.count {
            number += 1
            var lineEnd = bytes[lineStart...].firstIndex(of: 10) ?? bytes.count
            defer { lineStart = lineEnd + 1 }
            if lineEnd > lineStart && bytes[lineEnd - 1] == 13 { lineEnd -= 1 }
            let line = bytes[lineStart..<lineEnd]
            if line.isEmpty || line.first == 35 { continue }  // blank or `#`
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
                continue
            }
            guard let tab, !line[(tab + 1)...].contains(9),
                let weight = Double(String(decoding: line[(tab + 1)...], as: UTF8.self)), weight.isFinite
            else {
                problem(number, "expected FEATURE<TAB>weight (a finite number)")
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
            weights.append(weight)
        }
        func value(_ key: String) -> (value: String, line: Int)? {
            if let entry = header[key] { return entry }
            problem(1, "the header needs “\(key)<TAB>…” before “weights”")
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
        var bias = 0.0
        if let entry = value("bias") {
            if let number = Double(entry.value), number.isFinite { bias = number } else {
                problem(entry.line, "bias should be a finite number")
            }
        }
        var threshold = 0.5
        if let entry = value("threshold") {
            if let number = Double(entry.value), number > 0, number < 1 { threshold = number } else {
                problem(entry.line, "threshold is a probability strictly between 0 and 1, e.g. 0.95")
            }
        }
        if weightsLine == nil {
            problem(nil, "the line “weights” is missing; the weights follow it, one FEATURE<TAB>weight a line")
        } else if weights.isEmpty && problems.isEmpty {
            problem(weightsLine, "no weights follow “weights”")
        }
        if !problems.isEmpty { throw KnowledgeError(diagnostics: problems) }
        return SafetyModel(
            file: file, isEnabled: isEnabled, category: category, bias: bias, threshold: threshold, hashes: hashes,
            weights: weights)
    }

    /// Why a feature can't be one this version computes, or nil when it can.
    private static func problem(withFeature bytes: ArraySlice<UInt8>) -> String? {
        var feature: String { String(decoding: bytes, as: UTF8.self) }
        guard bytes.count > 2, bytes[bytes.startIndex + 1] == 58, let kind = bytes.first, kind == 119 || kind == 99 else {
            return "a feature starts with w: (words) or c: (letter slices), then plain text"
        }
        let body = bytes.dropFirst(2)
        let plain = body.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 32 }
        guard plain else { return "“\(feature)”: features hold only a–z, 0–9 and spaces" }
        if kind == 119 {
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
