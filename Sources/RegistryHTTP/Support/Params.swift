import Foundation
import Hummingbird
import NIOCore
import TeacherGrowth

/// Request parameter parsing, in one place: years, dates, language, format, forms and uploads.
enum Params {
    static func year(_ text: String) throws -> Int {
        guard !text.isEmpty, text.utf8.count <= 4, text.allSatisfy(\.isASCII), let y = Int(text), ReportDates.isValidYear(y), String(y) == text else {
            throw APIError.badRequest(.init("年份必须是 1990 至 2100 之间的整数，如 2025", "The year must be a whole number from 1990 to 2100, such as 2025."))
        }
        return y
    }

    static func query(_ request: Request, _ name: String) -> String? {
        request.uri.queryParameters[name[...]].map(String.init)
    }

    static func date(_ request: Request, _ name: String) throws -> CivilDate? {
        guard let raw = query(request, name), !raw.isEmpty else { return nil }
        guard raw.utf8.count <= 32, let d = CivilDate(iso: raw), ReportDates.isValidYear(d.year) else {
            throw APIError.badRequest(.init("\(name) 必须是 YYYY-MM-DD 格式的日期", "\(name) must be a date written YYYY-MM-DD."))
        }
        return d
    }

    /// `?lang=`, else the language the pages' switch remembered (cookie `lang`), else
    /// `Accept-Language` (SPEC §10), else Chinese. An unknown `lang` is a 400.
    static func language(_ request: Request) throws -> Language {
        if let raw = query(request, "lang") {
            guard let l = Language(rawValue: raw.lowercased()) else { throw APIError.badRequest(.init("lang 只能是 zh 或 en", "lang must be zh or en.")) }
            return l
        }
        if let remembered = request.cookies["lang"].flatMap({ Language(rawValue: $0.value) }) { return remembered }
        return Language.negotiate(query: nil, acceptLanguage: request.headers[.acceptLanguage])
    }

    enum Format: String { case json, html, csv, markdown, xlsx }

    /// `?format=`, else the `Accept` header, else `default`.
    static func format(_ request: Request, allowed: [Format], default d: Format) throws -> Format {
        if let raw = query(request, "format") {
            guard let f = Format(rawValue: raw), allowed.contains(f) else {
                throw APIError.badRequest(.init("format 只能是：\(allowed.map(\.rawValue).joined(separator: "、"))",
                                                "format must be one of: \(allowed.map(\.rawValue).joined(separator: ", "))."))
            }
            return f
        }
        let accept = request.headers[.accept] ?? ""
        for (type, f) in [("application/json", Format.json), ("text/csv", .csv), ("text/markdown", .markdown), ("text/html", .html)]
        where accept.contains(type) && allowed.contains(f) {
            return f
        }
        return d
    }

    /// Whether a browser asked (it accepts HTML): unauthenticated browsers are sent to sign in.
    static func wantsHTML(_ request: Request) -> Bool {
        (request.headers[.accept] ?? "").contains("text/html")
    }

    /// Collects a body of at most `limit` bytes; a declared larger body is refused at once (413).
    static func body(_ request: Request, limit: Int) async throws -> ByteBuffer {
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limit {
            throw APIError.tooLarge(limit)
        }
        var request = request
        do {
            return try await request.collectBody(upTo: limit)
        } catch {
            throw APIError.tooLarge(limit)
        }
    }

    /// An `application/x-www-form-urlencoded` body: each name with its values, in order.
    static func form(_ request: Request, limit: Int = 256 * 1024) async throws -> Form {
        let buffer = try await body(request, limit: limit)
        return Form(urlEncoded: String(buffer: buffer))
    }
}

/// Form fields (or query parameters): a name may repeat (`ids=1&ids=2`).
struct Form: Sendable {
    var values: [String: [String]] = [:]

    init(values: [String: [String]] = [:]) { self.values = values }

    init(urlEncoded text: String) {
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Form.decode(parts[0])
            let value = parts.count > 1 ? Form.decode(parts[1]) : ""
            values[name, default: []].append(value)
        }
    }

    subscript(_ name: String) -> String? { values[name]?.first }
    func all(_ name: String) -> [String] { values[name] ?? [] }

    /// The field trimmed, nil when empty.
    func text(_ name: String) -> String? {
        guard let v = self[name] else { return nil }
        let t = Text.trimmed(v)
        return t.isEmpty ? nil : t
    }

    static func decode(_ s: Substring) -> String {
        let plus = s.replacingOccurrences(of: "+", with: " ")
        return plus.removingPercentEncoding ?? plus
    }
}

/// A `multipart/form-data` body: fields and uploaded files.
struct Multipart: Sendable {
    struct File: Sendable {
        var field: String
        var fileName: String
        var bytes: [UInt8]
    }

    var fields = Form()
    var files: [File] = []

    /// Parses the body; a malformed one is a 400 with a sentence.
    static func parse(_ body: ByteBuffer, contentType: String) throws -> Multipart {
        guard let range = contentType.range(of: "boundary=") else {
            throw APIError.badRequest(.init("上传内容不是 multipart/form-data 表单", "The upload is not a multipart/form-data form."))
        }
        var boundary = String(contentType[range.upperBound...])
        if let semi = boundary.firstIndex(of: ";") { boundary = String(boundary[..<semi]) }
        boundary = boundary.trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
        guard !boundary.isEmpty, boundary.utf8.count <= 200 else {
            throw APIError.badRequest(.init("上传表单的分隔符无效", "The form's boundary is not valid."))
        }
        let bytes = Array(body.readableBytesView)
        let delimiter = Array("--\(boundary)".utf8)
        var out = Multipart()
        var positions: [Int] = []
        var i = 0
        while let p = find(delimiter, in: bytes, from: i) {
            positions.append(p)
            i = p + delimiter.count
        }
        guard positions.count >= 2 else { throw APIError.badRequest(.init("上传表单不完整", "The form is incomplete.")) }
        for (start, end) in zip(positions, positions.dropFirst()) {
            var partStart = start + delimiter.count
            // Skip the CRLF after the delimiter.
            if partStart + 1 < bytes.count, bytes[partStart] == 0x0D, bytes[partStart + 1] == 0x0A { partStart += 2 }
            var partEnd = end
            if partEnd >= 2, bytes[partEnd - 2] == 0x0D, bytes[partEnd - 1] == 0x0A { partEnd -= 2 }
            guard partStart <= partEnd, let headerEnd = find([0x0D, 0x0A, 0x0D, 0x0A], in: bytes, from: partStart), headerEnd <= partEnd else { continue }
            let headers = String(decoding: bytes[partStart..<headerEnd], as: UTF8.self)
            let content = Array(bytes[(headerEnd + 4)..<partEnd])
            var name: String?, fileName: String?
            for line in headers.split(separator: "\r\n") where line.lowercased().hasPrefix("content-disposition") {
                name = parameter(String(line), "name")
                fileName = parameter(String(line), "filename")
            }
            guard let name else { continue }
            if let fileName {
                if !fileName.isEmpty || !content.isEmpty {
                    out.files.append(File(field: name, fileName: (fileName as NSString).lastPathComponent, bytes: content))
                }
            } else {
                out.fields.values[name, default: []].append(String(decoding: content, as: UTF8.self))
            }
        }
        return out
    }

    private static func parameter(_ header: String, _ key: String) -> String? {
        for piece in header.split(separator: ";") {
            let p = piece.trimmingCharacters(in: .whitespaces)
            if p.hasPrefix("\(key)=") {
                return String(p.dropFirst(key.count + 1)).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }

    private static func find(_ needle: [UInt8], in hay: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty, hay.count >= needle.count, from <= hay.count - needle.count else { return nil }
        let first = needle[0]
        var i = from
        let last = hay.count - needle.count
        while i <= last {
            if hay[i] == first {
                var j = 1
                while j < needle.count && hay[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i }
            }
            i += 1
        }
        return nil
    }
}
