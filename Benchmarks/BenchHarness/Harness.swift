import JSON

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// What the fake Config endpoint does to one PutEvaluations call in soak mode.
enum FaultKind: String, CaseIterable {
    /// 400 `{"__type":"ThrottlingException","message":"Rate exceeded"}`.
    case throttle
    /// 500 `InternalFailure`.
    case http500
    /// 503 `ServiceUnavailable`.
    case http503
    /// The request is read, not processed, and the connection closed without a reply.
    case drop
    /// The request is read and *processed* (its evaluation is accepted), then the connection is closed without a
    /// reply: a re-send duplicates the evaluation, which is reported, not failed.
    case dropAfterAccept
    /// 200 with every evaluation of the request listed in `FailedEvaluations` (none accepted).
    case failedEvaluations

    /// Whether Config took the call's evaluations despite the fault.
    var accepts: Bool { self == .dropAfterAccept }
}

/// One request received by the fake Config endpoint, stored raw; parsed and checked after the run.
final class ConfigCall {
    let seq: Int
    let receivedNanoseconds: UInt64
    let connectionID: Int
    let method: String
    let path: String
    let amzTarget: String?
    let head: [UInt8]
    let body: [UInt8]
    /// The invocation in flight (dispatched, not yet answered) when the call arrived.
    let inFlight: Int?
    var fault: FaultKind?

    init(
        seq: Int, receivedNanoseconds: UInt64, connectionID: Int, method: String, path: String, amzTarget: String?,
        head: [UInt8], body: [UInt8], inFlight: Int?
    ) {
        self.seq = seq
        self.receivedNanoseconds = receivedNanoseconds
        self.connectionID = connectionID
        self.method = method
        self.path = path
        self.amzTarget = amzTarget
        self.head = head
        self.body = body
        self.inFlight = inFlight
    }
}

/// One `/response` or `/error` post for a known request id.
struct Answer {
    let seq: Int
    let receivedNanoseconds: UInt64
    let isError: Bool
    let body: [UInt8]
    /// `Lambda-Runtime-Function-Error-Type` (only read for `/error`).
    let errorTypeHeader: String?
    /// The status the harness answered with: 202, or 403 for a second answer.
    let status: Int
}

final class Connection {
    enum Kind { case runtime, config }

    let fd: Int32
    let id: Int
    let kind: Kind
    var buffer: [UInt8] = []
    var start = 0
    var closed = false
    var parkedNext = false

    init(fd: Int32, id: Int, kind: Kind) {
        self.fd = fd
        self.id = id
        self.kind = kind
    }
}

enum BenchCredentials {
    static let accessKeyID = "AKIDEXAMPLE"
    static let secretAccessKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    static let sessionToken = "IQoJb3JpZ2luX2VjEXAMPLE+/=bench-harness"
    static let region = "us-west-2"
    static let functionName = "pid-mode-rule"
    static var functionARN: String { "arn:aws:lambda:\(region):111111111111:function:\(functionName)" }
}

/// One process, one thread: a Lambda Runtime API and a fake AWS Config endpoint on 127.0.0.1 (HTTP/1.1 keep-alive,
/// `poll(2)` over non-blocking sockets), and the bootstrap under test as a child process. Events go out one at a time
/// (the next only after the previous answer), as Lambda does.
///
/// Everything on the request path is kept small: requests are framed by `Content-Length`, Config calls are stored raw
/// and only parsed and checked after the run (see `Report`), so the measured latency is the bootstrap's plus two
/// loopback round trips, not the harness's.
final class Harness {
    let events: [PlannedEvent]
    let options: Options

    private var runtimeListener: Int32 = -1
    private var configListener: Int32 = -1
    private(set) var runtimePort = 0
    private(set) var configPort = 0
    private var connections: [Connection] = []
    private var connectionCounter = 0
    private(set) var connectionCounts: [Connection.Kind: Int] = [.runtime: 0, .config: 0]
    private var sequence = 0
    private var scratch = [UInt8](repeating: 0, count: 65_536)

    // Measurements and records (read by Report).
    private(set) var spawnNanoseconds: UInt64 = 0
    private(set) var firstNextNanoseconds: UInt64?
    private(set) var dispatchNanoseconds: [UInt64]
    private(set) var dispatchSeq: [Int]
    private(set) var answers: [[Answer]]
    private(set) var answeredCount = 0
    private(set) var dispatchedCount = 0
    private(set) var strayAnswers: [String] = []
    private(set) var configCalls: [ConfigCall] = []
    private(set) var initErrors: [String] = []
    private(set) var protocolErrors: [String] = []
    private(set) var nextWhileInFlight = 0
    private(set) var finalNextSeen = false
    private(set) var faultCounts: [FaultKind: Int] = [:]
    private(set) var stopReason = ""
    private(set) var memoryKilobytes: (peak: Int, current: Int)?
    /// The bootstrap's CPU time (user + system) for the whole run, start-up included.
    private(set) var cpuSeconds: Double?
    /// `VmRSS` after the first tenth of the events (to tell steady growth, i.e. a leak, from start-up cost).
    private(set) var earlyRSS: (afterEvents: Int, kilobytes: Int)?
    private(set) var residentBreakdown: (groups: [(String, Int)], files: [(String, Int)])?
    /// How the bootstrap ended when it exited on its own (a crash, for this harness); `nil` when the harness stopped it.
    private(set) var unexpectedExit: String?
    private(set) var logPath = ""

    private var nextIndex = 0
    private var inFlight: Int?
    private var requestIndex: [String: Int] = [:]
    private var faultRNG: SplitMix64
    private var child: Child?
    private var lastAnswerNanoseconds: UInt64 = 0
    private var lastProgressNanoseconds: UInt64 = 0
    private let responsePrefixes: [[UInt8]]

    // Canned replies.
    private let accepted202 = httpResponse(
        status: 202, reason: "Accepted", headers: [("Content-Type", "application/json")], body: Array(#"{"status":"OK"}"#.utf8))
    private let invalidID400 = httpResponse(
        status: 400, reason: "Bad Request", headers: [("Content-Type", "application/json")],
        body: Array(#"{"errorMessage":"Invalid request ID","errorType":"InvalidRequestID"}"#.utf8))
    private let stateTransition403 = httpResponse(
        status: 403, reason: "Forbidden", headers: [("Content-Type", "application/json")],
        body: Array(#"{"errorMessage":"Invalid state transition","errorType":"InvalidStateTransition"}"#.utf8))
    private let notFound404 = httpResponse(
        status: 404, reason: "Not Found", headers: [("Content-Type", "application/json")],
        body: Array(#"{"errorMessage":"not served by the bench harness","errorType":"NotFound"}"#.utf8))
    private let badRequest400 = httpResponse(
        status: 400, reason: "Bad Request", headers: [("Connection", "close")], body: Array("malformed request".utf8))
    private static let configHeaders = [
        ("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-RequestId", "00000000-0000-4000-8000-be0c4a0e0000"),
    ]
    private let putOK200 = httpResponse(
        status: 200, reason: "OK", headers: Harness.configHeaders, body: Array(#"{"FailedEvaluations":[]}"#.utf8))
    private let throttle400 = httpResponse(
        status: 400, reason: "Bad Request", headers: Harness.configHeaders,
        body: Array(#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#.utf8))
    private let internal500 = httpResponse(
        status: 500, reason: "Internal Server Error", headers: Harness.configHeaders,
        body: Array(#"{"__type":"InternalFailure","message":"injected by the bench harness"}"#.utf8))
    private let unavailable503 = httpResponse(
        status: 503, reason: "Service Unavailable", headers: Harness.configHeaders,
        body: Array(#"{"__type":"ServiceUnavailable","message":"injected by the bench harness"}"#.utf8))
    private let unknownOperation400 = httpResponse(
        status: 400, reason: "Bad Request", headers: Harness.configHeaders,
        body: Array(#"{"__type":"UnknownOperationException","message":"the bench harness only serves PutEvaluations"}"#.utf8))

    static let putEvaluationsTarget = "StarlingDoveService.PutEvaluations"
    static let runtimePrefix = "/2018-06-01/runtime/"
    static let invocationPrefix = "/2018-06-01/runtime/invocation/"

    init(events: [PlannedEvent], options: Options) {
        self.events = events
        self.options = options
        dispatchNanoseconds = Array(repeating: 0, count: events.count)
        dispatchSeq = Array(repeating: -1, count: events.count)
        answers = Array(repeating: [], count: events.count)
        faultRNG = SplitMix64(seed: options.seed ^ 0x5EED_FA17_0000_0001)
        for event in events {
            requestIndex[event.requestID] = event.index
        }
        responsePrefixes = events.map { event in
            Array((
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    + "Lambda-Runtime-Aws-Request-Id: \(event.requestID)\r\n"
                    + "Lambda-Runtime-Invoked-Function-Arn: \(BenchCredentials.functionARN)\r\n"
                    + "Lambda-Runtime-Trace-Id: \(event.traceID)\r\n"
                    + "Content-Length: \(event.payload.count)\r\n"
                    + "Lambda-Runtime-Deadline-Ms: "
            ).utf8)
        }
    }

    // MARK: Run

    /// Start-up only: spawns the bootstrap, waits for its first `/next` request head, kills it. Milliseconds, or
    /// `nil` when no `/next` came within 15 s. Extra samples for a steadier `startMs` than the main run's one.
    func sampleStart() throws -> Double? {
        let (listener, port) = try Self.listen()
        defer { close(listener) }
        let environment = childEnvironment(runtimePort: port, configPort: 9)  // never contacted before the first /next
        let started = monotonicNanoseconds()
        let child = try Child(
            arguments: options.wrapper + [options.bootstrapPath], environment: environment, logPath: options.logPath,
            searchPath: !options.wrapper.isEmpty)
        defer { child.stop(graceMilliseconds: 200) }
        var connection: Int32 = -1
        defer { if connection >= 0 { close(connection) } }
        var received: [UInt8] = []
        while monotonicNanoseconds() - started < 15_000_000_000 {
            var fd = pollfd(fd: connection >= 0 ? connection : listener, events: Int16(POLLIN), revents: 0)
            guard poll(&fd, 1, 50) > 0 else {
                if !child.isRunning() { return nil }
                continue
            }
            if connection < 0 {
                connection = accept(listener, nil, nil)
                continue
            }
            let count = scratch.withUnsafeMutableBytes { recv(connection, $0.baseAddress!, $0.count, 0) }
            let now = monotonicNanoseconds()
            if count <= 0 { return nil }
            received.append(contentsOf: scratch[0..<count])
            if HTTPParse.headEnd(received, from: 0) != nil {
                return Double(now - started) / 1e6
            }
        }
        return nil
    }

    private func childEnvironment(runtimePort: Int, configPort: Int) -> [String: String] {
        var environment: [String: String] = [
            "AWS_LAMBDA_RUNTIME_API": "127.0.0.1:\(runtimePort)",
            "AWS_REGION": BenchCredentials.region,
            "AWS_ACCESS_KEY_ID": BenchCredentials.accessKeyID,
            "AWS_SECRET_ACCESS_KEY": BenchCredentials.secretAccessKey,
            "AWS_SESSION_TOKEN": BenchCredentials.sessionToken,
            "AWS_ENDPOINT_URL_CONFIG_SERVICE": "http://127.0.0.1:\(configPort)",
            "AWS_LAMBDA_FUNCTION_NAME": BenchCredentials.functionName,
            "AWS_LAMBDA_LOG_LEVEL": options.logLevel,
        ]
        if !options.wrapper.isEmpty, let path = getenv("PATH") {
            environment["PATH"] = String(cString: path)
        }
        for (name, value) in options.extraEnvironment {
            environment[name] = value
        }
        return environment
    }

    /// The measured run: listeners up, spawn, serve every event, read the memory figures, stop the process.
    func run() throws {
        (runtimeListener, runtimePort) = try Self.listen()
        (configListener, configPort) = try Self.listen()
        defer {
            for connection in connections where !connection.closed { close(connection.fd) }
            close(runtimeListener)
            close(configListener)
        }
        let environment = childEnvironment(runtimePort: runtimePort, configPort: configPort)
        logPath = options.logPath
        let arguments = options.wrapper + [options.bootstrapPath]

        spawnNanoseconds = monotonicNanoseconds()
        let child = try Child(arguments: arguments, environment: environment, logPath: logPath, searchPath: !options.wrapper.isEmpty)
        self.child = child
        lastProgressNanoseconds = spawnNanoseconds
        serve(child: child)

        if child.isRunning() {
            memoryKilobytes = child.memoryKilobytes()
            cpuSeconds = child.cpuSeconds()
            residentBreakdown = child.residentBreakdown(executablePath: options.bootstrapPath)
            child.stop()
        } else {
            unexpectedExit = child.exitDescription
        }
    }

    private func serve(child: Child) {
        var pollFDs: [pollfd] = []
        let deadlineGrace = UInt64(options.deadlineMilliseconds + 10_000) * 1_000_000
        let events = Int16(POLLIN)
        let timeoutMilliseconds: Int32 = 50
        while true {
            pollFDs.removeAll(keepingCapacity: true)
            pollFDs.append(pollfd(fd: runtimeListener, events: events, revents: 0))
            pollFDs.append(pollfd(fd: configListener, events: events, revents: 0))
            for connection in connections {
                pollFDs.append(pollfd(fd: connection.fd, events: events, revents: 0))
            }
            let ready = poll(&pollFDs, nfds_t(pollFDs.count), timeoutMilliseconds)
            if ready < 0 {
                if errno == EINTR { continue }
                stopReason = "poll failed: \(errnoText())"
                return
            }
            var peerClosed = false
            if ready > 0 {
                if pollFDs[0].revents != 0 { acceptAll(runtimeListener, kind: .runtime) }
                if pollFDs[1].revents != 0 { acceptAll(configListener, kind: .config) }
                let snapshot = connections
                for (offset, connection) in snapshot.enumerated() where offset + 2 < pollFDs.count {
                    if pollFDs[offset + 2].revents != 0 && !connection.closed {
                        if !receive(on: connection) { peerClosed = true }
                    }
                }
                if snapshot.contains(where: \.closed) {
                    connections.removeAll(where: \.closed)
                }
            }

            let now = monotonicNanoseconds()
            if ready == 0 || peerClosed {
                if !child.isRunning() {
                    stopReason = "bootstrap exited on its own (\(child.exitDescription))"
                    return
                }
            }
            if answeredCount == self.events.count {
                if finalNextSeen {
                    stopReason = "done"
                    return
                }
                if now - lastAnswerNanoseconds > 3_000_000_000 {
                    stopReason = "no /next within 3 s after the last answer"
                    return
                }
            }
            if let index = inFlight, now - dispatchNanoseconds[index] > deadlineGrace {
                stopReason = "invocation \(index) not answered \(options.deadlineMilliseconds / 1_000 + 10) s after dispatch"
                return
            }
            if firstNextNanoseconds == nil && now - spawnNanoseconds > 15_000_000_000 {
                stopReason = "no /next within 15 s of spawning the bootstrap"
                return
            }
            if inFlight == nil && answeredCount < self.events.count && now - lastProgressNanoseconds > 15_000_000_000 {
                stopReason = "stalled: no request for 15 s between invocations"
                return
            }
        }
    }

    // MARK: Sockets

    private static func listen() throws -> (Int32, Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket: \(errnoText())") }
        var yes: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, Glibc.listen(fd, 64) == 0 else {
            let text = errnoText()
            close(fd)
            throw HarnessError("bind/listen on 127.0.0.1: \(text)")
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return (fd, Int(UInt16(bigEndian: actual.sin_port)))
    }

    private func acceptAll(_ listener: Int32, kind: Connection.Kind) {
        while true {
            let fd = accept(listener, nil, nil)
            if fd < 0 { return }
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            var yes: Int32 = 1
            _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
            connectionCounter += 1
            connectionCounts[kind, default: 0] += 1
            connections.append(Connection(fd: fd, id: connectionCounter, kind: kind))
        }
    }

    /// Reads what is there and serves every complete request; `false` when the peer closed the connection.
    private func receive(on connection: Connection) -> Bool {
        let received = scratch.withUnsafeMutableBytes { recv(connection.fd, $0.baseAddress!, $0.count, 0) }
        let now = monotonicNanoseconds()
        if received < 0 {
            if errno == EAGAIN || errno == EINTR { return true }
            drop(connection)
            return false
        }
        if received == 0 {
            drop(connection)
            return false
        }
        scratch.withUnsafeBytes { raw in
            connection.buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[0..<received]))
        }
        serveBuffered(connection, receivedAt: now)
        return true
    }

    private func serveBuffered(_ connection: Connection, receivedAt now: UInt64) {
        while !connection.closed {
            let start = connection.start
            guard let headEnd = HTTPParse.headEnd(connection.buffer, from: start) else {
                if connection.buffer.count - start > 1 << 20 {
                    protocolErrors.append("request head over 1 MiB on connection \(connection.id)")
                    drop(connection)
                }
                break
            }
            guard let head = HTTPParse.summary(connection.buffer, start: start, end: headEnd), !head.chunked else {
                protocolErrors.append(
                    "malformed or chunked request on connection \(connection.id): "
                        + String(decoding: connection.buffer[start..<headEnd].prefix(200), as: UTF8.self))
                _ = send(badRequest400, on: connection)
                drop(connection)
                break
            }
            let bodyEnd = headEnd + head.contentLength
            guard connection.buffer.count >= bodyEnd else { break }
            connection.start = bodyEnd
            let headBytes = Array(connection.buffer[start..<headEnd])
            let body = Array(connection.buffer[headEnd..<bodyEnd])
            switch connection.kind {
            case .runtime: serveRuntime(connection, head: head, headBytes: headBytes, body: body, now: now)
            case .config: serveConfig(connection, head: head, headBytes: headBytes, body: body, now: now)
            }
            if head.wantsClose && !connection.closed { drop(connection) }
        }
        if connection.start == connection.buffer.count {
            connection.buffer.removeAll(keepingCapacity: true)
            connection.start = 0
        } else if connection.start > 65_536 {
            connection.buffer.removeFirst(connection.start)
            connection.start = 0
        }
    }

    /// Writes all of `bytes`; `false` (and the connection dropped) when the peer is gone.
    @discardableResult
    private func send(_ bytes: [UInt8], on connection: Connection) -> Bool {
        let ok = bytes.withUnsafeBytes { raw -> Bool in
            var offset = 0
            while offset < raw.count {
                let written = Glibc.send(connection.fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if written < 0 {
                    if errno == EINTR { continue }
                    if errno == EAGAIN {
                        var one = pollfd(fd: connection.fd, events: Int16(POLLOUT), revents: 0)
                        _ = poll(&one, 1, 1_000)
                        continue
                    }
                    return false
                }
                offset += written
            }
            return true
        }
        if !ok { drop(connection) }
        return ok
    }

    /// Closes the connection without another byte (the "dropped connection" fault uses this too).
    private func drop(_ connection: Connection) {
        guard !connection.closed else { return }
        connection.closed = true
        close(connection.fd)
    }

    private func nextSeq() -> Int {
        sequence += 1
        return sequence
    }

    // MARK: Runtime API

    private func serveRuntime(_ connection: Connection, head: HeadSummary, headBytes: [UInt8], body: [UInt8], now: UInt64) {
        let path = head.target
        if head.method == "GET" && path == "/2018-06-01/runtime/invocation/next" {
            serveNext(connection, now: now)
            return
        }
        if head.method == "POST" && path.hasPrefix(Self.invocationPrefix) {
            let rest = path.dropFirst(Self.invocationPrefix.count)
            if rest.hasSuffix("/response") {
                serveAnswer(connection, requestID: String(rest.dropLast(9)), isError: false, headBytes: headBytes, body: body, now: now)
                return
            }
            if rest.hasSuffix("/error") {
                serveAnswer(connection, requestID: String(rest.dropLast(6)), isError: true, headBytes: headBytes, body: body, now: now)
                return
            }
        }
        if head.method == "POST" && path == "/2018-06-01/runtime/init/error" {
            initErrors.append(String(decoding: body.prefix(500), as: UTF8.self))
            send(accepted202, on: connection)
            return
        }
        protocolErrors.append("unexpected Runtime API request \(head.method) \(path)")
        send(notFound404, on: connection)
    }

    private func serveNext(_ connection: Connection, now: UInt64) {
        if firstNextNanoseconds == nil { firstNextNanoseconds = now }
        lastProgressNanoseconds = now
        connection.parkedNext = true
        if inFlight != nil {
            // Asking for more work before answering: Lambda semantics say one at a time. Held until the answer.
            nextWhileInFlight += 1
            return
        }
        if nextIndex < events.count {
            dispatch(nextIndex, on: connection)
        } else {
            finalNextSeen = true  // held until the harness stops the process, as Lambda would freeze it
        }
    }

    private func dispatch(_ index: Int, on connection: Connection) {
        connection.parkedNext = false
        let event = events[index]
        var bytes = responsePrefixes[index]
        bytes.reserveCapacity(bytes.count + 24 + event.payload.count)
        bytes.append(contentsOf: String(wallMilliseconds() + Int64(options.deadlineMilliseconds)).utf8)
        bytes.append(contentsOf: [0x0D, 0x0A, 0x0D, 0x0A])
        bytes.append(contentsOf: event.payload)
        inFlight = index
        dispatchSeq[index] = nextSeq()
        dispatchedCount += 1
        guard send(bytes, on: connection) else {
            protocolErrors.append("writing invocation \(index) failed: the bootstrap hung up its /next")
            return
        }
        dispatchNanoseconds[index] = monotonicNanoseconds()
    }

    private func serveAnswer(
        _ connection: Connection, requestID: String, isError: Bool, headBytes: [UInt8], body: [UInt8], now: UInt64
    ) {
        let seq = nextSeq()
        let errorType = isError ? String.header("Lambda-Runtime-Function-Error-Type", in: HTTPParse.headers(headBytes)) : nil
        guard let index = requestIndex[requestID], dispatchSeq[index] >= 0 else {
            strayAnswers.append(requestID)
            send(invalidID400, on: connection)
            return
        }
        if inFlight != index {
            answers[index].append(Answer(
                seq: seq, receivedNanoseconds: now, isError: isError, body: body, errorTypeHeader: errorType, status: 403))
            send(stateTransition403, on: connection)
            return
        }
        answers[index].append(Answer(
            seq: seq, receivedNanoseconds: now, isError: isError, body: body, errorTypeHeader: errorType, status: 202))
        inFlight = nil
        answeredCount += 1
        lastAnswerNanoseconds = now
        lastProgressNanoseconds = now
        nextIndex = index + 1
        send(accepted202, on: connection)
        if answeredCount == max(1, events.count / 10), events.count >= 20, let memory = child?.memoryKilobytes() {
            earlyRSS = (answeredCount, memory.current)
        }
        // A /next that arrived too early is served now.
        if let waiting = connections.first(where: { $0.parkedNext && !$0.closed && $0.kind == .runtime }), nextIndex < events.count {
            dispatch(nextIndex, on: waiting)
        }
    }

    // MARK: Fake AWS Config

    private func serveConfig(_ connection: Connection, head: HeadSummary, headBytes: [UInt8], body: [UInt8], now: UInt64) {
        let call = ConfigCall(
            seq: nextSeq(), receivedNanoseconds: now, connectionID: connection.id, method: head.method, path: head.target,
            amzTarget: head.amzTarget, head: headBytes, body: body, inFlight: inFlight
        )
        configCalls.append(call)
        lastProgressNanoseconds = now
        guard head.amzTarget == Self.putEvaluationsTarget, head.method == "POST" else {
            send(unknownOperation400, on: connection)
            return
        }
        if options.faultRate > 0 && faultRNG.unit() < options.faultRate {
            var kind: FaultKind
            switch faultRNG.below(5) {
            case 0: kind = .throttle
            case 1: kind = .http500
            case 2: kind = .http503
            case 3: kind = .drop
            default: kind = .failedEvaluations
            }
            if kind == .drop && faultRNG.below(2) == 1 { kind = .dropAfterAccept }
            call.fault = kind
            faultCounts[kind, default: 0] += 1
            switch kind {
            case .throttle: send(throttle400, on: connection)
            case .http500: send(internal500, on: connection)
            case .http503: send(unavailable503, on: connection)
            case .drop, .dropAfterAccept: drop(connection)
            case .failedEvaluations: send(failedEvaluationsReply(body), on: connection)
            }
            return
        }
        send(putOK200, on: connection)
    }

    /// 200 with every evaluation of the request in `FailedEvaluations` (AWS lists the `Evaluation` structures).
    private func failedEvaluationsReply(_ body: [UInt8]) -> [UInt8] {
        var failed: [JSONValue] = []
        if let request = try? JSONParser.parse(body), let evaluations = request["Evaluations"]?.arrayValue {
            failed = evaluations
        }
        let reply = JSONWriter.serialize(.object(JSONObject(["FailedEvaluations": .array(failed)])))
        return httpResponse(status: 200, reason: "OK", headers: Harness.configHeaders, body: reply)
    }
}
