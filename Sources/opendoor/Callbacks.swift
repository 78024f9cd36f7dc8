import ArgumentParser
import Foundation
import OpenDoorKit

extension OpenDoor {
    /// `opendoor callbacks …`: what staff do with callback requests.
    struct Callbacks: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List, export, mark and purge callback requests (staff only).",
            subcommands: [List.self, Export.self, Mark.self, Purge.self])
    }
}

extension OpenDoor.Callbacks {
    /// `opendoor callbacks list [--status new]`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show callback requests as a table, newest first.")

        @OptionGroup var data: DataOptions
        @OptionGroup var logging: LogOptions

        @Option(help: "Only requests with this status (new, contacted, closed).")
        var status: CallbackStatus?

        func run() async throws {
            let logger = logging.bootstrap(label: "opendoor.callbacks", defaultLevel: .warning)
            let store = try data.open(logger: logger)
            let requests = try await store.list(status: status)
            print(CallbackReport.table(requests), terminator: "")
            try? await store.close()
        }
    }

    /// `opendoor callbacks export --format csv|json`.
    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write every callback request as CSV or JSON.")

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case csv, json
        }

        @OptionGroup var data: DataOptions
        @OptionGroup var logging: LogOptions

        @Option(help: "csv or json.")
        var format: Format = .csv

        @Option(help: "Only requests with this status (new, contacted, closed).")
        var status: CallbackStatus?

        func run() async throws {
            let logger = logging.bootstrap(label: "opendoor.callbacks", defaultLevel: .warning)
            let store = try data.open(logger: logger)
            let requests = try await store.list(status: status)
            switch format {
            case .csv: print(CallbackReport.csv(requests), terminator: "")
            case .json: print(CallbackReport.json(requests))
            }
            try? await store.close()
        }
    }

    /// `opendoor callbacks mark REF contacted|closed`.
    struct Mark: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record that a request was handled.")

        @OptionGroup var data: DataOptions
        @OptionGroup var logging: LogOptions

        @Argument(help: "The request's reference code, e.g. K7M-3QP.")
        var reference: String

        @Argument(help: "contacted or closed (or new, to reopen).")
        var status: CallbackStatus

        func run() async throws {
            let logger = logging.bootstrap(label: "opendoor.callbacks", defaultLevel: .warning)
            let store = try data.open(logger: logger)
            defer { Task { try? await store.close() } }
            guard let request = try await store.mark(reference: reference, as: status) else {
                printError("No callback request has the reference \(reference). `opendoor callbacks list` shows them.")
                throw ExitCode(1)
            }
            print("\(request.reference) is now \(request.status.rawValue).")
        }
    }

    /// `opendoor callbacks purge --older-than DAYS`.
    struct Purge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete callback requests older than the retention period.",
            discussion: """
                A callback request is sensitive health information: keep it only as long as the center needs it.
                The retention defaults to $OPENDOOR_RETENTION_DAYS, or 90 days.
                """)

        @OptionGroup var data: DataOptions
        @OptionGroup var logging: LogOptions

        @Option(help: "Delete requests created more than this many days ago.")
        var olderThan: Int?

        var days: Int {
            olderThan ?? ProcessInfo.processInfo.environment["OPENDOOR_RETENTION_DAYS"].flatMap(Int.init) ?? 90
        }

        func validate() throws {
            if days < 0 { throw ValidationError("--older-than is a number of days, 0 or more.") }
        }

        func run() async throws {
            let logger = logging.bootstrap(label: "opendoor.callbacks", defaultLevel: .warning)
            let store = try data.open(logger: logger)
            let cutoff = Date().addingTimeInterval(-Double(days) * 86_400)
            let removed = try await store.purge(olderThan: cutoff)
            print("Deleted \(removed) request(s) older than \(days) day(s).")
            try? await store.close()
        }
    }
}

extension CallbackStatus: ExpressibleByArgument {}
