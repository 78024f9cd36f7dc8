import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A hidden switch for tests: with `OPENDOOR_EXIT_WITH_STDIN=1` in its environment, a server command (`serve`,
/// `staff`), which otherwise never reads standard input, shuts down when standard input reaches its end.
///
/// A test gives the server a pipe as standard input and keeps the pipe's other end; when the test process dies,
/// even by SIGKILL or a crash, the kernel closes that end and the server follows it instead of running on as an
/// orphan. (PR_SET_PDEATHSIG would fire when the launching *thread* exits, and test threads come and go.)
enum StandardInputWatch {
    /// The environment variable that turns the watch on.
    static let variable = "OPENDOOR_EXIT_WITH_STDIN"

    /// Starts the watch when the environment asks for it: at end of input the process sends itself SIGTERM (the
    /// ordinary graceful shutdown) and exits with status 70 if it is still running 10 seconds later.
    static func startIfAsked() {
        guard ProcessInfo.processInfo.environment[variable] == "1" else { return }
        let thread = Thread {
            var byte: UInt8 = 0
            while true {
                let count = read(STDIN_FILENO, &byte, 1)
                if count > 0 { continue }
                if count < 0 && errno == EINTR { continue }
                break
            }
            kill(getpid(), SIGTERM)
            sleep(10)
            _exit(70)
        }
        thread.name = "stdin-watch"
        thread.start()
    }
}
