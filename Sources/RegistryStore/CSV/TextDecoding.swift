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
    public var message: String
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
            return .failure(.init(line: bad, message: "is not valid UTF-8; save the file as UTF-8, or pass --encoding gb18030 if it is GB18030/GBK"))
        }
        return .success(bytes)
    }

    /// UTF-8 when every line is valid UTF-8; GB18030 when no line with non-ASCII text is; a file
    /// that mixes the two is refused (converting it either way would garble part of it).
    private static func detect(_ bytes: [UInt8]) -> Result<[UInt8], DecodingFailure> {
        if isValidUTF8Fast(bytes) { return .success(bytes) }
        var validNonASCII = 0, firstValidNonASCII = 0
        var invalid = 0, firstInvalid = 0
        var line = 1
        var start = 0
        func classify(_ end: Int) {
            let slice = bytes[start..<end]
            guard slice.contains(where: { $0 >= 0x80 }) else { return }
            if isValidUTF8(slice) {
                validNonASCII += 1
                if firstValidNonASCII == 0 { firstValidNonASCII = line }
            } else {
                invalid += 1
                if firstInvalid == 0 { firstInvalid = line }
            }
        }
        for i in bytes.indices where bytes[i] == 0x0A {
            classify(i)
            start = i + 1
            line += 1
        }
        classify(bytes.count)
        if invalid == 0 { return .success(bytes) }
        if validNonASCII > 0 {
            let (utfLine, gbLine) = (firstValidNonASCII, firstInvalid)
            return .failure(.init(line: gbLine, message: "mixes encodings: line \(utfLine) is UTF-8 but line \(gbLine) is not; save the whole file in one encoding (UTF-8 is best), or pass --encoding gb18030"))
        }
        return gb18030(bytes)
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
            return .failure(.init(line: 1, message: "is UTF-16 with an odd number of bytes; save the file as UTF-8"))
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
        return ok ? .success(out) : .failure(.init(line: 1, message: "is not valid UTF-16; save the file as UTF-8"))
    }

    /// GB18030 → UTF-8 through the C library's iconv.
    static func gb18030(_ bytes: [UInt8]) -> Result<[UInt8], DecodingFailure> {
        let cd = iconv_open("UTF-8", "GB18030")
        guard cd != iconv_t(bitPattern: -1) else {
            return .failure(.init(line: 1, message: "cannot be converted from GB18030 on this system; save the file as UTF-8"))
        }
        defer { iconv_close(cd) }
        var input = bytes
        var output = [UInt8](repeating: 0, count: bytes.count * 2 + 16)
        let converted: Int? = input.withUnsafeMutableBufferPointer { inBuf in
            output.withUnsafeMutableBufferPointer { outBuf in
                var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inBuf.baseAddress)?.assumingMemoryBound(to: CChar.self)
                var inLeft = inBuf.count
                var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuf.baseAddress)?.assumingMemoryBound(to: CChar.self)
                var outLeft = outBuf.count
                if inLeft == 0 { return 0 }
                let r = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
                if r == -1 || inLeft != 0 {
                    return nil
                }
                return outBuf.count - outLeft
            }
        }
        guard let n = converted else {
            return .failure(.init(line: 1, message: "is neither valid UTF-8 nor valid GB18030; save the file as UTF-8"))
        }
        output.removeSubrange(n...)
        return .success(output)
    }
}
