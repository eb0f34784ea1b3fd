import Crypto
import GRDB
import Foundation
import TeacherGrowth

/// National identity numbers are stored sealed with AES-GCM under a key kept outside the database,
/// in a key file (mode 0600). The stored text is `v1:KEYID:BASE64(nonce ‖ ciphertext ‖ tag)`.
///
/// The nonce is derived from the number itself (HMAC-SHA256 under a second key derived from the
/// same secret — a synthetic IV), so the same number always seals to the same text: re-importing an
/// unchanged teacher changes nothing, and equal numbers can be compared without opening them. What
/// this reveals is only whether two stored numbers are equal.
///
/// The key file holds one key per line, `trk-key-v1 KEYID BASE64KEY`, the current key first. A
/// rotation adds the new key first, re-seals every number in one transaction, then drops the old
/// key, so that a rotation stopped at any point leaves a key file that opens every stored number.
public struct IdentityKeyring: Sendable {
    public struct Key: Sendable {
        public let id: String
        let secret: SymmetricKey
        let sealing: SymmetricKey
        let nonces: SymmetricKey

        init(secret: SymmetricKey) {
            self.secret = secret
            let bytes = secret.withUnsafeBytes { Data($0) }
            id = String(SHA256.hash(data: Data("teacher-registry key id".utf8) + bytes).map { String(format: "%02x", $0) }.joined().prefix(12))
            sealing = HKDF<SHA256>.deriveKey(inputKeyMaterial: secret, info: Data("teacher-registry national id seal".utf8), outputByteCount: 32)
            nonces = HKDF<SHA256>.deriveKey(inputKeyMaterial: secret, info: Data("teacher-registry national id nonce".utf8), outputByteCount: 32)
        }

        static func generate() -> Key { Key(secret: SymmetricKey(size: .bits256)) }
    }

    /// Current key first.
    public let keys: [Key]

    public static let prefix = "v1:"

    public var current: Key { keys[0] }

    public static func isSealed(_ text: String) -> Bool { text.hasPrefix(prefix) }

    /// The sealed text of a number.
    public func seal(_ number: String) throws -> String {
        let key = current
        let mac = HMAC<SHA256>.authenticationCode(for: Data(number.utf8), using: key.nonces)
        let nonce = try AES.GCM.Nonce(data: Data(mac).prefix(12))
        let box = try AES.GCM.seal(Data(number.utf8), using: key.sealing, nonce: nonce)
        guard let combined = box.combined else { throw IdentityKeyError.corrupt }
        return "\(Self.prefix)\(key.id):\(combined.base64EncodedString())"
    }

    /// The number a sealed text holds. A text that is not sealed (a database written before numbers
    /// were sealed) is returned as it is.
    public func open(_ text: String) throws -> String {
        guard Self.isSealed(text) else { return text }
        let parts = text.split(separator: ":", maxSplits: 2)
        guard parts.count == 3, let data = Data(base64Encoded: String(parts[2])) else { throw IdentityKeyError.corrupt }
        guard let key = keys.first(where: { $0.id == parts[1] }) else { throw IdentityKeyError.unknownKey(String(parts[1])) }
        do {
            let box = try AES.GCM.SealedBox(combined: data)
            return String(decoding: try AES.GCM.open(box, using: key.sealing), as: UTF8.self)
        } catch {
            throw IdentityKeyError.corrupt
        }
    }

    public init(keys: [Key]) {
        precondition(!keys.isEmpty)
        self.keys = keys
    }

    /// A key that lives only in memory (tests, an in-memory registry).
    public static func ephemeral() -> IdentityKeyring { IdentityKeyring(keys: [.generate()]) }

    // MARK: the key file

    package static func read(path: String) throws -> IdentityKeyring? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw IdentityKeyError.unreadable(path) }
        var keys: [Key] = []
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") && !line.trimmingCharacters(in: .whitespaces).isEmpty {
            let f = line.split(separator: " ")
            guard f.count == 3, f[0] == "trk-key-v1", let raw = Data(base64Encoded: String(f[2])), raw.count == 32 else {
                throw IdentityKeyError.malformed(path)
            }
            let key = Key(secret: SymmetricKey(data: raw))
            guard key.id == f[1] else { throw IdentityKeyError.malformed(path) }
            keys.append(key)
        }
        guard !keys.isEmpty else { throw IdentityKeyError.malformed(path) }
        return IdentityKeyring(keys: keys)
    }

    package func write(to path: String) throws {
        var text = "# teacher-registry: the key that seals national identity numbers. Keep it secret, keep a copy\n"
        text += "# apart from the database backups: without it the numbers cannot be read. First line = current key.\n"
        for k in keys {
            text += "trk-key-v1 \(k.id) \(k.secret.withUnsafeBytes { Data($0) }.base64EncodedString())\n"
        }
        try PrivateFiles.write(Data(text.utf8), to: path)
    }
}

public enum IdentityKeyError: Error, CustomStringConvertible {
    case missing(String)
    case unreadable(String)
    case malformed(String)
    case unknownKey(String)
    case corrupt

    public var message: LocalizedText {
        switch self {
        case .missing(let p):
            return .init("找不到身份证号密钥文件 \(p)，而数据库中已有加密的身份证号；请把原来的密钥文件放回此处，或用 --key-file（或环境变量 TEACHER_REGISTRY_KEY_FILE）指明它的位置",
                         "The identity-number key file \(p) is missing but the database holds sealed numbers; put the original key file back, or name it with --key-file (or TEACHER_REGISTRY_KEY_FILE)")
        case .unreadable(let p):
            return .init("无法读取身份证号密钥文件 \(p)；请检查文件权限", "Cannot read the identity-number key file \(p); check its permissions")
        case .malformed(let p):
            return .init("身份证号密钥文件 \(p) 内容不对；请换回原来的密钥文件", "The identity-number key file \(p) is not a key file; restore the original")
        case .unknownKey(let id):
            return .init("身份证号是用另一把密钥（编号 \(id)）加密的，当前密钥文件中没有它；请使用加密时的密钥文件",
                         "An identity number is sealed with another key (\(id)) that the key file does not hold; use the key file it was sealed with")
        case .corrupt:
            return .init("一个加密的身份证号无法解开（数据损坏或密钥不对）", "A sealed identity number cannot be opened (damaged, or the wrong key)")
        }
    }

    public var description: String { message.zh }
}

/// Where a registry's key comes from: a key file, read (or created) on first need, or a key held in
/// memory. A key file is created only while the database holds no sealed number, so a lost key file
/// is reported instead of silently replaced.
final class IdentityKeySource: @unchecked Sendable {
    let path: String?
    private let lock = NSLock()
    private var loaded: IdentityKeyring?

    init(path: String) { self.path = path }
    init(keyring: IdentityKeyring) { path = nil; loaded = keyring }

    /// The keyring; `db` answers whether sealed numbers exist when the key file is missing.
    func keyring(_ db: Database?) throws -> IdentityKeyring {
        lock.lock()
        defer { lock.unlock() }
        guard let path else {
            if let loaded { return loaded }
            throw IdentityKeyError.missing("")
        }
        // A key file replaced by `key rotate` in another process is read again.
        let stamp = Self.stamp(path)
        if let loaded, stamp == loadedStamp { return loaded }
        if let k = try IdentityKeyring.read(path: path) {
            loaded = k
            loadedStamp = stamp
            return k
        }
        if let db, try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM teachers WHERE national_id LIKE 'v1:%')") == true {
            throw IdentityKeyError.missing(path)
        }
        let k = IdentityKeyring.ephemeral()
        try k.write(to: path)
        loaded = k
        loadedStamp = Self.stamp(path)
        return k
    }

    private var loadedStamp: String?

    private static func stamp(_ path: String) -> String? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return "\(st.st_ino):\(st.st_size):\(st.st_mtim.tv_sec):\(st.st_mtim.tv_nsec)"
    }

    /// The number a stored text holds; the key is read only for a sealed text.
    func open(_ stored: String, _ db: Database?) throws -> String {
        IdentityKeyring.isSealed(stored) ? try keyring(db).open(stored) : stored
    }

    /// Replaces the keyring after a rotation.
    func replace(_ k: IdentityKeyring) {
        lock.lock()
        loaded = k
        loadedStamp = path.flatMap(Self.stamp)
        lock.unlock()
    }
}

extension Registry {
    /// The key file of this registry (nil for an in-memory one).
    public var identityKeyFile: String? { identityKey.path }

}

extension RegistryBackend {
    /// Replaces the key that seals national identity numbers: a new key is added to the key file
    /// (the old one kept), every number is re-sealed in one transaction, then the old key is dropped.
    /// Stopped at any point, the key file still opens every stored number. Returns the old and new
    /// key ids and how many numbers were re-sealed.
    public func rotateIdentityKey(actor: String) throws -> (old: String, new: String, count: Int) {
        guard let path = identityKeyFile else { throw IdentityKeyError.missing("") }
        let old = try currentIdentityKeyring()
        let fresh = IdentityKeyring.Key.generate()
        let both = IdentityKeyring(keys: [fresh] + old.keys)
        try both.write(to: path)
        identityKeyringReplaced(both)
        let count = try sql.write { db -> Int in
            let rows = try db.rows("SELECT id, national_id FROM teachers WHERE national_id IS NOT NULL")
            for r in rows {
                let number = try both.open(r.string(1))
                try db.execute("UPDATE teachers SET national_id = ? WHERE id = ?", try both.seal(number), r.integer(0))
            }
            let batch = try db.beginBatch(actor: actor, command: "key rotate", source: nil, facts: false)
            try db.logChange(batch: batch, action: "update", entity: "identity_key", entityID: 0, entityKey: fresh.id, staffNo: nil,
                             detail: "{\"key\":[\"\(old.current.id)\",\"\(fresh.id)\"]}")
            return rows.count
        }
        let final = IdentityKeyring(keys: [fresh])
        try final.write(to: path)
        identityKeyringReplaced(final)
        return (old.current.id, fresh.id, count)
    }
}
