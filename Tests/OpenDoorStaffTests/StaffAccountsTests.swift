import Foundation
import HummingbirdBcrypt
import OpenDoorTestSupport
import Testing

@testable import OpenDoorStaff

@Suite("Staff accounts")
struct StaffAccountsTests {
    @Test("an account is kept as a bcrypt hash in a file readable by its owner only")
    func addAndVerify() async throws {
        try await withTemporaryDirectory { directory in
            #expect(try StaffAccounts.set(name: "dana", password: "a long password", in: directory, cost: 4))
            #expect(try !StaffAccounts.set(name: "dana", password: "another long one", in: directory, cost: 4))
            let file = directory.appendingPathComponent(StaffAccounts.fileName)
            #expect(try permissionBits(file) == 0o600)
            let text = try String(contentsOf: file, encoding: .utf8)
            #expect(text.hasPrefix("dana:$2"))
            #expect(!text.contains("another long one"))
            let accounts = try StaffAccounts.load(directory: directory)
            #expect(accounts.verify(name: "dana", password: "another long one"))
            #expect(!accounts.verify(name: "dana", password: "a long password"))
            #expect(!accounts.verify(name: "sam", password: "another long one"))
            #expect(try StaffAccounts.remove(name: "dana", in: directory))
            #expect(try StaffAccounts.load(directory: directory).names.isEmpty)
        }
    }

    @Test("a password file others may read is refused, with the command that fixes it")
    func wrongPermissions() async throws {
        try await withTemporaryDirectory { directory in
            try StaffAccounts.set(name: "dana", password: "a long password", in: directory, cost: 4)
            let file = directory.appendingPathComponent(StaffAccounts.fileName)
            chmod(file.path, 0o644)
            let error = #expect(throws: StaffAccountsError.self) { try StaffAccounts.load(directory: directory) }
            #expect(error?.description.contains("chmod 600 \(file.path)") == true)
            // Sign-in refuses too, rather than trusting the file.
            #expect(throws: StaffAccountsError.self) {
                try StaffAccounts.set(name: "sam", password: "a long password", in: directory, cost: 4)
            }
        }
    }

    @Test("names and passwords are checked")
    func validation() async throws {
        try await withTemporaryDirectory { directory in
            #expect(throws: StaffAccountsError.invalidName("a b")) {
                try StaffAccounts.set(name: "a b", password: "a long password", in: directory, cost: 4)
            }
            #expect(throws: StaffAccountsError.shortPassword) {
                try StaffAccounts.set(name: "dana", password: "short", in: directory, cost: 4)
            }
        }
    }

    @Test("a password over bcrypt's 72 bytes is refused with a clear message, and nothing changes; 72 bytes are fine")
    func longPassword() async throws {
        try await withTemporaryDirectory { directory in
            let longest = String(repeating: "L", count: 72)
            try StaffAccounts.set(name: "dana", password: longest, in: directory, cost: 4)
            #expect(try StaffAccounts.load(directory: directory).verify(name: "dana", password: longest))
            // One byte more: bcrypt would have checked only the first 72, so `longest` + anything would sign in.
            #expect(throws: StaffAccountsError.longPassword(bytes: 73)) {
                try StaffAccounts.set(name: "dana", password: longest + "Z", in: directory, cost: 4)
            }
            // 19 emoji are 76 bytes though 19 characters.
            let emoji = String(repeating: "🔑", count: 19)
            #expect(throws: StaffAccountsError.longPassword(bytes: 76)) {
                try StaffAccounts.set(name: "robin", password: emoji, in: directory, cost: 4)
            }
            #expect("\(StaffAccountsError.longPassword(bytes: 76))".contains("72 bytes"))
            let accounts = try StaffAccounts.load(directory: directory)
            #expect(accounts.verify(name: "dana", password: longest), "the refused change left the password as it was")
            #expect(!accounts.verify(name: "robin", password: emoji), "no account was added")
        }
    }

    @Test("a password with NUL or another control character is refused at add and change, and nothing changes")
    func controlCharacters() async throws {
        try await withTemporaryDirectory { directory in
            let refused = [
                "abcdefghijk\0XYZ", "\0aaaaaaaaaa", "tab\tin the middle", "escape\u{1B}[31m red", "del\u{7F}xxxxxxx",
                "c1\u{85}control xx",
            ]
            for password in refused {
                #expect(throws: StaffAccountsError.controlCharacter, "\(password.debugDescription)") {
                    try StaffAccounts.set(name: "dana", password: password, in: directory, cost: 4)
                }
            }
            #expect("\(StaffAccountsError.controlCharacter)".contains("NUL"))
            let names = try StaffAccounts.load(directory: directory).names
            #expect(names.isEmpty, "no account was added")
            // Spaces, punctuation and other scripts are fine.
            #expect(try StaffAccounts.set(name: "dana", password: " Ünïcode & spaces ", in: directory, cost: 4))
            #expect(try StaffAccounts.load(directory: directory).verify(name: "dana", password: " Ünïcode & spaces "))
        }
    }

    @Test("sign-in refuses, before bcrypt, an empty password, one over 72 bytes, and one with a NUL (QA22 O2)")
    func signInRefusesImpossiblePasswords() async throws {
        try await withTemporaryDirectory { directory in
            let longest = String(repeating: "a", count: 72)
            try StaffAccounts.set(name: "dana", password: longest, in: directory, cost: 4)
            // An account made before NUL was refused: bcrypt hashed "\0aaaaaaaaaa" as the empty password.
            let file = directory.appendingPathComponent(StaffAccounts.fileName)
            let legacy = try String(contentsOf: file, encoding: .utf8)
                + "u0:\(Bcrypt.hash("\0aaaaaaaaaa", cost: 4))\n"
            try Data(legacy.utf8).write(to: file)
            let accounts = try StaffAccounts.load(directory: directory)
            #expect(accounts.verify(name: "dana", password: longest))
            #expect(!accounts.verify(name: "dana", password: longest + "zzz"), "73+ bytes: refused, not cut to 72")
            for password in ["", "\0", "\0aaaaaaaaaa", "\0anything at all"] {
                #expect(!accounts.verify(name: "u0", password: password), "\(password.debugDescription)")
            }
            #expect(!StaffAccounts.isPossiblePassword(""))
            #expect(!StaffAccounts.isPossiblePassword("abc\ndef"))
            #expect(StaffAccounts.isPossiblePassword(longest))
        }
    }

    @Test("a malformed line is reported with its line number")
    func malformed() async throws {
        try await withTemporaryDirectory { directory in
            let file = directory.appendingPathComponent(StaffAccounts.fileName)
            _ = FileManager.default.createFile(atPath: file.path, contents: Data("dana:$2b$04$x\nnonsense\n".utf8),
                attributes: [.posixPermissions: 0o600])
            #expect(throws: StaffAccountsError.malformed(path: file.path, line: 2)) {
                try StaffAccounts.load(directory: directory)
            }
        }
    }
}
