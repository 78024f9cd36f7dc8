import Foundation
import Hummingbird

/// The fields of a posted form (`application/x-www-form-urlencoded`), read with a size limit.
struct FormFields: Sendable {
    /// The most a form may hold: "Try a message" takes a visitor-length message, nothing takes more.
    static let maximumBytes = 16 * 1024

    private var values: [String: String] = [:]

    /// Reads the request's body; too large a body is refused (413).
    static func read(_ request: Request, context: StaffRequestContext) async throws -> FormFields {
        let body = try await request.body.collect(upTo: maximumBytes)
        return FormFields(encoded: String(buffer: body))
    }

    /// Parses `a=1&b=two+words`; the first of a repeated name wins.
    init(encoded: String) {
        for pair in encoded.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]) else { continue }
            let value = parts.count > 1 ? Self.decode(parts[1]) ?? "" : ""
            if values[name] == nil { values[name] = value }
        }
    }

    subscript(_ name: String) -> String? { values[name] }

    private static func decode(_ text: Substring) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}

extension StaffSession {
    /// Whether `token` is this session's form token; compared in constant time.
    func accepts(token: String?) -> Bool {
        guard let token else { return false }
        let expected = Array(formToken.utf8)
        let given = Array(token.utf8)
        guard expected.count == given.count else { return false }
        var difference: UInt8 = 0
        for index in expected.indices { difference |= expected[index] ^ given[index] }
        return difference == 0
    }
}
