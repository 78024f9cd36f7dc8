import Foundation
import OpenDoorKit
import OpenDoorTestSupport
import Testing

/// `opendoor digest`: the lines a speed change is checked against must name every answer and never a message's words.
@Suite struct ResultDigestTests {
    @Test func messagesAreTheTextAfterTheLastTabWithTheirLines() {
        let file = "# a comment\n\nfaq_rejoin\tcan i come back\r\nsuicide\tcrisis\texplicit\ti want to die\n"
        let messages = ResultDigest.messages(ofFile: file)
        #expect(messages.map(\.line) == [3, 4])
        #expect(messages.map(\.text) == ["can i come back", "i want to die"])
    }

    @Test func linesNameTheAnswersWithoutTheWords() throws {
        let rules = try SafetyRules.load(from: RepositoryFiles.knowledgeDirectory.appendingPathComponent("safety.yaml"))
        let digest = ResultDigest(matcher: Matcher(knowledge: ShippedKnowledge.knowledge), rules: rules)
        let messages = [(line: 7, text: "can i come back to the zebra group"), (line: 9, text: "i want to kill myself")]
        let lines = digest.lines(file: "sample.tsv", messages: messages)
        #expect(lines.count == 2)
        // (A crisis finding names its rule, whose words are the rules', not the message's.)
        #expect(!lines[0].contains("zebra") && !lines[0].contains("group"))
        #expect(lines[0].hasPrefix("sample.tsv:7\t"))
        #expect(lines[1].hasPrefix("sample.tsv:9\t"))
        #expect(lines[1].contains("crisis"))
        // The same knowledge and rules give the same lines, to the bit.
        let again = ResultDigest(matcher: Matcher(knowledge: ShippedKnowledge.knowledge), rules: rules)
        #expect(again.lines(file: "sample.tsv", messages: messages) == lines)
    }

    @Test func checksumIsFNV1a() {
        #expect(ResultDigest.checksum("") == "cbf29ce484222325")
        #expect(ResultDigest.checksum("a") == "af63dc4c8601ec8c")
    }
}
