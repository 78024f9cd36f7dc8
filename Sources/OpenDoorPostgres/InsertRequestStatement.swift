import Foundation
import OpenDoorKit
import PostgresNIO

/// The save's statement, prepared once per connection: `INSERT … ON CONFLICT (save_key) DO NOTHING RETURNING`
/// the row, so the server doesn't parse and plan it again for every request. It runs between BEGIN and COMMIT:
/// its row alone does not prove the commit (see `PostgresCallbackStore.insert`).
///
/// No row back means the save key is already there: an earlier try of the same save committed on a connection
/// that was then lost.
struct InsertRequestStatement: PostgresPreparedStatement {
    static let name = "opendoor_insert_callback_request_v2"

    static let sql = """
        INSERT INTO callback_request
            (reference, created_ms, name, phone_e164, phone_extension, best_time, voicemail_ok, channel, status,
             save_key, best_time_said, voicemail)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
        ON CONFLICT (save_key) DO NOTHING
        RETURNING \(PostgresCallbackStore.columns)
        """

    // Given, not inferred from the first request's values: a first request with no name would bind NULL.
    static let bindingDataTypes: [PostgresDataType] = [
        .text, .int8, .text, .text, .text, .text, .bool, .text, .text, .uuid, .text, .text,
    ]

    typealias Row = CallbackRequest

    var request: CallbackRequest
    var milliseconds: Int64
    var saveKey: UUID

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 12)
        bindings.append(request.reference)
        bindings.append(milliseconds)
        bindings.append(request.name)
        bindings.append(request.phone.e164)
        bindings.append(request.phone.extensionDigits)
        bindings.append(request.bestTime.rawValue)
        bindings.append(request.voicemailOK)
        bindings.append(request.channel.rawValue)
        bindings.append(request.status.rawValue)
        bindings.append(saveKey)
        bindings.append(request.bestTimeSaid)
        bindings.append(request.voicemail.rawValue)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> CallbackRequest {
        try PostgresCallbackStore.request(from: row)
    }
}
