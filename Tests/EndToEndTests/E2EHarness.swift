// Loopback end-to-end tests: the real `bootstrap` binary against the project's emulator (`python3 -m emulator`).
//
//   swift build --product bootstrap && swift test --filter EndToEndTests
//
// Environment:
//   PIDMODE_BOOTSTRAP        the binary to test (default <package>/.build/debug/bootstrap; scripts/test sets it to
//                            the release build). A missing binary fails every test, it never skips.
//   PIDMODE_SHARED_TESTDATA  the shared testdata directory (default <package>/../shared/testdata); the emulator
//                            reads the same variable.
//   PIDMODE_E2E_PARALLEL     how many emulator + bootstrap pairs may run at once (default 2).
//   PIDMODE_E2E_KEEP_LOGS    keep each test's bootstrap and emulator logs in $TMPDIR (deleted by default; their
//                            tails are in every failure message anyway).

import CurlHTTP
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A failure of the harness itself (a process that would not start, a control call that failed).
struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Where the package, the `bootstrap` binary and the shared test data are.
enum E2EPaths {
    /// The package root: three levels above this file (Tests/EndToEndTests/E2EHarness.swift).
    static func packageRoot(filePath: String = #filePath) -> URL {
        URL(fileURLWithPath: filePath)
            .deletingLastPathComponent()  // EndToEndTests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()  // package root
            .standardizedFileURL
    }

    /// `$PIDMODE_BOOTSTRAP`, else `<package root>/.build/debug/bootstrap`.
    static func bootstrapPath() -> String {
        if let override = ProcessInfo.processInfo.environment["PIDMODE_BOOTSTRAP"], !override.isEmpty {
            return override
        }
        return packageRoot().appendingPathComponent(".build/debug/bootstrap").path
    }

    /// `$PIDMODE_SHARED_TESTDATA`, else `<package root>/../shared/testdata` (see ``SharedTestData``).
    static func sharedTestdata() -> URL {
        SharedTestData.root()
    }
}

// MARK: - Control API views

/// `GET /invocations/<id>`.
struct InvocationView {
    let raw: [String: Any]

    var requestID: String { raw["requestId"] as? String ?? "" }
    /// `queued`, `in_flight`, `response` or `error`.
    var state: String { raw["state"] as? String ?? "?" }
    var isAnswered: Bool { state == "response" || state == "error" }
    var body: String? { raw["body"] as? String }
    /// The `Lambda-Runtime-Function-Error-Type` header of an `/error` answer.
    var errorTypeHeader: String? { raw["errorType"] as? String }
    var answers: Int { int(raw["answers"]) ?? -1 }
    var answerSeq: Int? { int(raw["answerSeq"]) }
    var deliveredSeq: Int? { int(raw["deliveredSeq"]) }
    var traceID: String? { raw["traceId"] as? String }
    var deadlineMs: Int? { int(raw["deadlineMs"]) }
    var deliveredAtMs: Int? { int(raw["deliveredAtMs"]) }
    var answeredAtMs: Int? { int(raw["answeredAtMs"]) }
    var answeredAfterDeadline: Bool { raw["answeredAfterDeadline"] as? Bool ?? true }
    var attempts: [[String: Any]] { raw["attempts"] as? [[String: Any]] ?? [] }

    /// The error document of an `/error` answer: `(errorType, errorMessage)` from the body.
    var errorDocument: (type: String?, message: String?) {
        guard let body, let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] else {
            return (nil, nil)
        }
        return (object["errorType"] as? String, object["errorMessage"] as? String)
    }

    /// The body of a `/response` answer as a JSON object.
    var responseObject: [String: Any]? {
        guard let body else { return nil }
        return try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
    }

    var summary: String {
        "invocation \(requestID): state=\(state) errorType=\(errorTypeHeader ?? "-") answers=\(answers) body=\(body ?? "nil")"
    }
}

/// One recorded Config call (`GET /calls`).
struct ConfigCall {
    let raw: [String: Any]

    var seq: Int { int(raw["seq"]) ?? -1 }
    var operation: String? { raw["operation"] as? String }
    var traceHeader: String? { raw["traceHeader"] as? String }
    var signature: String? { raw["signature"] as? String }
    var modelErrors: [String] { raw["modelErrors"] as? [String] ?? [] }
    var warnings: [String] { raw["warnings"] as? [String] ?? [] }
    /// The SigV4 SignedHeaders names (lower case), `nil` when the signature could not be read.
    var signedHeaders: [String]? { raw["signedHeaders"] as? [String] }
    var status: Int? { int(raw["status"]) }
    var fault: String? { raw["fault"] as? String }
    var body: [String: Any]? { raw["body"] as? [String: Any] }
    var completedSeq: Int? { int(raw["completedSeq"]) }
    var dropped: Bool { raw["dropped"] as? Bool ?? false }
    var errorType: String? { raw["errorType"] as? String }
    /// `Evaluations` of a PutEvaluations body.
    var evaluations: [[String: Any]] { body?["Evaluations"] as? [[String: Any]] ?? [] }

    var summary: String {
        "call #\(seq) \(operation ?? "?") status=\(status.map(String.init) ?? "nil") fault=\(fault ?? "-") "
            + "sig=\(signature ?? "nil") modelErrors=\(modelErrors) warnings=\(warnings) trace=\(traceHeader ?? "nil")"
    }
}

/// One evaluation Config accepted (`GET /evaluations`).
struct AcceptedEvaluation {
    let raw: [String: Any]

    var resultToken: String? { raw["resultToken"] as? String }
    var testMode: Bool? { raw["testMode"] as? Bool }
    var resourceType: String? { raw["complianceResourceType"] as? String }
    var resourceID: String? { raw["complianceResourceId"] as? String }
    var complianceType: String? { raw["complianceType"] as? String }
    var annotation: String? { raw["annotation"] as? String }
    /// `OrderingTimestamp` as sent, only when it was a JSON number.
    var orderingTimestamp: Double? {
        (raw["orderingTimestamp"] as? NSNumber)?.doubleValue
    }
    var traceHeader: String? { raw["traceHeader"] as? String }
    var seq: Int { int(raw["seq"]) ?? -1 }

    var summary: String {
        "\(resourceType ?? "?") \(resourceID ?? "?") \(complianceType ?? "?") ts=\(String(describing: raw["orderingTimestamp"])) "
            + "testMode=\(String(describing: testMode)) token=\(resultToken ?? "nil") annotation=\(annotation ?? "nil")"
    }
}

/// An integer from a JSONSerialization value (NSNumber), `nil` for null/absent.
/// (On Linux every NSNumber also casts to `Bool`, so JSON booleans are not told apart here; no field read with it is a
/// boolean.)
func int(_ value: Any?) -> Int? {
    (value as? NSNumber)?.intValue
}

// MARK: - Harness

/// One emulator (`python3 -m emulator`) and one real `bootstrap` process wired to it, plus a control-API client.
///
/// Not thread-safe; one per test. Always call ``stop()`` (use `defer`).
final class E2EHarness {
    /// What `invoke` sends as `traceId`.
    enum TraceID {
        /// Let the emulator generate a unique one.
        case generated
        /// `null`: no `Lambda-Runtime-Trace-Id` header.
        case none
        case explicit(String)
    }

    let emulatorInfo: [String: Any]
    let runtimeAPI: String
    let configEndpoint: String
    let control: String
    let bootstrapPath: String

    private let emulator: Process
    private let emulatorStdin: Pipe
    private let emulatorStdout: Pipe
    private let emulatorLogHandle: FileHandle
    private let emulatorLog: URL
    private var bootstrap: Process?
    private var bootstrapLogHandle: FileHandle?
    let bootstrapLog: URL
    private let session: CurlSession
    private var stopped = false

    /// Starts the emulator (with extra command-line `emulatorArguments`) and, when `startBootstrap` is true, the
    /// bootstrap with the standard Lambda environment.
    init(emulatorArguments: [String] = [], startBootstrap: Bool = true) throws {
        let path = E2EPaths.bootstrapPath()
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw HarnessError("""
                bootstrap binary not found at \(path): run `swift build --product bootstrap` first \
                (or set PIDMODE_BOOTSTRAP to the binary's path)
                """)
        }
        bootstrapPath = path
        session = try CurlSession()

        let directory = FileManager.default.temporaryDirectory
        let tag = UUID().uuidString.prefix(8)
        emulatorLog = directory.appendingPathComponent("pidmode-e2e-emulator-\(tag).log")
        bootstrapLog = directory.appendingPathComponent("pidmode-e2e-bootstrap-\(tag).log")
        _ = FileManager.default.createFile(atPath: emulatorLog.path, contents: nil)
        _ = FileManager.default.createFile(atPath: bootstrapLog.path, contents: nil)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-m", "emulator"] + emulatorArguments
        process.currentDirectoryURL = E2EPaths.packageRoot()
        let stdinPipe = Pipe()
        let stdoutPipe = Pipe()
        process.standardInput = stdinPipe
        process.standardOutput = stdoutPipe
        let logHandle = try FileHandle(forWritingTo: emulatorLog)
        process.standardError = logHandle
        try process.run()
        emulator = process
        emulatorStdin = stdinPipe
        emulatorStdout = stdoutPipe
        emulatorLogHandle = logHandle

        // The first stdout line is the start-up JSON.
        var line = Data()
        let reader = stdoutPipe.fileHandleForReading
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        guard let newline = line.firstIndex(of: UInt8(ascii: "\n")),
            let info = try? JSONSerialization.jsonObject(with: line[line.startIndex..<newline]) as? [String: Any],
            let runtimeAPI = info["runtimeAPI"] as? String,
            let configEndpoint = info["configEndpoint"] as? String,
            let control = info["control"] as? String
        else {
            Self.end(process)
            try? stdinPipe.fileHandleForWriting.close()
            try? logHandle.close()
            let log = (try? String(contentsOf: emulatorLog, encoding: .utf8)) ?? ""
            throw HarnessError("emulator did not print its start-up line; got \(String(decoding: line, as: UTF8.self)); log:\n\(log)")
        }
        emulatorInfo = info
        self.runtimeAPI = runtimeAPI
        self.configEndpoint = configEndpoint
        self.control = control
        if startBootstrap {
            try self.startBootstrap()
        }
    }

    deinit {
        stop()
    }

    /// The Lambda-like environment of the bootstrap, built from the emulator's start-up line.
    var standardEnvironment: [String: String] {
        var environment = [
            "AWS_LAMBDA_RUNTIME_API": runtimeAPI,
            "AWS_REGION": emulatorInfo["region"] as? String ?? "us-west-2",
            "AWS_ACCESS_KEY_ID": emulatorInfo["accessKeyID"] as? String ?? "",
            "AWS_SECRET_ACCESS_KEY": emulatorInfo["secretAccessKey"] as? String ?? "",
            "AWS_ENDPOINT_URL_CONFIG_SERVICE": configEndpoint,
            "AWS_ENDPOINT_URL_ECS": emulatorInfo["ecsEndpoint"] as? String ?? "",
            "AWS_ENDPOINT_URL_SSM": emulatorInfo["ssmEndpoint"] as? String ?? "",
            "AWS_LAMBDA_FUNCTION_NAME": "pid-mode-rule",
            "AWS_LAMBDA_LOG_FORMAT": "JSON",
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
        ]
        if let token = emulatorInfo["sessionToken"] as? String {
            environment["AWS_SESSION_TOKEN"] = token
        }
        if let libraryPath = ProcessInfo.processInfo.environment["LD_LIBRARY_PATH"] {
            environment["LD_LIBRARY_PATH"] = libraryPath
        }
        return environment
    }

    /// Starts the bootstrap with ``standardEnvironment`` minus `removing`, plus `adding`. A harness runs one
    /// bootstrap at a time; another may be started once the previous one has exited.
    func startBootstrap(removing: [String] = [], adding: [String: String] = [:]) throws {
        if let previous = bootstrap, previous.isRunning {
            throw HarnessError("a bootstrap is still running (pid \(previous.processIdentifier))")
        }
        try? bootstrapLogHandle?.close()
        var environment = standardEnvironment
        for name in removing { environment.removeValue(forKey: name) }
        environment.merge(adding) { _, new in new }
        let process = Process()
        // The bootstrap is exec'ed by a tiny python3 trampoline that first restores the signal state a fresh
        // Lambda process has: threads of the test runner block SIGTERM, SIGINT, SIGHUP, … and a spawned child
        // would inherit that mask (and Python ignores SIGPIPE). After the exec the process *is* the bootstrap (same
        // pid, same environment, no Python left). (Inherited descriptors are left alone: Foundation's Process
        // learns of the child's exit through one of them.)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-S", "-c", Self.trampoline, bootstrapPath]
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: bootstrapPath).deletingLastPathComponent()
        let handle = try FileHandle(forWritingTo: bootstrapLog)
        handle.seekToEndOfFile()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        bootstrap = process
        bootstrapLogHandle = handle
    }

    private static let trampoline = """
        import os, signal, sys
        for name in ("SIGPIPE", "SIGXFSZ", "SIGINT", "SIGTERM", "SIGHUP"):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_SETMASK, [])
        os.execv(sys.argv[1], sys.argv[1:])
        """

    /// Kills the running bootstrap (if any) and waits for it, so that another can be started.
    func stopBootstrap() {
        if let bootstrap { Self.end(bootstrap) }
    }

    var isBootstrapRunning: Bool { bootstrap?.isRunning ?? false }

    /// Waits up to `seconds` for the bootstrap to exit; returns its exit status (`nil` if still running, or ended
    /// by a signal: then `bySignal` is true).
    func waitForBootstrapExit(seconds: Double) -> (status: Int32?, bySignal: Bool) {
        guard let process = bootstrap else { return (nil, false) }
        guard waitUntil(seconds: seconds, { !process.isRunning }) else { return (nil, false) }
        return (process.terminationReason == .exit ? process.terminationStatus : nil,
                process.terminationReason == .uncaughtSignal)
    }

    /// Ends both processes with SIGKILL and waits for them (the emulator's stdin is closed first), closes the
    /// descriptors and deletes both log files unless `$PIDMODE_E2E_KEEP_LOGS` is set. Idempotent.
    ///
    /// SIGKILL, not SIGTERM: the emulator is spawned from a test-runner thread whose signal mask blocks SIGTERM,
    /// and inherits it; neither process holds anything worth a graceful shutdown.
    func stop() {
        if stopped { return }
        stopped = true
        if let bootstrap { Self.end(bootstrap) }
        try? emulatorStdin.fileHandleForWriting.close()
        Self.end(emulator)
        try? emulatorStdout.fileHandleForReading.close()
        try? emulatorLogHandle.close()
        try? bootstrapLogHandle?.close()
        if ProcessInfo.processInfo.environment["PIDMODE_E2E_KEEP_LOGS"]?.isEmpty ?? true {
            try? FileManager.default.removeItem(at: bootstrapLog)
            try? FileManager.default.removeItem(at: emulatorLog)
        }
    }

    private static func end(_ process: Process) {
        guard process.isRunning else { return }
        _ = kill(process.processIdentifier, SIGKILL)
        _ = waitUntil(seconds: 5, { !process.isRunning })
    }

    /// The tail of both logs, for failure messages (the files are deleted by ``stop()`` unless
    /// `$PIDMODE_E2E_KEEP_LOGS` is set).
    func dump(_ bytes: Int = 6_000) -> String {
        func tail(_ url: URL) -> String {
            guard let data = FileManager.default.contents(atPath: url.path) else { return "(no log)" }
            return String(decoding: data.suffix(bytes), as: UTF8.self)
        }
        return """

            --- bootstrap log (\(bootstrapLog.path)) ---
            \(tail(bootstrapLog))
            --- emulator log (\(emulatorLog.path)) ---
            \(tail(emulatorLog))
            """
    }

    var bootstrapLogText: String {
        (FileManager.default.contents(atPath: bootstrapLog.path)).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    // MARK: Control API

    /// Queues an invocation whose payload is exactly `event` (UTF-8); returns its request id.
    @discardableResult
    func invoke(
        event: String,
        timeoutMs: Int = E2EHarness.defaultTimeoutMs,
        traceId: TraceID = .generated,
        headerCase: String? = nil,
        requestId: String? = nil
    ) throws -> String {
        var payload: [String: Any] = ["event": event, "timeoutMs": timeoutMs]
        switch traceId {
        case .generated: break
        case .none: payload["traceId"] = NSNull()
        case .explicit(let value): payload["traceId"] = value
        }
        if let headerCase { payload["headerCase"] = headerCase }
        if let requestId { payload["requestId"] = requestId }
        let reply = try object(post("/invoke", payload))
        guard let id = reply["requestId"] as? String else { throw HarnessError("/invoke replied \(reply)") }
        return id
    }

    /// Queues an invocation whose payload is exactly `eventBytes` (any bytes, sent as `eventBase64`).
    @discardableResult
    func invoke(eventBytes: [UInt8], timeoutMs: Int = E2EHarness.defaultTimeoutMs) throws -> String {
        let payload: [String: Any] = ["eventBase64": Data(eventBytes).base64EncodedString(), "timeoutMs": timeoutMs]
        let reply = try object(post("/invoke", payload))
        guard let id = reply["requestId"] as? String else { throw HarnessError("/invoke replied \(reply)") }
        return id
    }

    /// The invocation's deadline when a test does not choose one. Far more than any answer needs, short enough that
    /// a wedged bootstrap fails a test in seconds rather than minutes.
    static let defaultTimeoutMs = 10_000

    /// The invocation once answered. Waits up to `waitSeconds` (default: its deadline plus 5 s); throws when it is
    /// still unanswered then, or when the bootstrap exited without answering it.
    func outcome(_ requestID: String, waitSeconds: Double? = nil) throws -> InvocationView {
        var view = try invocation(requestID)
        let limit = waitSeconds ?? (Double(int(view.raw["timeoutMs"]) ?? Self.defaultTimeoutMs) / 1_000 + 5)
        let deadline = Date().addingTimeInterval(limit)
        while !view.isAnswered {
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 {
                throw HarnessError("invocation \(requestID) unanswered after \(limit) s: \(view.summary)\(dump())")
            }
            if !isBootstrapRunning {
                view = try invocation(requestID)  // the answer may have been recorded just before the exit
                if view.isAnswered { break }
                throw HarnessError("bootstrap exited (\(bootstrapExitDescription)) without answering \(requestID)\(dump())")
            }
            let chunk = max(0.05, min(1.0, remaining))
            view = InvocationView(raw: try object(get("/invocations/\(escape(requestID))?wait=\(chunk)")))
        }
        return view
    }

    private var bootstrapExitDescription: String {
        guard let bootstrap, !bootstrap.isRunning else { return "running" }
        return "\(bootstrap.terminationReason == .exit ? "exit status" : "signal") \(bootstrap.terminationStatus)"
    }

    /// `invoke` + `outcome`.
    func run(
        event: String,
        timeoutMs: Int = E2EHarness.defaultTimeoutMs,
        traceId: TraceID = .generated,
        headerCase: String? = nil
    ) throws -> InvocationView {
        let id = try invoke(event: event, timeoutMs: timeoutMs, traceId: traceId, headerCase: headerCase)
        return try outcome(id)
    }

    func invocation(_ requestID: String) throws -> InvocationView {
        InvocationView(raw: try object(get("/invocations/\(escape(requestID))")))
    }

    func invocations() throws -> [InvocationView] {
        try array(get("/invocations")).map { InvocationView(raw: $0) }
    }

    /// Recorded Config calls, optionally only those with this `X-Amzn-Trace-Id` and/or operation.
    func calls(traceHeader: String? = nil, operation: String? = nil) throws -> [ConfigCall] {
        var query: [String] = []
        if let traceHeader { query.append("traceHeader=\(escape(traceHeader))") }
        if let operation { query.append("operation=\(escape(operation))") }
        return try array(get("/calls" + (query.isEmpty ? "" : "?" + query.joined(separator: "&")))).map { ConfigCall(raw: $0) }
    }

    /// Calls recorded for one invocation (by its trace id). An invocation without a trace id has no filter here.
    func calls(for invocation: InvocationView) throws -> [ConfigCall] {
        guard let trace = invocation.traceID else { throw HarnessError("invocation \(invocation.requestID) has no trace id") }
        return try calls(traceHeader: trace)
    }

    /// Evaluations Config accepted, optionally only those of calls with this trace header.
    func evaluations(traceHeader: String? = nil) throws -> [AcceptedEvaluation] {
        let query = traceHeader.map { "?traceHeader=\(escape($0))" } ?? ""
        return try array(get("/evaluations" + query)).map { AcceptedEvaluation(raw: $0) }
    }

    func evaluations(for invocation: InvocationView) throws -> [AcceptedEvaluation] {
        guard let trace = invocation.traceID else { throw HarnessError("invocation \(invocation.requestID) has no trace id") }
        return try evaluations(traceHeader: trace)
    }

    /// Queues Config faults for `operation` (`"PutEvaluations"`, `"GetResourceConfigHistory"` or `"*"`).
    func injectFaults(operation: String, faults: [Any]) throws {
        _ = try object(post("/faults", ["operation": operation, "faults": faults]))
    }

    /// Queues Runtime API faults (`next`: GET /next, `response`: the next /response or /error post).
    func runtimeFaults(next: [Any] = [], response: [Any] = []) throws {
        var payload: [String: Any] = [:]
        if !next.isEmpty { payload["next"] = next }
        if !response.isEmpty { payload["response"] = response }
        _ = try object(post("/runtime-faults", payload))
    }

    /// Pending faults: `{"config": {...}, "runtime": {...}}`.
    func pendingFaults() throws -> [String: Any] {
        try object(get("/faults"))
    }

    func setHistory(resourceType: String, resourceID: String, items: [[String: Any]]) throws {
        _ = try object(post("/history", ["resourceType": resourceType, "resourceId": resourceID, "configurationItems": items]))
    }

    func initErrors() throws -> [[String: Any]] {
        try array(get("/init-errors"))
    }

    func state() throws -> [String: Any] {
        try object(get("/state"))
    }

    func journal(since: Int = 0) throws -> [[String: Any]] {
        try array(get("/journal?since=\(since)"))
    }

    /// Waits until the bootstrap is blocked in `/next` (or `seconds` pass).
    @discardableResult
    func waitForPoller(seconds: Double = 10) throws -> Bool {
        var failure: Error?
        let polled = waitUntil(seconds: seconds) {
            do {
                return (int(try self.state()["pollers"]) ?? 0) > 0
            } catch {
                failure = error
                return true
            }
        }
        if let failure { throw failure }
        return polled
    }

    /// Any control-API route without a dedicated helper: `GET path` (query included), the JSON reply.
    func controlGET(_ path: String) throws -> Any {
        try get(path)
    }

    /// Any control-API route without a dedicated helper: `POST path` with a JSON object, the JSON reply.
    @discardableResult
    func controlPOST(_ path: String, _ payload: [String: Any]) throws -> Any {
        try post(path, payload)
    }

    // MARK: HTTP

    private func get(_ path: String) throws -> Any {
        try send(HTTPRequest(method: "GET", url: control + path, timeoutMilliseconds: 60_000))
    }

    private func post(_ path: String, _ payload: [String: Any]) throws -> Any {
        let body = try JSONSerialization.data(withJSONObject: payload, options: [.withoutEscapingSlashes])
        return try send(HTTPRequest(
            method: "POST", url: control + path, headers: ["Content-Type": "application/json"], body: [UInt8](body),
            timeoutMilliseconds: 60_000
        ))
    }

    private func send(_ request: HTTPRequest) throws -> Any {
        let response: HTTPResponse
        do {
            response = try session.perform(request)
        } catch {
            throw HarnessError("control API \(request.method) \(request.url) failed: \(error)")
        }
        let text = String(decoding: response.body, as: UTF8.self)
        guard response.status == 200 else {
            throw HarnessError("control API \(request.method) \(request.url) -> HTTP \(response.status): \(text)")
        }
        do {
            return try JSONSerialization.jsonObject(with: Data(response.body), options: [.fragmentsAllowed])
        } catch {
            throw HarnessError("control API \(request.url) replied non-JSON: \(text.prefix(500))")
        }
    }

    private func object(_ value: Any) throws -> [String: Any] {
        guard let object = value as? [String: Any] else { throw HarnessError("expected a JSON object, got \(value)") }
        return object
    }

    private func array(_ value: Any) throws -> [[String: Any]] {
        guard let list = value as? [[String: Any]] else { throw HarnessError("expected a JSON array of objects, got \(value)") }
        return list
    }

    private func escape(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}

/// Polls `condition` every 10 ms until it holds or `seconds` pass; returns whether it held.
@discardableResult
func waitUntil(seconds: Double, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while true {
        if condition() { return true }
        if Date() >= deadline { return false }
        usleep(10_000)
    }
}

/// Bounds how many harnesses (emulator + bootstrap) run at once, whatever parallelism the test runner picks:
/// `$PIDMODE_E2E_PARALLEL`, default 2 (the emulator's start-up is CPU-bound; more only slows every test down).
let harnessGate = DispatchSemaphore(
    value: max(1, Int(ProcessInfo.processInfo.environment["PIDMODE_E2E_PARALLEL"] ?? "") ?? 2)
)

/// Starts a harness, runs `body`, and always stops both processes.
func withHarness<T>(
    emulatorArguments: [String] = [],
    startBootstrap: Bool = true,
    _ body: (E2EHarness) throws -> T
) throws -> T {
    harnessGate.wait()
    defer { harnessGate.signal() }
    let harness = try E2EHarness(emulatorArguments: emulatorArguments, startBootstrap: startBootstrap)
    defer { harness.stop() }
    return try body(harness)
}
