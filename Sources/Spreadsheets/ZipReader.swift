import Foundation
import SystemZlib

/// Reads the parts of a ZIP package (an .xlsx workbook): the central directory, then each part
/// streamed through zlib in chunks, bounded by the sizes the directory gives and checked against
/// its CRC-32. Every length is checked against the bytes there are, so a damaged or hostile file
/// ends in `ZipError`, never in a read past the end, a loop without end or unbounded memory.
///
/// (ZIPFoundation, still used to write workbooks, loops for ever on a deflate stream that does not
/// end before the file does, and leaks on files that are not ZIP files: both found by the fuzzer in
/// `Tools/fuzz`.)
final class ZipReader {
    struct Entry {
        var path: String
        var method: UInt16
        var compressedSize: UInt64
        var uncompressedSize: UInt64
        var crc32: UInt32
        var localHeaderOffset: UInt64
    }

    enum ZipError: Error { case notZip, damaged(String), unsupported(String) }

    let entries: [Entry]
    private let bytes: Data

    init(data: Data) throws {
        bytes = data
        entries = try ZipReader.directory(data)
    }

    convenience init(path: String) throws {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) } catch { throw ZipError.notZip }
        try self.init(data: data)
    }

    // MARK: the central directory

    private static func u16(_ d: Data, _ at: Int) -> UInt16 {
        let i = d.startIndex + at
        return UInt16(d[i]) | UInt16(d[i + 1]) << 8
    }

    private static func u32(_ d: Data, _ at: Int) -> UInt32 {
        let i = d.startIndex + at
        return UInt32(d[i]) | UInt32(d[i + 1]) << 8 | UInt32(d[i + 2]) << 16 | UInt32(d[i + 3]) << 24
    }

    private static func u64(_ d: Data, _ at: Int) -> UInt64 { UInt64(u32(d, at)) | UInt64(u32(d, at + 4)) << 32 }

    private static func directory(_ d: Data) throws -> [Entry] {
        let n = d.count
        guard n >= 22 else { throw ZipError.notZip }
        // The end-of-central-directory record: within the last 64 KiB + 22 bytes.
        var eocd = -1
        var i = n - 22
        let lowest = max(0, n - 22 - 0xFFFF)
        while i >= lowest {
            if u32(d, i) == 0x0605_4B50 { eocd = i; break }
            i -= 1
        }
        guard eocd >= 0 else { throw ZipError.notZip }
        var count = UInt64(u16(d, eocd + 10))
        var size = UInt64(u32(d, eocd + 12))
        var offset = UInt64(u32(d, eocd + 16))
        // ZIP64: the locator just before the record points at the ZIP64 end record.
        if (count == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF), eocd >= 20, u32(d, eocd - 20) == 0x0706_4B50 {
            let z = u64(d, eocd - 20 + 8)
            guard z <= UInt64(n - 56), u32(d, Int(z)) == 0x0606_4B50 else { throw ZipError.damaged("zip64 end record") }
            count = u64(d, Int(z) + 32)
            size = u64(d, Int(z) + 40)
            offset = u64(d, Int(z) + 48)
        }
        guard offset <= UInt64(n), size <= UInt64(n) - offset, count <= size / 46 + 1 else { throw ZipError.damaged("central directory") }
        var entries: [Entry] = []
        entries.reserveCapacity(Int(count))
        var p = Int(offset)
        let end = Int(offset + size)
        for _ in 0..<count {
            guard p + 46 <= end, u32(d, p) == 0x0201_4B50 else { throw ZipError.damaged("central directory entry") }
            let method = u16(d, p + 10)
            let crc = u32(d, p + 16)
            var csize = UInt64(u32(d, p + 20)), usize = UInt64(u32(d, p + 24))
            let nameLength = Int(u16(d, p + 28)), extraLength = Int(u16(d, p + 30)), commentLength = Int(u16(d, p + 32))
            var local = UInt64(u32(d, p + 42))
            guard p + 46 + nameLength + extraLength + commentLength <= end else { throw ZipError.damaged("central directory entry") }
            let nameStart = d.startIndex + p + 46
            let nameBytes = d[nameStart..<nameStart + nameLength]
            let name = String(decoding: nameBytes, as: UTF8.self)
            // ZIP64 sizes and offset, in the order of the fields that are saturated.
            var x = p + 46 + nameLength
            let extraEnd = x + extraLength
            while x + 4 <= extraEnd {
                let id = u16(d, x), length = Int(u16(d, x + 2))
                guard x + 4 + length <= extraEnd else { break }
                if id == 0x0001 {
                    var f = x + 4
                    if usize == 0xFFFF_FFFF, f + 8 <= x + 4 + length { usize = u64(d, f); f += 8 }
                    if csize == 0xFFFF_FFFF, f + 8 <= x + 4 + length { csize = u64(d, f); f += 8 }
                    if local == 0xFFFF_FFFF, f + 8 <= x + 4 + length { local = u64(d, f); f += 8 }
                }
                x += 4 + length
            }
            entries.append(Entry(path: name, method: method, compressedSize: csize, uncompressedSize: usize, crc32: crc,
                                 localHeaderOffset: local))
            p += 46 + nameLength + extraLength + commentLength
        }
        return entries
    }

    /// The entry at `path`, else one that differs only in letter case or slashes.
    func entry(_ path: String) -> Entry? {
        let p = path.hasPrefix("/") ? String(path.dropFirst()) : path
        if let e = entries.first(where: { $0.path == p }) { return e }
        let lower = p.lowercased()
        return entries.first { $0.path.replacingOccurrences(of: "\\", with: "/").lowercased() == lower }
    }

    // MARK: reading a part

    /// Calls `consume` with the part's bytes, 64 KiB at a time; checks the CRC-32 at the end.
    func extract(_ e: Entry, _ consume: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        let n = UInt64(bytes.count)
        let h = e.localHeaderOffset
        guard h <= n, n - h >= 30, ZipReader.u32(bytes, Int(h)) == 0x0403_4B50 else { throw ZipError.damaged(e.path) }
        let start = h + 30 + UInt64(ZipReader.u16(bytes, Int(h) + 26)) + UInt64(ZipReader.u16(bytes, Int(h) + 28))
        guard start <= n, e.compressedSize <= n - start else { throw ZipError.damaged(e.path) }
        let from = bytes.startIndex + Int(start), to = from + Int(e.compressedSize)
        var crc = SystemZlib.crc32(0, nil, 0)
        try bytes.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            guard let base = raw.baseAddress?.assumingMemoryBound(to: UInt8.self) else { throw ZipError.damaged(e.path) }
            let input = UnsafeBufferPointer(start: base + (from - bytes.startIndex), count: to - from)
            switch e.method {
            case 0:
                var at = 0
                while at < input.count {
                    let k = min(1 << 16, input.count - at)
                    let chunk = UnsafeBufferPointer(rebasing: input[at..<at + k])
                    crc = SystemZlib.crc32(crc, chunk.baseAddress, uInt(k))
                    try consume(chunk)
                    at += k
                }
            case 8:
                try ZipReader.inflate(input, name: e.path) { chunk in
                    crc = SystemZlib.crc32(crc, chunk.baseAddress, uInt(chunk.count))
                    try consume(chunk)
                }
            default:
                throw ZipError.unsupported("\(e.path): compression method \(e.method)")
            }
        }
        guard UInt32(crc) == e.crc32 else { throw ZipError.damaged(e.path) }
    }

    /// Raw deflate: the stream must end within `input`.
    private static func inflate(_ input: UnsafeBufferPointer<UInt8>, name: String, _ consume: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        var stream = z_stream()
        guard inflateInit2_(&stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { throw ZipError.damaged(name) }
        defer { inflateEnd(&stream) }
        let out = UnsafeMutablePointer<UInt8>.allocate(capacity: 1 << 16)
        defer { out.deallocate() }
        var consumed = 0
        while true {
            let before = consumed
            // zlib takes at most 4 GiB at a time.
            let give = min(input.count - consumed, Int(UInt32.max))
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress.map { $0 + consumed })
            stream.avail_in = uInt(give)
            stream.next_out = out
            stream.avail_out = uInt(1 << 16)
            let result = SystemZlib.inflate(&stream, Z_NO_FLUSH)
            consumed += give - Int(stream.avail_in)
            let produced = (1 << 16) - Int(stream.avail_out)
            if produced > 0 { try consume(UnsafeBufferPointer(start: out, count: produced)) }
            if result == Z_STREAM_END { return }
            guard result == Z_OK || result == Z_BUF_ERROR else { throw ZipError.damaged(name) }
            // Neither input taken nor output made: the stream does not end where the part does.
            if produced == 0 && consumed == before { throw ZipError.damaged(name) }
        }
    }
}
