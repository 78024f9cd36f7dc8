import OpenDoorKit

/// What the chat server reports as it works, for an operator's metrics: connections, replies and their time,
/// refusals and knowledge reloads. Never what a visitor typed.
///
/// OpenDoorMetrics' `ServerMetrics` records them with swift-metrics; the server itself stays free of any metrics
/// library (the fuzz package builds it alone). Every call must return at once and never fail.
public protocol ChatServerMetrics: Sendable {
    /// How many chat connections are open now.
    func connectionsOpen(_ count: Int)
    /// A connection was turned away because the chat was full.
    func connectionRefused()
    /// A reply to a visitor's message, written `latency` after the message was read.
    func replied(_ reply: Reply, latency: Duration)
    /// A line refused because its connection went over the message rate limit.
    func rateLimited()
    /// A knowledge reload was tried: it succeeded, or it failed and the old knowledge stayed.
    func knowledgeReloaded(succeeded: Bool)
}

/// Reports nothing: a server made without metrics.
public struct NoChatServerMetrics: ChatServerMetrics {
    /// Nothing to set up.
    public init() {}
    public func connectionsOpen(_ count: Int) {}
    public func connectionRefused() {}
    public func replied(_ reply: Reply, latency: Duration) {}
    public func rateLimited() {}
    public func knowledgeReloaded(succeeded: Bool) {}
}
