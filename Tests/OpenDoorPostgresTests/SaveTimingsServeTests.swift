import Foundation
import OpenDoorKit
import OpenDoorTestSupport
import Testing

/// `opendoor serve --save-timings FILE`: the recorder goes through the server's and the store's configurations (no
/// environment variable, no process-wide instance), and the file is written once the server has stopped.
@Suite("opendoor serve --save-timings on PostgreSQL")
struct SaveTimingsServeTests {
    @Test(
        "one confirmed request is timed in every phase, server and store, and the file holds durations only",
        .enabled(if: testPostgresURL != nil, postgresMissing)
    )
    func everyPhaseOnce() async throws {
        try await withTestDatabase { url in
            let path = FileManager.default.temporaryDirectory
                .appendingPathComponent("save-timings-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            // A save keeps trying a minute, each try 20 s (save_timeout=60), not the service's 5 s and 4: on a starved
            // machine a try given up and made again is timed twice, and the visitor of a save given up gets the number.
            let patient = url + (url.contains("?") ? "&" : "?") + "save_timeout=60"
            let server = try await offThePool {
                try ServeProcess(store: patient, arguments: ["--save-timings", path])
            }
            let replies = try await Visitor(port: server.port).converse(Visitor.callbackScript(phone: Visitor.phone(7)))
            let last = replies.last
            let reference = try #require(last?.reference, "\(last?.text ?? "")")
            #expect(!FileManager.default.fileExists(atPath: path), "written before the server stopped")
            let status = try await server.stop()
            #expect(status == 0, "\(server.logText)")

            let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
            // The phases in the order a save goes through them, each once: the server's (task, deliver, server
            // total) and the store's (store, connection, the three statements, resume, store total).
            let phases = lines.map { line in String(line.prefix { $0 != ":" }) }
            #expect(phases == SaveTimings.Phase.allCases.map(\.rawValue), "\(lines)")
            #expect(lines.allSatisfy { $0.contains(": 1, p50 ") }, "\(lines)")
            let text = lines.joined(separator: "\n")
            #expect(!text.contains(reference) && !text.contains("555"), "\(text)")
        }
    }
}
