import Crypto
import CryptoExtras
import Foundation

/// Hashes, random secrets and passwords, from swift-crypto.
public enum Secrets {
    static func sha256Hex(_ s: String) -> String {
        SHA256.hash(data: Data(s.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// A random secret of `bytes` bytes, as lower-case hex.
    public static func random(bytes: Int = 24) -> String {
        var rng = SystemRandomNumberGenerator()
        return (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &rng)) }.joined()
    }

    /// Two secrets compared in constant time (for their length).
    public static func equal(_ a: String, _ b: String) -> Bool { constantTimeEqual(Array(a.utf8), Array(b.utf8)) }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var diff: UInt8 = 0
        for i in a.indices { diff |= a[i] ^ b[i] }
        return diff == 0
    }
}

/// Passwords are stored as `pbkdf2-sha256$ROUNDS$SALT$HASH` (base64): PBKDF2-HMAC-SHA256 with a
/// per-user random salt, slow enough (≈ 0.1 s here) to make guessing a stolen hash expensive.
public enum PasswordHash {
    /// OWASP's 2023 figure for PBKDF2-HMAC-SHA256.
    public static let rounds = 600_000

    public static func make(_ password: String, rounds: Int = PasswordHash.rounds) throws -> String {
        var rng = SystemRandomNumberGenerator()
        let salt = (0..<16).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let key = try KDF.Insecure.PBKDF2.deriveKey(from: Data(password.utf8), salt: salt, using: .sha256, outputByteCount: 32, rounds: rounds)
        let hash = key.withUnsafeBytes { Data($0) }
        return "pbkdf2-sha256$\(rounds)$\(Data(salt).base64EncodedString())$\(hash.base64EncodedString())"
    }

    /// Whether `password` matches the stored hash (compared in constant time).
    public static func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$")
        guard parts.count == 4, parts[0] == "pbkdf2-sha256", let rounds = Int(parts[1]), rounds >= 1_000, rounds <= 10_000_000,
              let salt = Data(base64Encoded: String(parts[2])), let want = Data(base64Encoded: String(parts[3])),
              let key = try? KDF.Insecure.PBKDF2.deriveKey(from: Data(password.utf8), salt: salt, using: .sha256,
                                                          outputByteCount: want.count, rounds: rounds) else { return false }
        let got = key.withUnsafeBytes { Data($0) }
        return Secrets.constantTimeEqual([UInt8](got), [UInt8](want))
    }

    /// A password to hand out once (`user add` without --password-stdin): 14 characters without
    /// look-alikes (0/O, 1/l/I).
    public static func generate() -> String {
        let alphabet = Array("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var rng = SystemRandomNumberGenerator()
        // Drawn again until it has a letter and a digit (the rule every password must meet): about one
        // draw in nine has no digit.
        while true {
            let p = String((0..<14).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &rng)] })
            if Registry.isStrongEnough(p) { return p }
        }
    }
}
