import Foundation
import HummingbirdBcrypt

/// The staff accounts: one file, `staff-users`, in the data folder, a line `NAME:BCRYPT-HASH` per account,
/// readable and writable by its owner only (0600).
///
/// A file that others may read or write is refused, not used: anyone who can write it can add an account,
/// and anyone who can read it can try to crack the hashes offline.
public struct StaffAccounts: Sendable {
    /// The file's name inside the data folder.
    public static let fileName = "staff-users"
    /// bcrypt's cost for new passwords (2^12 rounds: about a quarter of a second).
    public static let defaultCost: UInt8 = 12

    /// The file.
    public let path: String
    /// Each account's bcrypt hash, by name.
    private(set) var hashes: [String: String]

    /// Reads the accounts in `directory`; no file means no accounts yet.
    ///
    /// - Throws: ``StaffAccountsError`` when the file's permissions let others in, or it can't be read.
    public static func load(directory: URL) throws(StaffAccountsError) -> StaffAccounts {
        let path = directory.appendingPathComponent(fileName).path
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT { return StaffAccounts(path: path, hashes: [:]) }
            throw .unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        if info.st_mode & 0o077 != 0 {
            throw .tooOpen(path: path, mode: info.st_mode & 0o777)
        }
        if info.st_uid != geteuid() {
            throw .notOwner(path: path)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadable(path: path, reason: "could not read it")
        }
        var hashes: [String: String] = [:]
        for (index, line) in String(decoding: data, as: UTF8.self).split(separator: "\n").enumerated() {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, isValidName(String(parts[0])), parts[1].hasPrefix("$2") else {
                throw .malformed(path: path, line: index + 1)
            }
            hashes[String(parts[0])] = String(parts[1])
        }
        return StaffAccounts(path: path, hashes: hashes)
    }

    /// The account names, sorted.
    public var names: [String] { hashes.keys.sorted() }

    /// Whether `name` is one of the accounts.
    public func has(name: String) -> Bool { hashes[name] != nil }

    /// Whether `name` is a usable account name: 1 to 32 letters, digits, dots, dashes or underscores.
    public static func isValidName(_ name: String) -> Bool {
        (1...32).contains(name.count)
            && name.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0)) }
    }

    /// The longest password accepted, in bytes of UTF-8: bcrypt reads no further, so a longer one would be checked
    /// on its first 72 bytes only (72 letters of plain English; fewer with accents, other scripts or emoji).
    public static let maximumPasswordBytes = 72

    /// Adds `name` (or sets its password, if it exists) and writes the file (0600) in `directory`, which is
    /// created (0700) if missing. Returns whether the account is new.
    @discardableResult
    public static func set(
        name: String, password: String, in directory: URL, cost: UInt8 = defaultCost
    ) throws(StaffAccountsError) -> Bool {
        guard isValidName(name) else { throw .invalidName(name) }
        guard password.count >= 10 else { throw .shortPassword }
        // bcrypt reads the first 72 bytes only: past them a password would sign in with its start alone (QA21 O5).
        guard password.utf8.count <= maximumPasswordBytes else { throw .longPassword(bytes: password.utf8.count) }
        // bcrypt stops at a NUL: "\0anything" would be the empty password (QA22 O2). Other control characters are
        // refused too: nobody can type them at the sign-in form.
        guard !hasControlCharacter(password) else { throw .controlCharacter }
        do {
            try FileManager.default.createDirectory(
                at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw .unwritable(path: directory.path, reason: "\(error.localizedDescription)")
        }
        var accounts = try load(directory: directory)
        let isNew = accounts.hashes[name] == nil
        accounts.hashes[name] = Bcrypt.hash(password, cost: cost)
        try accounts.writeFile()
        return isNew
    }

    /// Removes `name` from the file in `directory`; returns whether there was such an account.
    public static func remove(name: String, in directory: URL) throws(StaffAccountsError) -> Bool {
        var accounts = try load(directory: directory)
        guard accounts.hashes.removeValue(forKey: name) != nil else { return false }
        try accounts.writeFile()
        return true
    }

    /// Whether `password` holds a control character (NUL, a line break, escape, DEL, C1 controls): never part of a
    /// password, and NUL would end it for bcrypt.
    public static func hasControlCharacter(_ password: String) -> Bool {
        password.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }

    /// Whether `password` could be any account's: not empty, at most ``maximumPasswordBytes`` bytes, no control
    /// character. `set` accepts no other, so sign-in refuses others before bcrypt is asked (which would read a NUL
    /// as the end and only the first 72 bytes: "\0…" would match an empty password, QA22 O2).
    public static func isPossiblePassword(_ password: String) -> Bool {
        !password.isEmpty && password.utf8.count <= maximumPasswordBytes && !hasControlCharacter(password)
    }

    /// Checks `password` for `name`. An unknown name costs as much time as a wrong password, so the answer's
    /// speed doesn't tell which names exist (a password no account can have is refused at once, for any name,
    /// which tells nothing about names). Run it off the event loops: bcrypt takes a quarter of a second.
    public func verify(name: String, password: String) -> Bool {
        guard Self.isPossiblePassword(password) else { return false }
        guard let hash = hashes[name] else {
            // Checked against another account's hash for the time it takes; the answer is no whatever it says.
            if let other = hashes.values.first { _ = Bcrypt.verify(password, hash: other) }
            return false
        }
        return Bcrypt.verify(password, hash: hash)
    }

    /// Writes the file whole to a temporary file (0600) and renames it over the old one.
    private func writeFile() throws(StaffAccountsError) {
        let text = hashes.keys.sorted().map { "\($0):\(hashes[$0]!)\n" }.joined()
        let temporary = path + ".new"
        unlink(temporary)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else { throw .unwritable(path: temporary, reason: String(cString: strerror(errno))) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor)
        close(descriptor)
        guard written == bytes.count, synced == 0, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw .unwritable(path: path, reason: String(cString: strerror(errno)))
        }
    }
}

/// Why the staff accounts can't be used, with what to do.
public enum StaffAccountsError: Error, Hashable, CustomStringConvertible {
    /// Others may read or write the file.
    case tooOpen(path: String, mode: mode_t)
    /// Another user owns the file.
    case notOwner(path: String)
    /// The file can't be read.
    case unreadable(path: String, reason: String)
    /// A line is not `NAME:HASH`.
    case malformed(path: String, line: Int)
    /// The file or its folder can't be written.
    case unwritable(path: String, reason: String)
    /// A name with characters other than letters, digits, `.`, `-`, `_`, or longer than 32.
    case invalidName(String)
    /// A password under 10 characters.
    case shortPassword
    /// A password over ``StaffAccounts/maximumPasswordBytes`` bytes of UTF-8 (bcrypt's limit); how many it has.
    case longPassword(bytes: Int)
    /// A password with a control character (NUL, a tab, escape…).
    case controlCharacter

    public var description: String {
        switch self {
        case .tooOpen(let path, let mode):
            "The staff password file \(path) may be read or written by others (mode \(String(mode, radix: 8))), so "
                + "it is not used. Make it private with: chmod 600 \(path)"
        case .notOwner(let path):
            "The staff password file \(path) belongs to another user, so it is not used. "
                + "Run OpenDoor as the user that owns it."
        case .unreadable(let path, let reason):
            "Could not read the staff password file \(path) (\(reason))."
        case .malformed(let path, let line):
            "\(path):\(line): this line is not NAME:HASH. Remove it and add the account again with "
                + "opendoor staff-user add NAME."
        case .unwritable(let path, let reason):
            "Could not write \(path) (\(reason))."
        case .invalidName(let name):
            "“\(name)” can't be an account name: use 1 to 32 letters, digits, dots, dashes or underscores."
        case .shortPassword:
            "Choose a password of at least 10 characters."
        case .longPassword(let bytes):
            "That password is \(bytes) bytes long; the most is \(StaffAccounts.maximumPasswordBytes) bytes (72 letters of "
                + "plain English, fewer with accents, other scripts or emoji), because the password hash (bcrypt) reads "
                + "no further. Choose a shorter one; nothing changed."
        case .controlCharacter:
            "That password holds a control character (such as NUL, a tab or escape), which the sign-in form can't "
                + "take and the password hash (bcrypt) would cut at. Choose one of letters, digits, spaces and "
                + "punctuation; nothing changed."
        }
    }
}
