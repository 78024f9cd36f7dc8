// swift-tools-version: 6.1
// libFuzzer targets for OpenDoor's untrusted-input paths. Built apart from the main package, because a
// target with no `main` (libFuzzer brings its own) can't be in a package that `swift build` links whole.
// Sources/OpenDoorKit and Sources/OpenDoorServer are links to the main package's own folders.
// Run: Fuzz/run (docs/FUZZING.md).
import PackageDescription

let fuzzTargets = ["FuzzLines", "FuzzJSON", "FuzzMatcher", "FuzzPhone", "FuzzSafety", "FuzzKnowledge"]

let package = Package(
    name: "OpenDoorFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", exact: "2.101.3"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", exact: "2.13.0"),
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
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "FuzzSupport", dependencies: ["OpenDoorKit"]),
    ]
        + fuzzTargets.map { name in
            .executableTarget(
                name: name, dependencies: ["FuzzSupport", "OpenDoorKit", "OpenDoorServer"],
                swiftSettings: [.unsafeFlags(["-parse-as-library"])])
        }
)
