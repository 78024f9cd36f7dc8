import Foundation
import OpenDoorTestSupport
import Testing

@testable import OpenDoorKit

/// The learned part of the crisis check (`Knowledge/safety-model.tsv`): loading, checking, parity with the
/// training script, and that it only ever adds a check-in.
@Suite("Safety model")
struct SafetyModelTests {
    static let rulesURL = RepositoryFiles.knowledgeDirectory.appendingPathComponent("safety.yaml")

    /// A model that catches one made-up word and nothing else, whatever the shipped model says.
    static func toyModel(enabled: Bool = true) throws -> SafetyModel {
        try SafetyModel.parse(
            SafetyModel.sealed("""
            # a toy model
            format\t2
            features\t\(SafetyModel.recipe)
            enabled\t\(enabled ? "yes" : "no")
            category\tsuicide
            bias\t-5
            threshold\t0.5
            weights
            w:zebracorn\t10
            """), file: "toy.tsv")
    }

    static let rules: SafetyRules = {
        do { return try SafetyRules.load(from: rulesURL) } catch { fatalError("\(error)") }
    }()

    static func rules(with model: SafetyModel) -> SafetyRules {
        var rules = Self.rules
        rules.model = model
        return rules
    }

    @Test("The shipped model loads with the rules, and without its file the rules work alone")
    func loading() throws {
        let model = try #require(Self.rules.model)
        #expect(model.featureCount > 100)
        #expect(model.threshold > 0 && model.threshold < 1)
        let folder = RepositoryFiles.temporaryDirectory("safety-model")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let copy = folder.appendingPathComponent("safety.yaml")
        try FileManager.default.copyItem(at: Self.rulesURL, to: copy)
        #expect(try SafetyRules.load(from: copy).model == nil)
        #expect(!CrisisDetector(rules: try SafetyRules.load(from: copy)).usesModel)
    }

    @Test("Swift gives every fixture message the scores, category and check level the training script gave, within 1e-4")
    func parity() throws {
        let model = try #require(Self.rules.model)
        let fixture = try String(
            contentsOf: RepositoryFiles.path("Tests/OpenDoorKitTests/Fixtures/safety-model-scores.tsv"), encoding: .utf8)
        var checked = 0
        for line in fixture.split(separator: "\n") where !line.hasPrefix("#") {
            let fields = line.split(separator: "\t", maxSplits: 4, omittingEmptySubsequences: false)
            try #require(fields.count >= 4, "fixture line “\(line)”")
            let check = try #require(Double(fields[0]))
            let crisis = try #require(Double(fields[1]))
            let level = try #require(Double(fields[3]))
            let text = Self.unescape(fields.count > 4 ? String(fields[4]) : "")
            let scores = model.scores(of: text)
            #expect(abs(scores.check - check) < 1e-4, "“\(text)”: check-in Swift \(scores.check), Python \(check)")
            #expect(abs(scores.crisis - crisis) < 1e-4, "“\(text)”: crisis Swift \(scores.crisis), Python \(crisis)")
            #expect(scores.category.rawValue == fields[2], "“\(text)”: category Swift \(scores.category), Python \(fields[2])")
            #expect(abs(scores.level - level) < 1e-4, "“\(text)”: check level Swift \(scores.level), Python \(level)")
            checked += 1
        }
        #expect(checked >= 230)
    }

    private static func unescape(_ text: String) -> String {
        var out = ""
        var escaping = false
        for character in text {
            if escaping {
                out.append(character == "t" ? "\t" : character == "n" ? "\n" : character)
                escaping = false
            } else if character == "\\" {
                escaping = true
            } else {
                out.append(character)
            }
        }
        return out
    }

    @Test(
        "Every problem in a model file is an error with its line",
        arguments: [
            ("format\t1", 1, "format"),
            ("colour\tblue", 1, "header line"),
            ("enabled\tmaybe", 3, "yes or no"),
            ("category\tsadness", 4, "unknown category"),
            ("bias\tlots", 5, "bias"),
            ("threshold\t1.5", 6, "threshold"),
            ("w:zebracorn\tten", 8, "FEATURE<TAB>weight"),
            ("x:zebracorn\t1", 8, "w: (words), n:"),
            ("n:zebra corn\t1", 8, "one word"),
            ("w:zebracorn\t1\t2", 8, "FEATURE<TAB>weight"),
            ("w:Zebra\t1", 8, "only a–z"),
            ("c:abcdefg\t1", 8, "3 to 5 letters"),
            ("w:a  b\t1", 8, "one word or two"),
        ])
    func lintErrors(_ replacement: (line: String, number: Int, message: String)) throws {
        var lines = [
            "format\t2", "features\t\(SafetyModel.recipe)", "enabled\tyes", "category\tsuicide", "bias\t-5",
            "threshold\t0.5", "weights", "w:zebracorn\t10",
        ]
        lines[replacement.number - 1] = replacement.line
        do {
            _ = try SafetyModel.parse(SafetyModel.sealed(lines.joined(separator: "\n")), file: "safety-model.tsv")
            Issue.record("“\(replacement.line)” was accepted")
        } catch {
            let diagnostic = try #require(error.diagnostics.first { $0.message.contains(replacement.message) })
            #expect(diagnostic.line == replacement.number)
            #expect(diagnostic.description.hasPrefix("safety-model.tsv:\(replacement.number): error:"))
        }
    }

    @Test("The shipped model ends with its integrity line, and the trainer's end line is the loader's")
    func shippedEndLine() throws {
        let text = try String(
            contentsOf: RepositoryFiles.knowledgeDirectory.appendingPathComponent(SafetyModel.fileName), encoding: .utf8)
        let last = try #require(text.split(separator: "\n").last)
        #expect(last.hasPrefix("end\t"))
        #expect(String(last) == SafetyModel.endLine(for: text))
        // CRLF line breaks (a copy through an editor on Windows) give the same line.
        #expect(SafetyModel.endLine(for: text.replacingOccurrences(of: "\n", with: "\r\n")) == String(last))
    }

    @Test(
        "A model cut at a line boundary, with a weight changed, or without its end line is refused (QA22 O3)",
        arguments: [3000, 1000, 1, 0])
    func truncatedRefused(kept: Int) throws {
        let text = try String(
            contentsOf: RepositoryFiles.knowledgeDirectory.appendingPathComponent(SafetyModel.fileName), encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        // What `head -N` leaves: whole lines, the end line lost. Below 100, `kept` counts the weight lines kept after
        // "weights" (the header's length changes with the trainer's comments).
        let header = try #require(lines.firstIndex(of: "weights")) + 1
        let cut = lines.prefix(kept >= 100 ? kept : header + kept).joined(separator: "\n") + "\n"
        let error = #expect(throws: KnowledgeError.self) { try SafetyModel.parse(cut, file: SafetyModel.fileName) }
        #expect(error?.diagnostics.contains { $0.message.contains("no “end” line") && $0.message.contains("cut short") } == true,
            "\(String(describing: error))")

        // The end line kept, lines lost before it (a partial rsync --inplace): the count says so.
        let weights = try #require(lines.firstIndex(of: "weights"))
        var holed = lines
        holed.removeSubrange((weights + 10)..<(weights + 20))
        let count = #expect(throws: KnowledgeError.self) {
            try SafetyModel.parse(holed.joined(separator: "\n"), file: SafetyModel.fileName)
        }
        #expect(count?.diagnostics.contains { $0.message.contains("weight lines, the file has") } == true)

        // Same count, a weight changed: the checksum says so.
        var changed = lines
        changed[weights + 5] = Substring(changed[weights + 5].replacingOccurrences(of: "0.", with: "9."))
        let sum = #expect(throws: KnowledgeError.self) {
            try SafetyModel.parse(changed.joined(separator: "\n"), file: SafetyModel.fileName)
        }
        #expect(sum?.diagnostics.contains { $0.message.contains("checksum") } == true)
        #expect(try SafetyModel.parse(text, file: SafetyModel.fileName).featureCount > 5000, "the whole file loads")
    }

    @Test("A model file with an error stops the rules' load, as lint and serve read them")
    func errorStopsTheLoad() throws {
        let folder = RepositoryFiles.temporaryDirectory("safety-model")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let copy = folder.appendingPathComponent("safety.yaml")
        try FileManager.default.copyItem(at: Self.rulesURL, to: copy)
        try "format\t2\nweights\nw:zebracorn\t10\nw:zebracorn\t3\n".write(
            to: folder.appendingPathComponent(SafetyModel.fileName), atomically: true, encoding: .utf8)
        #expect(throws: KnowledgeError.self) { try SafetyRules.load(from: copy) }
        do {
            _ = try SafetyRules.load(from: copy)
        } catch let error as KnowledgeError {
            #expect(error.diagnostics.contains { $0.line == 4 && $0.message.contains("twice") })
            #expect(error.diagnostics.allSatisfy { $0.file == SafetyModel.fileName })
        }
    }

    @Test("Without a crisis head the model never changes what the rules find, and adds only check-ins")
    func neverLowersARule() throws {
        // A model that would flag every message: whatever the rules find must come out unchanged.
        let everything = try SafetyModel.parse(
            SafetyModel.sealed(
                "format\t2\nfeatures\t\(SafetyModel.recipe)\nenabled\tyes\ncategory\tsuicide\nbias\t5\nthreshold\t0.5\n"
                    + "weights\nw:zebracorn\t1\n"), file: "all.tsv")
        let plain = CrisisDetector(rules: Self.rules.withoutModel())
        let withModel = CrisisDetector(rules: Self.rules(with: everything))
        let set = try SafetyEvalSet.load(from: RepositoryFiles.path("Knowledge/eval/safety.tsv"))
        for item in set.items.prefix(400) {
            let rules = plain.assess(item.text)
            // Where an exclusion set every sentence aside as a look-alike, the model isn't asked (SafetyModelGateTests).
            guard let combined = withModel.assess(item.text) else {
                #expect(rules == nil && withModel.sentencesNotSetAside(withModel.reading(item.text)) == nil)
                continue
            }
            if let rules {
                #expect(combined == rules, "line \(item.line)")
            } else {
                #expect(combined.level == .check)
                #expect(combined.ruleID == SafetyModel.ruleID)
            }
        }
    }

    @Test("The crisis head raises a rule's check-in to the crisis reply, never lowers a rule, and picks the category")
    func crisisHead() throws {
        // Flags every message at both levels, and always picks overdose; every lift to the crisis reply allowed (round
        // 24's model: SafetyModelEvidenceTests checks the lift the rules' evidence backs).
        let everything = try SafetyModelEvidenceTests.everything(.always)
        let plain = CrisisDetector(rules: Self.rules.withoutModel())
        let withModel = CrisisDetector(rules: Self.rules(with: everything))
        let set = try SafetyEvalSet.load(from: RepositoryFiles.path("Knowledge/eval/safety.tsv"))
        var raised = 0
        for item in set.items.prefix(400) {
            let rules = plain.assess(item.text)
            guard let combined = withModel.assess(item.text) else {
                #expect(rules == nil && withModel.sentencesNotSetAside(withModel.reading(item.text)) == nil)
                continue
            }
            #expect(combined.level == .crisis, "line \(item.line)")
            if let rules {
                #expect(combined.category == rules.category && combined.ruleID == rules.ruleID, "line \(item.line)")
                if rules.level == .check {
                    #expect(combined.note?.hasPrefix(SafetyModel.raisedNote) == true)
                    raised += 1
                } else {
                    #expect(combined == rules, "line \(item.line)")
                }
            } else {
                #expect(combined.category == .overdose && combined.ruleID == SafetyModel.ruleID, "line \(item.line)")
            }
        }
        #expect(raised > 0)
    }

    /// A model with every head whose crisis head gives the made-up word a score of about 0.88, with `thresholds`.
    static func fullModel(thresholds: String) throws -> SafetyModel {
        let zeros = Array(repeating: "0", count: SafetyModel.headNames.count - 2).joined(separator: "\t")
        return try SafetyModelCheckLevelTests.eightHeads(
            bias: "-9\t0\t0\t0\t0\t0\t0\t-9", thresholds: thresholds, weights: ["w:zebracorn\t0\t2\t" + zeros])
    }

    @Test("Raising a rule's check-in to the crisis reply has its own threshold, the crisis one when the file has none")
    func raiseThreshold() throws {
        let ruleCheckIn = CrisisAssessment(
            category: .suicide, level: .check, ruleID: SafetyRuleID(rawValue: "suicide/check/@hopeless"))
        // Crisis reply at 0.5, a rule's check-in raised only at 0.99: the score (0.88) gives the crisis reply where
        // the rules find nothing, and leaves a rule's check-in as it is.
        let strict = try Self.fullModel(thresholds: "0.5\t0.5\t0.5\t0.99")
        #expect(strict.raiseThreshold == 0.99 && strict.crisisThreshold == 0.5)
        #expect(strict.assess("zebracorn")?.level == .crisis)
        #expect(strict.assess("zebracorn", after: ruleCheckIn) == ruleCheckIn)
        // Raised at 0.8: the rule's finding, at the crisis level, with a note saying why.
        let lower = try Self.fullModel(thresholds: "0.5\t0.5\t0.5\t0.8")
        let raised = try #require(lower.assess("zebracorn", after: ruleCheckIn))
        #expect(raised.level == .crisis && raised.ruleID == ruleCheckIn.ruleID && raised.category == .suicide)
        #expect(raised.note?.hasPrefix(SafetyModel.raisedNote) == true)
        // Three thresholds (an older file): raising uses the crisis threshold.
        let older = try Self.fullModel(thresholds: "0.5\t0.5\t0.5")
        #expect(older.raiseThreshold == 0.5)
        #expect(older.assess("zebracorn", after: ruleCheckIn)?.level == .crisis)
        // Five numbers, or a fourth out of range, is an error.
        for bad in ["0.5\t0.5\t0.5\t0.9\t0.9", "0.5\t0.5\t0.5\t1.2"] {
            #expect(throws: KnowledgeError.self) { try Self.fullModel(thresholds: bad) }
        }
    }

    @Test("The shipped model's threshold for raising a rule's check-in is at or above its crisis threshold")
    func shippedRaiseThreshold() throws {
        let model = try #require(Self.rules.model)
        let crisis = try #require(model.crisisThreshold)
        let raise = try #require(model.raiseThreshold)
        #expect(raise >= crisis && raise < 1)
    }

    @Test(
        "The shipped model flags clear danger on its own (the whole check gives the crisis reply), not look-alikes",
        arguments: [
            ("i took every pill i had an hour ago and my chest feels weird", true, CrisisCategory.overdose),
            ("my roommate took a bunch of fentanyl and now i cant wake him up, his lips are blue", true, .overdose),
            ("tonight is the night. i have the rope and nobody will stop me", true, .suicide),
            ("he's hitting me again and i locked myself in the bathroom", true, .danger),
            ("drank for 3 weeks straight, stopped yesterday, now im seeing bugs on the walls and shaking", true, .withdrawal),
            ("i overdosed two years ago, thats why i started iop", false, .overdose),
            ("this schedule is killing me lol", false, .suicide),
            ("we talked about suicide prevention in group last week", false, .suicide),
            ("can i take my gabapentin before the morning session?", false, .suicide),
            ("i'm not suicidal, just want to know about groups", false, .suicide),
            ("that movie where he overdoses at the end wrecked me", false, .suicide),
        ])
    func shippedCrisisHead(_ example: (text: String, crisis: Bool, category: CrisisCategory)) throws {
        let model = try #require(Self.rules.model)
        let threshold = try #require(model.crisisThreshold)
        let scores = model.scores(of: example.text)
        if example.crisis {
            // The model alone: at least the check-in, with the right category. Its crisis head sits close to its
            // threshold on some of these (0.9883 against 0.9887 after one retraining), so the full reply is
            // asserted of the whole check, which is what a visitor gets.
            #expect(model.assess(example.text) != nil, "crisis score \(scores.crisis), threshold \(threshold)")
            // The category a visitor's reply is chosen by is the whole check's. The model's category head alone is
            // right on ~89% of the training lines (round 20: 7,584 of 8,500) and flipped "locked myself in the
            // bathroom" between danger and self-harm across retrainings; where the rules fire they name it.
            let whole = CrisisDetector(rules: Self.rules).assess(example.text)
            #expect(whole?.level == .crisis)
            #expect(whole?.category == example.category, "model alone: \(scores.category)")
        } else {
            #expect(scores.crisis < threshold, "crisis score \(scores.crisis) at or above \(threshold)")
            #expect(model.assess(example.text)?.level != .crisis)
        }
    }

    @Test("A switched-off model is loaded and checked but never asked")
    func switchedOff() throws {
        let detector = CrisisDetector(rules: Self.rules(with: try Self.toyModel(enabled: false)))
        #expect(!detector.usesModel)
        #expect(detector.assess("zebracorn") == nil)
        #expect(CrisisDetector(rules: Self.rules(with: try Self.toyModel())).assess("zebracorn") != nil)
    }

    @Test("A sentence buried in a long message scores on its own")
    func buriedSentence() throws {
        let model = try Self.toyModel()
        let filler = String(repeating: "is intake still on mondays and do i need to bring anything. ", count: 5)
        #expect(model.score(of: filler + "zebracorn. " + filler) > 0.99)
        #expect(model.score(of: filler) < 0.01)
    }

    /// Long messages about coming back that tell a hard time as past (written for this test, in no training file).
    static let longOrdinary = [
        "hi, i was in the tuesday evening group until june and then my shifts changed. my dad was sick for most of the "
            + "summer and i was back and forth to the hospital, he is home now. is there still an evening group and do i "
            + "need a new intake?",
        "so i kinda disappeared after week three. honestly i was embarrassed about a slip on new years, but im four "
            + "weeks sober now and want to finish. can someone call me after 5?",
        "Hello, I left the program in the spring when my son was born. Things were chaotic for a while but we have a "
            + "routine now. Do you have a morning track, and do you still take Aetna?",
        "hey its been a while. i moved to my aunts place after a breakup and the bus ride was too long. i got my "
            + "license back last week so driving is fine now. how do i sign up again",
        "I stopped coming after my grandmother's funeral in March. I needed time with my family. I'm ready to come "
            + "back now; is the program still eight weeks and is there a waitlist?",
    ]

    @Test("The shipped model adds no alarm to long ordinary messages about coming back", arguments: longOrdinary)
    func longOrdinaryMessages(_ message: String) throws {
        let model = try #require(Self.rules.model)
        #expect(model.assess(message) == nil)
        #expect(CrisisDetector(rules: Self.rules).assess(message) == nil)
    }

    @Test("A message only the model catches gets the check-in in every state of the conversation", arguments: 0...6)
    func everyState(_ steps: Int) throws {
        let assistant = Assistant(
            knowledge: ShippedKnowledge.knowledge, safety: CrisisDetector(rules: Self.rules(with: try Self.toyModel())))
        var conversation = assistant.makeConversation(channel: .terminal)
        _ = conversation.start()
        for message in ["i want to come back", "yes", "Ana", "470-555-0123", "morning", "yes"].prefix(steps) {
            _ = conversation.receive(message)
        }
        let state = conversation.state
        guard case .reply(let reply) = conversation.receive("zebracorn") else {
            Issue.record("no reply in state \(state)")
            return
        }
        #expect(reply.intent == .crisisCheck, "state \(state)")
        #expect(reply.crisis)
        #expect(reply.text.contains("988"))
        #expect(reply.safety?.level == .check)
        #expect(reply.safety?.ruleID == SafetyModel.ruleID)
    }
}
