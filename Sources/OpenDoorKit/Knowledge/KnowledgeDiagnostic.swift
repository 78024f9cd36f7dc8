/// A problem found in a knowledge file, with the place a person should look and what to do about it.
public struct KnowledgeDiagnostic: Sendable, Hashable, CustomStringConvertible {
    /// How bad a problem is: warnings don't stop a load, errors stop it whole.
    public enum Severity: String, Sendable, Hashable, Comparable {
        case warning
        case error

        public static func < (lhs: Severity, rhs: Severity) -> Bool {
            lhs == .warning && rhs == .error
        }
    }

    /// Warning or error.
    public var severity: Severity
    /// The file, as a path relative to the knowledge folder where possible.
    public var file: String
    /// The 1-based line the problem is on, when it could be found.
    public var line: Int?
    /// What is wrong and what to do, in one or two sentences.
    public var message: String

    /// Creates a diagnostic.
    public init(_ severity: Severity, file: String, line: Int? = nil, _ message: String) {
        self.severity = severity
        self.file = file
        self.line = line
        self.message = message
    }

    /// `file:line: error: message`, the shape compilers use, so editors can jump to it.
    public var description: String {
        let place = line.map { "\(file):\($0)" } ?? file
        return "\(place): \(severity.rawValue): \(message)"
    }
}

/// The knowledge could not be loaded; nothing was half-loaded.
public struct KnowledgeError: Error, Sendable, CustomStringConvertible {
    /// Every problem found, errors and warnings, in file order.
    public var diagnostics: [KnowledgeDiagnostic]

    /// Creates an error from the problems found.
    public init(diagnostics: [KnowledgeDiagnostic]) {
        self.diagnostics = diagnostics
    }

    public var description: String {
        let errors = diagnostics.filter { $0.severity == .error }
        let lines = diagnostics.map(\.description).joined(separator: "\n")
        return "The knowledge has \(errors.count) error(s); nothing was loaded.\n\(lines)"
    }
}
