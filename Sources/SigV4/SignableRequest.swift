/// The parts of an HTTP request that SigV4 header signing covers.
///
/// The signer never changes a `SignableRequest`; ``SigV4Signer/sign(_:epochSeconds:)``
/// returns the headers to add and ``SigV4Signer/signed(_:epochSeconds:)`` returns an
/// updated copy.
public struct SignableRequest: Sendable {
    /// The HTTP method, e.g. `"POST"`; used verbatim (it is not upper-cased).
    public var method: String
    /// The request path exactly as it goes on the wire (already percent-encoded by the
    /// caller), without the query, e.g. `"/"`. An empty path is treated as `"/"`.
    public var path: String
    /// The raw query string as on the wire, without the leading `"?"`; `""` for none.
    public var query: String
    /// The headers in wire order. Names are case-insensitive; a name may repeat, and the
    /// values of a repeated name are signed joined with `","` in this order. The caller
    /// must include a `Host` header: the signer does not invent one.
    public var headers: [(name: String, value: String)]
    /// The exact body bytes that will be sent; their SHA-256 is the payload hash.
    public var body: [UInt8]

    /// Creates a request description; nothing is validated.
    public init(
        method: String,
        path: String,
        query: String = "",
        headers: [(name: String, value: String)] = [],
        body: [UInt8] = []
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }
}
