import Foundation
import GRDB
import TeacherGrowth

/// An HTTP credential (SPEC §8 `token`): shown once when made, stored only as a SHA-256 hash.
public struct AccessToken: Sendable, Hashable {
    public enum Role: String, Sendable, CaseIterable { case county, principal, hr }
    public var id: Int64
    public var name: String
    public var role: Role
    /// The school of a principal's token.
    public var schoolCode: String?
    public var createdAt: String
    public var revokedAt: String?
    /// After this time (UTC, ISO 8601) the token no longer works; nil = until revoked.
    public var expiresAt: String? = nil
    /// The last request made with it (updated at most once a minute).
    public var lastUsedAt: String? = nil
    /// The county a county-office or HR token sees, in a registry of several (nil: all of them).
    public var county: String? = nil
}

public enum TokenError: Error, Equatable, CustomStringConvertible {
    case principalNeedsSchool
    case schoolOnlyForPrincipal
    case unknownSchool(String)
    case notFound(String)
    case emptyName
    case duplicateName(String)
    case badExpiry

    public var message: LocalizedText {
        switch self {
        case .principalNeedsSchool: .init("校长的令牌需要 --school 学校代码：只能查看该校", "A principal's token needs --school CODE: it gives access to that school only.")
        case .schoolOnlyForPrincipal: .init("--school 只用于校长的令牌；县教委和人事的令牌可查看所有学校", "--school is only for a principal's token; county and hr tokens see every school.")
        case .unknownSchool(let c): .init("没有学校 \(c)；请用 teacher-registry export schools 核对代码", "There is no school \(c); check the code with `teacher-registry export schools`.")
        case .notFound(let t): .init("没有有效的令牌 \(t)；可用 teacher-registry token list 查看", "There is no active token \(t); list them with `teacher-registry token list`.")
        case .emptyName: .init("请用 --name 给令牌起个名字（谁或什么程序在用）", "Give the token a name with --name (who or what uses it).")
        case .duplicateName(let n): .init("已有一个名为“\(n)”的有效令牌；请另取一个名字，或先用 token revoke \(n) 撤销它", "An active token is already named \(n); choose another name, or revoke it first with `token revoke \(n)`.")
        case .badExpiry: .init("--expires-in-days 应为 1 至 3650 之间的天数", "--expires-in-days must be a number of days from 1 to 3650.")
        }
    }

    public var description: String { message.zh }
}

extension Registry {
    static func tokenHash(_ secret: String) -> String { Secrets.sha256Hex(secret) }

    /// Changes whenever facts change (a new change batch), so caches know when to recompute.
    public func dataVersion() throws -> Int64 {
        let read = { [writer] in
            try writer.read { db in
                if let v = try String.fetchOne(db, sql: "SELECT value FROM registry_meta WHERE key = 'facts_version'").flatMap({ Int64($0) }) { return v }
                return try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) FROM change_batches") ?? 0
            }
        }
        return try versionProbe?.version(read: read) ?? read()
    }
}

extension RegistryBackend {
    /// Makes a token and returns it with its secret, the only time the secret is available.
    public func createToken(role: AccessToken.Role, school: String?, name: String, actor: String, expiresInDays: Int? = nil,
                            county: String? = nil, now: Date = Date()) throws -> (AccessToken, String) {
        let name = name.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { throw TokenError.emptyName }
        if let d = expiresInDays, !(1...3650).contains(d) { throw TokenError.badExpiry }
        let expires = expiresInDays.map { Registry.timestamp(now.addingTimeInterval(Double($0) * 86_400)) }
        if role == .principal && school == nil { throw TokenError.principalNeedsSchool }
        if role != .principal && school != nil { throw TokenError.schoolOnlyForPrincipal }
        let secret = "trk_" + Secrets.random(bytes: 32)
        let at = Registry.timestamp()
        let id: Int64 = try sql.write { db in
            if let school, try !db.exists("SELECT 1 FROM schools WHERE code = ?", school) {
                throw TokenError.unknownSchool(school)
            }
            if try db.exists("SELECT 1 FROM tokens WHERE name = ? AND revoked_at IS NULL", name) {
                throw TokenError.duplicateName(name)
            }
            try Registry.checkCounty(db, county)
            let id = try db.insert("INSERT INTO tokens (name, role, school_code, hash, created_at, expires_at, county) VALUES (?, ?, ?, ?, ?, ?, ?)",
                                   name, role.rawValue, school, Registry.tokenHash(secret), at, expires, county)
            let batch = try db.beginBatch(actor: actor, command: "token create", source: nil, facts: false)
            try db.logChange(batch: batch, action: "add", entity: "tokens", entityID: id, entityKey: String(id), staffNo: nil,
                             detail: role.rawValue + (county.map { " county:\($0)" } ?? ""))
            return id
        }
        return (AccessToken(id: id, name: name, role: role, schoolCode: school, createdAt: at, revokedAt: nil, expiresAt: expires, county: county), secret)
    }

    public func listTokens() throws -> [AccessToken] {
        try sql.read { db in
            try db.rows("SELECT id, name, role, school_code, created_at, revoked_at, expires_at, last_used_at, county FROM tokens ORDER BY id").map { r in
                AccessToken(id: r.integer(0), name: r.string(1), role: AccessToken.Role(rawValue: r.string(2)) ?? .hr, schoolCode: r.text(3),
                            createdAt: r.string(4), revokedAt: r.text(5), expiresAt: r.text(6), lastUsedAt: r.text(7), county: r.text(8))
            }
        }
    }

    /// Revokes a token by its id or name.
    public func revokeToken(_ idOrName: String, actor: String) throws -> AccessToken {
        try sql.write { db in
            let row = try db.row("""
                SELECT id, name, role, school_code, created_at FROM tokens
                WHERE revoked_at IS NULL AND (CAST(id AS TEXT) = ? OR name = ?) ORDER BY id LIMIT 1
                """, idOrName, idOrName)
            guard let row, let role = AccessToken.Role(rawValue: row.string(2)) else { throw TokenError.notFound(idOrName) }
            let at = Registry.timestamp()
            let id = row.integer(0)
            try db.execute("UPDATE tokens SET revoked_at = ? WHERE id = ?", at, id)
            let batch = try db.beginBatch(actor: actor, command: "token revoke", source: nil, facts: false)
            try db.logChange(batch: batch, action: "update", entity: "tokens", entityID: id, entityKey: String(id), staffNo: nil, detail: nil)
            return AccessToken(id: id, name: row.string(1), role: role, schoolCode: row.text(3), createdAt: row.string(4), revokedAt: at)
        }
    }

    /// The active token whose secret this is, or nil. The lookup is by hash, so a guess that shares a
    /// prefix with a real token is no faster or slower than any other; the match is then compared in
    /// constant time.
    public func authenticate(_ secret: String, now: Date = Date()) throws -> AccessToken? {
        guard secret.utf8.count <= 256 else { return nil }
        let hash = Registry.tokenHash(secret)
        let at = Registry.timestamp(now)
        let token: AccessToken? = try sql.read { db in
            guard let r = try db.row("""
                SELECT id, name, role, school_code, created_at, hash, expires_at, last_used_at, county FROM tokens
                WHERE hash = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)
                """, hash, at) else { return nil }
            guard Secrets.constantTimeEqual(Array(r.string(5).utf8), Array(hash.utf8)),
                  let role = AccessToken.Role(rawValue: r.string(2)) else { return nil }
            return AccessToken(id: r.integer(0), name: r.string(1), role: role, schoolCode: r.text(3), createdAt: r.string(4), revokedAt: nil,
                               expiresAt: r.text(6), lastUsedAt: r.text(7), county: r.text(8))
        }
        // When it was last used, to the minute: a write at most once a minute per token.
        if let token, token.lastUsedAt.map({ $0 < Registry.timestamp(now.addingTimeInterval(-60)) }) ?? true {
            try? sql.write { db in try db.execute("UPDATE tokens SET last_used_at = ? WHERE id = ?", at, token.id) }
        }
        return token
    }
}
