/// Where requests for one service go: the URL, plus the `Host` header value and path that get signed.
public struct Endpoint: Sendable, Equatable {
    /// The URL requests are posted to, e.g. `https://config.eu-west-3.amazonaws.com/`.
    public var url: String
    /// `host` or `host:port` (the port only when it is not the scheme's default), as sent and signed.
    public var hostHeader: String
    /// The request path, `/` unless the override URL carries one.
    public var path: String

    /// Parses an absolute `http` or `https` URL (`scheme://host[:port][/path]`, IPv6 hosts in brackets).
    /// Returns `nil` for anything else (no scheme, empty host, bad port, query or fragment).
    public init?(url text: String) {
        let scheme: String
        let rest: Substring
        if text.hasPrefix("https://") {
            (scheme, rest) = ("https", text.dropFirst("https://".count))
        } else if text.hasPrefix("http://") {
            (scheme, rest) = ("http", text.dropFirst("http://".count))
        } else {
            return nil
        }
        guard !rest.contains("?"), !rest.contains("#"), !rest.contains("@") else { return nil }
        let authority = rest.prefix { $0 != "/" }
        var path = String(rest.dropFirst(authority.count))
        if path.isEmpty { path = "/" }
        guard let (host, port) = Self.splitAuthority(authority), !host.isEmpty else { return nil }
        let defaultPort = scheme == "https" ? 443 : 80
        let hostHeader = (port == nil || port == defaultPort) ? host : "\(host):\(port ?? defaultPort)"
        self.hostHeader = hostHeader
        self.path = path
        self.url = "\(scheme)://\(authority)\(path)"
    }

    /// Splits `host[:port]` or `[v6][:port]`; `nil` when the port is not a number in 1…65535.
    private static func splitAuthority(_ authority: Substring) -> (String, Int?)? {
        var host = authority
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = authority[...close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return nil }
                portText = after.dropFirst()
            }
        } else if let colon = authority.firstIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        }
        guard let portText else { return (String(host), nil) }
        guard let port = Int(portText), (1...65_535).contains(port) else { return nil }
        return (String(host), port)
    }

    /// The endpoint for `service` as every AWS SDK chooses it: `AWS_ENDPOINT_URL_<SERVICE>`, else
    /// `AWS_ENDPOINT_URL`, else `https://<prefix>.<region>.amazonaws.com` (`.amazonaws.com.cn` in `cn-*` regions).
    /// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true` disables both overrides.
    /// - Throws: ``AWSClientError`` `.invalidConfiguration` when an override is not a usable URL.
    public static func resolve(
        for service: AWSService,
        region: String,
        environment: [String: String]
    ) throws(AWSClientError) -> Endpoint {
        let ignoreOverrides = environment["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"]?.lowercased() == "true"
        if !ignoreOverrides {
            for name in [service.endpointEnvironmentVariable, "AWS_ENDPOINT_URL"] {
                guard let value = environment[name], !value.isEmpty else { continue }
                guard let endpoint = Endpoint(url: value) else {
                    throw AWSClientError(.invalidConfiguration(name: name, value: value))
                }
                return endpoint
            }
        }
        let suffix = region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com"
        let url = "https://\(service.endpointPrefix).\(region).\(suffix)/"
        guard let endpoint = Endpoint(url: url) else {
            throw AWSClientError(.invalidConfiguration(name: "AWS_REGION", value: region))
        }
        return endpoint
    }
}
