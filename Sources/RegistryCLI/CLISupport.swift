import ArgumentParser
import Foundation
import Synchronization
import TeacherGrowth

/// The language of everything the command line says: Chinese unless `--lang en` is given (or
/// `TEACHER_REGISTRY_LANG=en` is set). Resolved from the arguments before they are parsed, so that
/// even a usage error is in the user's language.
enum CLI {
    private static let current = Mutex<Language>(.zh)

    static var language: Language { current.withLock { $0 } }

    static func resolveLanguage(_ args: [String]) {
        var l = Language(rawValue: ProcessInfo.processInfo.environment["TEACHER_REGISTRY_LANG"]?.lowercased() ?? "") ?? .zh
        var i = 0
        while i < args.count {
            if args[i] == "--lang", i + 1 < args.count, let v = Language(rawValue: args[i + 1].lowercased()) { l = v }
            if args[i].hasPrefix("--lang="), let v = Language(rawValue: String(args[i].dropFirst(7)).lowercased()) { l = v }
            i += 1
        }
        current.withLock { $0 = l }
    }

    /// A sentence in the current language.
    static func say(_ zh: String, _ en: String) -> String { language == .zh ? zh : en }

    /// A usage problem found in `validate()`, in the current language.
    static func invalid(_ zh: String, _ en: String) -> ValidationError { ValidationError(say(zh, en)) }
}

/// `--lang zh|en` for every command.
struct LanguageOption: ParsableArguments {
    @Option(name: .customLong("lang"), help: "zh（中文，默认）或 en（English）")
    var code: String?

    var language: Language { code.flatMap { Language(rawValue: $0.lowercased()) } ?? CLI.language }

    func validate() throws {
        if let code, Language(rawValue: code.lowercased()) == nil {
            throw CLI.invalid("--lang 只能是 zh 或 en", "--lang must be zh or en.")
        }
    }
}

/// An error the user can fix, reported as one sentence on stderr with exit status 1.
struct UserError: Error {
    var message: LocalizedText
    init(_ zh: String, _ en: String) { message = LocalizedText(zh, en) }
    init(_ message: LocalizedText) { self.message = message }
}

/// ArgumentParser's own messages, for the common usage errors, in Chinese.
enum UsageText {
    static func chinese(_ message: String) -> String {
        var lines = message.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard !lines.isEmpty else { return message }
        var first = lines[0]
        if first.hasPrefix("Error: ") { first = String(first.dropFirst(7)) }
        let rules: [(String, (String) -> String)] = [
            ("Missing expected argument ", { "缺少参数 \($0)" }),
            ("Unknown option ", { "未知选项 \($0)" }),
            ("Missing value for ", { "选项 \($0) 缺少取值" }),
            ("Unexpected argument ", { "多余的参数 \($0)" }),
            ("Unexpected arguments ", { "多余的参数 \($0)" }),
        ]
        var translated: String?
        for (prefix, make) in rules where first.hasPrefix(prefix) {
            translated = make(String(first.dropFirst(prefix.count)))
        }
        if translated == nil, first.hasPrefix("The value '"), let r = first.range(of: "' is invalid for '") {
            let value = first[first.index(first.startIndex, offsetBy: 11)..<r.lowerBound]
            let option = first[r.upperBound...].dropLast(first.hasSuffix("'") ? 1 : 0)
            translated = "选项 \(option) 的取值 \(value) 无效"
        }
        if let t = translated {
            lines[0] = "错误：\(t)"
        } else if lines[0].hasPrefix("Error: ") {
            lines[0] = "错误：" + first
        }
        return lines.map { $0.replacingOccurrences(of: "Usage:", with: "用法：").replacingOccurrences(of: "See '", with: "查看说明：'") }
            .joined(separator: "\n")
    }
}
