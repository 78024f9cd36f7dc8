import Foundation
import OpenDoorTestSupport
import XCTest

/// The staff commands as a person runs them: the built binary, its output and exit status.
final class CommandLineTests: XCTestCase {
    static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    func run(_ arguments: [String], input: String? = nil) throws -> (status: Int32, output: String, error: String) {
        let binary = Self.root.appendingPathComponent(".build/debug/opendoor")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            XCTFail("build first: swift build")
            return (-1, "", "")
        }
        let process = ChildProcess()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = Self.root
        // XCTest runs this on the main thread, not on Swift's concurrency pool: blocking here holds up no task.
        let finished = try ChildProcesses.runToEndNow(process, input: input)
        return (finished.status, finished.output, finished.error)
    }

    func testAskJSONHasTheReplyObject() throws {
        let result = try run(["ask", "--json", "what if i relapsed"])
        XCTAssertEqual(result.status, 0, result.error)
        let object = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any]
        XCTAssertEqual(object?["intent"] as? String, "faq_relapse")
        XCTAssertEqual(Set(object?.keys.map { $0 } ?? []), ["text", "intent", "source", "confidence", "options", "state", "crisis"])
    }

    func testAskChecksForCrisisFirst() throws {
        let result = try run(["ask", "--json", "i want to kill myself"])
        XCTAssertEqual(result.status, 0, result.error)
        let object = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any]
        XCTAssertEqual(object?["crisis"] as? Bool, true, result.output)
        XCTAssertTrue((object?["text"] as? String)?.contains("988") == true, result.output)
        let explained = try run(["ask", "--explain", "i took too many pills"])
        XCTAssertTrue(explained.output.contains("911"), explained.output)
        XCTAssertTrue(explained.output.contains("safety:   level crisis"), explained.output)
        XCTAssertTrue(explained.output.contains("rule:     overdose/"), explained.output)
        let safety = object?["safety"] as? [String: Any]
        XCTAssertEqual(safety?["level"] as? String, "crisis", result.output)
        XCTAssertEqual(safety?["category"] as? String, "suicide", result.output)
    }

    func testAskShowsACheckIn() throws {
        let result = try run(["ask", "--json", "i cant keep doing life like this"])
        XCTAssertEqual(result.status, 0, result.error)
        let object = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any]
        XCTAssertEqual(object?["intent"] as? String, "crisis_check", result.output)
        XCTAssertEqual(object?["crisis"] as? Bool, true, result.output)
        XCTAssertEqual((object?["safety"] as? [String: Any])?["level"] as? String, "check", result.output)
    }

    func testAskExplainShowsTheDecision() throws {
        let result = try run(["ask", "--explain", "will they be mad at me"])
        XCTAssertEqual(result.status, 0)
        XCTAssertTrue(result.output.contains("decision: answer → fear_of_judgment"), result.output)
        XCTAssertTrue(result.output.contains("top intents:"))
    }

    func testEvalGateFailsBelowTheFloor() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("eval-\(UUID()).tsv")
        try "faq_relapse\twhat if i relapsed\nprivacy\twill they be mad at me\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        XCTAssertEqual(try run(["eval", file.path, "--min-accuracy", "0.9"]).status, 1)
        XCTAssertEqual(try run(["eval", file.path, "--min-accuracy", "0.5"]).status, 0)
    }

    func testEvalTotalsShowNoMessageAndNoIntent() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("eval-\(UUID()).tsv")
        try "faq_relapse\twhat if i relapsed\nprivacy\twill they be mad at me\nprivacy\twhat if i relapsed\n"
            .write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try run(["eval", file.path, "--totals"])
        XCTAssertEqual(result.status, 0)
        XCTAssertTrue(result.output.contains("accuracy: 0.333"), result.output)
        for hidden in ["relapsed", "mad at me", "faq_relapse", "privacy", "confused"] {
            XCTAssertFalse(result.output.contains(hidden), result.output)
        }
    }

    func testBadKnowledgeNamesFileAndLine() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kb-\(UUID())")
        try FileManager.default.copyItem(at: Self.root.appendingPathComponent("Knowledge"), to: folder)
        defer { try? FileManager.default.removeItem(at: folder) }
        let center = folder.appendingPathComponent("center.yaml")
        try (try String(contentsOf: center, encoding: .utf8) + "bad: [unclosed\n").write(to: center, atomically: true, encoding: .utf8)
        let result = try run(["lint", "--knowledge", folder.path])
        XCTAssertEqual(result.status, 1)
        // The real path of the folder given, and only the root cause (no "{center.…} is not defined" after it).
        XCTAssertTrue(result.error.contains(folder.standardizedFileURL.path + "/center.yaml:"), result.error)
        XCTAssertTrue(result.error.contains("has 1 error(s)"), result.error)
    }

    func testMissingSafetyRulesNameTheFolder() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kb-\(UUID())")
        try FileManager.default.copyItem(at: Self.root.appendingPathComponent("Knowledge"), to: folder)
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.removeItem(at: folder.appendingPathComponent("safety.yaml"))
        let result = try run(["lint", "--knowledge", folder.path])
        XCTAssertEqual(result.status, 1)
        // As `ask` names it (QA18 O5): the folder given, not a bare "safety.yaml".
        let named = folder.standardizedFileURL.path + "/safety.yaml: error: missing"
        XCTAssertTrue(result.output.contains(named) || result.error.contains(named), result.output + result.error)
    }

    func testPipedChatAnswersEachLineOnce() throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("data-\(UUID())")
        defer { try? FileManager.default.removeItem(at: data) }
        let result = try run(["chat", "--json", "--data", data.path], input: "hi\nwhat if i relapsed\nbye\n")
        XCTAssertEqual(result.status, 0, result.error)
        let lines = result.output.split(separator: "\n")
        XCTAssertEqual(lines.count, 4, result.output)  // the greeting, then one per message
        XCTAssertTrue(lines[0].contains("\"intent\":\"welcome\""))
        XCTAssertTrue(lines[2].contains("\"intent\":\"faq_relapse\""))
    }
}
