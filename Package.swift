// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "OpenDoor",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "opendoor", targets: ["opendoor"]),
        .library(name: "OpenDoorKit", targets: ["OpenDoorKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", exact: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
        .package(url: "https://github.com/vapor/postgres-nio", exact: "1.33.2"),
        .package(url: "https://github.com/apple/swift-metrics", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", exact: "2.4.1"),
        // The staff console (OpenDoorStaff). No swift-configuration: the console reads its settings from flags.
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1", traits: ["FullFoundation"]),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", exact: "2.5.0"),
        // Already in the build through Hummingbird; named for NIOHTTPTypes (the console's request timer reads them).
        .package(url: "https://github.com/apple/swift-nio-extras.git", exact: "1.35.2"),
    ],
    targets: [
        // The product's brain: knowledge, matching, safety, dialogue. No sockets, no terminals, no SQLite.
        .target(
            name: "OpenDoorKit",
            dependencies: [
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
            ],
            // Optimized in debug builds too (tests and `@testable` still work): `opendoor lint` builds the index
            // and trains the learned weights once per example, left out (2,780 times), and the eval stages
            // match thousands of messages; unoptimized, lint alone took about 3 minutes of CI.
            swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]
        ),
        // The durable callback store on SQLite.
        .target(
            name: "OpenDoorSQLite",
            dependencies: [
                "OpenDoorKit",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The shared callback store on PostgreSQL, for several servers behind one load balancer.
        .target(
            name: "OpenDoorPostgres",
            dependencies: [
                "OpenDoorKit",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The socket server: text and JSON-lines protocols on SwiftNIO.
        .target(
            name: "OpenDoorServer",
            dependencies: [
                "OpenDoorKit",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                // The WebSocket endpoint's handshake and frames (part of swift-nio: no new package).
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The staff console: an HTTP server on Hummingbird (sign-in, the callback inbox, try a message, knowledge
        // health, counts). Depends on the core only; the command line hands it a store.
        .target(
            name: "OpenDoorStaff",
            dependencies: [
                "OpenDoorKit", "OpenDoorServer",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Benchmark tools, not the product: the load generator, the line-echo baseline, `opendoor load`'s phases.
        .target(
            name: "OpenDoorLoad",
            dependencies: [
                "OpenDoorServer",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Operator tools: Prometheus metrics (the registry, the names, a tiny /metrics endpoint) and the webhook that
        // tells the center's own system a callback request was saved.
        .target(
            name: "OpenDoorMetrics",
            dependencies: [
                "OpenDoorKit", "OpenDoorServer",
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The webhook: a JSON POST (reference, channel, time; never name or phone) for each saved callback request,
        // retried with backoff, on a small HTTP/1.1 client of its own.
        .target(
            name: "OpenDoorNotifications",
            dependencies: [
                "OpenDoorKit", "OpenDoorMetrics",
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Log lines written in batches by a thread of their own (no system call per line on an event loop).
        .target(name: "OpenDoorLogging", dependencies: [.product(name: "Logging", package: "swift-log")]),
        .systemLibrary(name: "CReadline", providers: [.apt(["libreadline-dev"])]),
        // The terminal chat on GNU readline.
        .target(name: "OpenDoorTerminal", dependencies: ["OpenDoorKit", "CReadline"]),
        .executableTarget(
            name: "opendoor",
            dependencies: [
                "OpenDoorKit", "OpenDoorSQLite", "OpenDoorServer", "OpenDoorLoad", "OpenDoorTerminal", "OpenDoorLogging",
                "OpenDoorPostgres", "OpenDoorMetrics", "OpenDoorNotifications", "OpenDoorStaff",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // What several test targets share: repository paths, in-memory log handlers, a TCP test client, a chat
        // server run for one test, the store tests' hand-moved clock and scripted reference codes.
        .target(
            name: "OpenDoorTestSupport",
            dependencies: [
                "OpenDoorKit", "OpenDoorServer",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/OpenDoorTestSupport"
        ),
        .testTarget(
            name: "OpenDoorKitTests",
            dependencies: ["OpenDoorKit", "OpenDoorTestSupport", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "OpenDoorSQLiteTests",
            dependencies: [
                "OpenDoorSQLite", "OpenDoorKit", "OpenDoorTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The store contract over SQLite and PostgreSQL, and the PostgreSQL store's own tests.
        .testTarget(
            name: "OpenDoorPostgresTests",
            dependencies: [
                "OpenDoorPostgres", "OpenDoorSQLite", "OpenDoorKit", "OpenDoorTestSupport", "OpenDoorMetrics",
                "OpenDoorStaff",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "OpenDoorServerTests",
            dependencies: [
                "OpenDoorServer", "OpenDoorKit", "OpenDoorSQLite", "OpenDoorTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "OpenDoorLoadTests",
            dependencies: [
                "OpenDoorLoad", "OpenDoorServer", "OpenDoorTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "OpenDoorMetricsTests",
            dependencies: [
                "OpenDoorMetrics", "OpenDoorServer", "OpenDoorKit", "OpenDoorTestSupport",
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "OpenDoorNotificationsTests",
            dependencies: [
                "OpenDoorNotifications", "OpenDoorMetrics", "OpenDoorServer", "OpenDoorKit", "OpenDoorTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "OpenDoorStaffTests",
            dependencies: [
                "OpenDoorStaff", "OpenDoorKit", "OpenDoorSQLite", "OpenDoorServer", "OpenDoorTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "OpenDoorLoggingTests",
            dependencies: ["OpenDoorLogging", "OpenDoorTestSupport", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "opendoorTests",
            dependencies: [
                "opendoor", "OpenDoorKit", "OpenDoorSQLite", "OpenDoorTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ]
)
