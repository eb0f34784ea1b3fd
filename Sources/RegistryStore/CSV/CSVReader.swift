import Spreadsheets
import TeacherGrowth

/// An RFC 4180 reader over UTF-8 bytes: quoted fields with embedded commas, doubled quotes and
/// line breaks; CRLF or LF line ends. Each record knows the line it starts on.
struct CSVReader: Sequence {
    typealias Record = InputRecord
    typealias Failure = ReadFailure

    let bytes: [UInt8]
    /// The line number of the first byte (a block of a file read in blocks starts further on).
    var firstLine = 1
    /// A guard against runaway fields (an unbalanced quote swallowing the rest of a file).
    var maxFieldBytes = 1 << 20

    init(bytes: [UInt8], firstLine: Int = 1) {
        self.bytes = bytes
        self.firstLine = firstLine
    }

    func makeIterator() -> Iterator { Iterator(bytes: bytes, maxFieldBytes: maxFieldBytes, firstLine: firstLine) }

    struct Iterator: IteratorProtocol {
        let bytes: [UInt8]
        let maxFieldBytes: Int
        var position = 0
        /// The line the next record starts on.
        var line: Int
        var failure: Failure?

        init(bytes: [UInt8], maxFieldBytes: Int, firstLine: Int = 1) {
            self.bytes = bytes
            self.maxFieldBytes = maxFieldBytes
            line = firstLine
        }

        /// Returns nil at the end, or after a failure (then `failure` is set).
        mutating func next() -> Record? {
            guard failure == nil, position < bytes.count else { return nil }
            let startLine = line
            var fields: [String] = []
            fields.reserveCapacity(16)
            var field: [UInt8] = []
            var i = position
            let n = bytes.count
            fieldLoop: while true {
                field.removeAll(keepingCapacity: true)
                if i < n && bytes[i] == 0x22 {
                    // Quoted field.
                    let quoteLine = line
                    i += 1
                    while true {
                        guard i < n else {
                            failure = Failure(line: quoteLine, message: .init("第 \(quoteLine) 行开始的带引号的单元格没有结束引号；请检查是否多了一个 \" 号", "a quoted field opened on line \(quoteLine) is never closed; check for an unbalanced \" character"))
                            return nil
                        }
                        let b = bytes[i]
                        if b == 0x22 {
                            if i + 1 < n && bytes[i + 1] == 0x22 {
                                field.append(0x22)
                                i += 2
                                continue
                            }
                            i += 1
                            break
                        }
                        if b == 0x0A { line += 1 }
                        field.append(b)
                        i += 1
                        if field.count > maxFieldBytes {
                            failure = Failure(line: quoteLine, message: .init("第 \(quoteLine) 行开始的单元格超过 \(maxFieldBytes / 1024) KiB；请检查是否多了一个 \" 号", "a field opened on line \(quoteLine) is longer than \(maxFieldBytes / 1024) KiB; check for an unbalanced \" character"))
                            return nil
                        }
                    }
                    fields.append(String(decoding: field, as: UTF8.self))
                    // After the closing quote: a separator, a line end or the end.
                    if i < n, bytes[i] != 0x2C, bytes[i] != 0x0A, !(bytes[i] == 0x0D && i + 1 < n && bytes[i + 1] == 0x0A), bytes[i] != 0x0D {
                        failure = Failure(line: line, message: .init("结束引号后面还有文字；带引号的单元格中的引号要写成两个（\"\"）", "text follows a closing quote; a quote inside a quoted field must be doubled (\"\")"))
                        return nil
                    }
                } else {
                    let s = i
                    while i < n {
                        let b = bytes[i]
                        if b == 0x2C || b == 0x0A || b == 0x0D { break }
                        if b == 0x22 {
                            failure = Failure(line: line, message: .init("未加引号的单元格中出现了引号；请把整个单元格用引号括起来，并把其中的引号写成两个（\"\"）", "a quote appears inside an unquoted field; put the whole field in quotes and double the quote (\"\")"))
                            return nil
                        }
                        i += 1
                    }
                    if i - s > maxFieldBytes {
                        failure = Failure(line: line, message: .init("单元格超过 \(maxFieldBytes / 1024) KiB，无法导入", "a field is longer than \(maxFieldBytes / 1024) KiB"))
                        return nil
                    }
                    // Straight from the input, without a copy through `field`.
                    fields.append(String(decoding: bytes[s..<i], as: UTF8.self))
                }
                if i >= n { break fieldLoop }
                switch bytes[i] {
                case 0x2C:
                    i += 1
                    if i >= n { fields.append(""); break fieldLoop }
                case 0x0D:
                    i += (i + 1 < n && bytes[i + 1] == 0x0A) ? 2 : 1
                    line += 1
                    break fieldLoop
                default: // LF
                    i += 1
                    line += 1
                    break fieldLoop
                }
            }
            position = i
            return Record(line: startLine, fields: fields)
        }
    }
}

/// Writes RFC 4180 CSV (see `CSVText`).
enum CSVWriter {
    static func line(_ fields: [String]) -> String { CSVText.line(fields) }
}
