import ArgumentParser
import Foundation
import OpenDoorStaff

extension OpenDoor {
    /// `opendoor staff-user add NAME`: the staff console's accounts.
    struct StaffUser: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "staff-user",
            abstract: "Add, list or remove the staff console's accounts (kept in the data folder, readable by you only).",
            subcommands: [Add.self, List.self, Remove.self])

        /// Says on standard error which accounts file a command uses and what chose its folder, so that an
        /// account added in the wrong folder is never a mystery (the names alone go to standard output).
        /// Returns the folder, or exits 1 when it must be chosen (a PostgreSQL store, see
        /// ``DataOptions/accountsDirectory()``).
        @discardableResult
        static func sayWhere(_ data: DataOptions) throws -> URL {
            let directory = try data.accountsDirectory()
            let file = directory.appendingPathComponent(StaffAccounts.fileName).path
            printError("Staff accounts: \(file) (data folder chosen by \(data.source.origin)).")
            return directory
        }

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Add an account, or set a new password for one.",
                discussion: """
                    The password is asked twice and not shown. Without a terminal, the two lines are read from \
                    standard input. Example: opendoor staff-user add dana
                    """)

            @OptionGroup var data: DataOptions

            @Argument(help: "The account's name: letters, digits, dots, dashes or underscores.")
            var name: String

            @Flag(
                help: ArgumentHelp(
                    "Create the data folder if it isn't there yet (before serve has ever run). Without it, a "
                        + "folder that isn't there is refused: a mistyped --data would otherwise hold accounts "
                        + "nobody uses."))
            var createFolder = false

            func validate() throws {
                if !StaffAccounts.isValidName(name) {
                    throw ValidationError("Use 1 to 32 letters, digits, dots, dashes or underscores for the name.")
                }
            }

            func run() async throws {
                let directory = try StaffUser.sayWhere(data)
                var isFolder: ObjCBool = false
                if !createFolder
                    && !(FileManager.default.fileExists(atPath: directory.path, isDirectory: &isFolder) && isFolder.boolValue)
                {
                    printError(
                        "There is no data folder at \(directory.path) (chosen by \(data.source.origin)); nothing changed. "
                            + "Check --data (or $OPENDOOR_DATA): the accounts belong in the folder that holds "
                            + "callbacks.sqlite. To start a new one before opendoor serve has run, add --create-folder.")
                    throw ExitCode(1)
                }
                guard let first = PasswordPrompt.read("Password for \(name): ") else {
                    printError("No password was given; nothing changed.")
                    throw ExitCode(1)
                }
                guard let second = PasswordPrompt.read("The same password again: ") else {
                    // Piped in once (`echo pw | …`): the password came, its repetition didn't.
                    printError(
                        "The password must be given twice, the second time on the next line "
                            + "(e.g. printf 'pw\\npw\\n' | opendoor staff-user add \(name)); nothing changed.")
                    throw ExitCode(1)
                }
                guard first == second else {
                    printError("The two passwords differ; nothing changed. Please try again.")
                    throw ExitCode(1)
                }
                do {
                    let isNew = try StaffAccounts.set(name: name, password: first, in: directory)
                    print(isNew ? "Added \(name)." : "Set a new password for \(name).")
                } catch {
                    printError("\(error)")
                    throw ExitCode(1)
                }
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List the accounts.")

            @OptionGroup var data: DataOptions

            func run() async throws {
                let directory = try StaffUser.sayWhere(data)
                do {
                    let accounts = try StaffAccounts.load(directory: directory)
                    if accounts.names.isEmpty {
                        printError("No staff accounts yet. Add one with: opendoor staff-user add NAME")
                    } else {
                        print(accounts.names.joined(separator: "\n"))
                    }
                } catch {
                    printError("\(error)")
                    throw ExitCode(1)
                }
            }
        }

        struct Remove: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Remove an account.")

            @OptionGroup var data: DataOptions

            @Argument(help: "The account's name.")
            var name: String

            func run() async throws {
                let directory = try StaffUser.sayWhere(data)
                do {
                    guard try StaffAccounts.remove(name: name, in: directory) else {
                        printError("There is no account \(name) there. opendoor staff-user list shows them.")
                        throw ExitCode(1)
                    }
                    print("Removed \(name). Anyone signed in as \(name) is signed out when the console restarts.")
                } catch let error as StaffAccountsError {
                    printError("\(error)")
                    throw ExitCode(1)
                }
            }
        }
    }
}

/// Reads a password without showing it: echo off on a terminal, a plain line otherwise (scripts, tests).
enum PasswordPrompt {
    static func read(_ prompt: String) -> String? {
        guard isatty(STDIN_FILENO) != 0 else { return readLine(strippingNewline: true) }
        FileHandle.standardError.write(Data(prompt.utf8))
        var saved = termios()
        tcgetattr(STDIN_FILENO, &saved)
        var silent = saved
        silent.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
        defer {
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        return readLine(strippingNewline: true)
    }
}
