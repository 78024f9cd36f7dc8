import Foundation
import Hummingbird
import HummingbirdTesting
import OpenDoorKit
import OpenDoorPostgres
import OpenDoorStaff
import OpenDoorTestSupport
import Testing

/// The staff console's counts page on a PostgreSQL store: what every server counted, added up.
@Suite("Staff console counts on PostgreSQL")
struct StaffCountsPageTests {
    @Test(
        "the counts page shows replies, fallback topics and crises two servers counted in PostgreSQL",
        .enabled(if: testPostgresURL != nil, postgresMissing)
    )
    func countsPage() async throws {
        try await withTemporaryDirectory { directory in
            try await withTestDatabase { url in
                let today = CrisisCount.day(of: Date())
                for server in 0..<2 {
                    let store = try await PostgresCallbackStore.open(url, configuration: .forTests, logger: quietLogger)
                    try await store.addReplyCounts([
                        ReplyCount(day: today, intent: "faq_relapse", count: 2),
                        ReplyCount(day: today, intent: "fallback", topic: "insurance", count: 1 + server),
                    ])
                    try await store.recordCrisis(.suicide, level: .check, day: today)
                    try await store.close()
                }
                try StaffAccounts.set(name: "dana", password: "correct horse battery", in: directory, cost: 4)
                let store = try await PostgresCallbackStore.open(url, configuration: .forTests, logger: quietLogger)
                let health = KnowledgeHealth(
                    loadedAt: Date(), loadDuration: .milliseconds(1), directory: "Knowledge", intents: 1, examples: 1)
                let console = StaffConsole(
                    store: store, assistant: ShippedKnowledge.assistant, health: KnowledgeHealthReport(health),
                    dataDirectory: directory, logger: quietLogger)
                try await console.makeApplication().test(.router) { client in
                    let page = try await Self.signedInPage("/counts", client: client)
                    #expect(page.contains("<td>faq_relapse</td><td>4</td>"), "\(page)")
                    #expect(page.contains("<td>insurance</td><td>3</td>"))
                    #expect(page.contains("<td>suicide, check</td><td>2</td>"))
                    #expect(!page.contains("can't be read right now"))
                }
                try await store.close()
            }
        }
    }

    /// Signs in through the sign-in form as a browser would (its token, the session cookie), then gets `uri`.
    static func signedInPage(_ uri: String, client: some TestClientProtocol) async throws -> String {
        let form = try await client.executeRequest(uri: "/sign-in", method: .get, headers: [:], body: nil)
        let formPage = String(buffer: form.body)
        let tokenStart = try #require(formPage.range(of: "name=\"token\" value=\""))
        let token = formPage[tokenStart.upperBound...].prefix { $0 != "\"" }
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        headers[.cookie] = try #require(form.headers[.setCookie]).prefix { $0 != ";" }.description
        let encoded = String(token).addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        let body = "token=\(encoded)&account=dana&password=correct+horse+battery"
        let signedIn = try await client.executeRequest(
            uri: "/sign-in", method: .post, headers: headers, body: ByteBuffer(string: body))
        if let cookie = signedIn.headers[.setCookie] { headers[.cookie] = String(cookie.prefix { $0 != ";" }) }
        headers[.contentType] = nil
        let page = try await client.executeRequest(uri: uri, method: .get, headers: headers, body: nil)
        #expect(page.status == .ok)
        return String(buffer: page.body)
    }
}
