import CurlHTTP
import LoopbackHTTPServer
import TestSupport
import Testing

/// `CurlSession` against a real HTTP/1.1 server on 127.0.0.1 (each test has its own server on its own port).
@Suite("CurlSession over loopback")
struct CurlSessionTests {
    // MARK: Round trips

    @Test("GET: method, target, status, response headers and body")
    func getRoundTrip() throws {
        let server = try LoopbackHTTPServer { _ in
            .respond(
                status: 200,
                headers: [("Content-Type", "text/plain; charset=utf-8"), ("X-Request-Echo", "abc 123")],
                body: Array("hello, loopback".utf8))
        }
        defer { server.stop() }
        let session = try CurlSession()

        let response = try session.perform(
            HTTPRequest(
                method: "GET", url: server.url("/2018-06-01/runtime/invocation/next?x=1&y=%20"),
                headers: ["User-Agent": "pid-mode-rule-tests"], timeoutMilliseconds: 5_000))

        #expect(response.status == 200)
        #expect(response.body == Array("hello, loopback".utf8))
        #expect(response.headers["Content-Type"] == "text/plain; charset=utf-8")
        #expect(response.headers["X-Request-Echo"] == "abc 123")
        #expect(response.headers["Content-Length"] == "15")
        #expect(!response.headers.fields.contains { $0.name.hasPrefix("HTTP/") || $0.name.isEmpty })

        let requests = server.requests
        try #require(requests.count == 1)
        let request = requests[0]
        #expect(request.method == "GET")
        #expect(request.path == "/2018-06-01/runtime/invocation/next?x=1&y=%20")
        #expect(request.version == "HTTP/1.1")
        #expect(request.header("Host") == server.hostPort)
        #expect(request.exactFields("User-Agent") == ["pid-mode-rule-tests"])
        #expect(request.body.isEmpty)
        #expect(!request.hasHeader("Content-Length"))
        #expect(!request.hasHeader("Transfer-Encoding"))
    }

    @Test("POST: exact body bytes, Content-Length, no Expect / Transfer-Encoding", arguments: [0, 1, 1_025, 2 << 20])
    func postRoundTrip(bodySize: Int) throws {
        let server = try LoopbackHTTPServer { request in
            .respond(status: 202, text: "got \(request.body.count)")
        }
        defer { server.stop() }
        let session = try CurlSession()
        let body = patternedBytes(count: bodySize)

        let response = try session.perform(
            HTTPRequest(
                method: "POST", url: server.url("/2018-06-01/runtime/invocation/req-1/response"),
                headers: [
                    "Content-Type": "application/x-amz-json-1.1",
                    "X-Amz-Target": "StarlingDoveService.PutEvaluations",
                    "x-amz-date": "20240102T030405Z",
                    "X-Mixed-CASE-Name": "Value With  Inner  Spaces, and; punctuation=1",
                ],
                body: body, timeoutMilliseconds: 10_000))

        #expect(response.status == 202)
        #expect(response.body == Array("got \(bodySize)".utf8))
        let request = try #require(server.requests.first)
        #expect(request.method == "POST")
        #expect(request.path == "/2018-06-01/runtime/invocation/req-1/response")
        #expect(request.body.count == bodySize)
        #expect(byteMismatch(request.body, body) == nil)
        #expect(request.headerValues("Content-Length") == ["\(bodySize)"])
        #expect(!request.hasHeader("Expect"))
        #expect(!request.hasHeader("Transfer-Encoding"))
        // Names (with their casing) and values arrive exactly as given.
        #expect(request.exactFields("Content-Type") == ["application/x-amz-json-1.1"])
        #expect(request.exactFields("X-Amz-Target") == ["StarlingDoveService.PutEvaluations"])
        #expect(request.exactFields("x-amz-date") == ["20240102T030405Z"])
        #expect(request.exactFields("X-Mixed-CASE-Name") == ["Value With  Inner  Spaces, and; punctuation=1"])
        #expect(request.headerValues("Content-Type").count == 1)  // libcurl's form default is not added
        #expect(!request.hasHeader("Accept"))  // libcurl's "Accept: */*" is not added either
    }

    @Test("a request header with an empty value reaches the server")
    func emptyRequestHeaderValue() throws {
        let server = try LoopbackHTTPServer(alwaysReplying: .respond(status: 200))
        defer { server.stop() }
        let session = try CurlSession()

        _ = try session.perform(
            HTTPRequest(
                method: "POST", url: server.url("/"), headers: ["X-Amz-Empty": "", "X-After": "1"], body: [1],
                timeoutMilliseconds: 5_000))

        let request = try #require(server.requests.first)
        #expect(request.exactFields("X-After") == ["1"])
        #expect(request.exactFields("X-Amz-Empty") == [""])
    }

    @Test("PUT and DELETE are sent with the given method and body")
    func customMethods() throws {
        let server = try LoopbackHTTPServer { _ in .respond(status: 204) }
        defer { server.stop() }
        let session = try CurlSession()

        let put = try session.perform(
            HTTPRequest(method: "PUT", url: server.url("/object"), body: Array("payload".utf8), timeoutMilliseconds: 5_000))
        let delete = try session.perform(
            HTTPRequest(method: "DELETE", url: server.url("/object"), timeoutMilliseconds: 5_000))

        #expect(put.status == 204)
        #expect(delete.status == 204)
        let requests = server.requests
        try #require(requests.count == 2)
        #expect(requests[0].method == "PUT")
        #expect(requests[0].body == Array("payload".utf8))
        #expect(requests[0].header("Content-Length") == "7")
        #expect(requests[1].method == "DELETE")
        #expect(requests[1].body.isEmpty)
    }

    // MARK: Large payloads

    @Test("a 3 MB response body arrives whole and byte-identical")
    func largeResponseBody() throws {
        let payload = patternedBytes(count: 3 * 1024 * 1024 + 17)
        let server = try LoopbackHTTPServer(
            alwaysReplying: .respond(status: 200, headers: [("Content-Type", "application/octet-stream")], body: payload))
        defer { server.stop() }
        let session = try CurlSession()

        let response = try session.perform(HTTPRequest(method: "GET", url: server.url("/big"), timeoutMilliseconds: 10_000))

        #expect(response.status == 200)
        #expect(response.body.count == payload.count)
        #expect(byteMismatch(response.body, payload) == nil)
    }

    @Test("a 5 MB request body arrives whole and byte-identical (and is echoed back intact)")
    func largeRequestBody() throws {
        let payload = patternedBytes(count: 5 * 1024 * 1024, seed: 12_345)
        let server = try LoopbackHTTPServer { request in .respond(status: 200, body: request.body) }
        defer { server.stop() }
        let session = try CurlSession()

        let response = try session.perform(
            HTTPRequest(method: "POST", url: server.url("/echo"), body: payload, timeoutMilliseconds: 10_000))

        let request = try #require(server.requests.first)
        #expect(request.header("Content-Length") == "\(payload.count)")
        #expect(request.body.count == payload.count)
        #expect(byteMismatch(request.body, payload) == nil)
        #expect(!request.hasHeader("Expect"))
        #expect(!request.hasHeader("Transfer-Encoding"))
        #expect(byteMismatch(response.body, payload) == nil)
    }

    // MARK: Response header parsing

    @Test("response header lookup is case-insensitive; duplicate fields are kept in order with wire casing")
    func responseHeadersFromRawBytes() throws {
        let server = try LoopbackHTTPServer(
            alwaysReplying: .rawText(
                "HTTP/1.1 200 OK\r\n"
                    + "content-type: application/json\r\n"
                    + "LAMBDA-RUNTIME-AWS-REQUEST-ID: 8476a536-e9f4-11e8-9739-2dfe598c3fcd\r\n"
                    + "Lambda-Runtime-Deadline-Ms:   1542409706888  \r\n"
                    + "X-Dup: first\r\n"
                    + "x-dup: second\r\n"
                    + "content-length: 2\r\n"
                    + "\r\n"
                    + "{}"))
        defer { server.stop() }
        let session = try CurlSession()

        let response = try session.perform(HTTPRequest(method: "GET", url: server.url("/next"), timeoutMilliseconds: 5_000))

        #expect(response.status == 200)
        #expect(response.body == Array("{}".utf8))
        #expect(response.headers["Content-Type"] == "application/json")
        #expect(response.headers["CONTENT-TYPE"] == "application/json")
        #expect(response.headers["Lambda-Runtime-Aws-Request-Id"] == "8476a536-e9f4-11e8-9739-2dfe598c3fcd")
        #expect(response.headers["lambda-runtime-deadline-ms"] == "1542409706888")  // surrounding spaces trimmed
        #expect(response.headers.values(for: "X-DUP") == ["first", "second"])
        #expect(
            response.headers.fields.map(\.name) == [
                "content-type", "LAMBDA-RUNTIME-AWS-REQUEST-ID", "Lambda-Runtime-Deadline-Ms", "X-Dup", "x-dup",
                "content-length",
            ])
    }

    @Test("an obsolete folded header line continues the previous field's value")
    func foldedResponseHeader() throws {
        let server = try LoopbackHTTPServer(
            alwaysReplying: .rawText("HTTP/1.1 200 OK\r\nX-Folded: part1\r\n\t  part2\r\nContent-Length: 0\r\n\r\n"))
        defer { server.stop() }
        let session = try CurlSession()

        let response = try session.perform(HTTPRequest(method: "GET", url: server.url("/"), timeoutMilliseconds: 5_000))

        #expect(response.headers["x-folded"] == "part1 part2")
        #expect(response.headers.fields.map(\.name) == ["X-Folded", "Content-Length"])
    }

    @Test("an interim 1xx response's fields are dropped; only the final response's are returned")
    func interimResponseIgnored() throws {
        let server = try LoopbackHTTPServer(
            alwaysReplying: .rawText(
                "HTTP/1.1 100 Continue\r\nX-Interim: yes\r\n\r\n"
                    + "HTTP/1.1 201 Created\r\nX-Final: yes\r\nContent-Length: 3\r\n\r\nabc"))
        defer { server.stop() }
        let session = try CurlSession()

        let response = try session.perform(
            HTTPRequest(method: "POST", url: server.url("/"), body: [1, 2, 3], timeoutMilliseconds: 5_000))

        #expect(response.status == 201)
        #expect(response.body == Array("abc".utf8))
        #expect(response.headers["X-Interim"] == nil)
        #expect(response.headers["X-Final"] == "yes")
    }

    @Test("a chunked response body is decoded")
    func chunkedResponse() throws {
        let server = try LoopbackHTTPServer(
            alwaysReplying: .rawText(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n"))
        defer { server.stop() }
        let session = try CurlSession()

        let response = try session.perform(HTTPRequest(method: "GET", url: server.url("/"), timeoutMilliseconds: 5_000))

        #expect(response.status == 200)
        #expect(response.body == Array("hello, world".utf8))
    }

    @Test("a body delimited by the end of the connection is read to the end")
    func bodyUntilClose() throws {
        let server = try LoopbackHTTPServer(
            alwaysReplying: .rawText("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nno length here", closeAfterwards: true))
        defer { server.stop() }
        let session = try CurlSession()

        let response = try session.perform(HTTPRequest(method: "GET", url: server.url("/"), timeoutMilliseconds: 5_000))

        #expect(response.status == 200)
        #expect(response.body == Array("no length here".utf8))
    }

    // MARK: Statuses

    @Test("non-2xx statuses come back as responses, not errors", arguments: [301, 400, 404, 429, 500, 503])
    func errorStatusesAreResponses(status: Int) throws {
        let server = try LoopbackHTTPServer(
            alwaysReplying: .json(status: status, #"{"__type":"SomeException","message":"status \#(status)"}"#))
        defer { server.stop() }
        let session = try CurlSession()

        let response = try session.perform(HTTPRequest(method: "POST", url: server.url("/"), timeoutMilliseconds: 5_000))

        #expect(response.status == status)
        #expect(response.body == Array(#"{"__type":"SomeException","message":"status \#(status)"}"#.utf8))
        #expect(response.headers["content-type"] == "application/json")
        #expect(server.requests.count == 1)  // a 301 is not followed
    }

    // MARK: Connections

    @Test("keep-alive: consecutive requests through one session share one connection")
    func keepAlive() throws {
        let server = try LoopbackHTTPServer { request in .respond(status: 200, text: request.path) }
        defer { server.stop() }
        let session = try CurlSession()

        let first = try session.perform(HTTPRequest(method: "GET", url: server.url("/one"), timeoutMilliseconds: 5_000))
        let second = try session.perform(
            HTTPRequest(method: "POST", url: server.url("/two"), body: Array("x".utf8), timeoutMilliseconds: 5_000))
        let third = try session.perform(HTTPRequest(method: "GET", url: server.url("/three"), timeoutMilliseconds: 5_000))

        #expect(first.body == Array("/one".utf8))
        #expect(second.body == Array("/two".utf8))
        #expect(third.body == Array("/three".utf8))
        let requests = server.requests
        try #require(requests.count == 3)
        #expect(Set(requests.map(\.connectionID)).count == 1)
        #expect(server.connectionCount == 1)
        // Nothing from the POST leaks into the following GET (the handle is reset between requests).
        #expect(requests[2].method == "GET")
        #expect(requests[2].body.isEmpty)
        #expect(!requests[2].hasHeader("Content-Length"))
    }

    @Test("separate sessions use separate connections")
    func separateSessions() throws {
        let server = try LoopbackHTTPServer(alwaysReplying: .respond(status: 200))
        defer { server.stop() }
        let one = try CurlSession()
        let two = try CurlSession()

        _ = try one.perform(HTTPRequest(method: "GET", url: server.url("/a"), timeoutMilliseconds: 5_000))
        _ = try two.perform(HTTPRequest(method: "GET", url: server.url("/b"), timeoutMilliseconds: 5_000))

        #expect(server.requests.map(\.connectionID) == [1, 2])
    }

    @Test("after a reply with Connection: close the next request opens a new connection and succeeds")
    func reconnectAfterServerClose() throws {
        let script = ScriptedSequence()
        script.enqueue(.respond(status: 200, headers: [("Connection", "close")], text: "bye"), pathPrefix: "/")
        script.setDefault(.respond(status: 200, text: "hello again"), pathPrefix: "/")
        let server = try LoopbackHTTPServer(sequence: script)
        defer { server.stop() }
        let session = try CurlSession()

        let first = try session.perform(HTTPRequest(method: "GET", url: server.url("/1"), timeoutMilliseconds: 5_000))
        let second = try session.perform(HTTPRequest(method: "GET", url: server.url("/2"), timeoutMilliseconds: 5_000))

        #expect(first.body == Array("bye".utf8))
        #expect(second.body == Array("hello again".utf8))
        #expect(server.requests.map(\.connectionID) == [1, 2])
    }

    // MARK: Transport errors

    @Test("a refused connection is couldNotConnect and transient")
    func refusedConnection() throws {
        let refused = try LoopbackHTTPServer.refusedPort()
        let session = try CurlSession()

        let (error, seconds) = measure {
            transportError(session, HTTPRequest(method: "GET", url: refused.baseURL + "/", timeoutMilliseconds: 5_000))
        }

        let failure = try #require(error)
        #expect(failure.code == .couldNotConnect)
        #expect(failure.isTransient)
        #expect(failure.curlCode == 7)  // CURLE_COULDNT_CONNECT
        #expect(!failure.message.isEmpty)
        #expect(seconds < 1)
    }

    @Test("a stopped server's port refuses connections")
    func stoppedServerRefuses() throws {
        let server = try LoopbackHTTPServer(alwaysReplying: .respond(status: 200))
        let session = try CurlSession()
        #expect(try session.perform(HTTPRequest(method: "GET", url: server.url("/"), timeoutMilliseconds: 5_000)).status == 200)

        server.stop()
        let error = transportError(
            try CurlSession(), HTTPRequest(method: "GET", url: server.url("/"), timeoutMilliseconds: 5_000))

        #expect(error?.code == .couldNotConnect)
        #expect(error?.isTransient == true)
    }

    @Test("the server closing the connection without a reply is connectionLost and transient")
    func closedWithoutReply() throws {
        let server = try LoopbackHTTPServer(alwaysReplying: .closeConnection)
        defer { server.stop() }
        let session = try CurlSession()

        let error = try #require(
            transportError(session, HTTPRequest(method: "GET", url: server.url("/"), timeoutMilliseconds: 5_000)))

        #expect(error.code == .connectionLost)
        #expect(error.isTransient)
        #expect(server.requests.count >= 1)  // the request did reach the server
    }

    @Test("a reused connection closed without a reply: libcurl resends the request once on a fresh connection")
    func reusedConnectionClosedIsResentOnce() throws {
        // Callers counting attempts (retry tests) must know: one `perform` can reach the server twice here.
        let script = ScriptedSequence()
        script.enqueue(
            [.respond(status: 200, text: "first"), .closeConnection, .respond(status: 200, text: "resent")],
            pathPrefix: "/")
        let server = try LoopbackHTTPServer(sequence: script)
        defer { server.stop() }
        let session = try CurlSession()

        _ = try session.perform(HTTPRequest(method: "GET", url: server.url("/a"), timeoutMilliseconds: 5_000))
        let second = try session.perform(
            HTTPRequest(method: "POST", url: server.url("/b"), body: Array("payload".utf8), timeoutMilliseconds: 5_000))

        #expect(second.body == Array("resent".utf8))
        #expect(server.requests.map(\.path) == ["/a", "/b", "/b"])
        #expect(server.requests.map(\.connectionID) == [1, 1, 2])
        #expect(server.requests.last?.body == Array("payload".utf8))
    }

    @Test("a connection reset before the reply is connectionLost and transient")
    func resetWithoutReply() throws {
        let server = try LoopbackHTTPServer(alwaysReplying: .resetConnection)
        defer { server.stop() }
        let session = try CurlSession()

        let error = try #require(
            transportError(
                session, HTTPRequest(method: "POST", url: server.url("/"), body: [1], timeoutMilliseconds: 5_000)))

        #expect(error.code == .connectionLost)
        #expect(error.isTransient)
    }

    @Test("a body cut short by the server is connectionLost, not a short response")
    func truncatedBody() throws {
        let server = try LoopbackHTTPServer(
            alwaysReplying: .rawText("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b", closeAfterwards: true))
        defer { server.stop() }
        let session = try CurlSession()

        let error = try #require(
            transportError(session, HTTPRequest(method: "GET", url: server.url("/"), timeoutMilliseconds: 5_000)))

        #expect(error.code == .connectionLost)
        #expect(error.isTransient)
    }

    @Test("a malformed URL is invalidURL and not transient")
    func invalidURL() throws {
        let session = try CurlSession()

        let error = try #require(transportError(session, HTTPRequest(method: "GET", url: "notascheme://x/", timeoutMilliseconds: 1_000)))

        #expect(error.code == .invalidURL)
        #expect(!error.isTransient)
    }

    // MARK: Time limits

    @Test("a reply slower than timeoutMilliseconds is timedOut and transient")
    func slowReplyTimesOut() throws {
        let server = try LoopbackHTTPServer(
            alwaysReplying: .delayed(milliseconds: 3_000, then: .respond(status: 200, text: "too late")))
        defer { server.stop() }
        let session = try CurlSession()

        let (error, seconds) = measure {
            transportError(session, HTTPRequest(method: "GET", url: server.url("/"), timeoutMilliseconds: 300))
        }

        let failure = try #require(error)
        #expect(failure.code == .timedOut)
        #expect(failure.isTransient)
        #expect(seconds >= 0.25)
        #expect(seconds < 2)
    }

    @Test("the session is usable again after a timeout")
    func usableAfterTimeout() throws {
        let script = ScriptedSequence()
        script.enqueue(.delayed(milliseconds: 2_000, then: .respond(status: 200)), pathPrefix: "/slow")
        script.setDefault(.respond(status: 200, text: "fast"), pathPrefix: "/fast")
        let server = try LoopbackHTTPServer(sequence: script)
        defer { server.stop() }
        let session = try CurlSession()

        let error = transportError(session, HTTPRequest(method: "GET", url: server.url("/slow"), timeoutMilliseconds: 200))
        let response = try session.perform(HTTPRequest(method: "GET", url: server.url("/fast"), timeoutMilliseconds: 5_000))

        #expect(error?.code == .timedOut)
        #expect(response.body == Array("fast".utf8))
        #expect(script.unscriptedRequests.isEmpty)
    }

    @Test("timeoutMilliseconds nil waits for a slow reply")
    func noTimeoutWaits() throws {
        let server = try LoopbackHTTPServer(
            alwaysReplying: .delayed(milliseconds: 1_500, then: .respond(status: 200, text: "worth the wait")))
        defer { server.stop() }
        let session = try CurlSession()

        let (response, seconds) = try measure {
            try session.perform(HTTPRequest(method: "GET", url: server.url("/next"), timeoutMilliseconds: nil))
        }

        #expect(response.status == 200)
        #expect(response.body == Array("worth the wait".utf8))
        #expect(seconds >= 1.4)
    }
}
