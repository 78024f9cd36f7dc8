import Foundation
import Logging
import OpenDoorKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

extension SQLiteCallbackStore {
    /// The mode of the data folder when the store creates it: its owner only.
    static let directoryMode: mode_t = 0o700
    /// The mode of the database and its -wal and -shm files: its owner only.
    static let fileMode: mode_t = 0o600

    /// Creates the folder (0700) if it is missing, and the database file (0600) if it is missing,
    /// without ever leaving it readable by others, whatever the process's umask. An existing
    /// database file that is readable by others is tightened to 0600.
    ///
    /// The file is made here, not by SQLite, so its mode is set before any byte is written; SQLite
    /// then gives the -wal and -shm files the same mode. With `create` false (and always when
    /// `readOnly`), nothing is created: a missing folder or database is ``CallbackStoreError/Code/notFound``.
    ///
    /// An existing database is never opened here, only looked at by path (`lstat`, `chmod`): other stores
    /// of this process may have it open, and closing any descriptor of a file drops every POSIX lock the
    /// process holds on it, SQLite's included. Another process (a `sqlite3` shell) would then believe it
    /// was the last connection, checkpoint and delete the write-ahead log the open stores still write to.
    ///
    /// A store that writes refuses a folder that other users may write (they could swap the database for
    /// their own, and read every later request), and any database, -wal or -shm file that is a symbolic
    /// link, not a regular file, or owned by another user.
    static func prepareFiles(
        directory: String, database: String, readOnly: Bool, create: Bool, logger: Logger
    ) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw CallbackStoreError.cannotOpen(path: directory, reason: "it is a file, not a folder")
            }
            try checkFolder(directory, readOnly: readOnly, logger: logger)
        } else {
            guard !readOnly, create else {
                throw CallbackStoreError.notFound(path: directory, reason: "the folder does not exist")
            }
            do {
                try FileManager.default.createDirectory(
                    atPath: directory,
                    withIntermediateDirectories: true,
                    attributes: [.posixPermissions: Int(directoryMode)]
                )
            } catch {
                throw fileError(error, path: directory)
            }
            _ = chmod(directory, directoryMode)
            logger.info("Created the data folder", metadata: ["path": "\(directory)"])
        }

        var info = stat()
        if lstat(database, &info) != 0 {
            let code = errno
            guard code == ENOENT else { throw posixError(code, path: database) }
            guard !readOnly, create else {
                throw CallbackStoreError.notFound(path: database, reason: "the folder has no callbacks.sqlite")
            }
            if try createDatabaseFile(database) { return }
            // Made by another store meanwhile: look at it as an existing one.
            guard lstat(database, &info) == 0 else { throw posixError(errno, path: database) }
        } else if !create || readOnly, info.st_mode & S_IFMT == S_IFREG, info.st_size == 0 {
            // An empty file (a `touch`, a crash while creating): opening it would write a new store into it.
            throw CallbackStoreError.notFound(path: database, reason: noStore)
        }
        if readOnly { return }
        let owners = allowedOwners(directory)
        try checkOwnFile(database, info, owners: owners)
        for suffix in ["-wal", "-shm"] {
            var companion = stat()
            if lstat(database + suffix, &companion) == 0 {
                try checkOwnFile(database + suffix, companion, owners: owners)
            }
        }
        // Asked by path: a database this user may not write stays as it is, and is an error.
        guard access(database, R_OK | W_OK) == 0 else { throw posixError(errno, path: database) }
        if info.st_mode & 0o777 != fileMode {
            guard chmod(database, fileMode) == 0 else { throw posixError(errno, path: database) }
            if info.st_size > 0 {
                logger.notice(
                    "Made the callback database readable by its owner only",
                    metadata: ["path": "\(database)", "was": "\(String(info.st_mode & 0o777, radix: 8))"]
                )
            }
        }
    }

    /// Creates a new, empty database file (0600); false when a file appeared there meanwhile. Closing the
    /// new file's descriptor is harmless: no connection of this process can have locks on a file just made.
    private static func createDatabaseFile(_ database: String) throws -> Bool {
        let descriptor = open(database, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, fileMode)
        guard descriptor >= 0 else {
            let code = errno
            if code == EEXIST { return false }
            throw posixError(code, path: database)
        }
        defer { closeDescriptor(descriptor) }
        guard fchmod(descriptor, fileMode) == 0 else { throw posixError(errno, path: database) }
        return true
    }

    /// Refuses a data folder others may write when the store writes; a folder others may only read is
    /// noted (the files in it are 0600 anyway).
    private static func checkFolder(_ directory: String, readOnly: Bool, logger: Logger) throws {
        var info = stat()
        guard stat(directory, &info) == 0 else { throw posixError(errno, path: directory) }
        let mode = String(info.st_mode & 0o777, radix: 8)
        if !readOnly, let refusal = refusal(ofFolder: directory, info) { throw refusal }
        if info.st_mode & 0o077 != 0 {
            // Not changed: the folder may be shared on purpose.
            logger.notice(
                "The data folder can be opened by other users; the database in it is private to its owner",
                metadata: ["path": "\(directory)", "mode": "\(mode)"]
            )
        }
    }

    /// Why a store that writes refuses `directory` (with `info`, its `stat`): other users may write in it. Nil when
    /// they can't. Checked when the store opens and again before each save (one `stat`), so that a folder opened to
    /// others while the server runs is refused when it happens, as staff commands refuse it (QA19 O10).
    static func refusal(ofFolder directory: String, _ info: stat) -> CallbackStoreError? {
        guard info.st_mode & 0o022 != 0 else { return nil }
        let mode = String(info.st_mode & 0o777, radix: 8)
        return CallbackStoreError.cannotOpen(
            path: directory,
            reason: "other users may write in this folder (mode \(mode)), so they could swap the callback "
                + "database for their own; run chmod go-w on it, or give a folder only this user can write")
    }

    /// Who may own the store's files: this user; for root (an administrator's staff command), also the
    /// data folder's owner, the user the service runs as.
    private static func allowedOwners(_ directory: String) -> Set<uid_t> {
        var owners: Set<uid_t> = [geteuid()]
        var info = stat()
        if geteuid() == 0, stat(directory, &info) == 0 { owners.insert(info.st_uid) }
        return owners
    }

    /// Refuses a store file that is a symbolic link, not a regular file, or owned by someone else.
    static func checkOwnFile(_ path: String, _ info: stat, owners: Set<uid_t>) throws {
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFLNK: throw posixError(ELOOP, path: path)
        default: throw CallbackStoreError.cannotOpen(path: path, reason: "it is not a regular file")
        }
        guard owners.contains(info.st_uid) else {
            throw CallbackStoreError.cannotOpen(
                path: path,
                reason: "it belongs to another user (uid \(info.st_uid)), not to the user the server runs as "
                    + "(uid \(geteuid())); it is not opened")
        }
    }

    /// Sets the database and its companion files that exist to 0600.
    static func tightenPermissions(database: String, logger: Logger) throws {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let path = database + suffix
            var info = stat()
            guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_mode & 0o777 != fileMode else {
                continue
            }
            guard chmod(path, fileMode) == 0 else { throw posixError(errno, path: path) }
        }
    }

    /// A file system error as a store error.
    static func posixError(_ code: Int32, path: String) -> CallbackStoreError {
        switch code {
        case EROFS:
            return .readOnly(path: path, reason: CallbackStoreError.readOnlyMount)
        case ENOSPC, EDQUOT:
            return .diskFull(path: path)
        case EACCES, EPERM:
            return .permissionDenied(path: path)
        case ENOENT:
            return .notFound(path: path)
        case EISDIR:
            return .cannotOpen(path: path, reason: "it is a folder, not a file")
        case ELOOP:
            return .cannotOpen(path: path, reason: "it is a symbolic link; give the folder it points into")
        case ENOTDIR:
            return .cannotOpen(path: path, reason: "part of the path is a file, not a folder")
        default:
            return .cannotOpen(path: path, reason: String(cString: strerror(code)))
        }
    }

    /// A FileManager error as a store error.
    static func fileError(_ error: any Error, path: String) -> CallbackStoreError {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain
        {
            return posixError(Int32(underlying.code), path: path)
        }
        if nsError.domain == NSPOSIXErrorDomain { return posixError(Int32(nsError.code), path: path) }
        switch CocoaError.Code(rawValue: nsError.code) {
        case .fileWriteVolumeReadOnly: return .readOnly(path: path, reason: CallbackStoreError.readOnlyMount)
        case .fileWriteOutOfSpace: return .diskFull(path: path)
        case .fileWriteNoPermission: return .permissionDenied(path: path)
        default: return .cannotOpen(path: path, reason: nsError.localizedDescription)
        }
    }
}

/// `close(2)`, out of reach of the store's own `close()`.
func closeDescriptor(_ descriptor: Int32) {
    _ = close(descriptor)
}
