// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "teacher-registry",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "teacher-registry", targets: ["teacher-registry"]),
        .library(name: "TeacherGrowth", targets: ["TeacherGrowth"]),
        .library(name: "RegistryStore", targets: ["RegistryStore"]),
        .library(name: "Spreadsheets", targets: ["Spreadsheets"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        // Pure domain: value types, code lists, SPEC §3 rules. No I/O, no clock, no database.
        .target(name: "TeacherGrowth"),
        // Excel workbooks (.xlsx): read row by row as they are decompressed, and written.
        .target(name: "Spreadsheets", dependencies: ["TeacherGrowth", "SystemZlib", .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        // zlib from the system (zlib1g-dev): the workbook reader inflates parts itself (ZipReader).
        .systemLibrary(name: "SystemZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // SQLite through GRDB: migrations, records, import, export, queries.
        .target(
            name: "RegistryStore",
            dependencies: [
                "TeacherGrowth", "Spreadsheets",
                .product(name: "GRDB", package: "GRDB.swift"),
                // The C API, for the bulk-import hot path (binding values without boxing them).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                // Password hashing (PBKDF2) and encryption of identity numbers at rest (AES-GCM).
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ]
        ),
        // PostgreSQL as the server engine (`--db postgres://…`): the same validation and domain rules,
        // facts stored with COPY and read back for the domain's use cases.
        .target(
            name: "RegistryPostgres",
            dependencies: [
                "TeacherGrowth", "RegistryStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The synthetic demo county (teacher-registry demo, Tools/): deterministic per seed.
        .target(name: "DemoCounty", dependencies: ["TeacherGrowth"]),
        // Renders for people: aligned text tables, and (later) the report formats.
        .target(name: "GrowthReports", dependencies: ["TeacherGrowth", "Spreadsheets"]),
        // The HTTP server (Hummingbird 2): the only module that imports Hummingbird.
        .target(
            name: "RegistryHTTP",
            dependencies: [
                "TeacherGrowth", "RegistryStore", "GrowthReports", "Spreadsheets",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Logging", package: "swift-log"),
            ],
            // The templates are compiled in (Tools/embed-templates.sh); a test keeps the copies equal.
            exclude: ["Templates"]
        ),
        // The command line (swift-argument-parser), as a library so tests can run commands.
        .target(
            name: "RegistryCLI",
            dependencies: [
                "TeacherGrowth", "RegistryStore", "RegistryPostgres", "GrowthReports", "DemoCounty", "RegistryHTTP",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "teacher-registry", dependencies: ["RegistryCLI"]),
        .testTarget(name: "TeacherGrowthTests", dependencies: ["TeacherGrowth", "GrowthReports"]),
        .testTarget(
            name: "RegistryStoreTests",
            dependencies: ["TeacherGrowth", "RegistryStore", "Spreadsheets", .product(name: "GRDB", package: "GRDB.swift")],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "GrowthReportsTests",
            dependencies: ["GrowthReports", "RegistryStore", "TeacherGrowth"],
            exclude: ["Golden"]
        ),
        // What the test suites share: a fresh registry on the backend the run asks for.
        .target(name: "RegistryTestSupport", dependencies: ["RegistryStore", "RegistryPostgres"], path: "Tests/Support"),
        .testTarget(
            name: "RegistryHTTPTests",
            dependencies: ["RegistryHTTP", "RegistryStore", "TeacherGrowth", "Spreadsheets", "RegistryTestSupport",
                           .product(name: "GRDB", package: "GRDB.swift"),
                           .product(name: "HummingbirdTesting", package: "hummingbird")]
        ),
        .testTarget(name: "RegistryCLITests", dependencies: ["RegistryCLI", "RegistryStore", "TeacherGrowth", "DemoCounty", "Spreadsheets"]),
        .testTarget(
            name: "RegistryPostgresTests",
            dependencies: ["RegistryPostgres", "RegistryStore", "TeacherGrowth", "RegistryTestSupport", "RegistryHTTP",
                           .product(name: "HummingbirdTesting", package: "hummingbird"),
                           .product(name: "PostgresNIO", package: "postgres-nio"),
                           .product(name: "GRDB", package: "GRDB.swift")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
