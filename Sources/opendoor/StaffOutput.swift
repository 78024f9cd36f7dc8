import ArgumentParser
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Standard output for what staff commands write (`callbacks list`, `callbacks export`, `crisis-counts`), with every
/// write checked (QA29 S2-5): a nightly `callbacks export > /backup/callbacks.csv` on a full disk must fail, not exit 0
/// with an empty file.
///
/// Each write and (for a regular file) the final sync are checked. On a failure the command says
/// what went wrong on standard error and exits 1; a regular file it was writing from its start (`> FILE`, not
/// `>> FILE`) is removed, so that no half export is mistaken for a whole one. A reader that goes away (`| head`)
/// ends the command quietly, as the pipe's signal always did.
struct StaffOutput {
    /// What is written, for the message: "the export", "the list".
    let what: String
    /// Where standard output stood when the command began (a file it appends to, or one it writes from the start).
    private let start: off_t

    init(_ what: String) {
        self.what = what
        start = lseek(STDOUT_FILENO, 0, SEEK_CUR)
        // A file size limit (`ulimit -f`) is then a failed write, told and cleaned up, not a signal that kills the
        // command with a half file left behind.
        signal(SIGXFSZ, SIG_IGN)
    }

    /// Writes `text`; throws (after saying why and cleaning up) when it can't be written whole.
    func write(_ text: String) throws {
        var text = text
        // Straight to the descriptor (a page of rows at a time): nothing is left in a buffer to fail unseen later.
        let failure: Int32? = text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(STDOUT_FILENO, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return nil
        }
        if let failure { try fail(failure) }
    }

    /// For a regular file, asks the disk to keep what was written (a full disk can show only here); throws as
    /// ``write(_:)`` does.
    func finish() throws {
        var status = stat()
        if fstat(STDOUT_FILENO, &status) == 0, status.st_mode & S_IFMT == S_IFREG, fsync(STDOUT_FILENO) != 0 {
            try fail(errno)
        }
    }

    private func fail(_ code: Int32) throws -> Never {
        // The reader went away (`export | head`): nothing to report.
        if code == EPIPE { throw ExitCode.success }
        let reason = String(cString: strerror(code))
        var message = "Could not write \(what) to standard output: \(reason.prefix(1).lowercased() + reason.dropFirst())."
        if let removed = removePartialFile() {
            message += " The partial file \(removed) was removed, so that it is not taken for a complete one."
        } else {
            message += " What was written is incomplete."
        }
        printError(message + " Free some space (or choose another place) and run the command again.")
        throw ExitCode.failure
    }

    /// Removes the regular file standard output writes to, when the command wrote it from its start (not appended
    /// to it): its path, or nil when there is none or it was left.
    private func removePartialFile() -> String? {
        var status = stat()
        guard start == 0, fstat(STDOUT_FILENO, &status) == 0, status.st_mode & S_IFMT == S_IFREG,
            fcntl(STDOUT_FILENO, F_GETFL) & O_APPEND == 0,
            let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(STDOUT_FILENO)")
        else { return nil }
        // Only the file still at that path (not one put there since).
        var there = stat()
        guard stat(path, &there) == 0, there.st_ino == status.st_ino, there.st_dev == status.st_dev,
            unlink(path) == 0
        else { return nil }
        return path
    }
}
