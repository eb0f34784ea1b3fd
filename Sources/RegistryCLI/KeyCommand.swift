import ArgumentParser
import RegistryStore

/// `key rotate`: the key that seals national identity numbers.
struct KeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key",
        abstract: "身份证号密钥 The key that seals national identity numbers.",
        discussion: """
            身份证号在数据库中以 AES-GCM 加密保存，密钥在数据库之外的密钥文件中（--key-file，或环境变量 TEACHER_REGISTRY_KEY_FILE，\
            默认是数据库旁的“数据库文件名.key”，权限 0600）。请另行保管密钥文件的副本：没有它，身份证号无法读出。
            National identity numbers are stored sealed with AES-GCM; the key lives in a key file outside the database.
            """,
        subcommands: [Rotate.self])

    struct Rotate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "更换密钥并重新加密全部身份证号 Replace the key and re-seal every identity number.",
            discussion: "先把新密钥加入密钥文件，在一个事务中重新加密，再删去旧密钥；中途停止也不会丢失数据。运行中的 serve 需重启以读取新密钥。")

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var language: LanguageOption

        func run() throws {
            let registry = try database.backend()
            let r = try registry.rotateIdentityKey(actor: Actor.current)
            print(CLI.say("已更换身份证号密钥（\(r.old) → \(r.new)），重新加密 \(r.count) 个身份证号；密钥文件：\(registry.identityKeyFile ?? database.resolvedKeyFile)。请备份新的密钥文件，并重启正在运行的 serve。",
                          "Replaced the identity-number key (\(r.old) → \(r.new)) and re-sealed \(r.count) numbers; key file: \(registry.identityKeyFile ?? database.resolvedKeyFile). Back up the new key file and restart a running server."))
        }
    }
}
