import Foundation
import Spreadsheets
import TeacherGrowth

/// A CSV file on disk, read in blocks while it is imported, so that a large export is never held
/// whole in memory. The file is remembered as it was when named (size, time, inode): a file that
/// changes while it is being read is refused rather than half read.
public struct CSVFile: Sendable, Hashable {
    public let path: String
    let identity: Identity

    struct Identity: Sendable, Hashable {
        var device: UInt64
        var inode: UInt64
        var size: Int64
        var modified: Int64
        var modifiedNanoseconds: Int64
    }

    /// Nil when the path is not a readable regular file.
    public init?(path: String) {
        guard let identity = CSVFile.identity(of: path), access(path, R_OK) == 0 else { return nil }
        self.path = path
        self.identity = identity
    }

    var size: Int { Int(identity.size) }

    static func identity(of path: String) -> Identity? {
        var st = stat()
        guard stat(path, &st) == 0, st.st_mode & S_IFMT == S_IFREG else { return nil }
        return Identity(device: UInt64(st.st_dev), inode: UInt64(st.st_ino), size: Int64(st.st_size),
                        modified: Int64(st.st_mtim.tv_sec), modifiedNanoseconds: Int64(st.st_mtim.tv_nsec))
    }

    static let changed = ReadFailure(line: 1, message: .init(
        "在导入过程中被改动了（大小或修改时间变了）；请等文件保存完毕后再导入，没有写入任何数据",
        "changed while it was being imported (its size or time changed); import it again once it is saved. Nothing was written."))

    static func unreadable(_ reason: String) -> ReadFailure {
        ReadFailure(line: 1, message: .init("无法读取：\(reason)", "cannot be read: \(reason)"))
    }

    /// The whole file (for the encodings that are converted whole: GB18030, UTF-16).
    func readAll() throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(size)
        try forEachBlock(from: 0) { out.append(contentsOf: $0); return true }
        return out
    }

    /// Calls `body` with consecutive blocks of the file from `offset` until it returns false or the
    /// file ends; checks that the file is unchanged before and after.
    func forEachBlock(from offset: Int, size blockSize: Int = 4 << 20, _ body: (ArraySlice<UInt8>) throws -> Bool) throws {
        guard CSVFile.identity(of: path) == identity else { throw CSVFile.changed }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CSVFile.unreadable(String(cString: strerror(errno))) }
        defer { close(fd) }
        var block = [UInt8](repeating: 0, count: blockSize)
        var position = off_t(offset)
        while true {
            let n = block.withUnsafeMutableBytes { pread(fd, $0.baseAddress, blockSize, position) }
            if n < 0 {
                if errno == EINTR { continue }
                throw CSVFile.unreadable(String(cString: strerror(errno)))
            }
            if n == 0 { break }
            position += off_t(n)
            if try !body(block[0..<n]) { return }
        }
        guard CSVFile.identity(of: path) == identity else { throw CSVFile.changed }
    }
}

/// Reading a `CSVFile` record by record, block by block.
enum CSVFileStream {
    /// How many bytes at the start to skip (a UTF-8 byte-order mark) when the file's text is UTF-8
    /// that decoding would keep as it is, so it can be read in blocks; nil when it must be read
    /// whole and decoded (GB18030, UTF-16, or text that is not valid UTF-8 — whose messages the
    /// whole-file decoding gives).
    static func plainUTF8Start(_ file: CSVFile, encoding: InputEncoding?) throws -> Int? {
        var head: [UInt8] = []
        try file.forEachBlock(from: 0, size: 4) { head = Array($0); return false }
        let bom = head.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        if bom == 0 && (head.starts(with: [0xFF, 0xFE]) || head.starts(with: [0xFE, 0xFF])) { return nil }
        if bom == 0 && encoding == .gb18030 { return nil }
        // Valid UTF-8 throughout; and, for detection, whether any two-byte sequence occurs (the
        // only UTF-8 that GB18030 text can be mistaken for: see `TextDecoding.detect`).
        var valid = true, pairs = false
        try forEachLineBlock(file, from: bom) { lines in
            if !pairs && lines.contains(where: { $0 >= 0xC2 && $0 <= 0xDF }) { pairs = true }
            valid = String(validating: lines, as: UTF8.self) != nil
            return valid
        }
        guard valid else { return nil }
        if bom > 0 || encoding == .utf8 || !pairs { return bom }
        // Some two-byte sequences: as the detection does, a line that only GB18030 reads
        // plausibly means the whole file must be judged whole.
        var onlyGB = false
        let converter = GB18030Converter()
        try forEachLineBlock(file, from: 0) { lines in
            var start = lines.startIndex
            while start < lines.endIndex && !onlyGB {
                let end = lines[start...].firstIndex(of: 0x0A) ?? lines.endIndex
                let line = lines[start..<end]
                if line.contains(where: { $0 >= 0x80 }), !TextDecoding.plausible(String(decoding: line, as: UTF8.self)),
                   let gb = converter?.convert(line), TextDecoding.plausible(String(decoding: gb, as: UTF8.self)) {
                    onlyGB = true
                }
                start = end + 1
            }
            return !onlyGB
        }
        return onlyGB ? nil : 0
    }

    /// Calls `body` with blocks of whole lines (each ends with LF, but the last may not).
    private static func forEachLineBlock(_ file: CSVFile, from offset: Int, _ body: (ArraySlice<UInt8>) throws -> Bool) throws {
        var carry: [UInt8] = []
        var stopped = false
        try file.forEachBlock(from: offset) { block in
            guard let lastLF = block.lastIndex(of: 0x0A) else { carry.append(contentsOf: block); return true }
            carry.append(contentsOf: block[...lastLF])
            let go = try body(carry[...])
            carry = Array(block[(lastLF + 1)...])
            stopped = !go
            return go
        }
        if !stopped && !carry.isEmpty { _ = try body(carry[...]) }
    }

    /// Calls `body` with every record from `offset`, blank ones included, until it returns false;
    /// returns a syntax problem (broken quoting) as the whole-file reader would, with the same line.
    /// Blocks are cut after a line end outside quotes, so no record is split between blocks.
    static func forEachRecord(_ file: CSVFile, from offset: Int, blockSize: Int = 4 << 20,
                              _ body: (InputRecord) throws -> Bool) throws -> ReadFailure? {
        var pending: [UInt8] = []
        var line = 1
        var failure: ReadFailure?
        var stopped = false
        /// Reads the records of `bytes`; false when done (stopped or failed).
        func records(_ bytes: [UInt8]) throws -> Bool {
            var it = CSVReader(bytes: bytes, firstLine: line).makeIterator()
            while let r = it.next() {
                if try !body(r) { stopped = true; return false }
            }
            if let f = it.failure { failure = f; return false }
            line = it.line
            return true
        }
        // Quote parity from the start of `pending` (which starts at a record boundary).
        var inQuotes = false
        var scanned = 0
        var cut: Int?
        try file.forEachBlock(from: offset, size: blockSize) { block in
            pending.append(contentsOf: block)
            var i = scanned
            let n = pending.count
            pending.withUnsafeBufferPointer { p in
                while i < n {
                    let b = p[i]
                    if b == 0x22 { inQuotes.toggle() } else if b == 0x0A && !inQuotes { cut = i }
                    i += 1
                }
            }
            scanned = n
            guard let end = cut else { return true }
            let go = try records(Array(pending[...end]))
            pending.removeSubrange(...end)
            scanned = pending.count
            // The rest after the cut was scanned outside quotes up to the cut; rescan it.
            inQuotes = false
            scanned = 0
            cut = nil
            return go
        }
        if failure == nil && !stopped && !pending.isEmpty { _ = try records(pending) }
        return failure
    }
}
