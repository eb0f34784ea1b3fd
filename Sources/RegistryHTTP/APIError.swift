import Foundation
import Hummingbird
import TeacherGrowth

/// The server's one error type: a status and a sentence (and, for 422, a message per field),
/// always as JSON. Any other error becomes a plain 500 with no detail.
struct APIError: Error, HTTPResponseError {
    var status: HTTPResponse.Status
    var message: String
    var fields: [(String, String)] = []
    var headers: HTTPFields = [:]

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var body = "{\"error\":" + JSONString.quote(message)
        if !fields.isEmpty {
            body += ",\"fields\":{" + fields.map { JSONString.quote($0.0) + ":" + JSONString.quote($0.1) }.joined(separator: ",") + "}"
        }
        body += "}\n"
        var h = headers
        h[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: h, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    static func badRequest(_ m: String) -> APIError { APIError(status: .badRequest, message: m) }
    static let unauthorized = APIError(status: .unauthorized, message: "A valid token is needed: send the header Authorization: Bearer <token> (make one with `teacher-registry token create`).",
                                       headers: [.wwwAuthenticate: "Bearer"])
    static func forbidden(_ m: String) -> APIError { APIError(status: .forbidden, message: m) }
    static func notFound(_ m: String) -> APIError { APIError(status: .notFound, message: m) }
}

enum JSONString {
    static func quote(_ s: String) -> String { JSONText.string(s) }
}
