import ArgumentParser
import Foundation
import RegistryPostgres
import RegistryStore
import Spreadsheets
import TeacherGrowth

/// `teacher-registry` — the county's system of record for teacher growth.
public struct TeacherRegistry: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "teacher-registry",
        abstract: "The county's system of record for teacher growth (酉阳县教师成长登记系统).",
        discussion: """
        The database is --db, else $TEACHER_REGISTRY_DB, else registry.sqlite in the current folder; it is
        created on first use.
        """,
        version: "teacher-registry 0.1 (schema \(Registry.schemaVersion))",
        subcommands: [Demo.self, Import.self, ImportDir.self, Export.self, TeacherCommand.self, TrainingCommand.self, ReportCommand.self, ComplianceCommand.self, RotationCommand.self, PlanCommand.self, Serve.self, UserCommand.self, TokenCommand.self, AuditCommand.self, KeyCommand.self, Backup.self, Codes.self]
    )

    public init() {}

    /// Runs the command line and exits: 0 on success, 1 on a user error, 2 on a usage error.
    public static func run(arguments: [String] = Array(CommandLine.arguments.dropFirst())) -> Never {
        Foundation.exit(execute(arguments: arguments))
    }

    /// Runs the command line and returns the exit status.
    public static func execute(arguments: [String]) -> Int32 {
        let args = hoistGlobalOptions(arguments)
        CLI.resolveLanguage(args)
        let language = CLI.language
        do {
            var command = try parseAsRoot(args)
            try command.run()
            return 0
        } catch let error as UserError {
            Console.error(error.message.text(language))
            return 1
        } catch let error where userMessage(error) != nil {
            Console.error(userMessage(error)!.text(language))
            return 1
        } catch let error as ArgumentParser.ExitCode {
            return error.rawValue
        } catch {
            if exitCode(for: error) == .success {
                print(fullMessage(for: error))
                return 0
            }
            let message = fullMessage(for: error)
            Console.error(language == .zh ? UsageText.chinese(message) : message)
            return 2
        }
    }

    /// The sentence for an error the user can fix (exit status 1), or nil for a usage error.
    static func userMessage(_ error: Error) -> LocalizedText? {
        switch error {
        case let e as RegistryError: return e.message
        case let e as TrainingEditError: return e.message
        case let e as WorkbookError: return .init("\(e.fileName)：\(e.message.zh)", "\(e.fileName): \(e.message.en)")
        case let e as PlanError: return e.message
        case let e as TokenError: return e.message
        case let e as AccountError: return e.message
        case let e as IdentityKeyError: return e.message
        case let e as PostgresRegistryError: return e.message
        default: return DatabaseFailure.from(error)?.message
        }
    }

    /// `teacher-registry --db X import …` → `teacher-registry import … --db X`: the SPEC puts the global
    /// option before the command; ArgumentParser reads options after it.
    static func hoistGlobalOptions(_ args: [String]) -> [String] {
        var global: [String] = []
        var rest = args[...]
        while let first = rest.first, first.hasPrefix("--db") || first.hasPrefix("--key-file") {
            if first == "--db" || first == "--key-file", rest.count >= 2 {
                global += rest.prefix(2)
                rest = rest.dropFirst(2)
            } else if first.hasPrefix("--db=") || first.hasPrefix("--key-file=") {
                global.append(first)
                rest = rest.dropFirst()
            } else { break }
        }
        guard !global.isEmpty, !rest.isEmpty else { return args }
        // Insert after the command words (those not starting with "-").
        var words = Array(rest)
        var at = 0
        let nested = ["teacher", "training", "token", "user", "plan", "key"]
        if at < words.count, !words[at].hasPrefix("-") {
            at += 1
            if nested.contains(words[0]), at < words.count, !words[at].hasPrefix("-") { at += 1 }
        }
        words.insert(contentsOf: global, at: at)
        return words
    }
}

/// Options every command that touches the database shares.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .customLong("db"), help: "登记数据库文件（默认 $TEACHER_REGISTRY_DB，否则当前文件夹的 registry.sqlite）")
    var path: String?

    var resolvedPath: String {
        if let path { return path }
        if let env = ProcessInfo.processInfo.environment["TEACHER_REGISTRY_DB"], !env.isEmpty { return env }
        return "registry.sqlite"
    }

    @Option(name: .customLong("key-file"), help: "身份证号密钥文件（默认 $TEACHER_REGISTRY_KEY_FILE，否则数据库旁的 数据库文件名.key；首次需要时创建，权限 0600）")
    var keyFile: String?

    /// The key that seals national identity numbers: `--key-file`, else `$TEACHER_REGISTRY_KEY_FILE`,
    /// else beside the database.
    var resolvedKeyFile: String { Self.keyFile(keyFile, database: resolvedPath) }

    static func keyFile(_ given: String?, database: String) -> String {
        if let given, !given.isEmpty { return given }
        if let env = ProcessInfo.processInfo.environment["TEACHER_REGISTRY_KEY_FILE"], !env.isEmpty { return env }
        return Registry.defaultKeyFile(for: database)
    }

    /// Whether --db names a PostgreSQL server (`postgres://USER@HOST:PORT/DB`).
    var isPostgres: Bool { PostgresRegistry.isURL(resolvedPath) }

    /// The database as people should see it: a path, or a server address without its password.
    var displayName: String { isPostgres ? ((try? openPostgres().displayURL) ?? resolvedPath) : resolvedPath }

    /// The SQLite registry --db names (the commands' SQLite paths; every command also has a PostgreSQL path).
    func open() throws -> Registry {
        if isPostgres {
            // A guard: a postgres:// address must never become a SQLite file of that name.
            throw UserError("\(displayName) 是 PostgreSQL 数据库，这里需要 SQLite 数据库文件", "\(displayName) is a PostgreSQL database; a SQLite file is needed here.")
        }
        return try Registry(path: resolvedPath, keyFile: resolvedKeyFile)
    }

    /// The registry on either backend.
    func backend() throws -> any RegistryBackend {
        isPostgres ? try openPostgres() : try Registry(path: resolvedPath, keyFile: resolvedKeyFile)
    }

    /// The PostgreSQL registry --db names; its key file is --key-file, else $TEACHER_REGISTRY_KEY_FILE,
    /// else ~/.teacher-registry/HOST-PORT-DB.key.
    func openPostgres() throws -> PostgresRegistry {
        let env = ProcessInfo.processInfo.environment["TEACHER_REGISTRY_KEY_FILE"]
        return try PostgresRegistry(url: resolvedPath, keyFile: keyFile ?? (env?.isEmpty == false ? env : nil))
    }
}

/// Who is writing, for the change log.
enum Actor {
    static var current: String {
        let env = ProcessInfo.processInfo.environment
        if let name = env["TEACHER_REGISTRY_USER"] ?? env["USER"] ?? env["LOGNAME"], !name.isEmpty { return "cli:" + name }
        if let pw = getpwuid(getuid()), let name = pw.pointee.pw_name { return "cli:" + String(cString: name) }
        return "cli:uid\(getuid())"
    }
}

/// Reads of personal data from the command line are audited like the server's (`audit` lists them).
enum ReadAudit {
    static func record(_ registry: any RegistryBackend, command: String, what: String, school: String? = nil, staffNo: String? = nil, people: Int) throws {
        try registry.recordRead(actor: Actor.current, role: "cli", client: nil, route: command, what: what, school: school, staffNo: staffNo, people: people)
    }
}

enum Console {
    static var stderrIsTerminal: Bool { isatty(2) == 1 }

    static func error(_ message: String) {
        FileHandle.standardError.write(Data((message.hasSuffix("\n") ? message : message + "\n").utf8))
    }

    /// Progress on a terminal only: a line rewritten in place.
    static func progress(_ line: String) {
        guard stderrIsTerminal else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K\(line)".utf8))
    }

    static func endProgress() {
        guard stderrIsTerminal else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }
}

/// Buffered standard output (exports can be large).
final class StandardOutput {
    private var buffer: [UInt8] = []
    init() { buffer.reserveCapacity(1 << 16) }
    func write(_ s: String) {
        buffer.append(contentsOf: s.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }
    func flush() {
        guard !buffer.isEmpty else { return }
        FileHandle.standardOutput.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }
}
