// swift-tools-version: 6.1
// libFuzzer targets for OpenDoor's untrusted-input paths. Built apart from the main package, because a
// target with no `main` (libFuzzer brings its own) can't be in a package that `swift build` links whole.
// Sources/OpenDoorKit and Sources/OpenDoorServer are links to the main package's own folders.
// Run: Fuzz/run (docs/FUZZING.md); Scripts/test runs it on every change.
//
// It builds only what the targets reach, so that CI can afford it: OpenDoorKit whole, and of
// OpenDoorServer only the parts that read a client's bytes (framing, UTF-8, JSON lines, protocol
// errors), without the socket server itself. So SwiftNIO is NIOCore alone (no NIOPosix), and
// service-lifecycle is not needed at all.
import PackageDescription

let fuzzTargets = ["FuzzLines", "FuzzJSON", "FuzzMatcher", "FuzzPhone", "FuzzSafety", "FuzzKnowledge"]

/// The server's files that need the socket server (NIOPosix, service-lifecycle): not what a fuzz target calls.
let serverOnlyFiles = [
    "ChatServer.swift", "ChatServer+Hangup.swift", "ChatSession.swift", "LineListener.swift",
    "IdleTimeoutHandler.swift", "ConnectionHandover.swift", "AcceptedConnection.swift", "EventLoopTaskExecutor.swift",
    "WebSocketEndpoint.swift", "WebSocketHandshakeHandler.swift", "WebSocketBridgeHandler.swift",
    "ConnectionBook+Ticket.swift",
]

let package = Package(
    name: "OpenDoorFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
    ],
    targets: [
        .target(
            name: "OpenDoorKit",
            dependencies: [.product(name: "Yams", package: "Yams"), .product(name: "Logging", package: "swift-log")]
        ),
        .target(
            name: "OpenDoorServer",
            dependencies: [
                "OpenDoorKit",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: serverOnlyFiles
        ),
        .target(name: "FuzzSupport", dependencies: ["OpenDoorKit"]),
    ]
        + fuzzTargets.map { name in
            .executableTarget(
                name: name, dependencies: ["FuzzSupport", "OpenDoorKit", "OpenDoorServer"],
                swiftSettings: [.unsafeFlags(["-parse-as-library"])])
        }
)
