import Foundation
import GRDB
import TeacherGrowth

/// A person who signs in to the web application (issue 12).
public struct UserAccount: Sendable, Hashable {
    public var id: Int64
    public var login: String
    public var displayName: String
    public var role: AccessToken.Role
    /// The school of a principal.
    public var schoolCode: String?
    public var createdAt: String
    public var disabledAt: String?
    public var mustChangePassword: Bool
    /// The county a county-office or HR account sees, in a registry of several (nil: all of them).
    public var county: String? = nil

    public var isDisabled: Bool { disabledAt != nil }
}

public enum AccountError: Error, Equatable, CustomStringConvertible {
    case invalidLogin
    case duplicate(String)
    case principalNeedsSchool
    case schoolOnlyForPrincipal
    case unknownSchool(String)
    case notFound(String)
    case weakPassword
    case wrongPassword

    public var message: LocalizedText {
        switch self {
        case .invalidLogin:
            .init("登录名只能由字母、数字、点、下划线和短横线组成，最长 64 个字符", "A login is letters, digits, dots, underscores and hyphens, at most 64 characters.")
        case .duplicate(let l): .init("登录名 \(l) 已有人使用；请换一个", "The login \(l) is taken; choose another.")
        case .principalNeedsSchool: .init("校长账号需要 --school 学校代码：只能查看该校", "A principal's account needs --school CODE: it sees that school only.")
        case .schoolOnlyForPrincipal: .init("--school 只用于校长账号", "--school is only for a principal's account.")
        case .unknownSchool(let c): .init("没有学校 \(c)；请核对学校代码", "There is no school \(c); check the code.")
        case .notFound(let l): .init("没有账号 \(l)；可用 teacher-registry user list 查看", "There is no account \(l); see teacher-registry user list.")
        case .weakPassword: .init("密码至少 8 位，且须同时含有字母和数字", "A password has at least 8 characters, with letters and digits.")
        case .wrongPassword: .init("原密码不对", "The current password is wrong.")
        }
    }

    public var description: String { message.zh }
}

/// What signing in gave.
public enum SignInResult: Sendable {
    case signedIn(SessionGrant)
    /// Wrong login or password (which of the two is never said).
    case refused
    /// Too many failures for this login: refused until this time, whatever the password.
    case locked(until: Date)
}

/// A new session: the cookie value (shown to the browser once, stored only hashed) and its CSRF token.
public struct SessionGrant: Sendable {
    public var token: String
    public var csrf: String
    public var user: UserAccount
}

/// A signed-in session, looked up from its cookie.
public struct ActiveSession: Sendable {
    public var id: Int64
    public var user: UserAccount
    public var csrf: String
}

extension Registry {
    /// 5 failures for one login within 15 minutes lock it for 15 minutes.
    public static let lockoutFailures = 5
    public static let lockoutWindow: TimeInterval = 15 * 60

    static func isValidLogin(_ login: String) -> Bool {
        !login.isEmpty && login.utf8.count <= 64 && login.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "_" || $0 == "-") }
    }

    static func isStrongEnough(_ password: String) -> Bool {
        password.count >= 8 && password.contains(where: \.isLetter) && password.contains(where: \.isNumber) && password.utf8.count <= 1024
    }

    /// An account from the columns of `accountColumns`, from `offset` on.
    static func account(_ r: SQLRow, from o: Int = 0) -> UserAccount {
        UserAccount(id: r.integer(o), login: r.string(o + 1), displayName: r.string(o + 2), role: AccessToken.Role(rawValue: r.string(o + 3)) ?? .hr,
                    schoolCode: r.text(o + 4), createdAt: r.string(o + 5), disabledAt: r.text(o + 6),
                    mustChangePassword: r.integer(o + 7) == 1, county: r.text(o + 8))
    }

    static let accountColumns = "id, login, display_name, role, school_code, created_at, disabled_at, must_change_password, county"

    /// A county given for an account or token must be one the registry's schools name.
    static func checkCounty(_ db: SQLSession, _ county: String?) throws {
        guard let county else { return }
        if try !db.exists("SELECT 1 FROM schools WHERE county = ?", county) {
            let known = try db.texts("SELECT DISTINCT county FROM schools WHERE county IS NOT NULL ORDER BY county")
            throw RegistryError.invalid(.init(
                known.isEmpty ? "没有区县“\(county)”：学校表没有填写区县" : "没有区县“\(county)”；已有：\(known.joined(separator: "、"))",
                known.isEmpty ? "There is no county \"\(county)\": the schools name no county." : "There is no county \"\(county)\"; the counties are: \(known.joined(separator: ", "))."))
        }
    }

    static func logAccount(_ db: SQLSession, batch: Int64, action: String, entity: String = "users", id: Int64, login: String, detail: String?) throws {
        try db.logChange(batch: batch, action: action, entity: entity, entityID: id, entityKey: login, staffNo: nil, detail: detail)
    }

    static let dummyHash = (try? PasswordHash.make("not a password: equalises timing")) ?? ""
}

extension RegistryBackend {
    /// Adds an account; its password is hashed before anything is written.
    public func addUser(login: String, role: AccessToken.Role, school: String?, displayName: String?, password: String,
                        mustChangePassword: Bool, actor: String, county: String? = nil) throws -> UserAccount {
        let login = login.trimmingCharacters(in: .whitespaces)
        guard Registry.isValidLogin(login) else { throw AccountError.invalidLogin }
        if role == .principal && school == nil { throw AccountError.principalNeedsSchool }
        if role != .principal && school != nil { throw AccountError.schoolOnlyForPrincipal }
        guard Registry.isStrongEnough(password) else { throw AccountError.weakPassword }
        let hash = try PasswordHash.make(password)
        let name = displayName.map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 } ?? login
        let now = Registry.timestamp()
        return try sql.write { db in
            if let school, try !db.exists("SELECT 1 FROM schools WHERE code = ?", school) {
                throw AccountError.unknownSchool(school)
            }
            if try db.exists("SELECT 1 FROM users WHERE login = ?", login) {
                throw AccountError.duplicate(login)
            }
            try Registry.checkCounty(db, county)
            let id = try db.insert("""
                INSERT INTO users (login, display_name, role, school_code, password_hash, created_at, password_changed_at, must_change_password, county)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, login, name, role.rawValue, school, hash, now, now, mustChangePassword ? 1 : 0, county)
            let batch = try db.beginBatch(actor: actor, command: "user add", source: nil, facts: false)
            try Registry.logAccount(db, batch: batch, action: "add", id: id, login: login,
                                    detail: "\(role.rawValue)\(school.map { " \($0)" } ?? "")\(county.map { " county:\($0)" } ?? "")")
            return UserAccount(id: id, login: login, displayName: name, role: role, schoolCode: school, createdAt: now, disabledAt: nil,
                               mustChangePassword: mustChangePassword, county: county)
        }
    }

    /// The county a school belongs to (nil in a one-county registry).
    public func county(ofSchool code: String) throws -> String? {
        try sql.read { db in try db.text("SELECT county FROM schools WHERE code = ?", code) }
    }

    public func listUsers() throws -> [UserAccount] {
        try sql.read { db in
            try db.rows("SELECT \(Registry.accountColumns) FROM users ORDER BY role, school_code, login").map { Registry.account($0) }
        }
    }

    public func user(login: String) throws -> UserAccount? {
        try sql.read { db in
            try db.row("SELECT \(Registry.accountColumns) FROM users WHERE login = ?", login).map { Registry.account($0) }
        }
    }

    /// Disables an account and ends its sessions at once.
    public func disableUser(login: String, actor: String) throws -> UserAccount {
        try sql.write { db in
            guard let r = try db.row("SELECT \(Registry.accountColumns) FROM users WHERE login = ?", login) else {
                throw AccountError.notFound(login)
            }
            var user = Registry.account(r)
            if user.isDisabled { return user }
            let now = Registry.timestamp()
            try db.execute("UPDATE users SET disabled_at = ? WHERE id = ?", now, user.id)
            try db.execute("UPDATE sessions SET ended_at = ? WHERE user_id = ? AND ended_at IS NULL", now, user.id)
            let batch = try db.beginBatch(actor: actor, command: "user disable", source: nil, facts: false)
            try Registry.logAccount(db, batch: batch, action: "update", id: user.id, login: user.login, detail: "disabled")
            user.disabledAt = now
            return user
        }
    }

    /// Sets a password (a reset by the county office, or the user's own change). Other sessions of
    /// the account end, except `keepSession`.
    public func setPassword(login: String, password: String, mustChangePassword: Bool, actor: String, keepSession: Int64? = nil) throws {
        guard Registry.isStrongEnough(password) else { throw AccountError.weakPassword }
        let hash = try PasswordHash.make(password)
        try sql.write { db in
            guard let id = try db.int("SELECT id FROM users WHERE login = ?", login) else {
                throw AccountError.notFound(login)
            }
            let now = Registry.timestamp()
            try db.execute("UPDATE users SET password_hash = ?, password_changed_at = ?, must_change_password = ? WHERE id = ?",
                           hash, now, mustChangePassword ? 1 : 0, id)
            try db.execute("UPDATE sessions SET ended_at = ? WHERE user_id = ? AND ended_at IS NULL AND id <> ?",
                           now, id, keepSession ?? -1)
            let batch = try db.beginBatch(actor: actor, command: "user password", source: nil, facts: false)
            try Registry.logAccount(db, batch: batch, action: "update", id: id, login: login, detail: "password")
        }
    }

    /// Changes one's own password, checking the current one first.
    public func changeOwnPassword(login: String, current: String, new: String, session: Int64) throws {
        let stored = try sql.read { db in try db.text("SELECT password_hash FROM users WHERE login = ?", login) }
        guard let stored, PasswordHash.verify(current, against: stored) else { throw AccountError.wrongPassword }
        try setPassword(login: login, password: new, mustChangePassword: false, actor: "user:\(login)", keepSession: session)
    }

    /// Signs in: a new session, or a refusal that does not say whether the login or the password was
    /// wrong. Every attempt is recorded; 5 failures within 15 minutes lock the login for 15 minutes.
    public func signIn(login rawLogin: String, password: String, client: String?, now: Date = Date()) throws -> SignInResult {
        let login = String(rawLogin.trimmingCharacters(in: .whitespaces).prefix(64))
        let since = Registry.timestamp(now.addingTimeInterval(-Registry.lockoutWindow))
        let (failures, row) = try sql.read { db -> ([String], SQLRow?) in
            let f = try db.texts("SELECT at FROM login_attempts WHERE login = ? AND succeeded = 0 AND at > ? ORDER BY at", login, since)
            let r = try db.row("SELECT \(Registry.accountColumns), password_hash FROM users WHERE login = ?", login)
            return (f, r)
        }
        if failures.count >= Registry.lockoutFailures {
            let oldest = failures[failures.count - Registry.lockoutFailures]
            let until = (Registry.date(fromTimestamp: oldest) ?? now).addingTimeInterval(Registry.lockoutWindow)
            try recordAttempt(login: login, succeeded: false, client: client, note: "locked")
            return .locked(until: until)
        }
        // The hash is computed even for an unknown login, so timing does not tell which was wrong.
        let stored = row.map { $0.string(9) } ?? Registry.dummyHash
        let ok = PasswordHash.verify(password, against: stored)
        guard ok, let row, row.text(6) == nil else {
            try recordAttempt(login: login, succeeded: false, client: client, note: nil)
            return .refused
        }
        let user = Registry.account(row)
        let token = Secrets.random(bytes: 32)
        let csrf = Secrets.random(bytes: 24)
        try sql.write { db in
            let at = Registry.timestamp(now)
            try db.execute("INSERT INTO login_attempts (login, at, succeeded, client) VALUES (?, ?, 1, ?)", login, at, client)
            let id = try db.insert("INSERT INTO sessions (token_hash, user_id, csrf, created_at, last_seen_at, client) VALUES (?, ?, ?, ?, ?, ?)",
                                   Secrets.sha256Hex(token), user.id, csrf, at, at, client)
            let batch = try db.beginBatch(actor: "user:\(user.login)", command: "sign in", source: client, facts: false)
            try Registry.logAccount(db, batch: batch, action: "add", entity: "sessions", id: id, login: user.login, detail: "登录")
        }
        return .signedIn(SessionGrant(token: token, csrf: csrf, user: user))
    }

    private func recordAttempt(login: String, succeeded: Bool, client: String?, note: String?) throws {
        try sql.write { db in
            let id = try db.insert("INSERT INTO login_attempts (login, at, succeeded, client) VALUES (?, ?, ?, ?)",
                                   login, Registry.timestamp(), succeeded ? 1 : 0, client)
            let batch = try db.beginBatch(actor: "user:\(login)", command: "sign in failed", source: client, facts: false)
            try Registry.logAccount(db, batch: batch, action: "add", entity: "login_attempts", id: id, login: login,
                                    detail: note == "locked" ? "登录失败（已锁定）" : "登录失败")
        }
    }

    /// The session of this cookie, if it is open, its account enabled and it was used within
    /// `idleLimit`. Using it moves its last-seen time on (at most once a minute).
    public func session(token: String, idleLimit: TimeInterval, now: Date = Date()) throws -> ActiveSession? {
        guard token.utf8.count == 64 else { return nil }
        let hash = Secrets.sha256Hex(token)
        guard let r = try sql.read({ db in
            try db.row("""
                SELECT u.id, u.login, u.display_name, u.role, u.school_code, u.created_at, u.disabled_at, u.must_change_password, u.county,
                       s.id, s.csrf, s.last_seen_at
                FROM sessions s JOIN users u ON u.id = s.user_id
                WHERE s.token_hash = ? AND s.ended_at IS NULL AND u.disabled_at IS NULL
                """, hash)
        }) else { return nil }
        let lastSeen = Registry.date(fromTimestamp: r.string(11)) ?? .distantPast
        let sessionID = r.integer(9)
        if now.timeIntervalSince(lastSeen) > idleLimit {
            try sql.write { db in
                try db.execute("UPDATE sessions SET ended_at = ? WHERE id = ? AND ended_at IS NULL", Registry.timestamp(now), sessionID)
            }
            return nil
        }
        if now.timeIntervalSince(lastSeen) > 60 {
            try sql.write { db in
                try db.execute("UPDATE sessions SET last_seen_at = ? WHERE id = ?", Registry.timestamp(now), sessionID)
            }
        }
        return ActiveSession(id: sessionID, user: Registry.account(r), csrf: r.string(10))
    }

    public func signOut(session: ActiveSession) throws {
        try sql.write { db in
            try db.execute("UPDATE sessions SET ended_at = ? WHERE id = ? AND ended_at IS NULL", Registry.timestamp(), session.id)
            let batch = try db.beginBatch(actor: "user:\(session.user.login)", command: "sign out", source: nil, facts: false)
            try Registry.logAccount(db, batch: batch, action: "update", entity: "sessions", id: session.id, login: session.user.login, detail: "退出登录")
        }
    }
}
