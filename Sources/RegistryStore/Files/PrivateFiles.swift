import Foundation
import TeacherGrowth
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Files that may hold personal data (the database, backups, exports, reports of named people)
/// are created readable and writable by their owner only (0600), whatever the umask.
public enum PrivateFiles {
    public static let mode: mode_t = 0o600

    /// Writes `data` to `path` atomically: a new 0600 file beside it, then renamed over it.
    public static func write(_ data: Data, to path: String) throws {
        let dir = (path as NSString).deletingLastPathComponent
        let temporary = (dir.isEmpty ? "." : dir) + "/.\((path as NSString).lastPathComponent).\(getpid()).partial"
        unlink(temporary)
        let fd = open(temporary, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, mode)
        guard fd >= 0 else { throw failure(path, errno) }
        var ok = true
        var failedErrno: Int32 = 0
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress!.advanced(by: offset), raw.count - offset)
                if n <= 0 { ok = false; failedErrno = errno; break }
                offset += n
            }
        }
        if ok && fsync(fd) != 0 { ok = false; failedErrno = errno }
        close(fd)
        guard ok, rename(temporary, path) == 0 else {
            let e = ok ? errno : failedErrno
            unlink(temporary)
            throw failure(path, e)
        }
    }

    /// Creates an empty file at `path` with mode 0600 if there is none, so that SQLite (which gives
    /// its -wal and -shm files the database file's mode) never makes a world-readable database.
    public static func createIfMissing(_ path: String) throws {
        let fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, mode)
        if fd >= 0 { close(fd); return }
        if errno == EEXIST { return }
        throw failure(path, errno)
    }

    /// Restricts an existing file (and SQLite's -wal and -shm files beside a database) to its owner.
    public static func restrict(_ path: String, withSQLiteCompanions: Bool = false) {
        chmod(path, mode)
        if withSQLiteCompanions {
            for suffix in ["-wal", "-shm", "-journal"] where access(path + suffix, F_OK) == 0 { chmod(path + suffix, mode) }
        }
    }

    static func failure(_ path: String, _ e: Int32) -> RegistryError {
        if e == ENOSPC || e == EDQUOT {
            return .invalid(.init("写入 \(path) 失败：磁盘空间已满；请清理磁盘后重试", "Cannot write \(path): the disk is full; free some space and try again"))
        }
        if e == EACCES || e == EPERM || e == EROFS {
            return .invalid(.init("无法写入 \(path)：没有写权限或磁盘只读；请换一个文件夹", "Cannot write \(path): permission denied or a read-only disk; choose another folder"))
        }
        return .invalid(.init("无法写入 \(path)；请确认文件夹存在且可写", "Cannot write \(path); check that its folder exists and is writable"))
    }
}

/// Whether another process has a SQLite database open: in WAL mode every connection holds a shared
/// lock on the "dead man's switch" byte of the `-shm` file (offset 128) for as long as it is open;
/// a connection in a transaction also locks bytes of the database file itself.
public enum DatabaseFileLocks {
    public static func isOpenElsewhere(_ path: String) -> Bool {
        if access(path + "-shm", F_OK) == 0, isLocked(path + "-shm", start: 128, length: 1) { return true }
        // The lock bytes of the main file (PENDING 0x40000000, RESERVED, SHARED range).
        if access(path, F_OK) == 0, isLocked(path, start: 0x4000_0000, length: 512) { return true }
        return false
    }

    private static func isLocked(_ path: String, start: Int, length: Int) -> Bool {
        let fd = open(path, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var lock = flock()
        lock.l_type = Int16(F_WRLCK)
        lock.l_whence = Int16(SEEK_SET)
        lock.l_start = off_t(start)
        lock.l_len = off_t(length)
        guard fcntl(fd, F_GETLK, &lock) == 0 else { return false }
        return lock.l_type != Int16(F_UNLCK)
    }
}
