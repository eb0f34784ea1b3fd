import ArgumentParser
import Foundation
import RegistryStore

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
        subcommands: [Demo.self, Import.self, ImportDir.self, Export.self, TeacherCommand.self, TrainingCommand.self, ReportCommand.self, ComplianceCommand.self, RotationCommand.self, Serve.self, TokenCommand.self, Backup.self, Codes.self]
    )

    public init() {}

    /// Runs the command line and exits: 0 on success, 1 on a user error, 2 on a usage error.
    public static func run(arguments: [String] = Array(CommandLine.arguments.dropFirst())) -> Never {
        Foundation.exit(execute(arguments: arguments))
    }

    /// Runs the command line and returns the exit status.
    public static func execute(arguments: [String]) -> Int32 {
        let args = hoistGlobalOptions(arguments)
        do {
            var command = try parseAsRoot(args)
            try command.run()
            return 0
        } catch let error as UserError {
            Console.error(error.message)
            return 1
        } catch let error where isUserError(error) {
            Console.error("\(error)")
            return 1
        } catch let error as ArgumentParser.ExitCode {
            return error.rawValue
        } catch {
            if exitCode(for: error) == .success {
                print(fullMessage(for: error))
                return 0
            }
            Console.error(fullMessage(for: error))
            return 2
        }
    }

    static func isUserError(_ error: Error) -> Bool {
        error is RegistryError || error is TrainingEditError
    }

    /// `teacher-registry --db X import …` → `teacher-registry import … --db X`: the SPEC puts the global
    /// option before the command; ArgumentParser reads options after it.
    static func hoistGlobalOptions(_ args: [String]) -> [String] {
        var global: [String] = []
        var rest = args[...]
        while let first = rest.first, first.hasPrefix("--db") {
            if first == "--db", rest.count >= 2 {
                global += rest.prefix(2)
                rest = rest.dropFirst(2)
            } else if first.hasPrefix("--db=") {
                global.append(first)
                rest = rest.dropFirst()
            } else { break }
        }
        guard !global.isEmpty, !rest.isEmpty else { return args }
        // Insert after the command words (those not starting with "-").
        var words = Array(rest)
        var at = 0
        let nested = ["teacher", "training", "token"]
        if at < words.count, !words[at].hasPrefix("-") {
            at += 1
            if nested.contains(words[0]), at < words.count, !words[at].hasPrefix("-") { at += 1 }
        }
        words.insert(contentsOf: global, at: at)
        return words
    }
}

/// An error the user can fix, reported as one sentence on stderr with exit status 1.
struct UserError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}

/// Options every command that touches the database shares.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .customLong("db"), help: "The registry database (default: $TEACHER_REGISTRY_DB, else ./registry.sqlite).")
    var path: String?

    var resolvedPath: String {
        if let path { return path }
        if let env = ProcessInfo.processInfo.environment["TEACHER_REGISTRY_DB"], !env.isEmpty { return env }
        return "registry.sqlite"
    }

    func open() throws -> Registry { try Registry(path: resolvedPath) }
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
