import Logging
import NIOCore
import NIOPosix
import OpenDoorKit
import ServiceLifecycle
import Synchronization

/// The socket server: OpenDoor's chat over TCP, as plain text (for nc and telnet), as JSON lines (for programs) and,
/// when its port is set, as JSON lines over WebSocket (for the web widget), one port each. docs/PROTOCOL.md
/// describes them.
///
/// Run it in a `ServiceGroup`: on graceful shutdown it stops accepting, says goodbye to everyone
/// connected, finishes their writes, closes the callback store and returns. Each connection is a
/// ``ChatSession`` handler that answers on its event loop; one bad connection never takes the server down.
///
/// ```swift
/// let server = ChatServer(assistant: assistant, store: store, logger: logger)
/// let group = ServiceGroup(services: [server], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
/// try await group.run()
/// ```
public actor ChatServer: Service {
    /// How the server listens and what it allows.
    public nonisolated let configuration: ServerConfiguration
    /// Where confirmed callback requests are saved; the server closes it when it stops.
    private nonisolated let store: any CallbackStore
    private nonisolated let logger: Logger
    private nonisolated let reloader: (@Sendable () throws -> Assistant)?
    private nonisolated let eventLoopGroup: MultiThreadedEventLoopGroup
    private nonisolated let metrics: any ChatServerMetrics

    /// The open files a server needs beyond one per visitor's place (QA25 S1-4): the connections turned away that
    /// wait for one line (``ConnectionBook/maximumLingering``), those being told the chat is full right now, the store
    /// (a few files, or PostgreSQL's pool), the knowledge, the log, the event loops and the listening sockets. `serve`
    /// keeps its visitor cap this far under the open file limit, so that a chat held full by silent connections
    /// still has descriptors to answer the next visitor (who is told it is full, with 988 and 911), and accepting
    /// never fails for want of one.
    public static let descriptorReserve = 128

    /// Who is connected, and the assistant new conversations start with; used from the event loops.
    private nonisolated let book: ConnectionBook
    private var started = false
    private var listening = Listening.waiting([])

    private enum Listening {
        case waiting([CheckedContinuation<[ListenerAddress], any Error>])
        case listening([ListenerAddress])
        case stopped
    }

    /// Creates a server; nothing listens until ``run()``.
    ///
    /// - Parameters:
    ///   - configuration: Ports and limits.
    ///   - assistant: The knowledge, matcher and crisis detector conversations start with.
    ///   - store: Where callback requests are saved. The server owns it from now on: it closes it once the
    ///     last connection has ended, so that no save is cut off.
    ///   - logger: Logs connection ids, events, intents and latencies; never what visitors type.
    ///   - reloadAssistant: Loads the knowledge again, for SIGHUP and ``reloadKnowledge()``; throws when
    ///     the knowledge on disk is broken, and then the old one stays.
    ///   - metrics: Told about connections, replies, refusals and reloads (never text), e.g. OpenDoorMetrics'
    ///     `ServerMetrics`; by default nothing is counted.
    public init(
        configuration: ServerConfiguration = ServerConfiguration(),
        assistant: Assistant,
        store: any CallbackStore,
        logger: Logger,
        reloadAssistant: (@Sendable () throws -> Assistant)? = nil,
        metrics: any ChatServerMetrics = NoChatServerMetrics()
    ) {
        self.configuration = configuration
        self.store = store
        self.logger = logger
        self.reloader = reloadAssistant
        self.eventLoopGroup = .singleton
        self.metrics = metrics
        self.book = ConnectionBook(assistant: assistant, configuration: configuration, logger: logger, metrics: metrics)
    }

    // MARK: - Public API

    /// Where the server listens, with the real ports (useful with port 0); waits until it is listening.
    ///
    /// - Throws: ``ChatServerError/notListening`` if the server stopped or could not start.
    public func listeningAddresses() async throws -> [ListenerAddress] {
        switch listening {
        case .listening(let addresses):
            return addresses
        case .stopped:
            throw ChatServerError.notListening
        case .waiting(var waiters):
            return try await withCheckedThrowingContinuation { continuation in
                waiters.append(continuation)
                listening = .waiting(waiters)
            }
        }
    }

    /// The port bound for a protocol, or nil when that protocol is turned off; waits until listening.
    public func port(for chatProtocol: ChatProtocol) async throws -> Int? {
        try await listeningAddresses().first { $0.chatProtocol == chatProtocol }?.port
    }

    /// Loads the knowledge again with the closure given at creation; new conversations use it,
    /// conversations already going keep theirs. When loading fails, the error is logged and thrown and
    /// the knowledge already loaded stays. So it does when the server runs with a safety model and the fresh
    /// knowledge has none (an interrupted copy, `rsync --delete`): a reload never silently weakens the crisis
    /// check (``ChatServerError/safetyModelMissing``; QA21 O3). Running on the rules alone takes a restart.
    public nonisolated func reloadKnowledge() async throws {
        guard let reloader else {
            logger.warning("knowledge reload asked for, but this server has no way to reload it")
            throw ChatServerError.cannotReload
        }
        let fresh: Assistant
        do {
            fresh = try reloader()
            if book.assistant.safety.usesModel && !fresh.safety.usesModel { throw ChatServerError.safetyModelMissing }
        } catch {
            metrics.knowledgeReloaded(succeeded: false)
            // One log entry on one line: the loader's problems (file:line each) joined with " | ".
            let problems = "\(error)".split(whereSeparator: \.isNewline).joined(separator: " | ")
            logger.error(
                "knowledge reload refused; keeping the knowledge already loaded", metadata: ["error": "\(problems)"])
            throw error
        }
        book.install(fresh)
        metrics.knowledgeReloaded(succeeded: true)
        logger.notice(
            "knowledge reloaded",
            metadata: [
                "intents": "\(fresh.knowledge.intents.count)",
                "safety_features": "\(fresh.safety.rules.model?.featureCount ?? 0)",
            ])
    }

    /// Listens and serves until graceful shutdown or cancellation, then closes the callback store.
    public nonisolated func run() async throws {
        try await markStarted()
        let listeners: [(address: ListenerAddress, listener: LineListener)]
        do {
            listeners = try await bindListeners()
        } catch {
            logger.error("cannot listen", metadata: ["error": "\(error)"])
            await closeStore()
            await markStopped(error)
            throw error
        }
        let addresses = listeners.map(\.address)
        await markListening(addresses)
        var metadata: Logger.Metadata = ["host": "\(configuration.host)"]
        for address in addresses { metadata["\(address.chatProtocol)_port"] = "\(address.port)" }
        logger.info("listening", metadata: metadata)
        if !book.assistant.safety.usesModel {
            logger.warning(
                "safety model: none (no enabled safety-model.tsv in the knowledge folder): the crisis check runs on the rules alone",
                metadata: ["fix": "add the model (Scripts/train-safety-model) and restart, unless this is on purpose"])
        }

        await withDiscardingTaskGroup { group in
            if reloader != nil && configuration.reloadsOnHangup {
                group.addTask { await self.reloadOnHangup() }
            }
            group.addTask { [book, logger] in
                // Saves check too; this catches a step while nobody is saving, before the next request is dated.
                while (try? await Task.sleep(for: .seconds(60))) != nil { book.clockWatch.check(logger: logger) }
            }
            await withGracefulShutdownHandler {
                await self.serve(listeners)
            } onGracefulShutdown: { [logger] in
                logger.info("shutting down: no new chats; saying goodbye to everyone connected")
            }
            group.cancelAll()
        }
        await closeStore()
        await markStopped(ChatServerError.notListening)
        book.flushConnectionLog()
        logger.info("stopped")
    }

    // MARK: - Listening

    private nonisolated func bindListeners() async throws -> [(address: ListenerAddress, listener: LineListener)] {
        var bound: [(address: ListenerAddress, listener: LineListener)] = []
        do {
            for (chatProtocol, port) in configuration.listeners {
                bound.append(try await bind(chatProtocol, port: port))
            }
        } catch {
            for entry in bound { await entry.listener.close() }
            throw error
        }
        return bound
    }

    private nonisolated func bind(_ chatProtocol: ChatProtocol, port: Int) async throws -> (
        address: ListenerAddress, listener: LineListener
    ) {
        let host = configuration.host
        let listener: LineListener
        let proxyHeaders = configuration.proxyProtocol ? configuration.trustedProxies : .none
        do {
            listener = try await LineListener.bind(
                group: eventLoopGroup, host: host, port: port, timeouts: .init(configuration),
                maximumLineLength: configuration.maximumLineLength,
                webSocket: chatProtocol == .webSocket ? WebSocketEndpoint(configuration) : nil,
                proxyHeaders: proxyHeaders, logger: logger
            ) { [book, store, configuration, logger, metrics] channel, stop in
                // Counted from the accept, on every port (QA27 S1-A): a WebSocket holds a place (or a turned-away
                // connection's wait) through its handshake, so silent handshakes are held to both caps and to the
                // descriptor reserve; with neither to give, it is closed at once. Once the handshake names the
                // visitor (behind the TLS proxy, its X-Forwarded-For; QA23 O2), the visitor is admitted as on the
                // other ports, in place of the reservation.
                let peer = channel.remoteAddress?.ipAddress ?? "unknown"
                let ticket: ConnectionBook.Ticket
                // A trusted proxy's PROXY header names the visitor too (QA29 S1-3): held as a handshake is, until then.
                if chatProtocol == .webSocket || proxyHeaders.contains(peer) {
                    guard let reservation = book.reserve(address: peer, channel: channel, stop: stop) else {
                        return nil
                    }
                    ticket = ConnectionBook.Ticket(book, reserved: reservation)
                } else {
                    let admission = book.admit(address: peer, channel: channel, stop: stop)
                    ticket = ConnectionBook.Ticket(book, admitted: admission)
                }
                channel.closeFuture.whenComplete { _ in ticket.release() }
                return { channel, client in
                    guard let admission = ticket.admission(address: client ?? peer, channel: channel, stop: stop)
                    else { throw LineListener.Refused() }
                    var logger = logger.withCrisisBudget(book.crisisLog)
                    logger[metadataKey: "connection"] = "\(admission.id)"
                    logger[metadataKey: "protocol"] = "\(chatProtocol)"
                    let setup = ChatSession.Setup(
                        chatProtocol: chatProtocol.lines, assistant: admission.assistant, store: store,
                        configuration: configuration, logger: logger, metrics: metrics,
                        logsConnection: admission.logged, budgets: book.budgets, clockWatch: book.clockWatch,
                        lineRefusals: book.lineRefusals[chatProtocol], clientAddress: client)
                    return ChatSession(setup, stop: stop, admitted: admission.admitted, lingers: admission.lingers) {
                        ticket.release()
                    }
                }
            }
        } catch {
            throw ChatServerError.cannotListen(
                ListenerAddress(chatProtocol: chatProtocol, host: host, port: port),
                reason: ChatServerError.systemReason(error))
        }
        return (ListenerAddress(chatProtocol: chatProtocol, host: host, port: listener.port ?? port), listener)
    }

    // MARK: - Serving

    private nonisolated func serve(_ listeners: [(address: ListenerAddress, listener: LineListener)]) async {
        await withDiscardingTaskGroup { group in
            for (_, listener) in listeners {
                // Until graceful shutdown; then the listener closes and the connections say their goodbyes.
                group.addTask { await listener.serve(stopsOnGracefulShutdown: true) }
            }
        }
    }

    // MARK: - State

    private func markStarted() throws {
        guard !started else { throw ChatServerError.alreadyStarted }
        started = true
    }

    private func markListening(_ addresses: [ListenerAddress]) {
        if case .waiting(let waiters) = listening {
            for waiter in waiters { waiter.resume(returning: addresses) }
        }
        listening = .listening(addresses)
    }

    private func markStopped(_ error: any Error) {
        if case .waiting(let waiters) = listening {
            for waiter in waiters { waiter.resume(throwing: error) }
        }
        listening = .stopped
    }

    private nonisolated func closeStore() async {
        do {
            try await store.close()
            logger.info("callback store closed")
        } catch {
            logger.error("callback store did not close cleanly", metadata: ["error": "\(error)"])
        }
    }
}

/// Who is connected, and the assistant new conversations start with: the server's state that each new
/// connection reads and changes, on its event loop, without waiting for the server actor.
///
/// It holds the chat's places: at most ``ServerConfiguration/maximumConnections`` in all and
/// ``ServerConfiguration/maximumConnectionsPerAddress`` from one address group (``AddressGrouping``: an IPv6 /64;
/// a trusted proxy's connections are each their own group, held to the total only, unless a WebSocket's handshake
/// names its visitor, who is then the address).
///
/// When the chat is full, a newcomer gets a place if one can be taken fairly (QA21 O1, QA22 O1):
/// 1. from the group holding the most places, if it holds at least two more than the newcomer's group (a flood from
///    a few addresses, chatting or not, gives way to a new address): of its connections, the one idle longest;
/// 2. otherwise from a connection that has sent no message for ``ServerConfiguration/silentEvictionAge``, in a group
///    holding as many places as the largest and more than the newcomer's: the oldest.
///
/// For IPv6 both rules compare the /56s and /48s too (``AddressGrouping/groups(of:)``; QA23 O2): rule 1 takes from
/// the first level, narrowest first, where a group holds two more than the newcomer's; rule 2 needs the connection's
/// group to hold the most, and more than the newcomer's, at every level.
///
/// Never from a group holding fewer places than the largest, nor a connection in the callback form or just told a
/// crisis reply (``ConnectionStop/keepsPlace``). A newcomer whose group holds its share can only take the place of
/// one of its own group's silent connections. A connection closed to make room is told the chat is full (reason
/// `busy`, with 911 and 988), never that it was quiet.
final class ConnectionBook: Sendable {
    /// An admitted connection, as eviction sees it.
    private struct Place {
        /// The address group (``AddressGrouping``), or the connection's own key for a trusted proxy's.
        var group: String
        /// The wider groups of an IPv6 address (its /56, its /48), compared when the chat is full (QA23 O2).
        var wider: [String] = []
        var opened: NIODeadline
        var stop: ConnectionStop
        var channel: any Channel
    }

    /// A connection in one of the turned-away connections' waits.
    private struct Waiting {
        var channel: any Channel
        var stop: ConnectionStop
        var since: NIODeadline
    }

    private struct State {
        /// The assistant new conversations start with; a reload replaces it.
        var assistant: Assistant
        /// The admitted connections that hold a place, by id (one being evicted no longer does).
        var places: [UInt64: Place] = [:]
        /// How many places each address group holds.
        var byGroup: [String: Int] = [:]
        /// Connections turned away that still read a line, for a crisis, and WebSockets waiting for their handshake
        /// without a place (at most ``ConnectionBook/maximumLingering``), by id.
        var lingering: [UInt64: Waiting] = [:]
        /// Visitors turned away because the chat was full, logged as summaries.
        var busyRefusals: RefusalLog
        /// Silent connections closed to make room, logged as summaries.
        var evictions: RefusalLog
        /// Which connections get log lines of their own; the rest are counted.
        var connectionLog: ConnectionLog
        var lastConnectionID: UInt64 = 0
    }

    /// What ``admit(address:channel:stop:)`` decided for a new connection.
    struct Admission {
        var id: UInt64
        var assistant: Assistant
        /// False: the chat is full (or this address holds its share), and the visitor is told so.
        var admitted: Bool
        /// Whether the connection gets log lines of its own.
        var logged: Bool
        /// Not admitted, but the connection may read one line (a crisis is answered) before it closes.
        var lingers = false
    }

    /// How many connections turned away may wait for their one line at once (each holds a file descriptor for
    /// ``ServerConfiguration/refusedLineWait``); past it, the one waiting longest is closed for the newcomer
    /// (``wait(_:channel:stop:now:in:)``).
    static let maximumLingering = 32

    private let state: Mutex<State>
    private let maximumConnections: Int
    private let maximumPerAddress: Int
    private let trustedProxies: TrustedProxies
    private let grouping: AddressGrouping
    private let silentEvictionAge: TimeAmount?
    private let closeGracePeriod: TimeAmount
    private let logger: Logger
    private let metrics: any ChatServerMetrics
    /// The conversations' crisis lines, server-wide: past a budget they are counted, not written.
    let crisisLog: CrisisLog
    /// Rate-limit budgets left spent by closed connections, by peer address.
    let budgets: PeerBudgets
    /// Tells the log when the wall clock, which dates callback requests, steps.
    let clockWatch = WallClockWatch()
    /// Lines refused on each port's connections, logged as summaries server-wide (QA29 S2-6).
    let lineRefusals: [ChatProtocol: SharedRefusalLog]

    init(assistant: Assistant, configuration: ServerConfiguration, logger: Logger, metrics: any ChatServerMetrics) {
        state = Mutex(
            State(
                assistant: assistant, busyRefusals: RefusalLog(interval: configuration.refusalLogInterval),
                evictions: RefusalLog(interval: configuration.refusalLogInterval),
                connectionLog: ConnectionLog(
                    interval: configuration.refusalLogInterval, budget: configuration.connectionLogBudget)))
        maximumConnections = configuration.maximumConnections
        maximumPerAddress = max(1, configuration.maximumConnectionsPerAddress)
        trustedProxies = configuration.trustedProxies
        grouping = configuration.addressGrouping
        silentEvictionAge = configuration.silentEvictionAge.map { TimeAmount($0) }
        closeGracePeriod = TimeAmount(configuration.closeGracePeriod)
        self.logger = logger
        self.metrics = metrics
        crisisLog = CrisisLog(interval: configuration.refusalLogInterval, budget: configuration.crisisLogBudget)
        budgets = PeerBudgets(capacity: configuration.spentBudgetAddresses)
        var lineRefusals: [ChatProtocol: SharedRefusalLog] = [:]
        for chatProtocol in ChatProtocol.allCases {
            var logger = logger
            logger[metadataKey: "protocol"] = "\(chatProtocol)"
            lineRefusals[chatProtocol] = SharedRefusalLog(
                interval: configuration.refusalLogInterval, logger: logger, message: "lines refused")
        }
        self.lineRefusals = lineRefusals
    }

    /// The assistant new conversations start with.
    var assistant: Assistant { state.withLock { $0.assistant } }

    /// A new connection from `address`: its id, its assistant, and whether it gets a place (perhaps another
    /// connection's, which is then closed).
    /// `replacing`: the reservation the connection held until now, given back in the same step.
    func admit(
        address: String, channel: any Channel, stop: ConnectionStop, replacing reservation: Reservation? = nil,
        now: NIODeadline = .now()
    ) -> Admission {
        let exempt = trustedProxies.contains(address)
        // A connection that gave its wait up to this one, closed once the lock is given back.
        var ended: (any Channel)?
        defer { ended?.close(promise: nil) }
        let (admission, evicted) = state.withLock { state -> (Admission, Place?) in
            switch reservation {
            case .place(let id)?: removePlace(id, from: &state)
            case .waiting(let waitID)?: state.lingering[waitID] = nil
            case nil: break
            }
            state.lastConnectionID += 1
            let id = state.lastConnectionID
            // A trusted proxy carries many visitors: each of its connections is a group of its own.
            let groups = exempt ? ["proxy connection \(id)"] : grouping.groups(of: address)
            let group = groups[0]
            let fromGroup = state.byGroup[group, default: 0]
            var evicted: Place?
            var refusal: String?
            if !exempt && fromGroup >= maximumPerAddress {
                // The group holds its share: only one of its own silent connections can make room.
                evicted = evictSilent(from: &state, now: now, newcomer: groups, ownOnly: true)
                if evicted == nil { refusal = "address" }
            } else if state.places.count >= maximumConnections {
                evicted =
                    evictFromLargest(from: &state, newcomer: groups)
                    ?? evictSilent(from: &state, now: now, newcomer: groups)
                if evicted == nil { refusal = "busy" }
            }
            if let refusal {
                state.busyRefusals.refused(
                    refusal, message: Self.busyMessage, logger: logger, metadata: refusalMetadata)
                metrics.connectionRefused()
                let wait = Self.wait(id, channel: channel, stop: stop, now: now, in: &state)
                ended = wait.ended
                let lingers = wait.waits
                return (
                    Admission(id: id, assistant: state.assistant, admitted: false, logged: false, lingers: lingers), nil
                )
            }
            state.places[id] = Place(group: group, wider: Array(groups.dropFirst()), opened: now, stop: stop, channel: channel)
            state.byGroup[group] = state.byGroup[group, default: 0] + 1
            metrics.connectionsOpen(state.places.count)
            let logged = state.connectionLog.opening(logger: logger, openNow: state.places.count)
            return (Admission(id: id, assistant: state.assistant, admitted: true, logged: logged), evicted)
        }
        if let evicted { close(evicted) }
        return admission
    }

    /// What a WebSocket holds from its accept until its handshake names the visitor (QA27 S1-A): a place counted in the
    /// total and its address's share (never taken from anyone: a silent handshake makes no room for itself), or, when
    /// there is none, one of the turned-away connections' waits (``maximumLingering``); nil: neither, and it is closed.
    enum Reservation: Sendable {
        case place(UInt64)
        /// One of the turned-away connections' waits, by the connection's id.
        case waiting(UInt64)
    }

    /// Holds a place for a WebSocket waiting for its handshake, from `address` (its peer: a trusted proxy's is a
    /// group of its own); nil when the chat has neither a place nor a wait to give, and it is closed at once.
    func reserve(
        address: String, channel: any Channel, stop: ConnectionStop, now: NIODeadline = .now()
    ) -> Reservation? {
        let exempt = trustedProxies.contains(address)
        var ended: (any Channel)?
        defer { ended?.close(promise: nil) }
        return state.withLock { state -> Reservation? in
            state.lastConnectionID += 1
            let id = state.lastConnectionID
            let groups = exempt ? ["proxy connection \(id)"] : grouping.groups(of: address)
            let share = state.byGroup[groups[0], default: 0]
            if state.places.count < maximumConnections, exempt || share < maximumPerAddress {
                state.places[id] = Place(
                    group: groups[0], wider: Array(groups.dropFirst()), opened: now, stop: stop, channel: channel)
                state.byGroup[groups[0], default: 0] += 1
                metrics.connectionsOpen(state.places.count)
                return .place(id)
            }
            let wait = Self.wait(id, channel: channel, stop: stop, now: now, in: &state)
            ended = wait.ended
            if wait.waits { return .waiting(id) }
            state.busyRefusals.refused(
                exempt ? "busy" : "address", message: Self.busyMessage, logger: logger, metadata: refusalMetadata)
            metrics.connectionRefused()
            return nil
        }
    }

    /// Gives back what ``reserve(address:channel:stop:now:)`` held.
    func release(_ reservation: Reservation) {
        state.withLock { state in
            switch reservation {
            case .place(let id):
                removePlace(id, from: &state)
                metrics.connectionsOpen(state.places.count)
            case .waiting(let id):
                state.lingering[id] = nil
            }
        }
    }

    /// Gives connection `id` one of the turned-away connections' waits. When all are taken, the one waiting longest
    /// gives its wait up (QA29 S2-8: with the waits kept full by an attacker's connections, a visitor who found the
    /// chat full and sent a crisis at once got no answer): its channel is returned, to be closed outside the lock. Never
    /// one answering a crisis (``ConnectionStop/keepsPlace``); when every wait is, none is given.
    private static func wait(
        _ id: UInt64, channel: any Channel, stop: ConnectionStop, now: NIODeadline, in state: inout State
    ) -> (waits: Bool, ended: (any Channel)?) {
        var ended: (any Channel)?
        if state.lingering.count >= maximumLingering {
            let oldest = state.lingering.filter { !$0.value.stop.keepsPlace }.min { $0.value.since < $1.value.since }
            guard let oldest else { return (false, nil) }
            state.lingering[oldest.key] = nil
            ended = oldest.value.channel
        }
        state.lingering[id] = Waiting(channel: channel, stop: stop, since: now)
        return (true, ended)
    }

    /// Whether `place` may be closed to make room: still open, and not in the form or just told a crisis reply.
    private static func mayGiveWay(_ place: Place) -> Bool {
        place.stop.reason == nil && !place.stop.keepsPlace
    }

    /// A place's group at `level`: 0 its own, 1 and on its wider ones (an IPv6 address's /56, /48); nil past its last.
    private static func group(of place: Place, level: Int) -> String? {
        level == 0 ? place.group : place.wider.dropFirst(level - 1).first
    }

    /// How many places each group of `level` holds (level 0: the bookkeeping's own count).
    private static func shares(_ state: State, level: Int) -> [String: Int] {
        guard level > 0 else { return state.byGroup }
        var shares: [String: Int] = [:]
        for place in state.places.values {
            if let group = group(of: place, level: level) { shares[group, default: 0] += 1 }
        }
        return shares
    }

    /// How many levels of groups the places and the `newcomer` (its groups, narrowest first) have.
    private static func levels(_ state: State, newcomer: [String]) -> Int {
        state.places.values.reduce(newcomer.count) { max($0, 1 + $1.wider.count) }
    }

    /// Takes, for a newcomer in `newcomer`'s groups (narrowest first), the place of the connection idle longest in the
    /// group holding the most places, if that group holds at least two more than the newcomer's (after the swap it
    /// still holds as many as the newcomer's): a flood from few addresses, chatting or not, gives way to a new one.
    /// Compared by address group first, then, for IPv6, by /56 and by /48 (QA23 O2): a customer that spreads over the
    /// /64s of its allocation is one flood there. Groups holding fewer places than the largest are never touched; if
    /// every connection of the largest groups must keep its place, none is taken.
    private func evictFromLargest(from state: inout State, newcomer: [String]) -> Place? {
        for level in 0..<Self.levels(state, newcomer: newcomer) {
            let shares = Self.shares(state, level: level)
            let newcomerShare = newcomer.dropFirst(level).first.map { shares[$0, default: 0] } ?? 0
            guard let largest = shares.values.max(), largest >= newcomerShare + 2 else { continue }
            var chosen: (id: UInt64, place: Place, since: NIODeadline)?
            for (id, place) in state.places where Self.mayGiveWay(place) {
                guard let group = Self.group(of: place, level: level), shares[group] == largest else { continue }
                let since = place.stop.lastActive(opened: place.opened)
                if let best = chosen, best.since <= since { continue }
                chosen = (id, place, since)
            }
            if let taken = take(chosen.map { ($0.id, $0.place) }, from: &state, code: "largest") { return taken }
        }
        return nil
    }

    /// Takes the place of the connection that has sent no message for longest, open at least
    /// ``ServerConfiguration/silentEvictionAge``, in the `newcomer`'s own group, or in a group holding as many places
    /// as the largest and more than the newcomer's, at every level (its /56 and /48 too for IPv6: a visitor reading
    /// the greeting is not closed for a customer's next /64, QA23 O2); with `ownOnly`, in its own only.
    private func evictSilent(
        from state: inout State, now: NIODeadline, newcomer: [String], ownOnly: Bool = false
    ) -> Place? {
        guard let silentEvictionAge else { return nil }
        let levels = (0..<Self.levels(state, newcomer: newcomer)).map { level in
            let shares = Self.shares(state, level: level)
            return (
                shares: shares, largest: shares.values.max() ?? 0,
                newcomer: newcomer.dropFirst(level).first.map { shares[$0, default: 0] } ?? 0)
        }
        var chosen: (id: UInt64, place: Place)?
        for (id, place) in state.places
        where place.stop.lastAnswered == nil && Self.mayGiveWay(place) && now - place.opened >= silentEvictionAge {
            let fair = levels.indices.allSatisfy { level in
                guard let group = Self.group(of: place, level: level) else { return true }
                let share = levels[level].shares[group, default: 0]
                return share == levels[level].largest && share > levels[level].newcomer
            }
            guard place.group == newcomer[0] || (!ownOnly && fair) else { continue }
            if let best = chosen, best.place.opened <= place.opened { continue }
            chosen = (id, place)
        }
        return take(chosen, from: &state, code: "silent")
    }

    /// Closes `chosen`'s connection (reason `busy`) and frees its place; nil if there is none or it was stopping.
    private func take(_ chosen: (id: UInt64, place: Place)?, from state: inout State, code: String) -> Place? {
        guard let chosen, chosen.place.stop.request(.busy) else { return nil }
        removePlace(chosen.id, from: &state)
        state.evictions.refused(code, message: Self.evictionMessage, logger: logger, metadata: refusalMetadata)
        return chosen.place
    }

    /// Closes an evicted connection as the idle timeout does: its input closes, it says goodbye (reason `busy`: the
    /// chat is full, with 911 and 988) and closes; one that doesn't read its goodbye is cut off after the close grace period.
    private func close(_ place: Place) {
        ConnectionRegistry.stop(place.channel, closingInput: true, grace: closeGracePeriod)
    }

    private var refusalMetadata: Logger.Metadata {
        ["max_connections": "\(maximumConnections)", "max_per_address": "\(maximumPerAddress)"]
    }

    /// The summary line of visitors turned away because the chat was full.
    private static let busyMessage: Logger.Message = "connections refused: chat full"
    /// The summary line of connections closed to make room (codes: `largest`, from the group holding the most
    /// places; `silent`, silent past the eviction age).
    private static let evictionMessage: Logger.Message = "connections closed to make room for new visitors"

    private func removePlace(_ id: UInt64, from state: inout State) {
        guard let place = state.places.removeValue(forKey: id) else { return }
        let left = state.byGroup[place.group, default: 1] - 1
        state.byGroup[place.group] = left > 0 ? left : nil
    }

    /// A connection ``admit(address:channel:stop:replacing:now:)`` let in, or let linger, has closed.
    func release(_ admission: Admission) {
        state.withLock { state in
            guard admission.admitted else {
                if admission.lingers { state.lingering[admission.id] = nil }
                return
            }
            removePlace(admission.id, from: &state)
            metrics.connectionsOpen(state.places.count)
            if !admission.logged { state.connectionLog.closing(logger: logger, openNow: state.places.count) }
        }
    }

    /// Logs the connection counts, chat-full refusals and crisis lines not yet logged.
    func flushConnectionLog() {
        state.withLock { state in
            state.connectionLog.flush(logger: logger, openNow: state.places.count)
            // Visitors turned away in the last interval before the stop: counted, and now told (QA20 O5).
            state.busyRefusals.flush(Self.busyMessage, logger: logger, metadata: refusalMetadata)
            state.evictions.flush(Self.evictionMessage, logger: logger, metadata: refusalMetadata)
        }
        for chatProtocol in ChatProtocol.allCases { lineRefusals[chatProtocol]?.flush() }
        crisisLog.flush(logger: logger)
    }

    /// New conversations start with `fresh` from now on.
    func install(_ fresh: Assistant) {
        state.withLock { $0.assistant = fresh }
    }
}
