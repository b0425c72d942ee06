/// What the ``LoopbackHTTPServer`` does with one request after reading it completely.
public indirect enum ScriptedReply: Sendable {
    /// A well-formed `HTTP/1.1` response. The server adds `Content-Length` (unless `headers` already has one, in any
    /// casing) and `Connection: close` when the request asked for it. After a reply carrying `Connection: close`
    /// (either way) the server closes the connection; otherwise it waits for the next request on it.
    /// A `HEAD` request, or a 1xx/204/304 status, gets no body bytes.
    case respond(status: Int, headers: [(String, String)] = [], body: [UInt8] = [])

    /// `bytes` written verbatim: the status line, header fields and body exactly as given (for malformed or unusual
    /// replies, e.g. lower-case header names, duplicate fields, interim `1xx` responses, chunked bodies, truncated
    /// bodies). With `closeAfterwards` the server then closes the connection (needed for bodies delimited by the end
    /// of the connection, or to cut a body short); otherwise it keeps reading requests from it.
    case rawBytes([UInt8], closeAfterwards: Bool = false)

    /// Reads the request, then closes the socket in an orderly way (FIN) without a single byte of reply.
    ///
    /// On a fresh connection libcurl reports `CURLE_GOT_NOTHING`. On a *reused* keep-alive connection libcurl instead
    /// resends the request once on a new connection, so the handler sees it twice within one `perform`.
    case closeConnection

    /// Reads the request, then aborts the connection with a TCP reset (RST) without replying.
    case resetConnection

    /// Reads the request and never replies; the connection stays open until the client closes it or the server stops
    /// (a client that waits forever, like the Runtime API's `/next`, blocks until then).
    case noReply

    /// Waits `milliseconds`, then performs `then`. ``LoopbackHTTPServer/stop()`` cuts the wait short (and the reply
    /// is then not sent).
    case delayed(milliseconds: Int, then: ScriptedReply)

    /// A response with a UTF-8 text body and no `Content-Type` unless given in `headers`.
    public static func respond(status: Int, headers: [(String, String)] = [], text: String) -> ScriptedReply {
        .respond(status: status, headers: headers, body: Array(text.utf8))
    }

    /// A response whose body is `json` (UTF-8) with `Content-Type: application/json` added in front of `headers`.
    public static func json(status: Int = 200, headers: [(String, String)] = [], _ json: String) -> ScriptedReply {
        .respond(status: status, headers: [("Content-Type", "application/json")] + headers, body: Array(json.utf8))
    }

    /// `text` (UTF-8) written verbatim; see ``rawBytes(_:closeAfterwards:)``. Write line ends as `\r\n`.
    public static func rawText(_ text: String, closeAfterwards: Bool = false) -> ScriptedReply {
        .rawBytes(Array(text.utf8), closeAfterwards: closeAfterwards)
    }
}

/// The reason phrase sent on the status line of a ``ScriptedReply/respond(status:headers:body:)`` reply.
func reasonPhrase(for status: Int) -> String {
    switch status {
    case 100: "Continue"
    case 200: "OK"
    case 201: "Created"
    case 202: "Accepted"
    case 204: "No Content"
    case 301: "Moved Permanently"
    case 302: "Found"
    case 304: "Not Modified"
    case 400: "Bad Request"
    case 401: "Unauthorized"
    case 403: "Forbidden"
    case 404: "Not Found"
    case 409: "Conflict"
    case 410: "Gone"
    case 413: "Content Too Large"
    case 429: "Too Many Requests"
    case 500: "Internal Server Error"
    case 502: "Bad Gateway"
    case 503: "Service Unavailable"
    case 504: "Gateway Timeout"
    default: "Status \(status)"
    }
}
