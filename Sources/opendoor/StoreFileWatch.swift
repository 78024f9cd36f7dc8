import OpenDoorKit
import OpenDoorSQLite
import ServiceLifecycle

/// A SQLite store's look at its own file (``ReopeningCallbackStore/watchFile()``), run for as long as the service
/// that writes to it: a database deleted or replaced while the service runs is reopened, and logged, within seconds,
/// not at the next save or staff read (issue 10). A PostgreSQL store has no file to watch: no service.
struct StoreFileWatch: Service {
    let store: ReopeningCallbackStore

    /// The watch for `store`, when it is a SQLite store.
    init?(_ store: any CallbackStore) {
        guard let store = store as? ReopeningCallbackStore else { return nil }
        self.store = store
    }

    func run() async throws {
        await cancelWhenGracefulShutdown { await store.watchFile() }
    }

    /// In a service group: ending (the store closed, or no looks configured) is not a reason to stop the others.
    var configuration: ServiceGroupConfiguration.ServiceConfiguration {
        .init(service: self, successTerminationBehavior: .ignore)
    }
}
