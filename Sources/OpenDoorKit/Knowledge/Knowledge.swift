import Foundation

/// Everything OpenDoor knows: the center's facts, its approved answers, the vocabulary and its own words.
///
/// Loaded whole from a folder of YAML files, or not at all: a bad file stops the load with diagnostics
/// that name the file and line.
public struct Knowledge: Sendable {
    /// Facts about the center.
    public var center: CenterFacts
    /// Every intent, in file order.
    public var intents: [Intent]
    /// Synonyms, filler and shorthand.
    public var vocabulary: Vocabulary
    /// OpenDoor's own messages.
    public var dialogue: DialogueText
    /// Problems that did not stop the load.
    public var warnings: [KnowledgeDiagnostic]
    /// The matcher's learned weights saved in the folder (`matcher-weights.tsv`), if any: derived data that the
    /// matcher uses only when they were trained on exactly these examples, and trains again otherwise.
    var storedWeights: StoredIntentWeights?
    /// Common English words the typo corrector leaves alone (`common-words.txt`, if the folder has it): "woke"
    /// is a word, not a typo of "joke".
    public var commonWords: Set<String> = []
    /// Each intent's examples read into words by the loader (its duplicate check), for the matcher's index, which
    /// reads them again only for an intent whose examples changed since (compared with the examples kept here, at
    /// no cost while they are the same array). Nil for knowledge made from parts.
    var exampleWords: [ExampleWords]?
    private var positions: [IntentID: Int]

    /// Creates knowledge from its parts (the loader checks files; this checks nothing).
    public init(
        center: CenterFacts, intents: [Intent], vocabulary: Vocabulary, dialogue: DialogueText,
        warnings: [KnowledgeDiagnostic] = []
    ) {
        self.center = center
        self.intents = intents
        self.vocabulary = vocabulary
        self.dialogue = dialogue
        self.warnings = warnings
        var positions: [IntentID: Int] = [:]
        for (position, intent) in intents.enumerated() where positions[intent.id] == nil {
            positions[intent.id] = position
        }
        self.positions = positions
    }

    /// The intent with this id, if the knowledge has it.
    public func intent(_ id: IntentID) -> Intent? {
        positions[id].map { intents[$0] }
    }

    /// Loads and checks every file of a knowledge folder.
    ///
    /// - Throws: ``KnowledgeError`` listing every problem when any is an error; nothing is half-loaded.
    public static func load(from directory: URL) throws(KnowledgeError) -> Knowledge {
        var loader = KnowledgeLoader(directory: directory)
        return try loader.load()
    }

    /// Where to find the knowledge when none is named: `$OPENDOOR_KNOWLEDGE`, else `Knowledge` in the current
    /// folder, whether or not it is there (a missing folder is the loader's clear error, never a quiet answer from
    /// some other center's knowledge, such as the source tree this binary was built from).
    public static func defaultDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let path = environment["OPENDOOR_KNOWLEDGE"], !path.isEmpty {
            return URL(fileURLWithPath: path, isDirectory: true)
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            .appendingPathComponent("Knowledge", isDirectory: true)
    }
}
