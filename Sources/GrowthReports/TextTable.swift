/// Terminal tables aligned for CJK text: a Chinese character takes two columns (East Asian Width).
public struct TextTable: Sendable {
    public enum Alignment: Sendable { case left, right }

    public var headers: [String]
    public var alignments: [Alignment]
    public var rows: [[String]] = []
    /// The widest a column may be; longer cells are cut with "…".
    public var maxColumnWidth: Int

    public init(headers: [String], alignments: [Alignment]? = nil, maxColumnWidth: Int = 40) {
        self.headers = headers
        self.alignments = alignments ?? Array(repeating: .left, count: headers.count)
        self.maxColumnWidth = maxColumnWidth
    }

    public mutating func add(_ row: [String]) { rows.append(row) }

    public func render(indent: String = "") -> String {
        let all = [headers] + rows
        var widths = headers.map { _ in 0 }
        for r in all {
            for (i, cell) in r.enumerated() where i < widths.count {
                widths[i] = min(maxColumnWidth, max(widths[i], DisplayWidth.of(cell)))
            }
        }
        func line(_ r: [String]) -> String {
            var parts: [String] = []
            for (i, w) in widths.enumerated() {
                let cell = DisplayWidth.truncate(i < r.count ? r[i] : "", to: w)
                let pad = String(repeating: " ", count: w - DisplayWidth.of(cell))
                parts.append(alignments[i] == .right ? pad + cell : cell + pad)
            }
            var s = indent + parts.joined(separator: "  ")
            while s.hasSuffix(" ") { s.removeLast() }
            return s
        }
        var out = [line(headers), indent + widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ")]
        out += rows.map(line)
        return out.joined(separator: "\n") + "\n"
    }
}

public enum DisplayWidth {
    /// Columns a string takes in a terminal.
    public static func of(_ s: String) -> Int { s.unicodeScalars.reduce(0) { $0 + width($1) } }

    public static func width(_ u: Unicode.Scalar) -> Int {
        let v = u.value
        if v == 0 || (v < 0x20) || (0x300...0x36F).contains(v) || v == 0x200B || v == 0xFEFF { return 0 }
        if (0x1100...0x115F).contains(v) || (0x2E80...0x303E).contains(v) || (0x3041...0x33FF).contains(v)
            || (0x3400...0x4DBF).contains(v) || (0x4E00...0x9FFF).contains(v) || (0xA000...0xA4CF).contains(v)
            || (0xAC00...0xD7A3).contains(v) || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v)
            || (0xFF00...0xFF60).contains(v) || (0xFFE0...0xFFE6).contains(v) || (0x20000...0x3FFFD).contains(v) {
            return 2
        }
        return 1
    }

    /// Cuts a string to at most `width` columns, ending in "…" when cut.
    public static func truncate(_ s: String, to width: Int) -> String {
        guard of(s) > width else { return s }
        var out = "", w = 0
        for ch in s {
            let cw = of(String(ch))
            if w + cw > width - 1 { break }
            out.append(ch)
            w += cw
        }
        return out + "…"
    }

    /// Pads on the right to `width` columns.
    public static func pad(_ s: String, to width: Int) -> String {
        s + String(repeating: " ", count: max(0, width - of(s)))
    }
}
