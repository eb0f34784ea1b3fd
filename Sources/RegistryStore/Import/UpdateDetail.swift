import Foundation
import GRDB
import TeacherGrowth

/// What an update changed, as its change-log entry keeps it: a JSON object naming each changed
/// field with its old and new value as people write them (`{"hours":["24","36"]}`), so that a
/// correction never erases what was there before. Identity numbers are never copied into the log:
/// their change is recorded without the digits.
public enum UpdateDetail {
    static let hidden = "*"

    static func json(table: String, columns: [String], old: [DatabaseValue], new: [DatabaseValue]) -> String {
        let kind = ImportKind.all.first { $0.table == table }
        var fields: [String] = []
        for (i, column) in columns.enumerated() where i < old.count && i < new.count && old[i] != new[i] {
            let spec = kind?.columns.first { $0.db == column && $0.stored }
            let cellKind = spec?.kind ?? .text
            let name = spec?.name ?? column
            if column == "national_id" || column == "national_id_sealed" {
                fields.append("\(JSONText.string("national_id")):[\(JSONText.string(hidden)),\(JSONText.string(hidden))]")
                continue
            }
            fields.append("\(JSONText.string(name)):[\(value(old[i], cellKind)),\(value(new[i], cellKind))]")
        }
        return "{" + fields.joined(separator: ",") + "}"
    }

    /// A value as the export writes it (hours and money as decimals, yes/no), but a text as it is.
    private static func value(_ v: DatabaseValue, _ kind: CellKind) -> String {
        switch v.storage {
        case .null: return "null"
        case .string(let s): return JSONText.string(s)
        case .blob: return JSONText.string(hidden)
        case .int64, .double: return JSONText.string(ExportCell.text(v, kind))
        }
    }

    /// One change, parsed back: each field with its old and new value (nil = empty), and any other
    /// notes (a review's reason). Nil when the detail is not such an object (a void's reason).
    public struct Parsed: Sendable {
        public var fields: [(name: String, old: String?, new: String?)]
        public var notes: [(name: String, text: String)]
    }

    public static func parse(_ detail: String, table: String) -> Parsed? {
        guard detail.hasPrefix("{"), let data = detail.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        var out = Parsed(fields: [], notes: [])
        // A JSON object has no order: fields follow the table's columns.
        let columns = ImportKind.all.first { $0.table == table }?.columns.map(\.name) ?? []
        let keys = object.keys.sorted { a, b in
            let i = columns.firstIndex(of: a) ?? (a == "status" ? columns.count : Int.max), j = columns.firstIndex(of: b) ?? (b == "status" ? columns.count : Int.max)
            return i != j ? i < j : a < b
        }
        for key in keys {
            guard let v = object[key] else { continue }
            if let pair = v as? [Any], pair.count == 2 {
                out.fields.append((key, pair[0] as? String, pair[1] as? String))
            } else if let s = v as? String {
                out.notes.append((key, s))
            }
        }
        return out
    }

    /// The Chinese name of a field of a table, for people reading the history.
    public static func chineseName(table: String, field: String) -> String? {
        if field == "status" { return "审核状态" }
        if field == "reason" { return "原因" }
        return ImportKind.all.first { $0.table == table }?.columns.first { $0.db == field || $0.name == field }?.chinese
    }
}
