import Foundation
import GRDB
import TeacherGrowth

extension Registry {
    /// A consistent copy of the database at `destination` through SQLite's online backup, while
    /// readers and writers go on. Written to a temporary file first and renamed, so a stopped backup
    /// never leaves a half-written file under the destination's name.
    public func backup(to destination: String, progress: (@Sendable (Int, Int) -> Void)? = nil) throws {
        let fm = FileManager.default
        if fm.fileExists(atPath: destination) {
            throw RegistryError.invalid(.init("\(destination) 已存在；请为备份另取一个新文件名", "\(destination) already exists; choose a new file name for the backup"))
        }
        let temporary = destination + ".partial-\(ProcessInfo.processInfo.processIdentifier)"
        try? fm.removeItem(atPath: temporary)
        do {
            // 0600 before SQLite opens it: a backup holds everyone's personal data.
            try PrivateFiles.createIfMissing(temporary)
            let target = try DatabaseQueue(path: temporary)
            try writer.backup(to: target, pagesPerStep: 1024) { p in
                progress?(p.completedPageCount, p.totalPageCount)
            }
            try target.close()
            try fm.moveItem(atPath: temporary, toPath: destination)
        } catch let e as RegistryError {
            try? fm.removeItem(atPath: temporary)
            throw e
        } catch {
            try? fm.removeItem(atPath: temporary)
            throw RegistryError.invalid(.init("备份到 \(destination) 失败；请检查文件夹是否存在、磁盘是否有空间", "The backup to \(destination) failed; check that the folder exists and has room"))
        }
    }

    /// `PRAGMA integrity_check` of the database: "ok" when sound.
    public func integrityCheck() throws -> String {
        try writer.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "; ") }
    }
}
