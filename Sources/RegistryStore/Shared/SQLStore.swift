import Foundation
import GRDB

/// A value bound into, or read from, a statement on either backend.
public enum SQLValue: Sendable, Hashable {
    case null
    case int(Int64)
    case real(Double)
    case text(String)
}

/// Something that can be bound as a statement argument.
public protocol SQLBindable {
    var sqlValue: SQLValue { get }
}

extension String: SQLBindable { public var sqlValue: SQLValue { .text(self) } }
extension Int: SQLBindable { public var sqlValue: SQLValue { .int(Int64(self)) } }
extension Int64: SQLBindable { public var sqlValue: SQLValue { .int(self) } }
extension Double: SQLBindable { public var sqlValue: SQLValue { .real(self) } }
extension Bool: SQLBindable { public var sqlValue: SQLValue { .int(self ? 1 : 0) } }
extension Optional: SQLBindable where Wrapped: SQLBindable { public var sqlValue: SQLValue { self?.sqlValue ?? .null } }

/// One row of a result, read by position.
public struct SQLRow: Sendable {
    public let values: [SQLValue]
    public init(_ values: [SQLValue]) { self.values = values }

    public func text(_ i: Int) -> String? {
        switch values[i] {
        case .text(let s): s
        case .int(let n): String(n)
        case .real(let d): String(d)
        case .null: nil
        }
    }

    public func int(_ i: Int) -> Int64? {
        switch values[i] {
        case .int(let n): n
        case .real(let d): Int64(d)
        case .text(let s): Int64(s)
        case .null: nil
        }
    }

    /// A column the query guarantees not null (a primary key, a NOT NULL column, a count).
    public func string(_ i: Int) -> String { text(i) ?? "" }
    public func integer(_ i: Int) -> Int64 { int(i) ?? 0 }
    public func bool(_ i: Int) -> Bool { integer(i) != 0 }
}

/// One transaction on a registry's database, whichever the backend. The statements the shared
/// store code writes are plain SQL that SQLite and PostgreSQL both accept, with `?` placeholders;
/// what differs between the backends sits behind the methods below.
public protocol SQLSession {
    func rows(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow]
    /// The rows one at a time, without holding them all (exports of large tables).
    func each(_ sql: String, _ arguments: [SQLValue], _ body: (SQLRow) throws -> Void) throws
    func execute(_ sql: String, _ arguments: [SQLValue]) throws
    /// Starts a change batch (who, which command, from where) and returns its id; `facts`: the
    /// batch changes facts (caches of reports must recompute).
    func beginBatch(actor: String, command: String, source: String?, facts: Bool) throws -> Int64
    /// One change-log entry. `detail` is a JSON object (`{…}`) or a short text; SQLite keeps it as
    /// written, PostgreSQL as `jsonb` (a text becomes a JSON string).
    func logChange(batch: Int64, action: String, entity: String, entityID: Int64, entityKey: String, staffNo: String?, detail: String?) throws
    /// A placeholder for a date given as `YYYY-MM-DD` text (SQLite stores dates as such text).
    var dateParameter: String { get }
    /// A placeholder for a time given as ISO 8601 text, for a column of the facts' tables.
    var timestampParameter: String { get }
}

extension SQLSession {
    public func rows(_ sql: String, _ arguments: SQLBindable...) throws -> [SQLRow] { try rows(sql, arguments.map(\.sqlValue)) }
    public func row(_ sql: String, _ arguments: SQLBindable...) throws -> SQLRow? { try rows(sql, arguments.map(\.sqlValue)).first }
    public func execute(_ sql: String, _ arguments: SQLBindable...) throws { try execute(sql, arguments.map(\.sqlValue)) }
    public func text(_ sql: String, _ arguments: SQLBindable...) throws -> String? { try rows(sql, arguments.map(\.sqlValue)).first?.text(0) }
    public func texts(_ sql: String, _ arguments: SQLBindable...) throws -> [String] {
        try rows(sql, arguments.map(\.sqlValue)).compactMap { $0.text(0) }
    }
    public func int(_ sql: String, _ arguments: SQLBindable...) throws -> Int64? { try rows(sql, arguments.map(\.sqlValue)).first?.int(0) }
    public func exists(_ sql: String, _ arguments: SQLBindable...) throws -> Bool {
        try rows("SELECT CASE WHEN EXISTS (\(sql)) THEN 1 ELSE 0 END", arguments.map(\.sqlValue)).first?.bool(0) ?? false
    }
    /// An INSERT … RETURNING id.
    public func insert(_ sql: String, _ arguments: SQLBindable...) throws -> Int64 {
        guard let id = try rows(sql + " RETURNING id", arguments.map(\.sqlValue)).first?.int(0) else {
            throw RegistryError.invalid(.init("数据库没有返回新记录的编号", "The database returned no id for the new row."))
        }
        return id
    }
}

/// A registry's database for the store code both backends share: accounts, sessions, tokens,
/// the audit of personal-data reads, the review queue, school look-ups.
public protocol SQLStore: Sendable {
    func read<T>(_ body: (SQLSession) throws -> T) throws -> T
    func write<T>(_ body: (SQLSession) throws -> T) throws -> T
}

// MARK: SQLite

/// The SQLite registry's database as an `SQLStore` (GRDB underneath).
struct GRDBStore: SQLStore {
    let writer: any DatabaseWriter

    static func value(_ v: DatabaseValue) -> SQLValue {
        switch v.storage {
        case .null: .null
        case .int64(let n): .int(n)
        case .double(let d): .real(d)
        case .string(let s): .text(s)
        case .blob(let b): .text(String(decoding: b, as: UTF8.self))
        }
    }

    struct Session: SQLSession {
        let db: Database

        static func arguments(_ values: [SQLValue]) -> StatementArguments {
            StatementArguments(values.map { v -> (any DatabaseValueConvertible)? in
                switch v {
                case .null: nil
                case .int(let n): n
                case .real(let d): d
                case .text(let s): s
                }
            })
        }

        func rows(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow] {
            try Row.fetchAll(db, sql: sql, arguments: Self.arguments(arguments)).map { SQLRow($0.databaseValues.map(GRDBStore.value)) }
        }

        func each(_ sql: String, _ arguments: [SQLValue], _ body: (SQLRow) throws -> Void) throws {
            let cursor = try Row.fetchCursor(db, sql: sql, arguments: Self.arguments(arguments))
            while let row = try cursor.next() { try body(SQLRow(row.databaseValues.map(GRDBStore.value))) }
        }

        func execute(_ sql: String, _ arguments: [SQLValue]) throws {
            try db.execute(sql: sql, arguments: Self.arguments(arguments))
        }

        func beginBatch(actor: String, command: String, source: String?, facts: Bool) throws -> Int64 {
            try Registry.beginBatch(db, actor: actor, command: command, source: source, facts: facts)
        }

        var dateParameter: String { "?" }
        var timestampParameter: String { "?" }

        func logChange(batch: Int64, action: String, entity: String, entityID: Int64, entityKey: String, staffNo: String?, detail: String?) throws {
            try execute("INSERT INTO change_log (batch_id, action, entity, entity_id, entity_key, staff_no, detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        batch, action, entity, entityID, entityKey, staffNo, detail)
        }
    }

    func read<T>(_ body: (SQLSession) throws -> T) throws -> T {
        try writer.read { db in try body(Session(db: db)) }
    }

    func write<T>(_ body: (SQLSession) throws -> T) throws -> T {
        try writer.write { db in try body(Session(db: db)) }
    }
}
