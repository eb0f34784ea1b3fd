import Foundation
import GRDB
import GRDBSQLite

/// Runs a prepared GRDB statement through the C API: binds `DatabaseValue`s directly and steps,
/// skipping `StatementArguments` (which boxes every value). Used only on the bulk-import hot path.
enum RawStatement {
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    /// Binds, steps to completion, and returns column 0 of the first row (RETURNING id), if any.
    static func run(_ statement: Statement, _ values: [DatabaseValue], in db: Database) throws -> Int64? {
        let s = statement.sqliteStatement
        try bind(s, values, db)
        var result: Int64?
        while true {
            let rc = sqlite3_step(s)
            if rc == SQLITE_ROW {
                if result == nil { result = sqlite3_column_int64(s, 0) }
                continue
            }
            if rc == SQLITE_DONE { break }
            let e = error(rc, db)
            sqlite3_reset(s)
            throw e
        }
        sqlite3_reset(s)
        return result
    }

    /// Binds, steps once, and returns every column of the first row, if there is one.
    static func row(_ statement: Statement, _ values: [DatabaseValue], in db: Database) throws -> [DatabaseValue]? {
        let s = statement.sqliteStatement
        try bind(s, values, db)
        defer { sqlite3_reset(s) }
        let rc = sqlite3_step(s)
        if rc == SQLITE_DONE { return nil }
        guard rc == SQLITE_ROW else { throw error(rc, db) }
        return (0..<sqlite3_column_count(s)).map { i in
            switch sqlite3_column_type(s, i) {
            case SQLITE_INTEGER: return sqlite3_column_int64(s, i).databaseValue
            case SQLITE_FLOAT: return sqlite3_column_double(s, i).databaseValue
            case SQLITE_TEXT: return String(cString: sqlite3_column_text(s, i)).databaseValue
            case SQLITE_BLOB:
                let n = Int(sqlite3_column_bytes(s, i))
                guard n > 0, let p = sqlite3_column_blob(s, i) else { return Data().databaseValue }
                return Data(bytes: p, count: n).databaseValue
            default: return .null
            }
        }
    }

    /// Resets the statement and binds `values` to its parameters, in order.
    private static func bind(_ s: OpaquePointer?, _ values: [DatabaseValue], _ db: Database) throws {
        sqlite3_reset(s)
        for (i, v) in values.enumerated() {
            let index = Int32(i + 1)
            let rc: Int32
            switch v.storage {
            case .null: rc = sqlite3_bind_null(s, index)
            case .int64(let n): rc = sqlite3_bind_int64(s, index, n)
            case .double(let d): rc = sqlite3_bind_double(s, index, d)
            case .string(let text):
                var t = text
                rc = t.withUTF8 { sqlite3_bind_text(s, index, UnsafeRawPointer($0.baseAddress)?.assumingMemoryBound(to: CChar.self), Int32($0.count), transient) }
            case .blob(let data):
                rc = data.withUnsafeBytes { sqlite3_bind_blob(s, index, $0.baseAddress, Int32($0.count), transient) }
            }
            guard rc == SQLITE_OK else { throw error(rc, db) }
        }
    }

    private static func error(_ rc: Int32, _ db: Database) -> DatabaseError {
        let message = db.sqliteConnection.map { String(cString: sqlite3_errmsg($0)) } ?? "SQLite error \(rc)"
        return DatabaseError(resultCode: ResultCode(rawValue: rc), message: message)
    }
}
