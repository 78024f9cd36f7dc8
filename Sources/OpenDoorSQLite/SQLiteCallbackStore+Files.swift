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
    static func prepareFiles(
        directory: String, database: String, readOnly: Bool, create: Bool, logger: Logger
    ) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw CallbackStoreError.cannotOpen(path: directory, reason: "it is a file, not a folder")
            }
            var info = stat()
            if stat(directory, &info) == 0, info.st_mode & 0o077 != 0 {
                // Not changed: the folder may be shared on purpose. The files in it are 0600 anyway.
                logger.notice(
                    "The data folder can be opened by other users; the database in it is private to its owner",
                    metadata: ["path": "\(directory)", "mode": "\(String(info.st_mode & 0o777, radix: 8))"]
                )
            }
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

        if readOnly || !create {
            var info = stat()
            guard lstat(database, &info) == 0 else {
                if errno == ENOENT {
                    throw CallbackStoreError.notFound(path: database, reason: "the folder has no callbacks.sqlite")
                }
                throw posixError(errno, path: database)
            }
            if readOnly { return }
        }
        let descriptor = open(database, O_RDWR | (create ? O_CREAT : 0) | O_CLOEXEC | O_NOFOLLOW, fileMode)
        guard descriptor >= 0 else { throw posixError(errno, path: database) }
        defer { closeDescriptor(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw posixError(errno, path: database) }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw CallbackStoreError.cannotOpen(path: database, reason: "it is not a regular file")
        }
        if info.st_mode & 0o777 != fileMode {
            guard fchmod(descriptor, fileMode) == 0 else { throw posixError(errno, path: database) }
            if info.st_size > 0 {
                logger.notice(
                    "Made the callback database readable by its owner only",
                    metadata: ["path": "\(database)", "was": "\(String(info.st_mode & 0o777, radix: 8))"]
                )
            }
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
