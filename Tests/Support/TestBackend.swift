import Foundation
import RegistryPostgres
import RegistryStore

/// The PostgreSQL server the tests may use: `TEACHER_REGISTRY_TEST_POSTGRES`, e.g.
/// postgres://postgres@127.0.0.1:55432/postgres (`.ci/run` starts a throwaway cluster and sets it).
public enum TestServer {
    public static let url = ProcessInfo.processInfo.environment["TEACHER_REGISTRY_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }
    public static var available: Bool { url != nil }

    /// A new, empty database on the test server; its URL. Named `t_SECONDS_RANDOM`: the first call of
    /// a test run drops the databases of runs that started more than an hour ago.
    public static func makeDatabase() throws -> String {
        guard let url else { throw TestBackendError("TEACHER_REGISTRY_TEST_POSTGRES is not set") }
        _ = sweep
        let name = "t_\(Int(Date().timeIntervalSince1970))_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(12)
        return try PostgresRegistry.createDatabase(String(name), on: url)
    }

    private static let sweep: Void = {
        guard let url else { return }
        let now = Int(Date().timeIntervalSince1970)
        _ = try? PostgresRegistry.dropDatabases(on: url) { name in
            let parts = name.split(separator: "_")
            guard parts.count == 3, parts[0] == "t", let started = Int(parts[1]) else { return false }
            return now - started > 3600
        }
    }()
}

/// Which backend the backend-neutral suites (HTTP, web application) run on:
/// `TEACHER_REGISTRY_TEST_BACKEND=postgres` runs them on PostgreSQL (a new database per registry);
/// otherwise on SQLite in memory. `.ci/run` runs them both ways.
public enum TestBackend {
    public static var isPostgres: Bool { ProcessInfo.processInfo.environment["TEACHER_REGISTRY_TEST_BACKEND"] == "postgres" }

    /// An empty registry on the chosen backend.
    public static func make() throws -> any RegistryBackend {
        guard isPostgres else { return try Registry() }
        let key = FileManager.default.temporaryDirectory.appendingPathComponent("trk-\(UUID().uuidString).key").path
        return try PostgresRegistry(url: try TestServer.makeDatabase(), keyFile: key)
    }
}

public struct TestBackendError: Error, CustomStringConvertible {
    public let description: String
    public init(_ d: String) { description = d }
}
