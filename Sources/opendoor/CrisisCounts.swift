import ArgumentParser
import Foundation
import OpenDoorKit

extension OpenDoor {
    /// `opendoor crisis-counts [--days N]`: how many crisis replies and check-ins were given per day.
    struct CrisisCounts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "crisis-counts",
            abstract: "Show how many crisis replies and check-ins were given per day, by category (staff only).",
            discussion: "Counts only: no message is ever stored. Example: opendoor crisis-counts --days 30")

        @OptionGroup var data: DataOptions
        @OptionGroup var logging: LogOptions

        @Option(help: "How many days back, today included (at most \(Self.maximumDays), ten years).")
        var days = 30

        /// The most days asked for: more reaches back before any count could exist, and far enough, a date the
        /// calendar can't print (QA27 S3-6: 999999999 said "since 4713-01-01").
        static let maximumDays = 3660

        func validate() throws {
            if days < 1 { throw ValidationError("--days must be at least 1.") }
            if days > Self.maximumDays {
                throw ValidationError(
                    "--days is at most \(Self.maximumDays) (ten years): "
                        + "give a number of days from 1 to \(Self.maximumDays).")
            }
        }

        func run() async throws {
            let logger = logging.bootstrap(label: "opendoor.crisis-counts", defaultLevel: .critical)
            // Opened as every staff command opens its store, which says which one it is. A PostgreSQL store adds up
            // what every server sharing it counted (each writes its counts within seconds).
            let opened = try await data.openStaffStore(logger: logger, writes: false)
            guard let store = opened as? any StaffStore & CrisisCountStore else { throw ExitCode(1) }
            let since = CrisisCount.day(of: Date().addingTimeInterval(-Double(days - 1) * 86_400))
            let counts = try await store.crisisCounts(since: since)
            let output = StaffOutput("the counts")
            try output.write(CrisisCountReport.table(counts, since: since))
            try output.finish()
            try? await store.close()
        }
    }
}

/// The table `opendoor crisis-counts` prints.
enum CrisisCountReport {
    static func table(_ counts: [CrisisCount], since: String) -> String {
        guard !counts.isEmpty else { return "No crisis replies or check-ins since \(since).\n" }
        var lines = ["day         category     crisis  check-in"]
        var rows: [String: (crisis: Int, check: Int)] = [:]
        var order: [String] = []
        for count in counts {
            let key = "\(count.day)  \(count.category.rawValue.padding(toLength: 11, withPad: " ", startingAt: 0))"
            if rows[key] == nil { order.append(key) }
            var row = rows[key] ?? (0, 0)
            if count.level == .crisis { row.crisis += count.count } else { row.check += count.count }
            rows[key] = row
        }
        for key in order {
            let row = rows[key]!
            lines.append("\(key)  \(pad(row.crisis, 6))  \(pad(row.check, 8))")
        }
        let crisis = counts.filter { $0.level == .crisis }.reduce(0) { $0 + $1.count }
        let check = counts.filter { $0.level == .check }.reduce(0) { $0 + $1.count }
        lines.append("total since \(since): \(crisis) crisis replies, \(check) check-ins")
        return lines.joined(separator: "\n") + "\n"
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = "\(value)"
        return String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
