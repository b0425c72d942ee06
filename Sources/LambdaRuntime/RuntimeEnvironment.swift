/// The runtime's start-up configuration, read from the process environment.
public struct RuntimeEnvironment: Sendable, Equatable {
    /// `host:port` of the Runtime API (`AWS_LAMBDA_RUNTIME_API`).
    public var runtimeAPIEndpoint: String

    /// Reads and validates `AWS_LAMBDA_RUNTIME_API` from `environment`.
    /// - Throws: ``LambdaRuntimeError`` when it is missing or not `host:port`.
    public init(environment: [String: String]) throws(LambdaRuntimeError) {
        let name = "AWS_LAMBDA_RUNTIME_API"
        guard let value = environment[name], !value.isEmpty else {
            throw LambdaRuntimeError(.missingEnvironment(name: name))
        }
        guard Self.isHostPort(value) else {
            throw LambdaRuntimeError(.invalidEnvironment(name: name, value: value))
        }
        self.runtimeAPIEndpoint = value
    }

    /// `host:port` with a non-empty host free of URL syntax and a port in 1…65535 (`[v6]:port` accepted).
    static func isHostPort(_ value: String) -> Bool {
        guard let colon = value.lastIndex(of: ":") else { return false }
        let host = value[..<colon]
        let portText = value[value.index(after: colon)...]
        guard !host.isEmpty, !portText.isEmpty, portText.allSatisfy({ $0.isASCII && $0.isNumber }),
            let port = Int(portText), (1...65_535).contains(port)
        else { return false }
        let bracketedIPv6 = host.hasPrefix("[") && host.hasSuffix("]")
        return !host.contains(where: { "/?#@ ".contains($0) }) && (bracketedIPv6 || !host.contains(":"))
    }
}
