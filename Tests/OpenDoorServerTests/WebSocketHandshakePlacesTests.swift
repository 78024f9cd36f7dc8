import Foundation
import OpenDoorKit
import OpenDoorServer
import OpenDoorTestSupport
import Synchronization
import Testing

/// QA27 S1-A: a WebSocket that never finishes its handshake is counted from the accept, against the chat's total and
/// the per-address cap (so against the descriptor reserve too), and is closed when its handshake deadline passes.
/// Real sockets on 127.0.0.1; every wait is for a line, the end of a connection or a count the server reports.
@Suite("WebSocket handshakes hold places from the accept (QA27 S1-A)")
struct WebSocketHandshakePlacesTests {
    /// Every client connects from 127.0.0.1, held to the per-address cap (no trusted proxy).
    static func configuration(
        total: Int, perAddress: Int, _ change: (inout ServerConfiguration) -> Void = { _ in }
    ) -> ServerConfiguration {
        var configuration = ServerConfiguration.forTests
        configuration.webSocketPort = 0
        configuration.maximumConnections = total
        configuration.maximumConnectionsPerAddress = perAddress
        configuration.trustedProxies = .none
        configuration.silentEvictionAge = nil
        // Deadlines far beyond a test's run on a loaded machine: silent connections hold their places until the test
        // closes them (the deadline test sets its own).
        configuration.lineTimeout = .seconds(600)
        configuration.webSocketHandshakeTimeout = .seconds(600)
        change(&configuration)
        return configuration
    }

    @Test("silent connections to the WebSocket port use the address's share: the next visitor is told it is full")
    func silentHandshakesCountPerAddress() async throws {
        let places = OpenPlaces()
        try await withServer(Self.configuration(total: 10, perAddress: 2), metrics: places) { running in
            let port = try #require(try await running.server.port(for: .webSocket))
            // Two connections that open the socket and say nothing (no handshake), as QA27's 300 did.
            let silent = [try await TestClient.connect(port: port), try await TestClient.connect(port: port)]
            try #require(await places.wait(until: 2))

            let text = try await running.jsonClient()
            let busy = try await text.readJSON()
            #expect(busy.type == "bye" && busy.reason == "busy", "\(busy)")
            #expect(busy.text?.contains("988") == true && busy.text?.contains("911") == true, "\(busy.text ?? "")")
            await text.close()
            // A WebSocket from the same address: its handshake is answered, then it is told the chat is full.
            let (status, _, socket) = try await WebSocketClient.open(port: port)
            #expect(status.hasPrefix("HTTP/1.1 101"), "\(status)")
            let refused = try await socket.readJSON()
            #expect(refused.type == "bye" && refused.reason == "busy", "\(refused)")
            await socket.close()

            for client in silent { await client.close() }
            try #require(await places.wait(until: 0))
            let visitor = try await running.jsonClient()
            #expect(try await visitor.readJSON().type == "reply", "the places are given back when they close")
            await visitor.close()
        }
    }

    @Test("silent connections to the WebSocket port count against the chat's total, from any address")
    func silentHandshakesCountInTotal() async throws {
        let places = OpenPlaces()
        try await withServer(Self.configuration(total: 2, perAddress: 2), metrics: places) { running in
            let port = try #require(try await running.server.port(for: .webSocket))
            let silent = [
                try await TestClient.connect(port: port, from: "127.0.0.2"),
                try await TestClient.connect(port: port, from: "127.0.0.3"),
            ]
            try #require(await places.wait(until: 2))
            let text = try await running.textClient()
            let said = try await text.readToEnd()
            #expect(said.contains("988") && said.contains("911"), "told the chat is full: \(said)")
            await text.close()
            for client in silent { await client.close() }
        }
    }

    @Test("a handshake that doesn't come within its deadline is closed and its place given back")
    func handshakeDeadline() async throws {
        let places = OpenPlaces()
        let configuration = Self.configuration(total: 10, perAddress: 10) {
            $0.webSocketHandshakeTimeout = .milliseconds(200)
        }
        try await withServer(configuration, metrics: places) { running in
            let port = try #require(try await running.server.port(for: .webSocket))
            let opened = ContinuousClock.now
            let silent = try await TestClient.connect(port: port)
            try #require(await places.wait(until: 1))
            #expect(try await silent.isAtEnd(), "closed by the server")
            #expect(ContinuousClock.now - opened < .seconds(60), "at the handshake deadline, not the line timeout")
            try #require(await places.wait(until: 0))
            await silent.close()
            // (A handshake within the deadline opens the chat as before: the other WebSocket tests, at the default
            // deadline; at 200 ms a loaded machine may not read a prompt handshake in time.)
        }
    }
}

/// Reports the open-connection count the server gives its metrics, so a test can wait until it reaches a value.
final class OpenPlaces: ChatServerMetrics {
    private struct Waiter {
        var id: Int
        var count: Int
        var continuation: CheckedContinuation<Bool, Never>
    }

    private let state = Mutex<(open: Int, waiters: [Waiter], lastID: Int, seen: Set<Int>)>((0, [], 0, []))

    func connectionsOpen(_ count: Int) {
        let ready = state.withLock { state -> [Waiter] in
            state.open = count
            state.seen.insert(count)
            let ready = state.waiters.filter { $0.count == count }
            state.waiters.removeAll { $0.count == count }
            return ready
        }
        for waiter in ready { waiter.continuation.resume(returning: true) }
    }

    /// Returns true once the server reports `count` connections open (at once if it already has, or if it reported
    /// that many before and has fewer now: a place held and already given back, as a short deadline may do before the
    /// test looks); false if it hasn't after `limit` seconds, so that a regression fails the test instead of hanging it.
    func wait(until count: Int, limit: Double = 60) async -> Bool {
        await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let id = state.withLock { state -> Int? in
                guard state.open != count, !(count > state.open && state.seen.contains(count)) else { return nil }
                state.lastID += 1
                state.waiters.append(Waiter(id: state.lastID, count: count, continuation: continuation))
                return state.lastID
            }
            guard let id else { return continuation.resume(returning: true) }
            DispatchQueue.global().asyncAfter(deadline: .now() + limit) { [self] in
                let expired = state.withLock { state -> Waiter? in
                    guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                    return state.waiters.remove(at: index)
                }
                expired?.continuation.resume(returning: false)
            }
        }
    }

    func connectionRefused() {}
    func replied(_ reply: Reply, latency: Duration) {}
    func rateLimited() {}
    func knowledgeReloaded(succeeded: Bool) {}
}
