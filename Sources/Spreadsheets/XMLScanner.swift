/// A small, incremental XML tokenizer for the parts of a workbook (SpreadsheetML is plain XML: no
/// DTDs, no custom entities). Bytes are fed in chunks as they are decompressed; complete tags and
/// text runs go to a handler, and an incomplete token waits for the next chunk, so a worksheet of
/// any size is read in constant memory. Element and attribute names are matched by local name
/// (`x:row` is `row`).
protocol XMLHandler {
    mutating func start(_ tag: XMLTag) throws
    mutating func end(_ localName: ArraySlice<UInt8>) throws
    /// Raw character data between tags (entities not yet decoded; see `XML.decode`).
    mutating func text(_ bytes: ArraySlice<UInt8>, cdata: Bool) throws
}

/// The inside of a start tag (`c r="A1" t="s"`), with attribute look-up on demand.
struct XMLTag {
    let bytes: ArraySlice<UInt8>
    let localName: ArraySlice<UInt8>
    let selfClosing: Bool

    /// The raw (undecoded) value of the attribute with this local name.
    func attribute(_ name: StaticString) -> ArraySlice<UInt8>? {
        let want = UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
        var i = localName.endIndex
        let end = bytes.endIndex
        while i < end {
            // Skip white space.
            while i < end, XML.isSpace(bytes[i]) { i += 1 }
            guard i < end, bytes[i] != 0x2F else { return nil }  // "/"
            let nameStart = i
            while i < end, bytes[i] != 0x3D, !XML.isSpace(bytes[i]) { i += 1 }  // "="
            let nameEnd = i
            while i < end, XML.isSpace(bytes[i]) { i += 1 }
            guard i < end, bytes[i] == 0x3D else { return nil }
            i += 1
            while i < end, XML.isSpace(bytes[i]) { i += 1 }
            guard i < end, bytes[i] == 0x22 || bytes[i] == 0x27 else { return nil }
            let quote = bytes[i]
            i += 1
            let valueStart = i
            while i < end, bytes[i] != quote { i += 1 }
            guard i < end else { return nil }
            let value = bytes[valueStart..<i]
            i += 1
            var local = nameStart
            for k in nameStart..<nameEnd where bytes[k] == 0x3A { local = k + 1 }
            if nameEnd - local == want.count {
                var same = true
                for (k, b) in zip(local..<nameEnd, want) where bytes[k] != b { same = false; break }
                if same { return value }
            }
        }
        return nil
    }

    func attributeString(_ name: StaticString) -> String? { attribute(name).map(XML.decode) }
}

enum XML {
    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }

    static func equals(_ s: ArraySlice<UInt8>, _ name: StaticString) -> Bool {
        guard s.count == name.utf8CodeUnitCount else { return false }
        let p = name.utf8Start
        var k = 0
        for b in s {
            if b != p[k] { return false }
            k += 1
        }
        return true
    }

    /// Decodes character data: the five predefined entities and numeric references.
    static func decode(_ s: ArraySlice<UInt8>) -> String {
        guard s.contains(0x26) else { return String(decoding: s, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(s.count)
        var i = s.startIndex
        while i < s.endIndex {
            let b = s[i]
            guard b == 0x26, let semi = s[i...].prefix(12).firstIndex(of: 0x3B) else {
                out.append(b)
                i += 1
                continue
            }
            let name = s[(i + 1)..<semi]
            var scalar: UInt32?
            switch String(decoding: name, as: UTF8.self) {
            case "lt": scalar = 0x3C
            case "gt": scalar = 0x3E
            case "amp": scalar = 0x26
            case "quot": scalar = 0x22
            case "apos": scalar = 0x27
            case let n where n.hasPrefix("#x") || n.hasPrefix("#X"): scalar = UInt32(n.dropFirst(2), radix: 16)
            case let n where n.hasPrefix("#"): scalar = UInt32(n.dropFirst(), radix: 10)
            default: scalar = nil
            }
            if let v = scalar, let u = Unicode.Scalar(v) {
                out.append(contentsOf: Array(String(Character(u)).utf8))
                i = semi + 1
            } else {
                out.append(b)
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Escapes text for element content and attribute values, and drops characters XML 1.0 cannot
    /// carry (control characters other than tab, line feed and carriage return).
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\r": out += "&#13;"
            case "\t", "\n": out.unicodeScalars.append(u)
            default:
                if u.value < 0x20 || (u.value >= 0xFFFE && u.value <= 0xFFFF) { continue }
                out.unicodeScalars.append(u)
            }
        }
        return out
    }
}

/// A problem reading XML: the part is not well-formed enough to read.
struct XMLFailure: Error {
    var message: String
}

struct XMLPushScanner {
    private var buffer: [UInt8] = []
    /// Bytes consumed before `buffer` starts, for limits.
    private(set) var consumed = 0

    /// Feeds the next chunk; complete tokens go to `handler`.
    mutating func feed<H: XMLHandler>(_ chunk: some Collection<UInt8>, into handler: inout H) throws {
        buffer.append(contentsOf: chunk)
        let used = try scan(&handler, final: false)
        if used > 0 {
            buffer.removeFirst(used)
            consumed += used
        }
        if buffer.count > XMLPushScanner.maxTokenBytes {
            throw XMLFailure(message: "a single cell or tag is larger than \(XMLPushScanner.maxTokenBytes >> 20) MB")
        }
    }

    /// The largest token (a tag or a run of text) accepted: a guard against broken or hostile files.
    static let maxTokenBytes = 64 << 20

    /// Ends the input: what is left must be text (white space) only.
    mutating func finish<H: XMLHandler>(into handler: inout H) throws {
        _ = try scan(&handler, final: true)
        buffer.removeAll()
    }

    /// Scans complete tokens; returns how many bytes were used.
    private func scan<H: XMLHandler>(_ handler: inout H, final: Bool) throws -> Int {
        let b = buffer
        let n = b.count
        var p = 0
        while p < n {
            if b[p] != 0x3C {  // text up to the next "<"
                var q = p
                while q < n, b[q] != 0x3C { q += 1 }
                if q == n && !final { return p }
                try handler.text(b[p..<q], cdata: false)
                p = q
                continue
            }
            // "<" …
            guard p + 1 < n else { return final ? n : p }
            let next = b[p + 1]
            if next == 0x21 {  // "<!"
                if starts(b, p, "<!--") {
                    guard let e = find(b, from: p + 4, "-->") else {
                        if final { throw XMLFailure(message: "an XML comment is never closed") }
                        return p
                    }
                    p = e + 3
                } else if starts(b, p, "<![CDATA[") {
                    guard let e = find(b, from: p + 9, "]]>") else {
                        if final { throw XMLFailure(message: "a CDATA section is never closed") }
                        return p
                    }
                    try handler.text(b[(p + 9)..<e], cdata: true)
                    p = e + 3
                } else {
                    // <!DOCTYPE …>: skipped, with any internal subset in brackets.
                    var depth = 0, q = p + 2
                    while q < n {
                        if b[q] == 0x5B { depth += 1 } else if b[q] == 0x5D { depth -= 1 } else if b[q] == 0x3E && depth <= 0 { break }
                        q += 1
                    }
                    if q == n {
                        if final { throw XMLFailure(message: "a declaration is never closed") }
                        return p
                    }
                    p = q + 1
                }
                continue
            }
            if next == 0x3F {  // "<?" … "?>"
                guard let e = find(b, from: p + 2, "?>") else {
                    if final { throw XMLFailure(message: "a processing instruction is never closed") }
                    return p
                }
                p = e + 2
                continue
            }
            // A tag: find its ">" outside quoted attribute values.
            var q = p + 1
            var quote: UInt8 = 0
            while q < n {
                let c = b[q]
                if quote != 0 { if c == quote { quote = 0 } } else if c == 0x22 || c == 0x27 { quote = c } else if c == 0x3E { break }
                q += 1
            }
            if q == n {
                if final { throw XMLFailure(message: "a tag is never closed") }
                return p
            }
            if next == 0x2F {  // end tag
                var s = p + 2, e = q
                while e > s, XML.isSpace(b[e - 1]) { e -= 1 }
                for k in s..<e where b[k] == 0x3A { s = k + 1 }
                try handler.end(b[s..<e])
            } else {
                let selfClosing = b[q - 1] == 0x2F
                let inner = b[(p + 1)..<(selfClosing ? q - 1 : q)]
                var nameEnd = inner.startIndex
                while nameEnd < inner.endIndex, !XML.isSpace(inner[nameEnd]) { nameEnd += 1 }
                var local = inner.startIndex
                for k in inner.startIndex..<nameEnd where inner[k] == 0x3A { local = k + 1 }
                let tag = XMLTag(bytes: inner, localName: inner[local..<nameEnd], selfClosing: selfClosing)
                try handler.start(tag)
                if selfClosing { try handler.end(tag.localName) }
            }
            p = q + 1
        }
        return n
    }

    private func starts(_ b: [UInt8], _ at: Int, _ s: StaticString) -> Bool {
        let c = s.utf8CodeUnitCount
        guard at + c <= b.count else { return false }
        for k in 0..<c where b[at + k] != s.utf8Start[k] { return false }
        return true
    }

    private func find(_ b: [UInt8], from: Int, _ s: StaticString) -> Int? {
        let c = s.utf8CodeUnitCount
        guard from + c <= b.count else { return nil }
        var i = from
        let first = s.utf8Start[0]
        while i + c <= b.count {
            if b[i] == first && starts(b, i, s) { return i }
            i += 1
        }
        return nil
    }
}
