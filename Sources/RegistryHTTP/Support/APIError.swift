import Foundation
import Hummingbird
import TeacherGrowth

/// The server's one error type: a status and a sentence (and, for 422, a message per field), in
/// the language the request asks for (`?lang=en` or `Accept-Language`; Chinese by default). A
/// browser gets a page in the site's layout; a script gets JSON. Any other error becomes a plain
/// 500 with no detail.
struct APIError: Error, HTTPResponseError {
    var status: HTTPResponse.Status
    var message: LocalizedText
    var fields: [(String, LocalizedText)] = []
    var headers: HTTPFields = [:]

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let language = (try? Params.language(request)) ?? .zh
        var h = headers
        h[.cacheControl] = "no-store"
        h[.xContentTypeOptions] = "nosniff"
        if Params.wantsHTML(request) && (request.uri.queryParameters["format"] == nil || request.uri.queryParameters["format"] == "html") {
            let identity = (context as? AppContext)?.identity
            let page = Pages.shared.error(status: status, message: message, fields: fields, identity: identity, language: language)
            h[.contentType] = "text/html; charset=utf-8"
            h[.contentSecurityPolicy] = Responses.pageCSP
            return Response(status: status, headers: h, body: .init(byteBuffer: ByteBuffer(string: page)))
        }
        var body = "{\"error\":" + JSONText.string(message.text(language))
        if !fields.isEmpty {
            body += ",\"fields\":{" + fields.map { JSONText.string($0.0) + ":" + JSONText.string($0.1.text(language)) }.joined(separator: ",") + "}"
        }
        body += "}\n"
        h[.contentType] = "application/json; charset=utf-8"
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
    static func tooLarge(_ limit: Int) -> APIError {
        APIError(status: .contentTooLarge, message: .init("请求内容超过 \(limit / 1024) KiB，无法接收", "The body is larger than \(limit / 1024) KiB."))
    }
    static let csrf = APIError(status: .forbidden, message: .init(
        "表单已失效或来源不明（缺少或不符的安全校验码）；请刷新页面后重新提交", "The form has expired or did not come from this site (its CSRF token is missing or wrong); reload the page and submit again."))
    static func invalid(_ m: LocalizedText, fields: [(String, LocalizedText)]) -> APIError {
        APIError(status: .unprocessableContent, message: m, fields: fields)
    }
    static let busy = APIError(status: .serviceUnavailable, message: .init(
        "服务器正忙于计算其他报告，请稍后再试", "The server is busy computing other reports; try again shortly."), headers: [.retryAfter: "10"])
    static let unavailable = APIError(status: .serviceUnavailable, message: .init(
        "数据库文件已被替换或删除，服务已停止接收修改；请系统管理员检查后重启服务", "The database file was replaced or removed; the server no longer accepts changes. Ask the administrator to check and restart it."))
}

