import Foundation
import Testing
@testable import RegistryStore

/// The county fixture: every kind, codes in all three forms, Chinese headers, a GB18030 file.
enum Fixture {
    static var countyDirectory: String {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent("county").path
    }

    static func countySources() throws -> [ImportSource] {
        try Registry.sources(inDirectory: countyDirectory).sources
    }

    /// A registry with the county fixture imported.
    static func loadedRegistry() throws -> Registry {
        let registry = try Registry()
        let outcome = try registry.importFiles(try countySources())
        #expect(outcome.errors.isEmpty, "\(outcome.errors)")
        return registry
    }

    static func source(_ kind: String, _ text: String, file: String? = nil) -> ImportSource {
        let k = ImportKind.named(kind)!
        return ImportSource(kind: k, fileName: file ?? k.fileName, bytes: Array(text.utf8))
    }
}

extension Registry {
    /// Every row of every table as text, for byte-for-byte comparisons.
    func dump() throws -> String {
        try writer.read { db in
            var out = ""
            for t in ImportKind.all.map(\.table) + ["training_voids", "change_batches", "change_log"] {
                for row in try Row.fetchAll(db, sql: "SELECT * FROM \(t) ORDER BY id") { out += "\(t) \(row)\n" }
            }
            return out
        }
    }
}

import GRDB
