import Foundation
import Hummingbird
import RegistryStore
import HTTPTypes
import NIOCore
import TeacherGrowth

/// Responses with the right content type and the headers every response of this server carries.
enum Responses {
    static let json = "application/json; charset=utf-8"
    static let html = "text/html; charset=utf-8"
    static let csv = "text/csv; charset=utf-8"
    static let markdown = "text/markdown; charset=utf-8"
    static let xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    /// The site's pages: scripts off, styles from the site only, forms to the site only.
    static let pageCSP = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    /// The standalone report pages carry their style inline (they are also saved as files).
    static let reportCSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    static func contentType(_ f: Params.Format) -> String {
        switch f {
        case .json: json
        case .html: html
        case .csv: csv
        case .markdown: markdown
        case .xlsx: xlsx
        }
    }

    /// A response; `personal` marks a body with names or other personal data: never stored by caches.
    static func make(_ body: String, type: String, status: HTTPResponse.Status = .ok, personal: Bool = false, csp: String? = nil) -> Response {
        make(ByteBuffer(string: body), type: type, status: status, personal: personal, csp: csp)
    }

    static func make(_ body: ByteBuffer, type: String, status: HTTPResponse.Status = .ok, personal: Bool = false, csp: String? = nil,
                     fileName: String? = nil) -> Response {
        var h = HTTPFields()
        h[.contentType] = type
        if personal { h[.cacheControl] = "no-store" }
        if let csp { h[.contentSecurityPolicy] = csp } else if type == html { h[.contentSecurityPolicy] = pageCSP }
        if let fileName {
            let encoded = fileName.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "download"
            h[.contentDisposition] = "attachment; filename=\"download.\((fileName as NSString).pathExtension)\"; filename*=UTF-8''\(encoded)"
        }
        return Response(status: status, headers: h, body: .init(byteBuffer: body))
    }

    static func page(_ html: String, status: HTTPResponse.Status = .ok) -> Response {
        make(html, type: Responses.html, status: status, personal: true)
    }

    static func workbook(_ data: Data, fileName: String) -> Response {
        make(ByteBuffer(bytes: data), type: xlsx, personal: true, fileName: fileName)
    }

    /// 303 See Other: after a form, to the page that shows its result.
    static func redirect(_ location: String) -> Response {
        var h = HTTPFields()
        h[.location] = location
        h[.cacheControl] = "no-store"
        return Response(status: .seeOther, headers: h)
    }
}

/// Headers every response carries (issue 14): no MIME sniffing, no framing, no referrer leaks.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        // The language switch of the pages is remembered for the next pages.
        if let raw = request.uri.queryParameters["lang"], let l = Language(rawValue: String(raw)), (response.headers[.contentType] ?? "").hasPrefix("text/html") {
            response.setCookie(Cookie(name: "lang", value: l.rawValue, maxAge: 365 * 86_400, path: "/", httpOnly: true, sameSite: .lax))
        }
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[HeaderNames.frameOptions] = "DENY"
        response.headers[HeaderNames.referrerPolicy] = "same-origin"
        return response
    }
}

/// Header names HTTPTypes does not define.
enum HeaderNames {
    static let frameOptions = HTTPField.Name("X-Frame-Options")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    static let csrfToken = HTTPField.Name("X-CSRF-Token")!
    /// The facts version a cached response was computed from.
    static let factsVersion = HTTPField.Name("X-Facts-Version")!
    /// RFC 9211: set when a public viewer is given the previous figures while new ones are computed.
    static let cacheStatus = HTTPField.Name("Cache-Status")!
}

/// Stops writes once the database file was replaced or removed under the running server (issue
/// 14): a change acknowledged then would be lost with the old file. Reads go on from the open file.
struct DatabaseFileGuard<Context: RequestContext>: RouterMiddleware {
    let registry: any RegistryBackend

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.method != .get && request.method != .head && registry.fileState != .inPlace {
            throw APIError.unavailable
        }
        return try await next(request, context)
    }
}
