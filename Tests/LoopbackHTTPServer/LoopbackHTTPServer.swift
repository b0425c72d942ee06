import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A real HTTP/1.1 server on `127.0.0.1`, scripted per test.
///
/// It listens on a port the kernel picks (so tests can run in parallel), accepts connections on one thread and serves
/// each connection on a thread of its own. Every request is read completely (request line, header fields in wire
/// order and casing, the `Content-Length` or chunked body of any size), recorded, and then handed to `handler`, whose
/// ``ScriptedReply`` decides what goes back. Connections are kept alive across requests unless the request or the
/// reply says `Connection: close` (or the reply closes/resets it). A request carrying `Expect: 100-continue` gets an
/// interim `100 Continue` before its body is read (the `Expect` field is still recorded). A malformed request head
/// or `Content-Length` gets a `400` and is not recorded.
///
/// ```swift
/// let server = try LoopbackHTTPServer { request in
///     request.path == "/ping" ? .respond(status: 200, text: "pong") : .respond(status: 404)
/// }
/// defer { server.stop() }
/// // … drive the code under test against server.baseURL …
/// #expect(server.requests.map(\.path) == ["/ping"])
/// ```
///
/// `handler` runs on the connection's thread, so it may block (that connection only). It must be `@Sendable`: use a
/// ``ScriptedSequence`` (or your own lock) for replies that change from call to call.
///
/// The server stops when ``stop()`` is called or when it is deinitialised, whichever comes first. A handler that
/// captures the server itself keeps it alive: call ``stop()`` explicitly then (`defer { server.stop() }` is the
/// usual pattern anyway).
public final class LoopbackHTTPServer: Sendable {
    /// The TCP port the server listens on (on `127.0.0.1`).
    public let port: Int
    private let core: ServerCore

    /// Starts listening on `127.0.0.1` (kernel-chosen port) and serving requests with `handler`.
    /// - Throws: ``LoopbackServerError`` when a socket cannot be created, bound or put into listening state.
    public init(handler: @escaping @Sendable (RecordedRequest) -> ScriptedReply) throws(LoopbackServerError) {
        let (fd, port) = try Socket.bindLoopback()
        guard listen(fd, 128) == 0 else {
            let error = errno
            close(fd)
            throw LoopbackServerError(operation: "listen", errorNumber: error)
        }
        self.port = port
        self.core = ServerCore(listenFD: fd, handler: handler)
        core.startAccepting()
    }

    /// Starts a server whose replies come from `sequence` (see ``ScriptedSequence``).
    public convenience init(sequence: ScriptedSequence) throws(LoopbackServerError) {
        try self.init(handler: sequence.handler)
    }

    /// Starts a server that gives every request the same `reply`.
    public convenience init(alwaysReplying reply: ScriptedReply) throws(LoopbackServerError) {
        try self.init(handler: { _ in reply })
    }

    deinit {
        core.stop()
    }

    /// `http://127.0.0.1:PORT`, with no trailing slash.
    public var baseURL: String { "http://\(hostPort)" }

    /// `127.0.0.1:PORT` (the shape of `AWS_LAMBDA_RUNTIME_API`).
    public var hostPort: String { "127.0.0.1:\(port)" }

    /// `baseURL` followed by `path` (which should start with `/`).
    public func url(_ path: String) -> String { baseURL + path }

    /// Every request received so far, in the order their reading completed.
    public var requests: [RecordedRequest] { core.recordedRequests() }

    /// How many TCP connections the server has accepted so far.
    public var connectionCount: Int { core.acceptedConnections() }

    /// Blocks until at least `count` requests have been received; `false` if `timeoutSeconds` passed first.
    @discardableResult
    public func waitForRequests(count: Int, timeoutSeconds: Double) -> Bool {
        core.waitForRequests(count: count, timeoutSeconds: timeoutSeconds)
    }

    /// Stops the server: closes the listening socket and every open connection, wakes up pending
    /// ``ScriptedReply/delayed(milliseconds:then:)`` and ``ScriptedReply/noReply`` replies, and waits (up to 5 s)
    /// for the server's threads to finish. Afterwards connections to ``port`` are refused. Idempotent; safe to call
    /// from a handler. Requests recorded so far stay readable.
    public func stop() {
        core.stop()
    }

    /// A local port on which connections are refused (see ``RefusedPort``).
    public static func refusedPort() throws(LoopbackServerError) -> RefusedPort {
        try RefusedPort()
    }
}

/// A `127.0.0.1` port that refuses every connection: a socket bound to it without listening, so the kernel answers
/// each connection attempt with a reset and no other process can take the port while this object is alive.
public final class RefusedPort: Sendable {
    /// The port number.
    public let port: Int
    private let fd: Int32

    public init() throws(LoopbackServerError) {
        (fd, port) = try Socket.bindLoopback()
    }

    deinit {
        close(fd)
    }

    /// `http://127.0.0.1:PORT`.
    public var baseURL: String { "http://\(hostPort)" }

    /// `127.0.0.1:PORT`.
    public var hostPort: String { "127.0.0.1:\(port)" }
}

/// The shared state of one server, retained by its threads (the public object is not, so it can be deinitialised).
///
/// Thread safety: every `var` below is read and written only while `condition` is locked; `handler` and `listenFD`
/// are immutable. Socket descriptors are closed only while `condition` is locked and after removal from the state,
/// so `stop()` (which shuts them down under the same lock) never touches a closed or reused descriptor.
private final class ServerCore: @unchecked Sendable {
    let listenFD: Int32
    let handler: @Sendable (RecordedRequest) -> ScriptedReply

    private let condition = NSCondition()
    private var stopped = false
    private var listenerClosed = false
    private var recorded: [RecordedRequest] = []
    private var openConnections: [Int: Int32] = [:]  // connection ID → descriptor
    private var nextConnectionID = 1
    private var liveThreads = 0
    private var serverThreads: Set<ObjectIdentifier> = []

    init(listenFD: Int32, handler: @escaping @Sendable (RecordedRequest) -> ScriptedReply) {
        self.listenFD = listenFD
        self.handler = handler
    }

    // MARK: Public operations

    func recordedRequests() -> [RecordedRequest] {
        condition.withLock { recorded }
    }

    func acceptedConnections() -> Int {
        condition.withLock { nextConnectionID - 1 }
    }

    func waitForRequests(count: Int, timeoutSeconds: Double) -> Bool {
        let deadline = Date(timeIntervalSinceNow: timeoutSeconds)
        condition.lock()
        defer { condition.unlock() }
        while recorded.count < count {
            if !condition.wait(until: deadline) { break }
        }
        return recorded.count >= count
    }

    func stop() {
        condition.lock()
        defer { condition.unlock() }
        if !stopped {
            stopped = true
            if !listenerClosed {
                _ = shutdown(listenFD, Int32(SHUT_RDWR))  // wakes the blocked accept()
            }
            for fd in openConnections.values {
                _ = shutdown(fd, Int32(SHUT_RDWR))  // wakes blocked recv() calls
            }
            condition.broadcast()  // wakes delayed replies
        }
        let ownThreads = serverThreads.contains(ObjectIdentifier(Thread.current)) ? 1 : 0
        let deadline = Date(timeIntervalSinceNow: 5)
        while liveThreads > ownThreads {
            if !condition.wait(until: deadline) { break }
        }
    }

    // MARK: Threads

    func startAccepting() {
        condition.withLock { liveThreads += 1 }
        let thread = Thread { [self] in
            threadStarted()
            acceptLoop()
            condition.withLock {
                listenerClosed = true
                close(listenFD)
            }
            threadFinished()
        }
        thread.name = "LoopbackHTTPServer accept"
        thread.start()
    }

    private func threadStarted() {
        condition.withLock { _ = serverThreads.insert(ObjectIdentifier(Thread.current)) }
    }

    private func threadFinished() {
        condition.withLock {
            serverThreads.remove(ObjectIdentifier(Thread.current))
            liveThreads -= 1
            condition.broadcast()
        }
    }

    private var isStopped: Bool { condition.withLock { stopped } }

    private func acceptLoop() {
        while true {
            let fd = accept(listenFD, nil, nil)
            if fd < 0 {
                let error = errno
                if isStopped { return }
                if error == EINTR || error == ECONNABORTED { continue }
                if error == EMFILE || error == ENFILE || error == ENOBUFS || error == ENOMEM {
                    usleep(10_000)
                    continue
                }
                return
            }
            var yes: Int32 = 1
            _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
            let connectionID: Int? = condition.withLock {
                if stopped {
                    close(fd)
                    return nil
                }
                let id = nextConnectionID
                nextConnectionID += 1
                openConnections[id] = fd
                liveThreads += 1
                return id
            }
            guard let connectionID else { return }
            let thread = Thread { [self] in
                threadStarted()
                serve(connectionID: connectionID, fd: fd)
                condition.withLock {
                    openConnections[connectionID] = nil
                    close(fd)
                }
                threadFinished()
            }
            thread.name = "LoopbackHTTPServer connection \(connectionID)"
            thread.start()
        }
    }

    // MARK: One connection

    /// Serves requests on one connection until either side closes it.
    private func serve(connectionID: Int, fd: Int32) {
        var reader = RequestReader(fd: fd)
        while true {
            guard let headBytes = reader.readHead() else { return }
            guard let head = RequestHead(headBytes) else {
                _ = Socket.writeAll(fd, badRequest("malformed request head"))
                return
            }
            if head.listContains("Expect", token: "100-continue") {
                guard Socket.writeAll(fd, Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)) else { return }
            }
            let body: [UInt8]
            if head.listContains("Transfer-Encoding", token: "chunked") {
                guard let chunked = reader.readChunkedBody() else { return }
                body = chunked
            } else if let lengthText = head.values("Content-Length").first {
                guard Set(head.values("Content-Length")).count == 1, let length = Int(lengthText), length >= 0,
                    length <= 1 << 30  // 1 GiB: a sanity bound, far above any test payload
                else {
                    _ = Socket.writeAll(fd, badRequest("bad Content-Length"))
                    return
                }
                guard let fixed = reader.readExactly(length) else { return }
                body = fixed
            } else {
                body = []
            }

            let request: RecordedRequest? = condition.withLock {
                if stopped { return nil }
                let request = RecordedRequest(
                    method: head.method, path: head.target, version: head.version, headers: head.headers,
                    body: body, connectionID: connectionID, sequenceNumber: recorded.count)
                recorded.append(request)
                condition.broadcast()
                return request
            }
            guard let request else { return }
            let reply = handler(request)
            guard perform(reply, for: head, fd: fd, reader: &reader) else { return }
        }
    }

    /// Carries out one scripted reply; returns whether the connection stays open for another request.
    private func perform(_ reply: ScriptedReply, for head: RequestHead, fd: Int32, reader: inout RequestReader)
        -> Bool
    {
        switch reply {
        case .respond(let status, let headers, let body):
            let replyCloses = headers.contains { name, value in
                asciiCaseInsensitiveEquals(name, "Connection")
                    && value.split(separator: ",").contains { asciiCaseInsensitiveEquals($0.trimmingSpaces(), "close") }
            }
            var text = "HTTP/1.1 \(status) \(reasonPhrase(for: status))\r\n"
            for (name, value) in headers {
                text += "\(name): \(value)\r\n"
            }
            let bodyless = (100..<200).contains(status) || status == 204 || status == 304
            let framed = headers.contains {
                asciiCaseInsensitiveEquals($0.0, "Content-Length") || asciiCaseInsensitiveEquals($0.0, "Transfer-Encoding")
            }
            if !framed && !bodyless {
                text += "Content-Length: \(body.count)\r\n"
            }
            if head.wantsClose && !replyCloses {
                text += "Connection: close\r\n"
            }
            text += "\r\n"
            var bytes = Array(text.utf8)
            if !bodyless && head.method != "HEAD" {
                bytes.append(contentsOf: body)
            }
            let written = Socket.writeAll(fd, bytes)
            return written && !head.wantsClose && !replyCloses

        case .rawBytes(let bytes, let closeAfterwards):
            let written = Socket.writeAll(fd, bytes)
            return written && !closeAfterwards

        case .closeConnection:
            _ = shutdown(fd, Int32(SHUT_WR))  // FIN now; the descriptor is closed when the thread ends
            return false

        case .resetConnection:
            Socket.armReset(fd)
            return false

        case .noReply:
            reader.drainUntilClosed()
            return false

        case .delayed(let milliseconds, let next):
            guard sleepUnlessStopped(milliseconds: milliseconds) else { return false }
            return perform(next, for: head, fd: fd, reader: &reader)
        }
    }

    /// Waits `milliseconds`; returns `false` (early) when the server is stopped meanwhile.
    private func sleepUnlessStopped(milliseconds: Int) -> Bool {
        let deadline = Date(timeIntervalSinceNow: Double(milliseconds) / 1000)
        condition.lock()
        defer { condition.unlock() }
        while !stopped {
            if !condition.wait(until: deadline) { break }
        }
        return !stopped
    }

    private func badRequest(_ reason: String) -> [UInt8] {
        Array("HTTP/1.1 400 Bad Request\r\nContent-Length: \(reason.utf8.count)\r\nConnection: close\r\n\r\n\(reason)".utf8)
    }
}
