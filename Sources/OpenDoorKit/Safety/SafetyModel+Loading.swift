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
    /// - Throws: `KnowledgeError` with every problem found, each with file and line.
    public static func parse(_ text: String, file: String) throws(KnowledgeError) -> SafetyModel {
        var problems: [KnowledgeDiagnostic] = []
        func problem(_ line: Int?, _ message: String) {
            problems.append(KnowledgeDiagnostic(.error, file: file, line: line, message))
        }
        var header: [String: (value: String, line: Int)] = [:]
        var features: [String: Double] = [:]
        var inWeights = false
        var weightsLine: Int?
        for (offset, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = offset + 1
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            if line.isEmpty || line.hasPrefix("#") { continue }
            if !inWeights {
                if line == "weights" {
                    inWeights = true
                    weightsLine = number
                    continue
                }
                let fields = line.split(separator: "\t", maxSplits: 1, omittingEmptySubsequences: false)
                let key = String(fields[0])
                guard fields.count == 2, headerKeys.contains(key) else {
                    problem(number, "expected a header line KEY<TAB>value, KEY one of \(headerKeys.joined(separator: ", ")), or “weights”")
                    continue
                }
                if header[key] != nil { problem(number, "“\(key)” is given twice; keep one") }
                header[key] = (String(fields[1]), number)
                continue
            }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 2, let weight = Double(fields[1]), weight.isFinite else {
                problem(number, "expected FEATURE<TAB>weight (a finite number)")
                continue
            }
            let feature = String(fields[0])
            if let reason = Self.problem(withFeature: feature) {
                problem(number, reason)
                continue
            }
            if features.updateValue(weight, forKey: feature) != nil {
                problem(number, "the feature “\(feature)” is here twice; keep one")
            }
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
        } else if features.isEmpty && problems.isEmpty {
            problem(weightsLine, "no weights follow “weights”")
        }
        if !problems.isEmpty { throw KnowledgeError(diagnostics: problems) }
        return SafetyModel(
            file: file, isEnabled: isEnabled, category: category, bias: bias, threshold: threshold, features: features)
    }

    /// Why a feature can't be one this version computes, or nil when it can.
    private static func problem(withFeature feature: String) -> String? {
        let bytes = Array(feature.utf8)
        guard bytes.count > 2, bytes[1] == 58, bytes[0] == 119 || bytes[0] == 99 else {
            return "a feature starts with w: (words) or c: (letter slices), then plain text"
        }
        let body = bytes[2...]
        let plain = body.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 32 }
        guard plain else { return "“\(feature)”: features hold only a–z, 0–9 and spaces" }
        if bytes[0] == 119 {
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
