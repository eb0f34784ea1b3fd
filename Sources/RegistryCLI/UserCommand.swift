import ArgumentParser
import Foundation
import GrowthReports
import RegistryStore
import TeacherGrowth

struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "网页登录账号：添加、列出、停用、重设密码 Web accounts: add, list, disable, reset a password.",
        subcommands: [Add.self, List.self, Disable.self, Password.self])

    /// Reads a password from standard input (one line), for scripts: `echo … | teacher-registry user add … --password-stdin`.
    static func readPassword() throws -> String {
        guard let line = readLine(strippingNewline: true), !line.isEmpty else {
            throw UserError("标准输入中没有密码；用 --password-stdin 时请从标准输入提供一行密码", "No password on standard input; give one line with --password-stdin.")
        }
        return line
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "添加账号 Add an account.",
            discussion: "不加 --password-stdin 时，会生成一个初始密码并只显示这一次；首次登录后须修改。Without --password-stdin, an initial password is generated and shown once.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var language: LanguageOption
        @Argument(help: "登录名（字母、数字、点、下划线、短横线）") var login: String
        @Option(help: "county（县教委）、hr（人事/师训）或 principal（校长）") var role: String
        @Option(help: "校长所在学校的代码") var school: String?
        @Option(help: "显示名，如 张老师") var name: String?
        @Flag(help: "从标准输入读入密码 Read the password from standard input.") var passwordStdin = false
        @Option(help: "多区县登记库中，县教委或人事账号只能查看的区县 The one county a county or HR account sees.") var county: String?

        func validate() throws {
            guard CountyRoles.role(role) != nil else {
                throw CLI.invalid("--role 只能是 county（县教委）、municipal（市教委，全部区县）、hr（人事/师训）或 principal（校长）", "--role must be county, municipal, hr or principal.")
            }
            try CountyRoles.check(role: role, county: county)
        }

        func run() throws {
            let registry = try database.backend()
            let generated = passwordStdin ? nil : PasswordHash.generate()
            let password = try generated ?? UserCommand.readPassword()
            do {
                let u = try registry.addUser(login: login, role: CountyRoles.role(role)!, school: school, displayName: name,
                                             password: password, mustChangePassword: generated != nil, actor: Actor.current, county: county)
                Console.error(CLI.say("已添加账号 \(u.login)（\(u.displayName)，\(u.role.rawValue)\(u.schoolCode.map { "，学校 \($0)" } ?? "")\(u.county.map { "，区县 \($0)" } ?? "")）。",
                                      "Added account \(u.login) (\(u.displayName), \(u.role.rawValue)\(u.schoolCode.map { ", school \($0)" } ?? ""))."))
                if let generated {
                    print(generated)
                    Console.error(CLI.say("上面是初始密码，只显示这一次；首次登录后须修改。", "That is the initial password, shown once; it must be changed at the first sign-in."))
                }
            } catch let e as AccountError { throw UserError(e.message) }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "列出账号（不显示密码）List accounts.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var language: LanguageOption

        func run() throws {
            let zh = language.language == .zh
            var t = TextTable(headers: zh ? ["登录名", "显示名", "角色", "学校", "创建时间", "状态"] : ["Login", "Name", "Role", "School", "Created", "State"])
            for u in try database.backend().listUsers() {
                t.add([u.login, u.displayName, u.role.rawValue, u.schoolCode ?? "", ChinaTime.display(u.createdAt),
                       u.disabledAt.map { (zh ? "已停用 " : "disabled ") + ChinaTime.display($0) } ?? (zh ? "正常" : "active")])
            }
            print(t.render(), terminator: "")
        }
    }

    struct Disable: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "停用账号，其登录立即失效 Disable an account; its sessions end at once.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var language: LanguageOption
        @Argument(help: "登录名") var login: String

        func run() throws {
            do {
                let u = try database.backend().disableUser(login: login, actor: Actor.current)
                print(CLI.say("已停用账号 \(u.login)。", "Disabled account \(u.login)."))
            } catch let e as AccountError { throw UserError(e.message) }
        }
    }

    struct Password: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "重设密码 Set a new password.",
            discussion: "不加 --password-stdin 时生成新密码并只显示一次，登录后须修改；该账号已登录的会话全部失效。")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var language: LanguageOption
        @Argument(help: "登录名") var login: String
        @Flag(help: "从标准输入读入新密码") var passwordStdin = false

        func run() throws {
            let generated = passwordStdin ? nil : PasswordHash.generate()
            let password = try generated ?? UserCommand.readPassword()
            do {
                try database.backend().setPassword(login: login, password: password, mustChangePassword: generated != nil, actor: Actor.current)
                if let generated {
                    print(generated)
                    Console.error(CLI.say("上面是 \(login) 的新密码，只显示这一次；登录后须修改。", "That is the new password of \(login), shown once; it must be changed at sign-in."))
                } else {
                    Console.error(CLI.say("已为 \(login) 设置新密码。", "Set a new password for \(login)."))
                }
            } catch let e as AccountError { throw UserError(e.message) }
        }
    }
}

/// Roles on the command line: `municipal` is the county-office role over every county (no county).
enum CountyRoles {
    static func role(_ text: String) -> AccessToken.Role? {
        text == "municipal" ? .county : AccessToken.Role(rawValue: text)
    }

    static func check(role: String, county: String?) throws {
        if county != nil && (role == "principal" || role == "municipal") {
            throw CLI.invalid("--county 只用于 county（县教委）和 hr（人事/师训）；校长的区县由学校决定，市教委看全部区县",
                              "--county is for county and hr only: a principal's county is their school's, municipal sees every county.")
        }
    }
}
