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

            func validate() throws {
                if !StaffAccounts.isValidName(name) {
                    throw ValidationError("Use 1 to 32 letters, digits, dots, dashes or underscores for the name.")
                }
            }

            func run() async throws {
                let directory = data.directory
                let (path, origin) = data.source
                print("Staff accounts are kept in \(path)/\(StaffAccounts.fileName) (folder chosen by \(origin)).")
                guard let first = PasswordPrompt.read("Password for \(name): "),
                    let second = PasswordPrompt.read("The same password again: ")
                else {
                    printError("No password was given; nothing changed.")
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
                do {
                    let accounts = try StaffAccounts.load(directory: data.directory)
                    let (path, origin) = data.source
                    if accounts.names.isEmpty {
                        print("No staff accounts in \(path) (chosen by \(origin)). Add one with: opendoor staff-user add NAME")
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
                do {
                    guard try StaffAccounts.remove(name: name, in: data.directory) else {
                        printError("There is no account \(name) in \(data.source.path).")
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
