extension CallbackStoreError {
    /// What happened and what to do, for a store on a database server (`path` is its URL, without a
    /// password): the advice is about the server, the URL and its user, not about folders and files.
    func serverDescription(url: String) -> String {
        let because = reason.map { " (\($0))" } ?? ""
        switch code {
        case .cannotOpen, .notFound, .permissionDenied:
            return "Could not use the callback database at \(url)\(because)."
        case .readOnly:
            return "The callback database at \(url) accepts no writes (a standby, or a read-only user or "
                + "session), so nothing can be saved. Point --store at the primary server with a user that may write."
        case .diskFull:
            return "The disk of the database server for \(url) is full, so nothing can be saved. "
                + "Free space on that server; requests saved before are not affected."
        case .locked:
            return "The callback database at \(url) is busy: a lock or a conflicting transaction held the request "
                + "up\(because). Try again; if it persists, look for long transactions on the server."
        case .damaged:
            return "The callback database at \(url) holds data OpenDoor can't read\(because). "
                + "Check the server's logs and the callback_request table."
        case .newerSchema:
            return "The callback database at \(url) was migrated by a newer version of OpenDoor. "
                + "Run that version on every server."
        case .saveFailed:
            return "The callback request could not be saved at \(url)\(because)."
        case .readFailed:
            return "The callback requests could not be read at \(url)\(because)."
        case .unconfirmed:
            return "A callback request sent to \(url) could not be confirmed as saved\(because); it may be stored. "
                + "Look for long transactions or locks on the server."
        case .closed:
            return "The callback store was already closed."
        default:
            return "Callback store error \(code) at \(url)\(because)."
        }
    }
}
