import CurlHTTP
import Foundation
import LoopbackHTTPServer
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Self-tests of the test server that the other test targets rely on: request framing, keep-alive rules, scripting,
/// stopping. Raw-socket tests cover what libcurl never sends (chunked uploads, pipelining, HTTP/1.0, garbage).
@Suite("LoopbackHTTPServer")
struct LoopbackHTTPServerTests {
    @Test("a request with Connection: close gets Connection: close and the connection is closed")
    func requestConnectionCloseHonoured() throws {
        let server = try LoopbackHTTPServer(alwaysReplying: .respond(status: 200, text: "ok"))
        defer { server.stop() }
        let session = try CurlSession()

        let first = try session.perform(
            HTTPRequest(method: "GET", url: server.url("/1"), headers: ["Connection": "close"], timeoutMilliseconds: 5_000))
        let second = try session.perform(HTTPRequest(method: "GET", url: server.url("/2"), timeoutMilliseconds: 5_000))

        #expect(first.headers.values(for: "Connection").count == 1)
        #expect(first.headers["Connection"]?.hasPrefix("close") == true)
        #expect(second.status == 200)
        #expect(server.requests.map(\.connectionID) == [1, 2])
    }

    @Test("ScriptedSequence: first two calls get 500, then 200 forever; longest prefix wins; unscripted are flagged")
    func scriptedSequence() throws {
        let script = ScriptedSequence()
        script.enqueue([.respond(status: 500), .respond(status: 500)], method: "POST", pathPrefix: "/")
        script.setDefault(.json("{}"), method: "POST", pathPrefix: "/")
        script.enqueue(.respond(status: 200, text: "specific"), method: "GET", pathPrefix: "/runtime/next")
        script.setDefault(.respond(status: 204), pathPrefix: "/runtime/")
        let server = try LoopbackHTTPServer(sequence: script)
        defer { server.stop() }
        let session = try CurlSession()
        func send(_ method: String, _ path: String) throws -> Int {
            try session.perform(HTTPRequest(method: method, url: server.url(path), timeoutMilliseconds: 5_000)).status
        }

        #expect(try [send("POST", "/"), send("POST", "/"), send("POST", "/"), send("POST", "/x")] == [500, 500, 200, 200])
        #expect(try send("GET", "/runtime/next?a=1") == 200)  // the longer prefix is consumed first
        #expect(try send("GET", "/runtime/next") == 204)  // its queue is empty: the shorter prefix's default
        #expect(try send("GET", "/elsewhere") == 500)  // no rule: fallback

        #expect(script.requests(method: "POST", pathPrefix: "/").map(\.path) == ["/", "/", "/", "/x"])
        #expect(script.requests(pathPrefix: "/runtime/").map(\.path) == ["/runtime/next"])
        #expect(script.remaining(method: "POST", pathPrefix: "/") == 0)
        #expect(script.isExhausted)
        #expect(script.unscriptedRequests.map(\.path) == ["/elsewhere"])
        #expect(server.requests.count == 7)
        #expect(server.requests.map(\.sequenceNumber) == Array(0..<7))
    }

    @Test("waitForRequests times out when nothing arrives and returns once the count is reached")
    func waitForRequests() throws {
        let server = try LoopbackHTTPServer(alwaysReplying: .respond(status: 200))
        defer { server.stop() }

        let (timedOut, seconds) = measure { server.waitForRequests(count: 1, timeoutSeconds: 0.2) }
        #expect(!timedOut)
        #expect(seconds >= 0.15)

        let url = server.url("/from-another-thread")
        Thread.detachNewThread {
            let session = try? CurlSession()
            _ = try? session?.perform(HTTPRequest(method: "GET", url: url, timeoutMilliseconds: 5_000))
        }
        #expect(server.waitForRequests(count: 1, timeoutSeconds: 5))
        #expect(server.requests.first?.path == "/from-another-thread")
    }

    @Test("stop wakes a client waiting on .noReply and on a long .delayed reply; stop is idempotent")
    func stopEndsPendingReplies() throws {
        for reply in [ScriptedReply.noReply, .delayed(milliseconds: 30_000, then: .respond(status: 200))] {
            let server = try LoopbackHTTPServer(alwaysReplying: reply)
            let outcome = LockedBox<CurlError.Code?>(nil)
            let done = DispatchSemaphore(value: 0)
            let url = server.url("/2018-06-01/runtime/invocation/next")
            Thread.detachNewThread {
                if let session = try? CurlSession() {
                    outcome.set(transportError(session, HTTPRequest(method: "GET", url: url, timeoutMilliseconds: nil))?.code)
                }
                done.signal()
            }
            try #require(server.waitForRequests(count: 1, timeoutSeconds: 5))

            let (_, seconds) = measure { server.stop() }
            #expect(done.wait(timeout: .now() + 5) == .success)
            #expect(outcome.get() == .connectionLost)
            #expect(seconds < 2)
            server.stop()  // idempotent
        }
    }

    @Test("raw client: chunked request body is decoded, header order and casing kept")
    func chunkedRequest() throws {
        let server = try LoopbackHTTPServer(alwaysReplying: .respond(status: 200, text: "fine"))
        defer { server.stop() }

        let reply = try RawClient.exchange(
            port: server.port,
            send: "POST /upload HTTP/1.1\r\nhost: x\r\nTransfer-Encoding: chunked\r\nX-lower-UPPER:  v1 \r\n"
                + "Connection: close\r\n\r\n4;ext=1\r\nWiki\r\n6\r\npedia \r\n0\r\nTrailer: t\r\n\r\n")

        #expect(reply.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(reply.hasSuffix("\r\n\r\nfine"))
        let request = try #require(server.requests.first)
        #expect(request.method == "POST")
        #expect(request.path == "/upload")
        #expect(request.bodyText == "Wikipedia ")
        #expect(request.headers.map(\.name) == ["host", "Transfer-Encoding", "X-lower-UPPER", "Connection"])
        #expect(request.header("x-LOWER-upper") == "v1")
    }

    @Test("raw client: pipelined requests are answered in order on one connection")
    func pipelining() throws {
        let server = try LoopbackHTTPServer { request in .respond(status: 200, text: request.path) }
        defer { server.stop() }

        let reply = try RawClient.exchange(
            port: server.port,
            send: "GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
                + "POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nxyz"
                + "GET /c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")

        #expect(reply.components(separatedBy: "HTTP/1.1 200 OK").count == 4)
        #expect(reply.hasSuffix("/c"))
        #expect(server.requests.map(\.path) == ["/a", "/b", "/c"])
        #expect(server.requests.map(\.connectionID) == [1, 1, 1])
        #expect(server.requests[1].bodyText == "xyz")
    }

    @Test("raw client: HTTP/1.0 without keep-alive is closed after the reply; garbage gets a 400")
    func http10AndGarbage() throws {
        let server = try LoopbackHTTPServer(alwaysReplying: .respond(status: 200, text: "one-oh"))
        defer { server.stop() }

        let old = try RawClient.exchange(port: server.port, send: "GET / HTTP/1.0\r\n\r\n")
        let garbage = try RawClient.exchange(port: server.port, send: "this is not http\r\n\r\n")

        #expect(old.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(old.contains("Connection: close\r\n"))
        #expect(old.hasSuffix("one-oh"))
        #expect(garbage.hasPrefix("HTTP/1.1 400 "))
        #expect(server.requests.count == 1)
    }
}

/// A value shared between a test and a thread it starts.
final class LockedBox<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value  // guarded by `lock`

    init(_ value: Value) { self.value = value }
    func get() -> Value { lock.withLock { value } }
    func set(_ newValue: Value) { lock.withLock { value = newValue } }
}

/// A minimal blocking TCP client: connects to 127.0.0.1, writes bytes, reads until the server closes (or 5 s pass).
enum RawClient {
    struct Failure: Error { let step: String }

    static func exchange(port: Int, send text: String) throws -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(step: "socket") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw Failure(step: "connect") }
        let bytes = Array(text.utf8)
        let sent = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard sent == bytes.count else { throw Failure(step: "send") }
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            received.append(contentsOf: chunk[0..<count])
        }
        return String(decoding: received, as: UTF8.self)
    }
}
