/// The 18-character resident identity number (GB 11643), checked with ISO 7064 MOD 11-2.
public enum NationalID {
    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        case length(Int)
        case characters
        case checkDigit(expected: Character)
        case birthDate(String)

        public var description: String {
            switch self {
            case .length(let n): return "has \(n) characters; an identity number has 18"
            case .characters: return "must be 17 digits followed by a digit or X"
            case .checkDigit: return "fails its check digit; check for a typing error"
            case .birthDate(let s): return "contains the birth date \(s), which is not a calendar date"
            }
        }
    }

    private static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    private static let checkCharacters: [Character] = ["1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2"]

    /// Validates and returns the normalised number (a trailing `x` upper-cased) and its birth date.
    public static func validate(_ text: String) -> Result<(id: String, birthDate: CivilDate), Failure> {
        let chars = Array(text.uppercased())
        guard chars.count == 18 else { return .failure(.length(chars.count)) }
        var sum = 0
        for i in 0..<17 {
            guard let d = chars[i].wholeNumberValue, chars[i].isASCII else { return .failure(.characters) }
            sum += d * weights[i]
        }
        guard chars[17].isASCII, chars[17].isNumber || chars[17] == "X" else { return .failure(.characters) }
        let expected = checkCharacters[sum % 11]
        guard chars[17] == expected else { return .failure(.checkDigit(expected: expected)) }
        let birth = String(chars[6..<14])
        let n = birth.compactMap(\.wholeNumberValue)
        guard let date = CivilDate(year: n[0] * 1000 + n[1] * 100 + n[2] * 10 + n[3],
                                   month: n[4] * 10 + n[5], day: n[6] * 10 + n[7]) else {
            return .failure(.birthDate(birth))
        }
        return .success((String(chars), date))
    }

    /// `500242********1234`: the first six and the last four characters kept.
    public static func masked(_ id: String) -> String {
        let chars = Array(id)
        guard chars.count > 10 else { return String(repeating: "*", count: chars.count) }
        return String(chars.prefix(6)) + String(repeating: "*", count: chars.count - 10) + String(chars.suffix(4))
    }
}
