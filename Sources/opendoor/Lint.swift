import ArgumentParser
import OpenDoorKit

extension OpenDoor {
    /// `opendoor lint`: the loader's checks plus quality checks.
    struct Lint: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the knowledge: the loader's checks, too few examples, examples that fit another intent.")

        @OptionGroup var options: KnowledgeOptions

        @Flag(help: "Treat warnings as errors.")
        var strict = false

        func run() async throws {
            let knowledge = try options.load()
            let diagnostics = KnowledgeLinter(knowledge: knowledge).check()
            for diagnostic in diagnostics { print(diagnostic) }
            let errors = diagnostics.filter { $0.severity == .error }.count
            let warnings = diagnostics.count - errors
            print("\(knowledge.intents.count) intents, \(errors) error(s), \(warnings) warning(s)")
            if errors > 0 || (strict && warnings > 0) { throw ExitCode(1) }
        }
    }
}
