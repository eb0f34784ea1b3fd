import ArgumentParser
import RegistryStore

struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a consistent copy of the database while it is in use (SQLite online backup).",
        discussion: "Restore: stop the server, then copy the backup over the database file (and delete its -wal and -shm files).")

    @OptionGroup var database: DatabaseOptions
    @Argument(help: "The new file to write.") var destination: String

    func run() throws {
        let registry = try database.open()
        try registry.backup(to: destination) { done, total in Console.progress("backup: \(done) of \(total) pages …") }
        Console.endProgress()
        let copy = try Registry(path: destination)
        let check = try copy.integrityCheck()
        guard check == "ok" else { throw UserError("The backup \(destination) fails its integrity check (\(check)); make it again.") }
        print("Backed up \(database.resolvedPath) to \(destination) (integrity check: ok).")
    }
}
