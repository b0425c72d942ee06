/// A complete HTTP/1.1 request as a plain value: everything the transport puts on the wire.
public struct HTTPRequest: Sendable {
    /// `GET` or `POST` (any token is passed through as the request method).
    public var method: String
    /// Absolute URL, e.g. `http://127.0.0.1:9001/2018-06-01/runtime/invocation/next`.
    public var url: String
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// Upper bound for the whole exchange in milliseconds; `nil` waits forever (the Runtime API's `/next`).
    public var timeoutMilliseconds: Int?
    /// Upper bound for establishing the TCP connection, in milliseconds.
    public var connectTimeoutMilliseconds: Int

    public init(
        method: String,
        url: String,
        headers: HTTPHeaders = HTTPHeaders(),
        body: [UInt8] = [],
        timeoutMilliseconds: Int? = nil,
        connectTimeoutMilliseconds: Int = 1_000
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeoutMilliseconds = timeoutMilliseconds
        self.connectTimeoutMilliseconds = connectTimeoutMilliseconds
    }
}

/// A complete HTTP response: the final status, its header fields and the whole body.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: Int, headers: HTTPHeaders, body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}
