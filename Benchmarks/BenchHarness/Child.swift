#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The bootstrap process under test (spawned with `posix_spawn`, stdout and stderr into one log file).
final class Child {
    let pid: pid_t
    /// `nil` while running; the raw `waitpid` status once it has been reaped.
    private(set) var exitStatus: Int32?

    /// Spawns `arguments[0]` (a path; with a wrapper such as valgrind, searched on `PATH`) with exactly
    /// `environment`, stdin from `/dev/null`, stdout and stderr appended to `logPath`.
    init(arguments: [String], environment: [String: String], logPath: String, searchPath: Bool) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result =
            searchPath
            ? posix_spawnp(&pid, arguments[0], &actions, nil, argv, envp)
            : posix_spawn(&pid, arguments[0], &actions, nil, argv, envp)
        guard result == 0 else {
            throw HarnessError("posix_spawn \(arguments[0]) failed: \(errnoText(result))")
        }
        self.pid = pid
    }

    /// Reaps the child if it has exited; `true` while it is still running.
    func isRunning() -> Bool {
        if exitStatus != nil { return false }
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        if result == pid {
            exitStatus = status
            return false
        }
        return result == 0
    }

    /// User + system CPU time the process has used so far (`utime` + `stime` of `/proc/<pid>/stat`), in seconds.
    func cpuSeconds() -> Double? {
        guard let bytes = try? readFile("/proc/\(pid)/stat") else { return nil }
        let text = String(decoding: bytes, as: UTF8.self)
        guard let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// `VmHWM` (peak resident set) and `VmRSS` from `/proc/<pid>/status`, in kB.
    func memoryKilobytes() -> (peak: Int, current: Int)? {
        guard let bytes = try? readFile("/proc/\(pid)/status") else { return nil }
        var peak: Int?
        var current: Int?
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            if line.hasPrefix("VmHWM:") {
                peak = Int(line.dropFirst(6).filter(\.isNumber))
            } else if line.hasPrefix("VmRSS:") {
                current = Int(line.dropFirst(6).filter(\.isNumber))
            }
        }
        guard let peak, let current else { return nil }
        return (peak, current)
    }

    /// Resident memory by mapping kind from `/proc/<pid>/smaps` (kB): the executable's own mappings, shared
    /// libraries, `[heap]`, anonymous (Swift/malloc arenas, thread stacks), `[stack]`, the rest; plus the largest
    /// individual files.
    func residentBreakdown(executablePath: String) -> (groups: [(String, Int)], files: [(String, Int)])? {
        guard let bytes = try? readFile("/proc/\(pid)/smaps") else { return nil }
        var groups: [String: Int] = [:]
        var files: [String: Int] = [:]
        var current = "other"
        var currentFile: String?
        let executableName = executablePath.split(separator: "/").last.map(String.init) ?? executablePath
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if let first = fields.first, first.contains("-"), first.allSatisfy({ $0.isHexDigit || $0 == "-" }) {
                let path = fields.count >= 6 ? fields[5...].joined(separator: " ") : ""
                currentFile = path.isEmpty || path.hasPrefix("[") ? nil : path
                if path.isEmpty { current = "anonymous" }
                else if path == "[heap]" { current = "heap" }
                else if path == "[stack]" { current = "stack" }
                else if path.hasSuffix("/" + executableName) || path == executablePath { current = "executable" }
                else if path.contains(".so") { current = "libraries" }
                else { current = "other" }
            } else if line.hasPrefix("Rss:") {
                let kilobytes = Int(line.dropFirst(4).filter(\.isNumber)) ?? 0
                groups[current, default: 0] += kilobytes
                if let currentFile { files[currentFile, default: 0] += kilobytes }
            }
        }
        let order = ["executable", "libraries", "heap", "anonymous", "stack", "other"]
        return (order.map { ($0, groups[$0] ?? 0) }, files.sorted { $0.value > $1.value }.prefix(8).map { ($0.key, $0.value) })
    }

    /// SIGTERM, then SIGKILL after `graceMilliseconds`; reaps the process.
    func stop(graceMilliseconds: Int = 1_000) {
        guard isRunning() else { return }
        kill(pid, SIGTERM)
        let deadline = monotonicNanoseconds() + UInt64(graceMilliseconds) * 1_000_000
        while monotonicNanoseconds() < deadline {
            if !isRunning() { return }
            usleep(2_000)
        }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        if waitpid(pid, &status, 0) == pid { exitStatus = status }
    }

    /// "exit 1", "signal 11", or "running".
    var exitDescription: String {
        guard let status = exitStatus else { return "running" }
        let signal = status & 0x7F
        if signal == 0 { return "exit \((status >> 8) & 0xFF)" }
        return "signal \(signal)\((status & 0x80) != 0 ? " (core dumped)" : "")"
    }
}
