import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import OpenDoorKit
import OpenDoorSQLite
import OpenDoorTestSupport
import Synchronization
import Testing

@testable import OpenDoorStaff

/// The account every console test signs in with (bcrypt cost 4: fast enough for tests).
let testAccount = "dana"
let testPassword = "correct horse battery"

/// What a console test works with: the store, the data folder, the logs, the clock.
struct StaffHarness: Sendable {
    let console: StaffConsole
    let directory: URL
    let store: SQLiteCallbackStore
    let logs: LogRecorder
    let clock: StoreTestClock

    /// Saves a request as a visitor would have, through the store.
    @discardableResult
    func saveRequest(
        name: String? = "Sam", phone: String = "+14705550123", voicemail: VoicemailPreference = .allowed,
        backupPhone: String? = nil
    ) async throws
        -> CallbackRequest
    {
        var draft = CallbackDraft(
            name: name, phone: PhoneNumber(e164: phone)!, bestTime: .evening, bestTimeSaid: "after 5 on weekdays",
            voicemail: voicemail)
        draft.backupPhone = backupPhone.flatMap { PhoneNumber(e164: $0) }
        return try await store.save(draft, channel: .web)
    }
}

/// Runs `body` against a console on a new data folder with one account, through Hummingbird's router tester
/// (or `.live`: a real server on loopback, for what needs a peer address).
func withStaffConsole(
    framework: TestingSetup = .router,
    sessions: CountingPersistDriver = CountingPersistDriver(),
    configure: (inout StaffConfiguration) -> Void = { _ in },
    metricsText: @escaping @Sendable () async -> String = { "" },
    health: KnowledgeHealthReport = KnowledgeHealthReport(StaffFixtures.health),
    store wrap: @Sendable (SQLiteCallbackStore) -> any CallbackAuditStore = { $0 },
    _ body: @Sendable (StaffHarness, StaffClient) async throws -> Void
) async throws {
    try await withTemporaryDirectory { directory in
        try StaffAccounts.set(name: testAccount, password: testPassword, in: directory, cost: 4)
        let clock = StoreTestClock()
        let logs = LogRecorder()
        var storeConfiguration = SQLiteCallbackStore.Configuration()
        storeConfiguration.now = { clock.now }
        let store = try SQLiteCallbackStore(directory: directory, configuration: storeConfiguration, logger: quietLogger)
        var configuration = StaffConfiguration()
        configuration.now = { clock.now }
        // The monotonic clock moves with the test clock (time passing); a test of a wall-clock step sets `now` alone.
        let origin = clock.now
        let base = ContinuousClock.now
        configuration.uptime = { base + .milliseconds(Int64(clock.now.timeIntervalSince(origin) * 1000)) }
        configure(&configuration)
        let console = StaffConsole(
            store: wrap(store), assistant: ShippedKnowledge.assistant, health: health,
            dataDirectory: directory, configuration: configuration, metricsText: metricsText,
            logger: logs.logger(label: "opendoor.staff.test"))
        let app = Application(router: console.makeRouter(sessions: sessions))
        let harness = StaffHarness(console: console, directory: directory, store: store, logs: logs, clock: clock)
        try await app.test(framework) { client in
            try await body(harness, StaffClient(client))
        }
        try await store.close()
    }
}

enum StaffFixtures {
    static let health = KnowledgeHealth(
        loadedAt: Date(timeIntervalSince1970: 1_764_900_000), loadDuration: .milliseconds(42),
        directory: "/srv/opendoor/Knowledge", intents: 31, examples: 2780,
        findings: ["intents/faq.yaml:12: warning: only 11 examples"], errors: 0,
        scores: [KnowledgeHealth.Score(file: "eval/visitors.tsv", messages: 377, accuracy: 0.899, fallbackRate: 0.96)])
}

/// A client that keeps its cookies (the session's, the sign-in form's) between requests, as a browser does.
final class StaffClient: Sendable {
    let client: any TestClientProtocol
    /// Each cookie as `name=value`, by name.
    private let cookies = Mutex<[String: String]>([:])

    init(_ client: any TestClientProtocol) {
        self.client = client
    }

    /// Headers sent with every request (as a proxy in front of the console would add them).
    private let extraHeaders = Mutex<HTTPFields>([:])

    /// Sends `value` as `X-Forwarded-For` with every request from now on (nil: none).
    func forward(for value: String?) {
        extraHeaders.withLock { $0[.init(StaffRoutes.forwardedFor)!] = value }
    }

    /// The session cookie sent with every request, as `name=value`.
    var sessionCookie: String? { cookies.withLock { $0[StaffRoutes.cookieName] } }

    func forgetCookie() { cookies.withLock { $0 = [:] } }

    @discardableResult
    func get(_ uri: String) async throws -> TestResponse {
        try await send(uri, method: .get, body: nil)
    }

    @discardableResult
    func post(_ uri: String, form: [(String, String)]) async throws -> TestResponse {
        let body = form.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        return try await send(uri, method: .post, body: body)
    }

    /// Posts `form` with the token of the page at `page` (as a browser submitting that page's form would).
    @discardableResult
    func submit(_ uri: String, from page: String = "/", form: [(String, String)]) async throws -> TestResponse {
        let token = Self.token(in: String(buffer: try await get(page).body))
        return try await post(uri, form: [("token", token ?? "")] + form)
    }

    /// Signs in, through the sign-in page's form.
    @discardableResult
    func signIn(_ account: String = testAccount, password: String = testPassword) async throws -> TestResponse {
        try await submit("/sign-in", from: "/sign-in", form: [("account", account), ("password", password)])
    }

    private func send(_ uri: String, method: HTTPRequest.Method, body: String?) async throws -> TestResponse {
        var headers = extraHeaders.withLock { $0 }
        let jar = cookies.withLock { $0 }
        if !jar.isEmpty { headers[.cookie] = jar.keys.sorted().compactMap { jar[$0] }.joined(separator: "; ") }
        if body != nil { headers[.contentType] = "application/x-www-form-urlencoded" }
        let response = try await client.executeRequest(
            uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
        for header in response.headers[values: .setCookie] {
            let pair = String(header.prefix { $0 != ";" })
            let name = String(pair.prefix { $0 != "=" })
            if [StaffRoutes.cookieName, StaffRoutes.signInCookieName].contains(name) {
                cookies.withLock { $0[name] = pair }
            }
        }
        return response
    }

    static func token(in page: String) -> String? {
        guard let range = page.range(of: "name=\"token\" value=\"") else { return nil }
        return String(page[range.upperBound...].prefix { $0 != "\"" })
    }

    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }
    var location: String? { headers[.location] }
}

/// A store that keeps requests and their audit and nothing more (no reply or crisis counts), as a store of
/// another kind may: the console must work with whatever protocols its store implements.
struct AuditOnlyStore: ForwardingCallbackStore, CallbackAuditStore {
    let base: SQLiteCallbackStore

    func mark(reference: String, as status: CallbackStatus, by staff: String) async throws -> CallbackRequest? {
        try await base.mark(reference: reference, as: status, by: staff)
    }
    func statusChanges(limit: Int) async throws -> [CallbackStatusChange] { try await base.statusChanges(limit: limit) }
}

/// A store whose whole list can't be read (its `list(status:)` throws), for pages that must not read every request.
struct NoWholeListStore: ForwardingCallbackStore, CallbackAuditStore {
    let base: SQLiteCallbackStore

    func list(status: CallbackStatus?) async throws -> [CallbackRequest] {
        throw CallbackStoreError.readFailed(reason: "every request was read")
    }
    func mark(reference: String, as status: CallbackStatus, by staff: String) async throws -> CallbackRequest? {
        try await base.mark(reference: reference, as: status, by: staff)
    }
    func statusChanges(limit: Int) async throws -> [CallbackStatusChange] { try await base.statusChanges(limit: limit) }
}

/// The console's in-memory session store, counting what is written to it.
final class CountingPersistDriver: PersistDriver, Sendable {
    private let memory = MemoryPersistDriver()
    private let writes = Atomic<Int>(0)

    /// Sessions created or written so far.
    var writeCount: Int { writes.load(ordering: .relaxed) }

    func run() async throws { try await memory.run() }

    func create<Object: Codable & Sendable>(key: String, value: Object, expires: Duration?) async throws {
        writes.add(1, ordering: .relaxed)
        try await memory.create(key: key, value: value, expires: expires)
    }

    func set<Object: Codable & Sendable>(key: String, value: Object, expires: Duration?) async throws {
        writes.add(1, ordering: .relaxed)
        try await memory.set(key: key, value: value, expires: expires)
    }

    func get<Object: Codable & Sendable>(key: String, as type: Object.Type) async throws -> Object? {
        try await memory.get(key: key, as: type)
    }

    func getWithTTL<Object: Codable & Sendable>(
        key: String, as type: Object.Type
    ) async throws -> (object: Object, ttl: Duration?)? {
        try await memory.getWithTTL(key: key, as: type)
    }

    func remove(key: String) async throws { try await memory.remove(key: key) }
}
