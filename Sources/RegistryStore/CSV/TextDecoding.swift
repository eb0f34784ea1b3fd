import TeacherGrowth
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The text encodings an HR export arrives in (SPEC §5).
public enum InputEncoding: String, Sendable, CaseIterable {
    case utf8 = "utf-8"
    case gb18030

    /// `utf-8`, `utf8`, `gb18030`, `gbk`, `gb2312` (GBK and GB2312 are subsets of GB18030).
    public init?(name: String) {
        switch name.lowercased().replacingOccurrences(of: "_", with: "-") {
        case "utf-8", "utf8": self = .utf8
        case "gb18030", "gbk", "gb2312", "cp936": self = .gb18030
        default: return nil
        }
    }
}

public struct DecodingFailure: Error, Sendable, Equatable {
    public var line: Int
    public var message: LocalizedText
}

/// Turns file bytes into UTF-8 bytes without a BOM.
enum TextDecoding {
    static func utf8Bytes(_ bytes: [UInt8], encoding: InputEncoding?) -> Result<[UInt8], DecodingFailure> {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            return validatedUTF8(Array(bytes.dropFirst(3)))
        }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            return utf16(bytes, littleEndian: bytes[0] == 0xFF)
        }
        switch encoding {
        case .utf8?: return validatedUTF8(bytes)
        case .gb18030?: return gb18030(bytes)
        case nil: return detect(bytes)
        }
    }

    private static func validatedUTF8(_ bytes: [UInt8]) -> Result<[UInt8], DecodingFailure> {
        if let bad = firstInvalidUTF8Line(bytes) {
            return .failure(.init(line: bad, message: .init(
                "不是有效的 UTF-8 编码；请把文件另存为 UTF-8，如果是 GB18030/GBK 文件请加 --encoding gb18030",
                "is not valid UTF-8; save the file as UTF-8, or pass --encoding gb18030 if it is GB18030/GBK")))
        }
        return .success(bytes)
    }

    /// Decides between UTF-8 and GB18030 (what Excel's "CSV" saves on a Chinese Windows).
    ///
    /// Many GB18030 words are also valid UTF-8 byte sequences by chance (小学 is D0 A1 D1 A7, which
    /// UTF-8 reads as two Cyrillic letters), and UTF-8 Chinese often decodes as GB18030 into rare or
    /// private-use characters. So each line with non-ASCII bytes is read both ways and judged by
    /// what it would say: a reading is plausible when all its non-ASCII characters are ones a
    /// Chinese register contains (CJK ideographs, CJK and full-width punctuation, common symbols).
    /// Lines only UTF-8 can read plausibly, beside lines only GB18030 can, make a file that mixes
    /// encodings, which is refused; otherwise the encoding the plausible lines agree on is used.
    private static func detect(_ bytes: [UInt8]) -> Result<[UInt8], DecodingFailure> {
        let wholeUTF8 = isValidUTF8Fast(bytes)
        // Fast path: valid UTF-8 without any two-byte sequence (C2–DF lead bytes) cannot be GB18030
        // text read by mistake: every GB18030 character that is also valid UTF-8 is such a pair.
        if wholeUTF8 && !bytes.contains(where: { $0 >= 0xC2 && $0 <= 0xDF }) { return .success(bytes) }
        var onlyUTF8 = 0, firstOnlyUTF8 = 0
        var onlyGB = 0, firstOnlyGB = 0
        var firstInvalidUTF8 = 0, firstInvalidGB = 0
        var line = 1, start = 0
        let converter = GB18030Converter()
        func classify(_ end: Int) {
            let slice = bytes[start..<end]
            guard slice.contains(where: { $0 >= 0x80 }) else { return }
            let validUTF8 = isValidUTF8(slice)
            let gb = converter?.convert(slice).map { String(decoding: $0, as: UTF8.self) }
            if !validUTF8 && firstInvalidUTF8 == 0 { firstInvalidUTF8 = line }
            if gb == nil && firstInvalidGB == 0 { firstInvalidGB = line }
            let u = validUTF8 && plausible(String(decoding: slice, as: UTF8.self))
            let g = gb.map(plausible) ?? false
            if u && !g { onlyUTF8 += 1; if firstOnlyUTF8 == 0 { firstOnlyUTF8 = line } }
            if g && !u { onlyGB += 1; if firstOnlyGB == 0 { firstOnlyGB = line } }
        }
        for i in bytes.indices where bytes[i] == 0x0A {
            classify(i)
            start = i + 1
            line += 1
        }
        classify(bytes.count)
        if onlyUTF8 > 0 && onlyGB > 0 {
            let (a, b) = (firstOnlyUTF8, firstOnlyGB)
            return .failure(.init(line: max(a, b), message: .init(
                "混用了两种编码：第 \(a) 行是 UTF-8，第 \(b) 行是 GB18030/GBK；请把整个文件用同一种编码保存（建议 UTF-8）",
                "mixes encodings: line \(a) is UTF-8 but line \(b) is GB18030/GBK; save the whole file in one encoding (UTF-8 is best)")))
        }
        if onlyGB > 0 || (!wholeUTF8 && onlyUTF8 == 0 && firstInvalidGB == 0) {
            if firstInvalidGB == 0, case .success(let out) = gb18030(bytes) { return .success(out) }
            let bad = max(firstInvalidGB, 1)
            return .failure(.init(line: bad, message: .init(
                "是 GB18030/GBK 编码，但第 \(bad) 行含有无法识别的字节；请检查该行，或把文件另存为 UTF-8",
                "is GB18030/GBK but line \(bad) has bytes that are not; check that line, or save the file as UTF-8")))
        }
        if wholeUTF8 { return .success(bytes) }
        let bad = max(firstInvalidUTF8, 1)
        return .failure(.init(line: bad, message: .init(
            "第 \(bad) 行不是有效的 UTF-8 编码（也不是 GB18030/GBK）；请把整个文件另存为 UTF-8",
            "line \(bad) is not valid UTF-8 (nor GB18030/GBK); save the whole file as UTF-8")))
    }

    /// Whether every non-ASCII character is one a Chinese teacher register plausibly contains.
    static func plausible(_ s: String) -> Bool {
        for u in s.unicodeScalars where u.value >= 0x80 {
            switch u.value {
            case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2FA1F,  // CJK ideographs
                 0x3000...0x303F, 0xFF00...0xFFEF, 0xFE30...0xFE4F,    // CJK and full-width punctuation, forms
                 0x2000...0x206F, 0x2100...0x218F, 0x2190...0x21FF,    // general punctuation, letterlike, arrows
                 0x2460...0x24FF, 0x2500...0x257F, 0x25A0...0x25FF,    // circled numbers, box drawing, shapes
                 0x3200...0x32FF, 0x3300...0x33FF,                    // enclosed CJK, CJK compatibility
                 0xC0...0x17F,                                           // Latin letters with accents (José)
                 0xB7, 0xD7, 0xF7, 0xB0, 0xA0, 0xA9, 0xAE, 0xB1, 0xFEFF:
                continue
            default:
                return false
            }
        }
        return true
    }


    static func firstInvalidUTF8Line(_ bytes: [UInt8]) -> Int? {
        if isValidUTF8Fast(bytes) { return nil }
        var line = 1, start = 0
        for i in bytes.indices where bytes[i] == 0x0A {
            if !isValidUTF8(bytes[start..<i]) { return line }
            start = i + 1
            line += 1
        }
        return line
    }

    /// The standard library's validator (fast on large buffers).
    static func isValidUTF8Fast(_ bytes: [UInt8]) -> Bool {
        String(validating: bytes, as: UTF8.self) != nil
    }

    static func isValidUTF8(_ bytes: ArraySlice<UInt8>) -> Bool {
        var it = bytes.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&it) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }

    private static func utf16(_ bytes: [UInt8], littleEndian: Bool) -> Result<[UInt8], DecodingFailure> {
        let body = bytes.dropFirst(2)
        guard body.count % 2 == 0 else {
            return .failure(.init(line: 1, message: .init("是字节数为奇数的 UTF-16 文件，已损坏；请另存为 UTF-8", "is UTF-16 with an odd number of bytes; save the file as UTF-8")))
        }
        var units: [UInt16] = []
        units.reserveCapacity(body.count / 2)
        var i = body.startIndex
        while i < body.endIndex {
            let a = UInt16(body[i]), b = UInt16(body[i + 1])
            units.append(littleEndian ? a | b << 8 : a << 8 | b)
            i += 2
        }
        var out: [UInt8] = []
        var ok = true
        _ = transcode(units.makeIterator(), from: UTF16.self, to: UTF8.self, stoppingOnError: true) { out.append($0) }
        if out.isEmpty && !units.isEmpty { ok = false }
        return ok ? .success(out) : .failure(.init(line: 1, message: .init("不是有效的 UTF-16 编码；请另存为 UTF-8", "is not valid UTF-16; save the file as UTF-8")))
    }

    /// GB18030 → UTF-8 through the C library's iconv.
    static func gb18030(_ bytes: [UInt8]) -> Result<[UInt8], DecodingFailure> {
        guard let converter = GB18030Converter() else {
            return .failure(.init(line: 1, message: .init("本系统无法转换 GB18030 编码；请另存为 UTF-8", "cannot be converted from GB18030 on this system; save the file as UTF-8")))
        }
        guard let out = converter.convert(bytes[...]) else {
            return .failure(.init(line: 1, message: .init("既不是有效的 UTF-8，也不是有效的 GB18030/GBK 编码；请另存为 UTF-8", "is neither valid UTF-8 nor valid GB18030; save the file as UTF-8")))
        }
        return .success(out)
    }
}

/// One iconv conversion descriptor, reused line after line (opening one costs more than a line).
final class GB18030Converter {
    private let cd: iconv_t

    init?() {
        guard let cd = iconv_open("UTF-8", "GB18030"), cd != iconv_t(bitPattern: -1) else { return nil }
        self.cd = cd
    }

    deinit { iconv_close(cd) }

    /// The UTF-8 bytes of a GB18030 text, or nil when it is not valid GB18030.
    func convert(_ bytes: ArraySlice<UInt8>) -> [UInt8]? {
        if bytes.isEmpty { return [] }
        _ = iconv(cd, nil, nil, nil, nil)  // reset the shift state
        var input = Array(bytes)
        var output = [UInt8](repeating: 0, count: bytes.count * 2 + 16)
        let converted: Int? = input.withUnsafeMutableBufferPointer { inBuf in
            output.withUnsafeMutableBufferPointer { outBuf in
                var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inBuf.baseAddress)?.assumingMemoryBound(to: CChar.self)
                var inLeft = inBuf.count
                var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuf.baseAddress)?.assumingMemoryBound(to: CChar.self)
                var outLeft = outBuf.count
                let r = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
                return r == -1 || inLeft != 0 ? nil : outBuf.count - outLeft
            }
        }
        guard let n = converted else { return nil }
        output.removeSubrange(n...)
        return output
    }
}
