import Foundation
@testable import OpenDoorKit
import Testing

/// Small safety files written inline, for testing the pattern language and the loader.
private enum SafetyRulesText {
    /// A valid file: `patterns` per category (defaults to a word no message has), plus extra sections.
    static func yaml(_ patterns: [CrisisCategory: [String]] = [:], extra: String = "") -> String {
        var text = """
            spellings:
              - [do not, dont]
              - [want to, wanna]
              - [my self, myself]
            lists:
              drugs: [pills, xanax, sleeping pills]
            \(extra)
            categories:

            """
        for category in CrisisCategory.allCases {
            text += """
                  - id: \(category.rawValue)
                    reply: "Call or text 988 for \(category.rawValue). Call 911 in an emergency."
                    patterns:

                """
            for pattern in patterns[category] ?? ["zzzz\(category.rawValue)"] {
                text += "      - \"\(pattern)\"\n"
            }
        }
        return text
    }

    static func detector(_ patterns: [CrisisCategory: [String]], extra: String = "") throws -> CrisisDetector {
        CrisisDetector(rules: try SafetyRules.parse(yaml: yaml(patterns, extra: extra), file: "test.yaml"))
    }

    /// The diagnostics a broken file gives (empty if it loads).
    static func diagnostics(_ yaml: String, file: String = "safety.yaml") -> [KnowledgeDiagnostic] {
        do {
            _ = try SafetyRules.parse(yaml: yaml, file: file)
            return []
        } catch let error as KnowledgeError {
            return error.diagnostics
        } catch {
            return [KnowledgeDiagnostic(.error, file: "?", "unexpected \(error)")]
        }
    }

    /// The 1-based line of the first line containing `needle`.
    static func line(of needle: String, in text: String) -> Int? {
        text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains(needle) }.map { $0 + 1 }
    }

    /// The shipped file's text.
    static var shipped: String {
        (try? String(contentsOf: SafetyFixtures.rulesURL, encoding: .utf8)) ?? ""
    }
}

@Suite("Crisis safety")
struct SafetyTests {
    // MARK: The shipped rules

    @Test(
        "The brief's crisis messages are caught",
        arguments: [
            ("i don't want to be here anymore", CrisisCategory.suicide),
            ("everyone would be better off without me", .suicide),
            ("whats the point of living", .suicide),
            ("kms", .suicide), ("i want to unalive myself", .suicide), ("i wanna end it", .suicide),
            ("im so suicidel", .suicide), ("gonna kil myself", .suicide),
            ("i have pills saved and enough to never wake up", .suicide), ("i bought a rope", .suicide),
            ("i have a gun", .suicide), ("thinking about the bridge again, i know which bridge", .suicide),
            ("i wrote a note", .suicide), ("i started giving my stuff away", .suicide),
            ("my friend isn't breathing", .overdose), ("he wont wake up", .overdose),
            ("her lips are blue", .overdose), ("blue lips", .overdose), ("took 30 of my xanax", .overdose),
            ("i took 800mg", .overdose), ("need narcan now", .overdose), ("where is the naloxone", .overdose),
            ("mixed fent and bars", .overdose), ("i think he's gonna od", .overdose), ("she overdosed", .overdose),
            ("i keep cutting", .selfHarm), ("burning myself again", .selfHarm), ("i want to hurt myself", .selfHarm),
            ("i'm having seizures", .withdrawal), ("hallucinating since i stopped drinking", .withdrawal),
            ("pretty sure i have DTs", .withdrawal), ("delirium tremens", .withdrawal),
            ("shaking so bad i cant stand", .withdrawal), ("i'm seeing things", .withdrawal),
            ("he hits me", .danger), ("i'm scared to go home", .danger), ("my partner threatened me", .danger),
            ("he threatened to kill me tonight", .danger),
            ("i'm not safe at home", .danger),
        ] as [(String, CrisisCategory)])
    func briefCrisisMessages(_ message: String, _ category: CrisisCategory) throws {
        let assessment = try SafetyFixtures.detector().assess(message)
        #expect(assessment?.category == category, "\(message) → \(assessment.map(\.description) ?? "nothing")")
    }

    @Test(
        "Everyday phrases don't trigger",
        arguments: [
            "this schedule is killing me lol", "dying to get back in", "i killed it at work today",
            "i relapsed last week but i'm ok now", "we talked about suicide prevention in group", "my phone died",
            "i'm dead tired", "that joke killed me", "i could kill for a coffee", "hi", "", "   ", "?!?",
            "my wife is threatening to leave", "my PO threatened to violate me if i dont go back",
        ])
    func lookAlikes(_ message: String) throws {
        let assessment = try SafetyFixtures.detector().assess(message)
        #expect(assessment == nil, "\(message) → \(assessment.map(\.description) ?? "")")
    }

    @Test(
        "Denials are recognized",
        arguments: [
            "no i'm fine", "No, I’m fine", "you misunderstood", "i didn't mean it like that", "im ok", "jk", "lol jk",
            "not like that", "I'm okay, really", "no no i'm not suicidal, i meant the schedule",
            "i would never hurt myself, it was a joke",
        ])
    func denials(_ message: String) throws {
        #expect(try SafetyFixtures.detector().isDenial(message))
    }

    @Test(
        "A message that is still a crisis, or says nothing about one, is not a denial",
        arguments: [
            "jk i want to die", "im ok but i took 20 xanax", "im not ok", "i'm not fine", "what time does group start",
            "i'm ok. i'm not ok actually",
            "",
        ])
    func notDenials(_ message: String) throws {
        #expect(try SafetyFixtures.detector().isDenial(message) == false)
    }

    @Test("Every reply gives the numbers first, the center and care, in OpenDoor's voice")
    func replies() throws {
        let detector = try SafetyFixtures.detector()
        for category in CrisisCategory.allCases {
            let reply = detector.reply(for: category)
            let firstLine = reply.split(separator: "\n").first.map(String.init) ?? ""
            #expect(firstLine.contains("988") || firstLine.contains("911"), "\(category): numbers first")
            for required in ["988", "911", "1-800-662-4357", "{center.phone}", "{center.name}"] {
                #expect(reply.contains(required), "\(category) reply lacks \(required)")
            }
            #expect(!reply.contains("!"), "\(category): no exclamation marks")
            #expect(
                !reply.unicodeScalars.contains { $0.properties.isEmojiPresentation }, "\(category): no emoji")
            #expect(reply.split(separator: "\n").count <= 6, "\(category): short")
            for word in ["unfortunately", "should have", "can't be that bad", "addict"] {
                #expect(!reply.lowercased().contains(word), "\(category) says \(word)")
            }
        }
        #expect(detector.reply(for: .danger).contains("1-800-799-7233"))
        #expect(detector.reply(for: .overdose).contains("Narcan"))
        #expect(detector.reply(for: .overdose).contains("stay with them"))
        #expect(detector.reply(for: .withdrawal).lowercased().contains("seizure"))
    }

    @Test("An assessment keeps only the category and the rule, never the message")
    func assessmentHoldsNoText() throws {
        let secret = "i want to kill myself zebra"
        let assessment = try #require(try SafetyFixtures.detector().assess(secret))
        let labels = Mirror(reflecting: assessment).children.compactMap(\.label)
        #expect(labels == ["category", "level", "ruleID", "note"])
        #expect(assessment.note == nil)
        #expect(!assessment.ruleID.rawValue.contains("zebra"))
        #expect(assessment.ruleID.rawValue.hasPrefix("suicide/"))
    }

    // MARK: The pattern language

    @Test(
        "Patterns match as documented",
        arguments: [
            ("kill myself", "I want to KILL MYSELF.", true),
            ("kill myself", "i want to kill my self", true),
            ("kill myself", "kill them, not myself", false),
            ("took * pills", "took like ten pills", true),
            ("took * pills", "took one two three four pills", false),
            ("took *5 pills", "took one two three four pills", true),
            ("suicid*", "feeling suicidal", true),
            ("suicid*", "suicide", true),
            ("suicidal", "feeling suicidel", true),
            ("suicidal", "feeling sucidal", true),
            ("suicidal", "feeling usicidal", false),
            ("suicidal", "feeling sucidel", false),
            ("kill myself", "kell myself", true),  // 4-5 letters: another vowel is a slip
            ("die now", "dye now", false),  // 3 letters: only a hand's slips
            ("die now", "diee now", true),  // a doubled letter
            ("die now", "diw now", true),  // a neighbouring key
            ("die now", "dei now", true),  // two letters swapped
            ("cut deep", "cit deep", true),
            ("cut deep", "cat deep", false),  // 3 letters: another vowel is another word
            ("gun now", "gan now", false),
            ("took all pills", "took alll pils", true),  // a letter doubled, a letter left out
            ("took all pills", "took al pills", false),  // words of 1-2 letters are never typos (write spellings)
            ("xanax", "swallowed the xanex", true),
            ("took xanax", "tokk xanax", true),  // k is next to o
            ("took xanax", "toqk xanax", false),
            ("cant go_on *1 $", "i cant go on", true),
            ("cant go_on *1 $", "I can't go on anymore.", true),
            ("cant go_on *1 $", "i cant go on the trip", false),
            ("cant go_on $", "i cant go on, it's too much", true),
            ("cant go_on $", "i cant go on tuesday", false),
            ("cant go_on $", "i cant go on. what time is group", true),
            ("choked me", "he cooked me dinner", true),
            ("=choked me", "he cooked me dinner", false),
            ("really? bad", "so bad", true),
            ("really? bad", "really bad", true),
            ("not really? okay", "not okay", true),
            ("took 5+ pills", "took 4 pills", false),
            ("took 5+ pills", "took 30 pills", true),
            ("took 5+ pills", "took twenty pills", true),
            ("took 100+ mg", "i took 800mg", true),
            ("took 100+ mg", "took 1,200mg", true),
            ("took 100+ mg", "took 50mg", false),
            ("took 0+ @drugs", "took 3 sleeping pills", true),
            ("took 0+ @drugs", "took 3 xanax", true),
            ("took 0+ @drugs", "took 3 advil", false),
            ("dont want to live", "i don't want to live", true),
            ("dont want to live", "i don’t wanna live", true),
            ("dont want to live", "i do not want to live", true),
            ("dont|never want to live", "I never want to live", true),
            ("in_front_of|into traffic", "walk in front of traffic", true),
            ("in_front_of|into traffic", "walk into traffic", true),
            ("in_front_of|into traffic", "walk in traffic", false),
            ("overdose|overdosed", "i think i overdosd", true),
            ("tome todas", "tomé todas las pastillas", true),  // letters with marks are folded
            ("tome todas", "TOMÉ TODAS", true),
            ("tome todas", "tome\u{301} todas", true),  // a combining accent typed after its letter
            ("quiero morir", "quiéro morír", true),
            ("nino", "el niño", true),
            ("strasse", "die straße", true),
            ("suicidal", "feeling suicídel", true),  // a folded word takes typos like any other
        ] as [(String, String, Bool)])
    func patternLanguage(_ pattern: String, _ message: String, _ matches: Bool) throws {
        let detector = try SafetyRulesText.detector([.suicide: [pattern]])
        #expect((detector.assess(message) != nil) == matches, "\(pattern) on \(message)")
    }

    @Test("unless cancels one pattern; exclusions hide words from all of them")
    func exceptions() throws {
        let yaml = SafetyRulesText.yaml().replacingOccurrences(
            of: "      - \"zzzzsuicide\"\n",
            with: """
                      - match: hurt myself
                        unless: [at the gym]
                      - suicid*

                """)
        let detector = CrisisDetector(
            rules: try SafetyRules.parse(
                yaml: yaml.replacingOccurrences(of: "categories:", with: "exclusions:\n  - suicide prevention\ncategories:"),
                file: "test.yaml"))
        #expect(detector.assess("i hurt myself") != nil)
        #expect(detector.assess("i hurt myself at the gym") == nil)
        #expect(detector.assess("we did suicide prevention in group") == nil)
        #expect(detector.assess("suicide prevention talk made me feel suicidal") != nil)
    }

    @Test("unless cancels a history or current phrase too: 'now i want to get better' doesn't make a story current")
    func contextExceptions() throws {
        let extra = """
            history:
              - match: used to
                unless: [used to it]
            current:
              - match: now i want
                unless: [get better]
            """
        let detector = try SafetyRulesText.detector([.suicide: ["want to die"]], extra: extra)
        #expect(detector.assess("i used to want to die, now i want to get better") == nil)
        #expect(detector.assess("i used to want to die, now i want that again")?.level == .check)
        // The history phrase's own exception: "used to it" tells nothing as past.
        #expect(detector.assess("i want to die, i am used to it")?.level == .crisis)
    }

    @Test("A topic told as history, taken up as the visitor's own in the very next sentence, is the check-in (QA37 S1-3)")
    func topicTakenUpInNextSentence() throws {
        let extra = """
            history:
              - match: talk about
                unless: [thats me]
              - years ago
            current:
              - again
            """
        let detector = try SafetyRulesText.detector([.suicide: ["wanting to die"]], extra: extra)
        #expect(detector.assess("do groups talk about wanting to die?") == nil)
        // At least the check-in (read as one sentence afterwards, the crisis pattern may give the crisis reply).
        #expect(detector.assess("do groups talk about wanting to die? thats me") != nil)
        // Only the next sentence takes it up; the phrase before it, or two sentences later, doesn't.
        #expect(detector.assess("thats me. do groups talk about wanting to die?") == nil)
        #expect(detector.assess("do groups talk about wanting to die? asking for group. thats me") == nil)
        // Told as history with the next sentence too, it stays excused whatever is current there.
        #expect(detector.assess("years ago i was wanting to die. i want structure again") == nil)
    }

    @Test("A denial written with narrow gaps stays inside its clause: 'never, im ending it tonight' is no denial")
    func denialStaysInClause() throws {
        let extra = """
            denials:
              - not|never *3 ending_it
              - thinks *3 suicidal *6 but|not
            """
        let detector = try SafetyRulesText.detector([.suicide: ["ending it", "suicidal"]], extra: extra)
        #expect(detector.assess("im never ending it, i promise") == nil)
        #expect(detector.assess("never, im ending it tonight")?.level == .crisis)
        #expect(detector.assess("not sure - im ending it tonight")?.level == .crisis)
        #expect(detector.assess("not sure. im ending it tonight")?.level == .crisis)
        // A wide gap (*4 or more) lets a denial reach across a comma on purpose.
        #expect(detector.assess("my mom thinks im suicidal, but im not") == nil)
    }

    @Test("A check-in whose message read as one sentence gives the crisis reply gets the crisis reply")
    func checkInReadAcrossSentences() throws {
        let yaml = SafetyRulesText.yaml([.suicide: ["sorry for everything *6 love you"]]).replacingOccurrences(
            of: "      - \"sorry for everything *6 love you\"\n",
            with: "      - \"sorry for everything *6 love you\"\n    check:\n      - sorry for everything\n"
                + "    check_reply: \"Are you having thoughts of ending your life? Call or text 988.\"\n")
        let detector = CrisisDetector(rules: try SafetyRules.parse(yaml: yaml, file: "test.yaml"))
        #expect(detector.assess("sorry for everything")?.level == .check)
        let across = try #require(detector.assess("sorry for everything. love you mom."))
        #expect(across.level == .crisis)
        #expect(across.note == CrisisDetector.acrossSentencesNote)
        #expect(CrisisDetector.joiningSentences("no sentence end here") == nil)
        #expect(CrisisDetector.joiningSentences("one. two!\nthree?") == "one, two,,three,")
        #expect(CrisisDetector.joiningSentences("one sentence, ended. ") == nil)
        #expect(CrisisDetector.joiningSentences("take 2.5") == nil)
        // Ends are replaced byte by byte, a letter after one may be any script's; a non-letter after one changes nothing.
        #expect(CrisisDetector.joiningSentences("ça va. élan\r\nfin") == "ça va, élan,,fin")
        #expect(CrisisDetector.joiningSentences("ok. 😀 🙂!") == nil)
        #expect(CrisisDetector.joiningSentences("done.Z") == "done,Z")
        #expect(CrisisDetector.joiningSentences("done.@[`{") == nil)
    }

    @Test(
        "A doubled letter typed once costs no edit, only for words of 6+ letters and never onto a listed word",
        arguments: [
            ("i swallowed them", true),
            ("i swalowed them", true),  // the doubled letter once: an alias
            ("i swalowd them", true),  // and one edit more
            ("i swlowd them", false),  // two edits besides
            ("i filed them", false),  // "filled" with one l is a word the file lists (never_correct)
            ("a botle", true),
            ("a botl", false),  // through an alias, one edit more only for a word of six letters or more
        ])
    func doubledLetterTypedOnce(_ message: String, _ found: Bool) throws {
        let detector = try SafetyRulesText.detector(
            [.overdose: ["swallowed|filled them", "a bottle"]], extra: "never_correct: [filed]\n")
        #expect((detector.assess(message) != nil) == found, "\(message)")
        #expect(SafetyIndex.collapsingDoubles("swallowed") == "swalowed")
        #expect(SafetyIndex.collapsingDoubles("pills") == nil)  // under six letters: one slip already
        #expect(SafetyIndex.collapsingDoubles("nothing") == nil)
    }

    @Test(
        "A plural written with z is read with s, as a typo: never for =word, never for a word never corrected",
        arguments: [
            ("took all my pilz", true),  // "pils", one slip from pills
            ("did 4 barz", true),  // "bars", the word itself
            ("took all my pillz", true),  // z is next to s on the keyboard: one slip already
            ("took the quiz", false),  // "quis" is nothing
            ("took all my oxyz", false),  // =oxys takes no typo
            ("popped 6 perkz", false),  // a word never corrected stays as written
            ("took all my pilzz", false),  // a doubled z is no plural
        ])
    func pluralWithZ(_ message: String, _ found: Bool) throws {
        let detector = try SafetyRulesText.detector(
            [.overdose: ["took|did|popped *3 pills|bars|perks|=oxys"]], extra: "never_correct: [perkz]\n")
        #expect((detector.assess(message) != nil) == found, "\(message)")
    }

    @Test("A finding split over two sentences counts, unless a story in the next sentence excuses it")
    func findingAcrossSentences() throws {
        let extra = """
            story:
              - that was
            self:
              - i|my

            """
        let detector = try SafetyRulesText.detector(
            [.suicide: ["pills *6 tonight"], .overdose: ["took *3 pills"]], extra: extra)
        #expect(detector.assess("i saved up my pills") == nil)
        #expect(detector.assess("tonight is the night") == nil)
        let across = try #require(detector.assess("i saved up my pills. tonight is the night"))
        #expect(across.category == .suicide && across.level == .check)  // read across sentences: asked, not assumed
        #expect(across.note == CrisisDetector.acrossSentencesNote)
        // The story excuses the finding of the sentence before: the message is not read again as one sentence.
        #expect(detector.assess("i took all my pills") != nil)
        #expect(detector.assess("i took all my pills. that was years ago") == nil)
    }

    @Test("When several categories match, the first in the file wins")
    func priority() throws {
        let detector = try SafetyRulesText.detector([.suicide: ["pills"], .overdose: ["took * pills"]])
        // CrisisCategory.allCases puts overdose after suicide in the generated file.
        let assessment = try #require(detector.assess("i took all the pills"))
        #expect(assessment.category == .suicide)
        #expect(assessment.ruleID.rawValue == "suicide/pills")
    }

    // MARK: Loader errors name file and line

    @Test("The shipped file loads")
    func shippedLoads() throws {
        let rules = try SafetyRules.load(from: SafetyFixtures.rulesURL)
        #expect(rules.categories.map(\.id).sorted { $0.rawValue < $1.rawValue }
            == CrisisCategory.allCases.sorted { $0.rawValue < $1.rawValue })
        #expect(!rules.denials.isEmpty)
        #expect(rules.categories.allSatisfy { $0.patterns.allSatisfy { $0.line != nil } })
    }

    @Test("An unknown key is an error at its line")
    func unknownKey() {
        let shipped = SafetyRulesText.shipped
        let topLevel = shipped.replacingOccurrences(of: "\ndenials:\n", with: "\ndenial:\n")
        var diagnostics = SafetyRulesText.diagnostics(topLevel)
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.file == "safety.yaml")
        #expect(diagnostics.first?.line == SafetyRulesText.line(of: "denial:", in: topLevel))
        #expect(diagnostics.first?.message.contains("denial") == true)

        let nested = shipped.replacingOccurrences(of: "  - id: danger\n    reply:", with: "  - id: danger\n    replies:")
        diagnostics = SafetyRulesText.diagnostics(nested)
        #expect(diagnostics.first?.line == SafetyRulesText.line(of: "    replies:", in: nested))
        #expect(diagnostics.first?.description.hasPrefix("safety.yaml:") == true)

        let inPattern = shipped.replacingOccurrences(of: "        unless: [exercise,", with: "        unles: [exercise,")
        diagnostics = SafetyRulesText.diagnostics(inPattern)
        #expect(diagnostics.first?.line == SafetyRulesText.line(of: "unles: [exercise", in: inPattern))
    }

    @Test("A YAML syntax error is an error at its line")
    func syntaxError() throws {
        let shipped = SafetyRulesText.shipped
        let broken = shipped.replacingOccurrences(of: "  - [going to, gonna", with: "  - [going to: x: gonna")
        let diagnostics = SafetyRulesText.diagnostics(broken)
        let line = try #require(SafetyRulesText.line(of: "going to: x: gonna", in: broken))
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.line == line)
        #expect(diagnostics.first?.description.hasPrefix("safety.yaml:\(line): error: YAML syntax error") == true)

        let unclosed = SafetyRulesText.yaml().replacingOccurrences(of: "  drugs: [pills,", with: "  drugs: \"pills,")
        let unclosedLine = SafetyRulesText.line(of: "drugs: \"pills", in: unclosed)
        #expect(SafetyRulesText.diagnostics(unclosed).first?.line ?? 0 >= unclosedLine ?? 1)
    }

    @Test("An empty pattern is an error at its line", arguments: ["\"\"", "\"   \"", "", "\"*\""])
    func emptyPattern(_ written: String) throws {
        let shipped = SafetyRulesText.shipped
        let broken = shipped.replacingOccurrences(of: "      - suicid*\n", with: "      - suicid*\n      - \(written)\n")
        let diagnostics = SafetyRulesText.diagnostics(broken)
        let line = try #require(SafetyRulesText.line(of: "      - suicid*", in: broken)) + 1
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.line == line, "\(diagnostics)")
        #expect(diagnostics.first?.file == "safety.yaml")
    }

    @Test(
        "Other mistakes are errors at their line",
        arguments: [
            ("      - \"zzzzsuicide\"", "      - \"* pills\"", "starts with a gap"),
            ("      - \"zzzzsuicide\"", "      - \"took *12 pills\"", "not a gap"),
            ("      - \"zzzzsuicide\"", "      - \"took @pils\"", "no list named"),
            ("      - \"zzzzsuicide\"", "      - \"su*\"", "at least 3 letters"),
            ("      - \"zzzzsuicide\"", "      - \"ki*ll\"", "inside a word"),
            ("      - \"zzzzsuicide\"", "      - \"a||b\"", "empty choice"),
            ("      - \"zzzzsuicide\"", "      - \"5+ 0+\"", "needs at least one word"),
            ("      - \"zzzzsuicide\"", "      - \"took # pills\"", "write numbers as N+"),
            ("      - \"zzzzsuicide\"", "      - \"$ pills\"", "starts with $"),
            ("      - \"zzzzsuicide\"", "      - \"took $ pills\"", "words after $"),
            ("      - \"zzzzsuicide\"", "      - \"took pil$s\"", "inside a word"),
            ("  - id: danger", "  - id: dangerous", "unknown category"),
            ("  - [do not, dont]", "  - [do not, dont, do nt]", "must be one word"),
            ("\"Call or text 988 for withdrawal.", "\"Call or text for withdrawal.", "must give 988"),
            ("    patterns:\n      - \"zzzzoverdose\"", "    patterns: \"od\"", "should be a list"),
        ] as [(String, String, String)])
    func otherMistakes(_ original: String, _ replacement: String, _ message: String) throws {
        let broken = SafetyRulesText.yaml().replacingOccurrences(of: original, with: replacement)
        #expect(broken != SafetyRulesText.yaml())
        let diagnostics = SafetyRulesText.diagnostics(broken, file: "mine.yaml")
        let firstLine = replacement.split(separator: "\n").first.map(String.init) ?? replacement
        let line = try #require(SafetyRulesText.line(of: firstLine, in: broken))
        let diagnostic = try #require(diagnostics.first)
        #expect(diagnostic.file == "mine.yaml")
        #expect(diagnostic.line == line, "\(diagnostic)")
        #expect(diagnostic.message.contains(message), "\(diagnostic)")
    }

    @Test("A missing category is an error")
    func missingCategory() {
        let yaml = SafetyRulesText.yaml().replacingOccurrences(of: "  - id: danger", with: "  - id: suicide")
        let diagnostics = SafetyRulesText.diagnostics(yaml)
        #expect(diagnostics.contains { $0.message.contains("twice") })
        #expect(diagnostics.contains { $0.message.contains("“danger” is missing") })
    }

    @Test("A file that can't be read is named by its path, folder included")
    func unreadable() {
        let url = URL(fileURLWithPath: "/nonexistent/safety.yaml")
        #expect {
            try SafetyRules.load(from: url)
        } throws: { error in
            (error as? KnowledgeError)?.diagnostics.first?.file == "/nonexistent/safety.yaml"
        }
    }

    @Test("A placeholder a crisis reply can't fill is an error at its line, with the folder's path")
    func unknownPlaceholder() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("opendoor-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "name: Oak House\nphone: (555) 010-0000\n".write(
            to: folder.appendingPathComponent("center.yaml"), atomically: true, encoding: .utf8)
        let url = folder.appendingPathComponent("safety.yaml")
        let shipped = SafetyRulesText.shipped
        for (typo, message) in [
            ("{center.fone}", "center.yaml defines no `fone`"), ("{centre.phone}", "may name only center facts"),
        ] {
            let range = try #require(shipped.range(of: "{center.name}: {center.phone}."))
            let broken = shipped.replacingCharacters(in: range, with: "{center.name}: \(typo).")
            try broken.write(to: url, atomically: true, encoding: .utf8)
            let error = try #require(throws: KnowledgeError.self) { try SafetyRules.load(from: url) }
            let diagnostic = try #require(error.diagnostics.first { $0.message.contains(typo) }, "\(error.diagnostics)")
            #expect(diagnostic.message.contains(message))
            #expect(diagnostic.file == url.path)
            #expect(diagnostic.line == SafetyRulesText.line(of: typo, in: broken))
        }
        // The shipped replies name only facts center.yaml defines.
        try shipped.write(to: url, atomically: true, encoding: .utf8)
        _ = try SafetyRules.load(from: url)
    }

    @Test(
        "A story told in another sentence excuses a finding, never one said in the present",
        arguments: [
            ("i overdosed. that was years ago", nil),
            ("we watched a film. the guy overdosed", nil),
            ("i overdosed. we watched a film", .crisis),
            ("that was years ago. i overdosed", .crisis),
            ("i overdosed. that was years ago. lately it is back", SafetyLevel.check),
            ("i overdosed. that was years ago. i want to overdose tonight", .crisis),
            ("i overdosed years ago. what time is group", nil),
            ("that was years ago. i overdosed just now", .crisis),
            ("i overdosed", .crisis),
            ("i overdosed. what time is group", .crisis),
        ] as [(String, SafetyLevel?)])
    func storyInAnotherSentence(_ message: String, _ level: SafetyLevel?) throws {
        let extra = """
            history:
              - years ago
              - film
            current:
              - lately
            present:
              - want|just|now
            story:
              - that was
            self:
              - i|my

            """
        let detector = try SafetyRulesText.detector([.overdose: ["overdose|overdosed"]], extra: extra)
        #expect(detector.assess(message)?.level == level, "\(message)")
    }

    @Test(
        "A history phrase excuses only its own clause, and only a clause that doesn't speak of the present",
        arguments: [
            ("i overdosed years ago", nil),
            ("i overdosed years ago and tonight i overdosed", .crisis),
            ("i overdosed years ago, i overdosed", nil),
            ("i overdosed years ago, i just overdosed", nil),  // a comma alone doesn't split a story
            ("the song is about how he overdosed", nil),
            ("the song is about how he overdosed but i want to overdose", .crisis),
            ("i overdosed years ago but i am fine now", nil),
            ("i overdosed years ago, but i just overdosed", .crisis),
        ] as [(String, SafetyLevel?)])
    func clauseScope(_ message: String, _ level: SafetyLevel?) throws {
        let extra = """
            history:
              - years ago
              - song
            present:
              - want|just|now|tonight
            self:
              - i|my
            clauses:
              - but|and_tonight

            """
        let detector = try SafetyRulesText.detector([.overdose: ["overdose|overdosed"]], extra: extra)
        #expect(detector.assess(message)?.level == level, "\(message)")
    }

    @Test(
        "A comma ends a history clause when the clause after it says it is now (a current phrase), never otherwise",
        arguments: [
            ("i overdosed years ago, tonight i overdosed", .crisis),
            ("i overdosed years ago, i just overdosed", .crisis),
            ("i overdosed years ago, i overdosed", nil),  // nothing says now: one story
            ("i overdosed twice, the last one years ago", nil),
        ] as [(String, SafetyLevel?)])
    func commaEndsHistoryWhenCurrent(_ message: String, _ level: SafetyLevel?) throws {
        let extra = """
            history:
              - years ago
            current:
              - tonight|just
            present:
              - want|just|now|tonight
            self:
              - i|my
            clauses:
              - but

            """
        let detector = try SafetyRulesText.detector([.overdose: ["overdose|overdosed"]], extra: extra)
        #expect(detector.assess(message)?.level == level, "\(message)")
    }

    @Test(
        "An unless cancels a match only in its own clause (clauses: phrases split); without a clause word, the sentence",
        arguments: [
            ("signs of an overdose", false),
            ("we learned the signs of an overdose and i think im overdosing", true),
            ("we learned the signs of an overdose and i think it was useful", false),
            ("the signs of an overdose, im overdosing", false),  // a comma alone doesn't split here
            ("im overdosing and i wanted to know the signs of an overdose", false),  // said after: the whole sentence
        ])
    func unlessScopedToClause(_ message: String, _ found: Bool) throws {
        let yaml = SafetyRulesText.yaml().replacingOccurrences(
            of: "      - \"zzzzoverdose\"\n",
            with: """
                      - match: overdose|overdosing
                        unless: [signs of]

                """)
        let detector = CrisisDetector(
            rules: try SafetyRules.parse(
                yaml: yaml.replacingOccurrences(of: "categories:", with: "clauses:\n  - and_i\ncategories:"),
                file: "test.yaml"))
        #expect((detector.assess(message) != nil) == found, "\(message)")
    }

    @Test("Pattern positions are parsed once and shared, with the same result as parsing each on its own")
    func parseCache() throws {
        let vocabulary = SafetyPattern.Vocabulary()
        var cache = SafetyPattern.Cache()
        let first = try SafetyPattern(parsing: "took|swallowed *3 pills|bars?", vocabulary: vocabulary, cache: &cache)
        let again = try SafetyPattern(parsing: "took|swallowed pills|bars?", vocabulary: vocabulary, cache: &cache)
        #expect(first.slots.map(\.alternatives) == again.slots.map(\.alternatives))
        #expect(first == (try SafetyPattern(parsing: "took|swallowed *3 pills|bars?", vocabulary: vocabulary)))
        #expect(cache.count == 2)
    }

    @Test("The shipped file read straight from the node tree is what the decoder reads")
    func fastRead() throws {
        let shipped = try SafetyFile.bothReadings(of: SafetyRulesText.shipped)
        #expect(shipped.fast != nil)
        #expect(shipped.fast == shipped.decoded)
        // Anything unusual goes to the decoder, for its error with a line.
        #expect(try SafetyFile.bothReadings(of: "check_in:\ncategories: []\n").fast == nil)
        #expect(throws: (any Error).self) { try SafetyFile.bothReadings(of: "categories: []\nextra: 1\n") }
    }
}
