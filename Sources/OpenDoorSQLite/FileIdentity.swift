#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Which file a path names: its device and inode. A file deleted, or replaced by another (a restore, a
/// `mv` of another database over it), gets a different identity or none, though an open SQLite
/// connection would go on writing into the old, now invisible, one.
struct FileIdentity: Hashable, Sendable, CustomStringConvertible {
    var device: UInt64
    var inode: UInt64

    /// The identity of the file at `path`, or the `errno` that says why there is none.
    static func of(_ path: String) -> Result<FileIdentity, Errno> {
        var info = stat()
        guard stat(path, &info) == 0 else { return .failure(Errno(errno)) }
        return .success(FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino)))
    }

    var description: String { "device \(device), inode \(inode)" }

    /// An `errno` value as an error.
    struct Errno: Error, Hashable {
        var code: Int32
        init(_ code: Int32) { self.code = code }
    }
}

/// What the file system holding a folder can take right now, from `statvfs(3)` and `access(2)`.
struct Volume: Sendable {
    /// Whether the file system is mounted read-only.
    var isReadOnly: Bool
    /// Bytes free for an unprivileged writer.
    var freeBytes: Int64
    /// Whether this user may create files in the folder.
    var isWritable: Bool

    /// The folder's volume, or nil when the folder can't be looked at (missing, no permission).
    static func of(_ directory: String) -> Volume? {
        var info = statvfs()
        guard statvfs(directory, &info) == 0 else { return nil }
        return Volume(
            isReadOnly: info.f_flag & UInt(ST_RDONLY) != 0,
            freeBytes: Int64(info.f_bavail) * Int64(info.f_frsize),
            isWritable: access(directory, W_OK) == 0
        )
    }
}
