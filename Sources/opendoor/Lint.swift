import ArgumentParser
import Foundation
import OpenDoorKit

extension OpenDoor {
    /// `opendoor lint`: the loader's checks plus quality checks.
    struct Lint: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the knowledge: the loader's checks, too few examples, examples that fit another intent.",
            discussion: "safety.yaml is checked as strictly as `ask` and `serve` load it: a missing file is an error.")

        @OptionGroup var options: KnowledgeOptions

        @Flag(help: "Treat warnings as errors.")
        var strict = false

        func run() async throws {
            // The loaders' problems are known in a second or two; the example checks take minutes. Each is
            // printed as soon as it is known, so a broken file is never waited for.
            var diagnostics = Self.safetyDiagnostics(in: options.directory)
            Self.show(diagnostics)
            let knowledge: Knowledge
            do {
                knowledge = try Knowledge.load(from: options.directory)
            } catch {
                printError(error.description)
                options.sayWhereLookedIfMissing()
                diagnostics += error.diagnostics
                try Self.summarize(intents: nil, diagnostics, strict: strict)
                return
            }
            // Round 28: a misspelling written into a safety pattern switches off typo correction for it: a warning.
            diagnostics += Self.misspelledSafetyWords(in: options.directory, knowledge: knowledge)
            // The loader's warnings are known now; the linter lists them first, then what its example checks find.
            Self.show(knowledge.warnings)
            let found = KnowledgeLinter(knowledge: knowledge).check()
            Self.show(Array(found.dropFirst(knowledge.warnings.count)))
            try Self.summarize(intents: knowledge.intents.count, diagnostics + found, strict: strict)
        }

        private static func show(_ diagnostics: [KnowledgeDiagnostic]) {
            for diagnostic in diagnostics { print(diagnostic) }
            fflush(nil)
        }

        /// The closing count; exits 1 on errors (or on warnings with `--strict`).
        private static func summarize(intents: Int?, _ diagnostics: [KnowledgeDiagnostic], strict: Bool) throws {
            let errors = diagnostics.filter { $0.severity == .error }.count
            let warnings = diagnostics.count - errors
            let counted = intents.map { "\($0) intents, " } ?? "The knowledge did not load: "
            print("\(counted)\(errors) error(s), \(warnings) warning(s)")
            if errors > 0 || (strict && warnings > 0) { throw ExitCode(1) }
        }

        /// safety.yaml's pattern words that look like a misspelling of a crisis word (`misspelledPatternWords`), shown as
        /// found; words of the knowledge's own texts and its common words are real words. Nothing when it doesn't load.
        static func misspelledSafetyWords(in directory: URL, knowledge: Knowledge) -> [KnowledgeDiagnostic] {
            guard let rules = try? SafetyRules.load(from: directory.appendingPathComponent("safety.yaml")) else { return [] }
            var real = knowledge.commonWords
            for intent in knowledge.intents {
                for text in intent.examples + [intent.answer] { real.formUnion(TextNormalizer.words(text)) }
            }
            let found = rules.misspelledPatternWords(realWords: real)
            show(found)
            return found
        }

        /// Every problem loading `safety.yaml` would stop `ask` and `serve` with, a missing file included.
        static func safetyDiagnostics(in directory: URL) -> [KnowledgeDiagnostic] {
            let url = directory.appendingPathComponent("safety.yaml")
            let exists = FileManager.default.fileExists(atPath: url.path)
            do {
                _ = try SafetyRules.load(from: url)
                return []
            } catch let error as KnowledgeError where !exists {
                // Named as the loader names it (the folder given, as `ask` says it), with why it matters.
                return error.diagnostics.map {
                    KnowledgeDiagnostic(
                        .error, file: $0.file,
                        "missing: every message is checked for a crisis with these rules, so ask and serve can't start without them")
                }
            } catch let error as KnowledgeError {
                return error.diagnostics
            } catch {
                return [KnowledgeDiagnostic(.error, file: "safety.yaml", "could not check the safety rules: \(error)")]
            }
        }
    }
}
