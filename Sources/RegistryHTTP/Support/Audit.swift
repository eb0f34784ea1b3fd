import Hummingbird
import RegistryStore

/// Every response that carries personal data is recorded: who, when, what, which school or person,
/// and the client address (issue 14). Read with `teacher-registry audit`.
enum Audit {
    static func record(_ services: Services, _ context: AppContext, _ identity: Identity, _ request: Request, what: String,
                       school: String?, people: Int, staffNo: String? = nil) async throws {
        let registry = services.registry
        let actor = identity.actor, role = identity.role.rawValue, client = context.client, route = request.uri.path
        try await services.blocking {
            try registry.recordRead(actor: actor, role: role, client: client, route: route, what: what, school: school, staffNo: staffNo, people: people)
        }
    }
}
