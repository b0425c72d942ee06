/// One HTTP request exactly as the ``LoopbackHTTPServer`` read it from the socket.
///
/// Header fields keep their wire order and the casing the client used; duplicates are kept. The body is the
/// decoded payload (the `Content-Length` bytes, or the de-chunked data of a `Transfer-Encoding: chunked` body).
public struct RecordedRequest: Sendable {
    /// The request method token, e.g. `GET`.
    public let method: String
    /// The request target as sent (path plus any query string), e.g. `/2018-06-01/runtime/invocation/next`.
    public let path: String
    /// The protocol version from the request line, e.g. `HTTP/1.1`.
    public let version: String
    /// The header fields in wire order, with the client's casing.
    public let headers: [(name: String, value: String)]
    /// The request body (empty when the request had none).
    public let body: [UInt8]
    /// Which TCP connection carried the request: 1 for the server's first accepted connection, then 2, 3, …
    public let connectionID: Int
    /// Position of the request among all requests this server received: 0, 1, 2, …
    public let sequenceNumber: Int

    public init(
        method: String,
        path: String,
        version: String = "HTTP/1.1",
        headers: [(name: String, value: String)],
        body: [UInt8],
        connectionID: Int,
        sequenceNumber: Int = 0
    ) {
        self.method = method
        self.path = path
        self.version = version
        self.headers = headers
        self.body = body
        self.connectionID = connectionID
        self.sequenceNumber = sequenceNumber
    }

    /// The value of the first header field named `name`, compared ASCII case-insensitively; `nil` when absent.
    public func header(_ name: String) -> String? {
        headers.first { asciiCaseInsensitiveEquals($0.name, name) }?.value
    }

    /// Every value of the header fields named `name` (ASCII case-insensitive), in wire order.
    public func headerValues(_ name: String) -> [String] {
        headers.filter { asciiCaseInsensitiveEquals($0.name, name) }.map(\.value)
    }

    /// Whether a field named `name` (ASCII case-insensitive) is present.
    public func hasHeader(_ name: String) -> Bool {
        header(name) != nil
    }

    /// The body decoded as UTF-8 (invalid sequences repaired).
    public var bodyText: String {
        String(decoding: body, as: UTF8.self)
    }

    /// The path without its query string.
    public var pathWithoutQuery: String {
        if let question = path.firstIndex(of: "?") {
            return String(path[..<question])
        }
        return path
    }
}

/// ASCII case-insensitive string equality, as HTTP header names are compared.
func asciiCaseInsensitiveEquals(_ lhs: String, _ rhs: String) -> Bool {
    let left = lhs.utf8
    let right = rhs.utf8
    guard left.count == right.count else { return false }
    for (a, b) in zip(left, right) where asciiLowercase(a) != asciiLowercase(b) {
        return false
    }
    return true
}

func asciiLowercase(_ byte: UInt8) -> UInt8 {
    (byte >= 0x41 && byte <= 0x5A) ? byte + 0x20 : byte
}

extension RecordedRequest: CustomStringConvertible, CustomDebugStringConvertible {
    /// A one-line summary: method, target, connection, header fields, and the body's size with at most its first
    /// 200 bytes (so a failed expectation about a multi-megabyte request stays readable).
    public var description: String {
        let fields = headers.map { "\($0.name): \($0.value)" }.joined(separator: " | ")
        let preview = String(decoding: body.prefix(200), as: UTF8.self)
        let more = body.count > 200 ? "…" : ""
        return "\(method) \(path) \(version) [connection \(connectionID), request #\(sequenceNumber)] "
            + "{\(fields)} body \(body.count) bytes: \"\(preview)\(more)\""
    }

    public var debugDescription: String { description }
}
