/// Training hours, exact: an integer count of tenths of an hour (SPEC §3: "never sum floating point").
public struct Hours: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    public var tenths: Int
    public init(tenths: Int) { self.tenths = tenths }
    public static let zero = Hours(tenths: 0)

    /// `24` or `24.5`: at most one digit after the point, no sign, no thousands separators.
    public init?(parsing text: some StringProtocol) {
        guard let n = Decimals.parse(text, places: 1) else { return nil }
        self.tenths = n
    }

    public static func < (a: Hours, b: Hours) -> Bool { a.tenths < b.tenths }
    public static func + (a: Hours, b: Hours) -> Hours { Hours(tenths: a.tenths + b.tenths) }

    /// `24` or `24.5`.
    public var description: String { Decimals.format(tenths, places: 1, trimZeroFraction: true) }
    /// Always one decimal: `24.0`.
    public var oneDecimal: String { Decimals.format(tenths, places: 1, trimZeroFraction: false) }

    /// JSON carries hours as a number of hours (`24.5`).
    public init(from decoder: any Decoder) throws {
        let hours = try decoder.singleValueContainer().decode(Double.self)
        tenths = Int((hours * 10).rounded())
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(Double(tenths) / 10)
    }
}

/// An amount of money in fen (0.01 yuan), exact.
public struct Yuan: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var fen: Int
    public init(fen: Int) { self.fen = fen }
    public init(yuan: Int) { self.fen = yuan * 100 }

    /// `30000`, `30000.5` or `30000.50`: at most two digits after the point.
    public init?(parsing text: some StringProtocol) {
        guard let n = Decimals.parse(text, places: 2) else { return nil }
        self.fen = n
    }

    public static func < (a: Yuan, b: Yuan) -> Bool { a.fen < b.fen }
    public var description: String { Decimals.format(fen, places: 2, trimZeroFraction: true) }
}

/// Fixed-point decimal text ↔ integers.
public enum Decimals {
    /// Parses unsigned `123`, `123.4` (up to `places` fraction digits) into units of 10^-places.
    /// Returns nil for signs, separators, exponents, empty parts or more fraction digits.
    public static func parse(_ text: some StringProtocol, places: Int) -> Int? {
        var whole = 0, fraction = 0, fractionDigits = 0
        var seenPoint = false, wholeDigits = 0
        for b in text.utf8 {
            if b == 0x2E {
                guard !seenPoint else { return nil }
                seenPoint = true
                continue
            }
            guard b >= 0x30, b <= 0x39 else { return nil }
            let digit = Int(b - 0x30)
            if seenPoint {
                fractionDigits += 1
                guard fractionDigits <= places else { return nil }
                fraction = fraction * 10 + digit
            } else {
                wholeDigits += 1
                guard wholeDigits <= 12 else { return nil }
                whole = whole * 10 + digit
            }
        }
        guard wholeDigits > 0, !seenPoint || fractionDigits > 0 else { return nil }
        var scale = 1
        for _ in 0..<places { scale *= 10 }
        var f = fraction
        for _ in fractionDigits..<places { f *= 10 }
        return whole * scale + f
    }

    public static func format(_ units: Int, places: Int, trimZeroFraction: Bool) -> String {
        var scale = 1
        for _ in 0..<places { scale *= 10 }
        let sign = units < 0 ? "-" : ""
        let a = abs(units)
        let whole = a / scale, frac = a % scale
        if trimZeroFraction && frac == 0 { return "\(sign)\(whole)" }
        var f = String(frac)
        while f.count < places { f = "0" + f }
        if trimZeroFraction { while f.hasSuffix("0") { f.removeLast() } }
        return "\(sign)\(whole).\(f)"
    }
}
