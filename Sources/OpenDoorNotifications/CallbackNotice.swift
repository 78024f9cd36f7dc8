import Foundation
import OpenDoorKit

/// What the webhook says about a saved callback request: its reference code, the channel it came from and when it
/// was saved. Never the name, the phone number, the best time or anything else the visitor said.
public struct CallbackNotice: Sendable, Hashable, Codable {
    /// The request's reference code, e.g. `K7M-3QP`: staff find the request with it.
    public var reference: String
    /// Where the request was made: `socket`, `terminal`, …
    public var channel: String
    /// When it was saved, ISO 8601 in UTC, e.g. `2026-12-05T05:30:00Z`.
    public var time: String

    /// The notice for a saved request.
    public init(_ request: CallbackRequest) {
        reference = request.reference
        channel = request.channel.rawValue
        time = request.created.formatted(.iso8601)
    }

    /// The POST body: one JSON object, keys sorted.
    public func json() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Three strings always encode.
        return (try? encoder.encode(self)) ?? Data("{}".utf8)
    }
}
