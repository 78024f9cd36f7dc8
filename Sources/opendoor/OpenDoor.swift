import ArgumentParser

/// The `opendoor` command: the chatbot and the staff tools.
@main
struct OpenDoor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "opendoor",
        abstract: "An automated assistant for people thinking about coming back to an intensive outpatient program.",
        version: OpenDoor.version,
        subcommands: [
            Chat.self, Ask.self, Eval.self, EvalSafety.self, Lint.self, Test.self, Bench.self, Callbacks.self,
            CrisisCounts.self, Serve.self, Load.self, Staff.self, StaffUser.self, TrainWeights.self, Digest.self,
            SealSafety.self,
        ],
        defaultSubcommand: Chat.self
    )
}
