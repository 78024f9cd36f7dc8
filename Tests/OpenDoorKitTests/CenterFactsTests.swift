import Foundation
import OpenDoorKit
import Testing

/// center.yaml's facts as the loader checks them: the phone number every crisis reply gives.
@Suite("Center facts")
struct CenterFactsTests {
    /// A copy of the shipped knowledge whose center.yaml says `phone: PHONE`; the caller removes it.
    static func knowledge(phone: String) throws -> URL {
        try Fixtures.knowledgeCopy(editing: "center.yaml") {
            $0.replacingOccurrences(of: "phone: (470) 284-1834", with: "phone: \(phone)")
        }
    }

    @Test(
        "a phone that doesn't read as a number people can dial is an error at its line",
        arguments: ["banana", "call us", "470-284-183", "911", "(470) 284-1834 or (470) 555-0100", "call 470 284 1834"])
    func phoneMustBeANumber(_ phone: String) throws {
        let folder = try Self.knowledge(phone: phone)
        defer { try? FileManager.default.removeItem(at: folder) }
        let error = try #require(throws: KnowledgeError.self) { try Knowledge.load(from: folder) }
        let errors = error.diagnostics.filter { $0.severity == .error }
        #expect(errors.count == 1, "\(errors)")
        let text = try String(contentsOf: folder.appendingPathComponent("center.yaml"), encoding: .utf8)
        #expect(errors.first?.message.contains("`phone` must be a phone number") == true, "\(errors)")
        #expect(errors.first?.line == Fixtures.line(of: "phone: \(phone)", in: text))
        #expect(errors.first?.file.hasSuffix("center.yaml") == true)
    }

    @Test("numbers written the usual ways load", arguments: ["(470) 284-1834", "470-284-1834", "+1 470 284 1834",
        "1-800-662-4357", "(470) 284-1834 ext. 12"])
    func phonesThatLoad(_ phone: String) throws {
        let folder = try Self.knowledge(phone: phone)
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try Knowledge.load(from: folder).center.phone == phone)
    }

    @Test("an empty phone is one error, not also \"has no phone\"")
    func emptyPhoneOnce() throws {
        let folder = try Self.knowledge(phone: "\"\"")
        defer { try? FileManager.default.removeItem(at: folder) }
        let error = try #require(throws: KnowledgeError.self) { try Knowledge.load(from: folder) }
        let errors = error.diagnostics.filter { $0.severity == .error }
        #expect(errors.count == 1, "\(errors)")
        #expect(!errors.contains { $0.message.contains("has no `phone`") }, "\(errors)")
    }

    @Test("the shipped center.yaml's server notices carry the numbers")
    func serverNotices() {
        let knowledge = Fixtures.knowledge
        let help = knowledge.center.text("too_fast_help") ?? ""
        #expect(help.contains("988") && help.contains(knowledge.center.phone) && help.contains("911"))
        #expect(knowledge.center.text("request_not_sent")?.contains("wasn’t sent") == true)
        #expect(knowledge.center.text("no_such_key") == nil)
    }
}
