import ArgumentParser
import RegistryStore

struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "在系统使用中备份数据库（一致的副本）Write a consistent copy of the database while it is in use.",
        discussion: "恢复：停止服务，把备份文件复制为数据库文件，并删除其 -wal 和 -shm 文件。Restore: stop the server, then copy the backup over the database file (and delete its -wal and -shm files).")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var language: LanguageOption
    @Argument(help: "备份文件（新文件名）The new file to write.") var destination: String

    func run() throws {
        if database.isPostgres {
            let registry = try database.openPostgres()
            let entries = try registry.dump(to: destination)
            print(CLI.say("已用 pg_dump 把 \(registry.displayURL) 备份到 \(destination)（\(entries) 项，pg_restore 可读回）。恢复：createdb 新库名，然后 pg_restore -d 新库名 \(destination)。",
                          "Backed up \(registry.displayURL) to \(destination) with pg_dump (\(entries) entries; pg_restore reads it back). Restore: createdb NEWDB, then pg_restore -d NEWDB \(destination)."))
            Console.error(CLI.say("注意：身份证号的密钥文件 \(registry.keyFile) 不在备份中；请另行妥善保管一份，恢复时需要它。",
                                  "Note: the identity-number key file \(registry.keyFile) is not in the backup; keep a copy of it apart, a restore needs it."))
            return
        }
        let registry = try database.open()
        try registry.backup(to: destination) { done, total in Console.progress(CLI.say("正在备份：\(done) / \(total) 页……", "backup: \(done) of \(total) pages …")) }
        Console.endProgress()
        let copy = try Registry(path: destination, keyFile: database.resolvedKeyFile)
        let check = try copy.integrityCheck()
        guard check == "ok" else {
            throw UserError("备份 \(destination) 未通过完整性检查；请重新备份", "The backup \(destination) fails its integrity check (\(check)); make it again.")
        }
        print(CLI.say("已把 \(database.resolvedPath) 备份到 \(destination)（完整性检查：通过）。",
                      "Backed up \(database.resolvedPath) to \(destination) (integrity check: ok)."))
        Console.error(CLI.say("注意：身份证号的密钥文件 \(database.resolvedKeyFile) 不在备份中；请另行妥善保管一份，恢复时需要它。",
                              "Note: the identity-number key file \(database.resolvedKeyFile) is not in the backup; keep a copy of it apart, a restore needs it."))
    }
}
