import Foundation
import Hummingbird
import TeacherGrowth

/// The server's one error type: a status and a sentence (and, for 422, a message per field), in
/// the language the request asks for (`?lang=en` or `Accept-Language`; Chinese by default).
/// Any other error becomes a plain 500 with no detail.
struct APIError: Error, HTTPResponseError {
    var status: HTTPResponse.Status
    var message: LocalizedText
    var fields: [(String, LocalizedText)] = []
    var headers: HTTPFields = [:]

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let language = Language.negotiate(query: request.uri.queryParameters["lang"].map(String.init),
                                          acceptLanguage: request.headers[.acceptLanguage])
        var body = "{\"error\":" + JSONText.string(message.text(language))
        if !fields.isEmpty {
            body += ",\"fields\":{" + fields.map { JSONText.string($0.0) + ":" + JSONText.string($0.1.text(language)) }.joined(separator: ",") + "}"
        }
        body += "}\n"
        var h = headers
        h[.contentType] = "application/json; charset=utf-8"
        h[.cacheControl] = "no-store"
        return Response(status: status, headers: h, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    static func badRequest(_ m: LocalizedText) -> APIError { APIError(status: .badRequest, message: m) }
    static let unauthorized = APIError(
        status: .unauthorized,
        message: .init("需要有效的令牌：请在请求头中加入 Authorization: Bearer <令牌>（用 teacher-registry token create 创建），或在浏览器中登录",
                       "A valid token is needed: send the header Authorization: Bearer <token> (make one with `teacher-registry token create`), or sign in with a browser."),
        headers: [.wwwAuthenticate: "Bearer"])
    static func forbidden(_ m: LocalizedText) -> APIError { APIError(status: .forbidden, message: m) }
    static func notFound(_ m: LocalizedText) -> APIError { APIError(status: .notFound, message: m) }
}
