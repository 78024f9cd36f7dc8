import Foundation
import Logging
import OpenDoorKit
import NIOPosix
import PostgresNIO
import Synchronization

/// The callback store several OpenDoor servers share: one PostgreSQL database.
///
/// The same record and the same promises as the SQLite store:
/// - ``save(_:channel:)`` returns only after PostgreSQL has committed the request (one `CALL` of a procedure that
///   inserts and commits, answered by the server after the commit); then, and only then, may the visitor be told it
///   is saved. Keep the server's `synchronous_commit` on (its default).
/// - Reference codes are unique across every server sharing the database: a unique constraint
///   decides, and a save that draws a code another server took draws again.
/// - A lost or refused connection is tried again on a new one, with pauses that double, for up to
///   ``Configuration/retry``'s window; then the operation fails with a ``CallbackStoreError`` that
///   says what to check. A save that fails has told nobody "saved". A save retried after its commit
///   was acknowledged on a connection that then died finds its own row (by a key drawn once per
///   save) instead of making a second one.
/// - Opening creates or upgrades the schema under a PostgreSQL advisory lock, so servers starting
///   together migrate one at a time.
/// - Logs carry events, reference codes and counts; never a name or a phone number. Messages name
///   the database by its URL without the password.
public actor PostgresCallbackStore: CallbackStore {
    /// How the store connects. Every field has a default.
    public struct Configuration: Sendable {
        /// How long an operation keeps trying when the database cannot be reached, and how often; a try that has
        /// no answer after 4 s is made again on another connection (a save made twice this way finds its own row).
        /// Not shorter: on a starved machine a save that would succeed can take seconds, and cutting it short
        /// only adds work.
        public var retry = RetryPolicy(window: .seconds(5), attemptTimeout: .seconds(4))
        /// The same for opening (the first connection and the migrations): longer, as no visitor waits
        /// yet and servers often start together with their database.
        public var openRetry = RetryPolicy(window: .seconds(30))
        /// How long ``openForService(url:configuration:logger:)`` waits for the database before a
        /// service starts without it (and goes on trying in the background).
        public var serviceStartRetry = RetryPolicy(window: .seconds(2))
        /// How long one connection attempt may take.
        public var connectTimeout: Duration = .seconds(3)
        /// How long an operation waits for the pool before the store connects once on its own to see whether
        /// PostgreSQL refuses connections (then it fails at once, "PostgreSQL is not reachable", instead of waiting
        /// out ``retry``'s window and reading like a lock; QA20 O6); the pool itself retries a refused connection
        /// silently. The store looks again, every second at most, while the operation goes on. Nil: no looks.
        ///
        /// Round 20's watch (`RefusalWatch.swift`) runs on an event loop of its own and never cancels the operation;
        /// round 19's, a task group, failed its own test one run in three and hung the full suite once. Still off
        /// (nil) by default: with it on (200 ms), 1 of 5 runs of the PostgreSQL suites passed on a machine at load
        /// average 25–35 (staff commands' reads and a 200-visitor test ran out of time); not yet told apart from
        /// the load. Turn it on with `.milliseconds(200)`; the QA20 O6 test runs with it.
        public var refusalCheckDelay: Duration? = nil
        /// The most connections this store opens at once (unless the URL says `connections=N`).
        ///
        /// Enough for saves that come together to commit together: PostgreSQL then flushes their commits to disk in
        /// one go (group commit), where with 8 connections the 50 confirmations that come within 50 ms under the
        /// paced load (1,000 visitors, 5% confirming) waited in turn for a connection, p99 345 ms of a 460 ms save.
        /// Count them in PostgreSQL's `max_connections`: this many per server, plus staff commands. 20 keeps four
        /// servers under PostgreSQL's default of 100; a busy server with its own database raises it with
        /// `connections=N` in the store's URL (the paced benchmark uses 64).
        public var maximumConnections = 20
        /// How many connections stay open while idle, so that a save never waits for a connection to start (unless the
        /// URL says `connections=N`: then N).
        public var minimumConnections = 2
        /// Open the store without writing (to list or export from a replica, or as a role that may only
        /// read): the schema must exist already; saves fail as read-only.
        public var readOnly = false
        /// Create the schema in a database that has none (`serve`, `chat`, `copy --to`). When false (staff
        /// commands), opening a database without OpenDoor's tables fails and leaves it untouched; an existing
        /// store is still brought up to date.
        public var createIfMissing = true
        /// The clock that stamps ``CallbackRequest/created``.
        public var now: @Sendable () -> Date = { Date() }
        /// After a save's tries ran out, the longest the store takes to end them and look whether it landed
        /// before the visitor hears that it couldn't be confirmed.
        public var confirmWindow: Duration = .seconds(3)
        /// How many rows one read of a whole list (``list(status:)``, an export) or one batch of a purge takes: each is
        /// a statement with its own deadline.
        public var pageSize = 2_000
        /// How many requests (or status changes) one transaction of ``copy(_:counts:changes:)`` copies.
        public var copyBatchSize = 1_000
        /// How many reference codes a save draws before giving up.
        public var referenceAttempts = 16
        /// While the database can't be reached, the least time between two checks whether it is back
        /// (see ``recheck()``), so a busy server doesn't try on every message.
        public var recheckInterval: Duration = .seconds(1)
        /// The longest a counted reply or crisis waits in memory before it is written (with everything else
        /// counted meanwhile, in one statement). Reads through the store and ``close()`` write them at once.
        public var countWriteInterval: Duration = .seconds(10)
        /// How long ``close()`` waits for the connection pool to stop (its connections closed, its event loop ended)
        /// before it returns anyway, saying so in the log.
        ///
        /// The pool stops only once every task it runs has ended, and PostgresNIO 1.33 can lose one for good: it
        /// writes a query to its connection with no promise for the write, so a query that reaches a connection
        /// already closed is never answered, nor failed (see ``RetryPolicy/attemptTimeout``); the pool's own
        /// keep-alive query is one of its tasks. Waiting for the pool without a bound, `close()` would then never
        /// return, and a test that closes a store would hang `swift test` with every thread idle.
        public var poolStopWindow: Duration = .seconds(10)
        /// Where saves' time goes inside the store (waiting for a connection, each statement's round trip), for a
        /// load test; nil, the default: not timed.
        public var saveTimings: SaveTimings? = nil
        /// Draws reference codes; tests replace it to force collisions.
        package var makeReference: @Sendable () -> String = { ReferenceCode.random() }

        /// The defaults.
        public init() {}
    }

    /// The database.
    public nonisolated let url: PostgresStoreURL
    /// The database's URL without its password, for messages.
    public nonisolated var path: String { url.description }
    let client: PostgresClient
    private let running: Task<Void, Never>
    let configuration: Configuration
    let logger: Logger
    /// Replies and crises counted and not yet written (see `PostgresCallbackStore+Counts.swift`).
    let pending: PendingCounts
    /// Whether a write of ``pending`` is coming.
    let countWriteScheduled = Atomic<Bool>(false)
    /// The last write of the counts started, which the next one waits for.
    var countWrite: Task<Bool, Never>?
    /// Whether counts are waiting because a write failed (said once in the log, until one succeeds).
    var countsWaiting = false
    private(set) var isClosed = false
    private let accepting = Atomic<Bool>(true)
    /// The look at whether PostgreSQL refuses connections that operations waiting for the pool share.
    let refusals: RefusalProbe
    /// Whether a save may go straight to the pool: the schema is up to date and the store not closed (the actor's
    /// `isMigrated && !isClosed`, readable without the actor).
    private let savesOpen = Atomic<Bool>(false)
    private var probe: Task<Void, Never>?
    /// Whether the schema was found up to date (or brought there) since the store opened: false only
    /// for a service that started while the database was away.
    private var isMigrated = false
    /// Why a service's store can't save yet: the database could not be reached when it started.
    public private(set) var unavailability: CallbackStoreError?

    private init(
        url: PostgresStoreURL,
        client: PostgresClient,
        running: Task<Void, Never>,
        configuration: Configuration,
        logger: Logger
    ) {
        self.url = url
        self.client = client
        self.running = running
        self.configuration = configuration
        self.logger = logger
        pending = PendingCounts(now: configuration.now)
        refusals = RefusalProbe(url: url, connectTimeout: configuration.connectTimeout)
    }

    /// Connects to the database at `url` and brings its schema up to date.
    ///
    /// The connection pool runs in a task of its own until ``close()``: opening is asynchronous
    /// because the first connection and the migrations happen here, so a wrong URL or a database
    /// that is down is reported now, not at the first visitor's save.
    ///
    /// - Throws: ``CallbackStoreError`` (`cannotOpen`, `readOnly`, `newerSchema`, `locked`).
    public static func open(
        url: PostgresStoreURL,
        configuration: Configuration = Configuration(),
        logger: Logger
    ) async throws -> PostgresCallbackStore {
        let store = connecting(url: url, configuration: configuration, logger: logger)
        do {
            try await store.migrate(under: configuration.openRetry)
        } catch {
            throw await store.failedToOpen(error)
        }
        return store
    }

    /// Opens the store for a service (`opendoor serve`, `opendoor chat`), which runs even while the
    /// database is away.
    ///
    /// Like ``open(url:configuration:logger:)``, but when the database can't be reached within
    /// ``Configuration/serviceStartRetry`` the store is returned anyway: ``acceptsRequests`` is false
    /// (visitors are given the center's number), ``unavailability`` says why, and a task of the store's
    /// own keeps trying to connect and migrate until it can; then saving starts by itself. Failures that
    /// don't cure themselves (a refused login, no such database, a newer schema) are thrown as by `open`.
    public static func openForService(
        url: PostgresStoreURL,
        configuration: Configuration = Configuration(),
        logger: Logger
    ) async throws -> PostgresCallbackStore {
        var configuration = configuration
        if let seconds = url.saveTimeout {
            // The URL's `save_timeout=SECONDS`: a try without an answer is made again after a third of it (at
            // least the default's 4 s), as the default makes it again after 4 s of its 5.
            configuration.retry = RetryPolicy(window: .seconds(seconds), attemptTimeout: .seconds(max(4, seconds / 3)))
        }
        let store = connecting(url: url, configuration: configuration, logger: logger)
        do {
            try await store.migrate(under: configuration.serviceStartRetry)
        } catch where isUnreachable(error.error) {
            await store.startWithoutDatabase(error)
        } catch {
            throw await store.failedToOpen(error)
        }
        return store
    }

    /// A store whose connection pool runs, not yet migrated.
    private static func connecting(
        url: PostgresStoreURL,
        configuration: Configuration,
        logger: Logger
    ) -> PostgresCallbackStore {
        var clientConfiguration = url.clientConfiguration()
        clientConfiguration.options.connectTimeout = configuration.connectTimeout
        // The URL's `connections=N`: N connections, all kept open.
        let maximum = url.connections ?? configuration.maximumConnections
        clientConfiguration.options.maximumConnections = maximum
        // Warm connections: a save after a quiet minute doesn't wait for a new connection's start-up.
        clientConfiguration.options.minimumConnections = url.connections ?? min(configuration.minimumConnections, maximum)
        clientConfiguration.options.keepAliveBehavior = .init(frequency: .seconds(30))
        if configuration.readOnly {
            clientConfiguration.options.additionalStartupParameters = [("default_transaction_read_only", "on")]
        }
        // The connections get an event loop (a thread) of their own, stopped with the pool. On the process's shared
        // loops, a save's answers from PostgreSQL waited behind the chat's traffic: under a thousand visitors' load,
        // every round trip of every save queued there twice.
        let loop = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let client = PostgresClient(configuration: clientConfiguration, eventLoopGroup: loop, backgroundLogger: Self.silent)
        let running = Task {
            await client.run()
            try? await loop.shutdownGracefully()
        }
        return PostgresCallbackStore(
            url: url,
            client: client,
            running: running,
            configuration: configuration,
            logger: logger
        )
    }

    /// Brings the schema up to date under `retry`, then looks at the server's settings.
    ///
    /// Each try first makes one connection of its own: the pool retries a refused login or a missing
    /// database silently until the window ends ("did not answer in time"); a single connection gets
    /// PostgreSQL's own answer at once.
    private func migrate(under retry: RetryPolicy) async throws(RetryFailure) {
        let client = client
        let (readOnly, createIfMissing) = (configuration.readOnly, configuration.createIfMissing)
        let url = url
        let connectTimeout = configuration.connectTimeout
        try await retry.run(isTransient: Self.isTransient) {
            try await Self.probe(url, connectTimeout: connectTimeout)
            try await Self.migrate(client, readOnly: readOnly, createIfMissing: createIfMissing, logger: Self.silent)
        }
        migrated()
        if let mode = try? await client.query("SHOW synchronous_commit").collect().first?.decode(String.self),
            mode == "off"
        {
            logger.warning(
                "PostgreSQL has synchronous_commit = off: a request acknowledged as saved can be lost in a crash",
                metadata: ["store": "\(url)"]
            )
        }
    }

    private func migrated() {
        guard !isMigrated else { return }
        isMigrated = true
        if !isClosed { savesOpen.store(true, ordering: .releasing) }
        unavailability = nil
        logger.info(
            "Opened the callback store",
            metadata: ["store": "\(url)", "readOnly": "\(configuration.readOnly)", "schema": "\(Self.currentSchema)"]
        )
    }

    /// Connects once, outside the pool, and closes: throws what PostgreSQL or the network said.
    static func probe(_ url: PostgresStoreURL, connectTimeout: Duration) async throws {
        let connection = try await PostgresConnection.connect(
            configuration: url.connectionConfiguration(connectTimeout: connectTimeout), id: 0, logger: silent)
        try? await connection.close()
    }

    /// Stops the pool and returns the error `open` throws, logged.
    private func failedToOpen(_ error: RetryFailure) async -> CallbackStoreError {
        isClosed = true
        savesOpen.store(false, ordering: .releasing)
        await stopPool()
        let failure = Self.storeError(error.error, during: .open, url: url, attempts: error.attempts)
        logger.error(
            "Could not open the callback store",
            metadata: ["error.code": "\(failure.code)", "error.reason": "\(failure.reason ?? "-")"]
        )
        return failure
    }

    /// Runs without the database for now: saves off, and the probe trying to connect and migrate.
    private func startWithoutDatabase(_ error: RetryFailure) {
        unavailability = Self.storeError(error.error, during: .open, url: url, attempts: error.attempts)
        reachable(false)
    }

    /// Connects to the database named by a `postgres://` URL; see ``open(url:configuration:logger:)``.
    public static func open(
        _ url: String,
        configuration: Configuration = Configuration(),
        logger: Logger
    ) async throws -> PostgresCallbackStore {
        try await open(url: PostgresStoreURL(url), configuration: configuration, logger: logger)
    }

    public func save(_ draft: CallbackDraft, channel: CallbackChannel) async throws -> CallbackRequest {
        try await save(draft, channel: channel, key: UUID())
    }

    /// Saves under `saveKey`; see ``CallbackStore/save(_:channel:key:)``.
    ///
    /// When the tries run out (a lock, a stalled server, a lost connection), the save is not reported as failed
    /// before the store knows: it ends its tries still running on the server, then looks the key up on a connection
    /// of its own (``confirm(_:attempts:)``). Found: the request is returned as saved. Known absent: the save
    /// failed and nothing was kept. Unknown (PostgreSQL doesn't answer): ``CallbackStoreError/Code-swift.struct/unconfirmed``.
    ///
    /// Not on the actor: a save runs from the visitor's task straight to a pooled connection, so it never waits in
    /// the actor's queue behind other saves or the counts' writes. Only a store not open for saves (closed, or not
    /// yet migrated) and a save whose tries ran out go through the actor.
    public nonisolated func save(
        _ draft: CallbackDraft, channel: CallbackChannel, key saveKey: UUID
    ) async throws -> CallbackRequest {
        let timings = configuration.saveTimings
        let called = timings == nil ? 0 : SaveTimings.now()
        guard savesOpen.load(ordering: .acquiring) else {
            return try await savedThroughActor(draft, channel: channel, key: saveKey)
        }
        timings?.note(.store, from: called)
        let request = try await insertRetrying(draft, channel: channel, key: saveKey)
        if !acceptsRequests { await reachable(true) }
        logger.info(
            "Saved a callback request",
            metadata: ["reference": "\(request.reference)", "channel": "\(channel.rawValue)"]
        )
        timings?.note(.storeTotal, from: called)
        return request
    }

    /// A save that found the store not open for saves: throws why (closed, or the database away since the start),
    /// or saves if it opened meanwhile.
    private func savedThroughActor(
        _ draft: CallbackDraft, channel: CallbackChannel, key saveKey: UUID
    ) async throws -> CallbackRequest {
        try checkOpen(.save)
        let request = try await insertRetrying(draft, channel: channel, key: saveKey)
        reachable(true)
        logger.info(
            "Saved a callback request",
            metadata: ["reference": "\(request.reference)", "channel": "\(channel.rawValue)"]
        )
        return request
    }

    /// The save's tries under the retry policy, then, if they ran out, ``saveGivenUp(_:saveKey:attempts:)``.
    private nonisolated func insertRetrying(
        _ draft: CallbackDraft, channel: CallbackChannel, key saveKey: UUID
    ) async throws -> CallbackRequest {
        let milliseconds = Self.milliseconds(configuration.now())
        let makeReference = configuration.makeReference
        let referenceAttempts = configuration.referenceAttempts
        let client = client
        let attempts = SaveAttempts()
        let timings = configuration.saveTimings
        let request: CallbackRequest
        do {
            request = try await runWatchingForRefusal(configuration.retry, attempts: attempts) {
                // Drawn again only when another request holds it; kept across retries after a lost
                // connection, with the save key, so a retry that finds its own row returns it unchanged.
                var reference = makeReference()
                var tries = 1
                while true {
                    // Given up (PostgreSQL refused a connection meanwhile, and the visitor was told): no more tries.
                    if attempts.isAbandoned { throw CancellationError() }
                    do {
                        return try await Self.insert(
                            draft,
                            channel: channel,
                            reference: reference,
                            milliseconds: milliseconds,
                            saveKey: saveKey,
                            attempts: attempts,
                            timings: timings,
                            client: client
                        )
                    } catch let error where Self.isReferenceCollision(error) {
                        guard tries < referenceAttempts else {
                            throw CallbackStoreError.saveFailed(
                                reason: "no unused reference code found in \(referenceAttempts) tries")
                        }
                        reference = makeReference()
                        tries += 1
                    }
                }
            }
        } catch {
            request = try await saveGivenUp(error, saveKey: saveKey, attempts: attempts)
        }
        return request
    }

    /// What a save whose tries ran out returns (the request, when it landed after all) or throws, logged.
    private func saveGivenUp(_ error: RetryFailure, saveKey: UUID, attempts: SaveAttempts) async throws -> CallbackRequest {
        if isClosed { throw CallbackStoreError.closed() }
        let waited = Self.seconds(configuration.retry.window)
        // PostgreSQL answered the last try with an error (a reference taken every time, a refused write) and no try
        // waits for an answer: its transaction was rolled back, and an earlier try that had committed would have
        // been found by its save key. Nothing was kept; no need to look.
        let confirmation =
            attempts.isSettled && !Self.isTransient(error.error) && !(error.error is AttemptTimedOut)
                && !(error.error is ConnectionRefused)
            ? .absent(answered: true) : await confirm(saveKey, attempts: attempts)
        let failure: CallbackStoreError
        switch confirmation {
        case .stored(let request):
            logger.notice(
                "A callback request whose save ran out of time was found stored",
                metadata: ["reference": "\(request.reference)", "waited": "\(waited) s"]
            )
            return request
        case .absent(let answered) where answered && error.error is AttemptTimedOut:
            // PostgreSQL answers a new connection: a lock or a long transaction, not an outage.
            failure = .saveFailed(
                reason: "PostgreSQL answers, but the save took longer than \(waited) s (a lock or a long transaction "
                    + "on callback_request held it up); it was stopped and nothing was kept",
                path: url.description)
        case .absent(let answered) where !answered && error.error is AttemptTimedOut:
            // No try reached PostgreSQL and it doesn't answer a new connection: an outage or a stall, not a lock.
            reachable(false)
            failure = .saveFailed(
                reason: "PostgreSQL did not answer within \(waited) s, nor a new connection, and nothing was kept"
                    + Self.backgroundRetry + Self.reachAdvice,
                path: url.description)
        case .absent:
            if Self.isUnreachable(error.error) { reachable(false) }
            failure = Self.storeError(error.error, during: .save, url: url, attempts: error.attempts)
        case .unknown(let answered, let why):
            if !answered && Self.isUnreachable(error.error) { reachable(false) }
            let said =
                answered
                ? "PostgreSQL answers, but \(why)"
                : error.error is ConnectionRefused
                    ? "PostgreSQL stopped taking connections while the save was under way, then \(why)"
                    : "PostgreSQL did not answer within \(waited) s, then \(why)"
            failure = .unconfirmed(reason: said + "; the request may be stored", path: url.description)
        }
        logger.error(
            "Could not save a callback request",
            metadata: ["error.code": "\(failure.code)", "error.reason": "\(failure.reason ?? "-")"]
        )
        throw failure
    }

    /// Whether a save given up after its deadline landed.
    enum Confirmation {
        /// It did: here it is.
        case stored(CallbackRequest)
        /// It did not, and no try of it can land any more; `answered`: PostgreSQL answered the look-up.
        case absent(answered: Bool)
        /// It can't be known now; `answered`: PostgreSQL answered a new connection.
        case unknown(answered: Bool, String)
    }

    /// Gives the save up, ends its tries still running on the server (found by the comment that opens their
    /// INSERT), waits for their answers, then looks its key up, all on a connection of its own (the pool's may be
    /// the stuck ones) and within ``Configuration/confirmWindow``.
    func confirm(_ saveKey: UUID, attempts: SaveAttempts) async -> Confirmation {
        let started = attempts.abandon()
        let (url, connectTimeout, window) = (url, configuration.connectTimeout, configuration.confirmWindow)
        guard started else {
            // No try reached a connection (the pool's were all held up): nothing can land. Whether PostgreSQL answers
            // tells a lock or a stall from an outage.
            let answered = (try? await RetryPolicy.withTimeout(window) {
                try await Self.probe(url, connectTimeout: connectTimeout)
            }) != nil
            return .absent(answered: answered)
        }
        let answered = Atomic<Bool>(false)
        do {
            return try await RetryPolicy.withTimeout(window) {
                let connection = try await PostgresConnection.connect(
                    configuration: url.connectionConfiguration(connectTimeout: connectTimeout), id: 1, logger: Self.silent)
                answered.store(true, ordering: .releasing)
                do {
                    let confirmation = try await Self.confirm(saveKey, attempts: attempts, on: connection, within: window)
                    try? await connection.close()
                    return confirmation
                } catch {
                    try? await connection.close()
                    throw error
                }
            }
        } catch {
            let why =
                error is AttemptTimedOut
                ? "looking whether it was stored took too long"
                : Self.storeError(error, during: .read, url: url).code == .locked
                    ? "a lock held up the look-up whether it was stored too"
                    : "looking whether it was stored did not work"
            return .unknown(answered: answered.load(ordering: .acquiring), why)
        }
    }

    private static func confirm(
        _ saveKey: UUID, attempts: SaveAttempts, on connection: PostgresConnection, within window: Duration
    ) async throws -> Confirmation {
        let tag = InsertRequestStatement.tag(saveKey)
        // The look-up must not wait for ever behind the lock that held the save up.
        let lockTimeout = window.components.seconds * 500 + window.components.attoseconds / 2_000_000_000_000_000
        _ = try await connection.query(PostgresQuery(unsafeSQL: "SET lock_timeout = \(max(1, lockTimeout))"), logger: silent).collect()
        _ = try await connection.query(
            """
            SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE datname = current_database() AND strpos(query, \(tag)) > 0 AND pid <> pg_backend_pid()
            """,
            logger: silent
        ).collect()
        let settled = await attempts.settled(within: window / 2)
        let found = try await requests(
            from: connection.query("SELECT \(unescaped: columns) FROM callback_request WHERE save_key = \(saveKey)", logger: silent)
        ).first
        if let found { return .stored(found) }
        return settled ? .absent(answered: true) : .unknown(answered: true, "a try of the save was still waiting for its answer")
    }

    static func seconds(_ duration: Duration) -> Int64 {
        duration.components.seconds + (duration.components.attoseconds > 0 ? 1 : 0)
    }

    public func list(status: CallbackStatus?) async throws -> [CallbackRequest] {
        try await listing(status: status, limit: nil, oldestFirst: false).requests
    }

    public func list(status: CallbackStatus?, limit: Int, oldestFirst: Bool) async throws -> [CallbackRequest] {
        try await listing(status: status, limit: limit, oldestFirst: oldestFirst).requests
    }

    /// The requests, with the rows that can't be read skipped, named, and logged as a warning. Without a limit, read
    /// a page at a time (``Configuration/pageSize`` rows, newest first), each page a query with its own deadline: one
    /// query for every row failed its deadline past twenty thousand requests.
    public func listing(status: CallbackStatus?, limit: Int?, oldestFirst: Bool) async throws -> CallbackListing {
        try checkOpen()
        var listing = CallbackListing(requests: [])
        if let limit {
            listing = try await page(status: status, limit: limit, after: nil, oldestFirst: oldestFirst).listing
        } else {
            let pageSize = max(1, configuration.pageSize)
            var after: (Int64, Int64)?
            while true {
                let page = try await page(status: status, limit: pageSize, after: after)
                listing.requests += page.listing.requests
                listing.unreadable += page.listing.unreadable
                after = page.last
                if page.count < pageSize || after == nil { break }
            }
            if oldestFirst { listing.requests.reverse() }
        }
        listing.logUnreadable(logger)
        logger.debug(
            "Listed callback requests",
            metadata: ["status": "\(status?.rawValue ?? "all")", "count": "\(listing.requests.count)"]
        )
        return listing
    }

    /// A page of the listing, read by its place in the index on `created_ms` (keyset pagination): each page a query
    /// with its own deadline, however long the list.
    public func listingPage(status: CallbackStatus?, after cursor: CallbackCursor?, limit: Int) async throws -> CallbackPage {
        try checkOpen()
        let limit = max(1, limit)
        let page = try await page(status: status, limit: limit, after: cursor.map { ($0.createdMilliseconds, $0.id) })
        page.listing.logUnreadable(logger)
        let next = page.last.map { CallbackCursor(createdMilliseconds: $0.0, id: $0.1) }
        return CallbackPage(listing: page.listing, next: page.count < limit ? nil : next)
    }

    /// Up to `limit` rows with `status` (all when nil), newest first, from the one after position `last`
    /// (created_ms, id) on; with `oldestFirst` (and no `last`), the oldest first. Also the last row's position and
    /// how many rows came, read or not.
    private func page(
        status: CallbackStatus?, limit: Int, after last: (Int64, Int64)?, oldestFirst: Bool = false
    ) async throws -> (listing: CallbackListing, last: (Int64, Int64)?, count: Int) {
        let client = client
        let query = Self.pageQuery(status: status, limit: limit, after: last, oldestFirst: oldestFirst)
        return try await perform(.read, event: "Could not list callback requests") {
            try await Self.withOpenConnection(client) {
                try await Self.listing(from: $0.query(query, logger: Self.silent))
            }
        }
    }

    /// The query of one page (see `page(status:limit:after:oldestFirst:)`): read along the index on (created_ms, id),
    /// or (status, created_ms, id), from the given position on, so that a page reads its own rows only, however many
    /// rows share a millisecond.
    package static func pageQuery(
        status: CallbackStatus?, limit: Int, after last: (Int64, Int64)?, oldestFirst: Bool = false
    ) -> PostgresQuery {
        let limit = max(0, limit)
        let order = oldestFirst ? "ASC" : "DESC"
        let (before, beforeID) = last ?? (Int64.max, Int64.max)
        if let status {
            return """
                SELECT \(unescaped: columns) FROM callback_request WHERE status = \(status.rawValue)
                    AND (created_ms, id) < (\(before), \(beforeID))
                ORDER BY created_ms \(unescaped: order), id \(unescaped: order) LIMIT \(limit)
                """
        }
        return """
            SELECT \(unescaped: columns) FROM callback_request WHERE (created_ms, id) < (\(before), \(beforeID))
            ORDER BY created_ms \(unescaped: order), id \(unescaped: order) LIMIT \(limit)
            """
    }

    public func find(reference: String) async throws -> CallbackRequest? {
        try checkOpen()
        // What was typed is not logged: a visitor may type anything where a code is asked for.
        guard let reference = ReferenceCode.normalized(reference) else { return nil }
        let client = client
        return try await perform(.read, event: "Could not look up a callback request") {
            try await Self.withOpenConnection(client) { connection in
                try await Self.requests(
                    from: connection.query(
                        "SELECT \(unescaped: Self.columns) FROM callback_request WHERE reference = \(reference)",
                        logger: Self.silent
                    )
                ).first
            }
        }
    }

    public func purge(olderThan cutoff: Date) async throws -> Int {
        try await purge(olderThan: cutoff, includingNew: true)
    }

    /// Deletes requests created before `cutoff`; `new` ones (nobody has called yet) only when `includingNew`.
    public func purge(olderThan cutoff: Date, includingNew: Bool) async throws -> Int {
        try await purge(olderThan: cutoff, includingNew: includingNew, through: nil)
    }

    /// Deletes requests created before `cutoff` (`new` ones only when `includingNew`) whose id is at most `lastID` (any
    /// id when nil): `callbacks purge` passes the highest id it showed, so a row added since (a copy brings old rows)
    /// is never deleted unseen. Each DELETE checks the age and status again: a request reopened by staff between a
    /// batch's read and its delete stays.
    public func purge(olderThan cutoff: Date, includingNew: Bool, through lastID: Int64?) async throws -> Int {
        try checkOpen(.save)
        let through = lastID ?? .max
        let milliseconds = Self.milliseconds(cutoff)
        let client = client
        // In batches, each with its own deadline: one DELETE of sixty thousand rows failed its deadline. A batch reads
        // its rows and deletes those it can read: a row with a value written outside OpenDoor stays, as staff were never
        // shown it. A retry after a lost connection finds fewer rows to delete; a batch's count is of its last try.
        var count = 0
        var after = Int64.min
        let pageSize = max(1, configuration.pageSize)
        while true {
            let from = after
            let (deleted, read, last) = try await perform(.save, event: "Could not purge callback requests") {
                try await Self.withOpenConnection(client) { connection in
                    let (listing, lastRow, read) = try await Self.listing(
                        from: connection.query(
                            """
                            SELECT \(unescaped: Self.columns) FROM callback_request
                            WHERE created_ms < \(milliseconds) AND (\(includingNew) OR status <> 'new') AND id > \(from)
                                AND id <= \(through)
                            ORDER BY id LIMIT \(pageSize)
                            """,
                            logger: Self.silent))
                    let ids = listing.requests.map(\.id)
                    let last = lastRow?.1 ?? from
                    guard !ids.isEmpty else { return (0, read, last) }
                    var deleted = 0
                    for try await _ in try await connection.query(
                        """
                        DELETE FROM callback_request
                        WHERE id = ANY(\(ids)) AND created_ms < \(milliseconds) AND (\(includingNew) OR status <> 'new')
                        RETURNING id
                        """, logger: Self.silent)
                    {
                        deleted += 1
                    }
                    return (deleted, read, last)
                }
            }
            count += deleted
            after = last
            if read < pageSize { break }
        }
        logger.info("Purged callback requests", metadata: ["count": "\(count)"])
        return count
    }

    /// False from a failure to reach the database until ``recheck()`` reaches it again (or another
    /// operation succeeds): meanwhile visitors are given the center's number instead of a callback offer,
    /// rather than each waiting out the retry window to hear that saving failed.
    public nonisolated var acceptsRequests: Bool { accepting.load(ordering: .acquiring) }

    /// Makes sure the database is being asked whether it is back; returns at once, no visitor waits.
    ///
    /// From the first failure to reach the database, a task of the store's own asks (`SELECT 1` under
    /// the retry policy, then a pause of ``Configuration/recheckInterval``) until it answers or the store
    /// closes; then ``acceptsRequests`` turns true and saving resumes by itself.
    public func recheck() async {
        startProbe()
    }

    private func startProbe() {
        guard !isClosed, probe == nil, !acceptsRequests else { return }
        let pause = configuration.recheckInterval
        probe = Task {
            while !Task.isCancelled {
                if await self.probeOnce() { break }
                try? await Task.sleep(for: pause)
            }
            self.probeEnded()
        }
    }

    /// One try of the probe: `SELECT 1`, or the migrations while they are still to be done (a service
    /// that started without its database). True when the database answered.
    private func probeOnce() async -> Bool {
        let client = client
        guard isMigrated else {
            do {
                try await migrate(under: configuration.retry)
                return true
            } catch {
                // Something a person must fix (a newer schema, a refused login): said once per kind.
                let failure = Self.storeError(error.error, during: .open, url: url, attempts: error.attempts)
                if failure.code != unavailability?.code || failure.reason != unavailability?.reason {
                    unavailability = failure
                    if !Self.isUnreachable(error.error) {
                        logger.error(
                            "The callback store answers but can't be used yet",
                            metadata: ["error.code": "\(failure.code)", "error.reason": "\(failure.reason ?? "-")"]
                        )
                    }
                }
                return false
            }
        }
        return (try? await configuration.retry.run(isTransient: Self.isTransient) {
            try await Self.withOpenConnection(client) {
                try await $0.query("SELECT 1", logger: Self.silent).collect().count
            }
        }) != nil
    }

    private func probeEnded() {
        probe = nil
        if !isClosed && isMigrated { reachable(true) }
    }

    /// Records whether the database could be reached, logging the changes.
    private func reachable(_ reached: Bool) {
        guard accepting.exchange(reached, ordering: .acquiringAndReleasing) != reached else { return }
        if reached {
            logger.notice("The callback store can be reached again; saving callback requests", metadata: ["store": "\(url)"])
        } else {
            logger.error(
                "The callback store can't be reached; visitors are given the center's number until it can",
                metadata: ["store": "\(url)"]
            )
            startProbe()
        }
    }

    public func close() async throws {
        guard !isClosed else { return }
        await writeCountsBeforeClosing()
        guard !isClosed else { return }
        isClosed = true
        savesOpen.store(false, ordering: .releasing)
        probe?.cancel()
        await stopPool()
        logger.info("Closed the callback store")
    }

    /// Stops the connection pool and waits for its end, for ``Configuration/poolStopWindow`` at most: past that, the
    /// pool is left to end by itself (its connections are closed by then; what it still waits for is a task it
    /// lost) and the store closes anyway.
    private func stopPool() async {
        running.cancel()
        let running = running
        do {
            try await RetryPolicy.withTimeout(configuration.poolStopWindow) { await running.value }
        } catch {
            logger.warning(
                "The PostgreSQL connection pool did not stop in time; the store closes without waiting for it",
                metadata: ["store": "\(url)", "waited": "\(Self.seconds(configuration.poolStopWindow)) s"]
            )
        }
    }

    /// Runs `operation` under the retry policy and maps what it throws.
    func perform<Value: Sendable>(
        _ operation: Operation,
        event: Logger.Message,
        quietly: Bool = false,
        _ body: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        do {
            let value = try await runWatchingForRefusal(configuration.retry, body)
            reachable(true)
            return value
        } catch {
            if Self.isUnreachable(error.error) { reachable(false) }
            let failure =
                isClosed
                ? CallbackStoreError.closed()
                : Self.storeError(error.error, during: operation, url: url, attempts: error.attempts)
            if !quietly {
                logger.error(event, metadata: ["error.code": "\(failure.code)", "error.reason": "\(failure.reason ?? "-")"])
            }
            throw failure
        }
    }

    /// Throws when the store can't take `operation` now: closed (by ``close()``), or not yet connected to its
    /// database (a service that started while it was away), with why.
    func checkOpen(_ operation: Operation = .read) throws {
        if isClosed { throw CallbackStoreError.closed() }
        guard !isMigrated else { return }
        throw unavailability
            ?? Self.fallback(operation, place: url.description, reason: Self.connectionLost(tries: ""))
    }

    /// Inserts a request, or returns the one this save already made on a connection that was lost
    /// after its commit (same save key).
    private static func insert(
        _ draft: CallbackDraft,
        channel: CallbackChannel,
        reference: String,
        milliseconds: Int64,
        saveKey: UUID,
        attempts: SaveAttempts,
        timings: SaveTimings?,
        client: PostgresClient
    ) async throws -> CallbackRequest {
        let request = CallbackRequest(
            id: 0,
            reference: reference,
            created: date(milliseconds: milliseconds),
            draft: draft,
            channel: channel
        )
        // Committed by the COMMIT inside the procedure the statement calls, before PostgreSQL answers. Sent alone
        // with the extended protocol, an INSERT is committed only at the Sync that follows its row: a connection
        // lost in between (a backend terminated, a failover) rolled the row back after it had come back here, and
        // the visitor was told "sent" for a request that was not stored. A failure here is retried with the same
        // save key, which finds a row that did commit.
        let statement = InsertRequestStatement(request: request, milliseconds: milliseconds, saveKey: saveKey)
        let asked = timings == nil ? 0 : SaveTimings.now()
        let (inserted, answered) = try await withOpenConnection(client) {
            timings?.note(.connection, from: asked)
            return try await statement.runCommitted(on: $0, logger: silent, attempts: attempts, timings: timings)
        }
        timings?.note(.resume, from: answered)
        if let inserted { return inserted }
        let earlier = try await requests(
            from: client.query("SELECT \(unescaped: columns) FROM callback_request WHERE save_key = \(saveKey)")
        )
        guard let first = earlier.first else {
            throw CallbackStoreError.saveFailed(reason: "the request was neither inserted nor found")
        }
        return first
    }

    /// PostgresNIO's own logs stay off: its debug output can hold query arguments.
    static let silent = Logger(label: "opendoor.postgres.client") { _ in SwiftLogNoOpLogHandler() }
}
