import CurlHTTP

/// Every failure of the runtime's own machinery (environment, Runtime API transport and statuses, headers).
public struct LambdaRuntimeError: Error, Sendable, CustomStringConvertible {
    public enum Code: Sendable, Equatable {
        /// A required environment variable is absent or empty.
        case missingEnvironment(name: String)
        /// An environment variable has a value the runtime cannot use.
        case invalidEnvironment(name: String, value: String)
        /// The Runtime API could not be reached (after the allowed retries, for `/next`).
        case transport(CurlError)
        /// The Runtime API answered 500: "Container error. Non-recoverable state. Runtime should exit promptly."
        case containerError
        /// The Runtime API answered a status the protocol does not allow for this request.
        case unexpectedStatus(Int)
        /// An invocation arrived without a header the runtime needs.
        case missingHeader(name: String)
        /// An invocation header has a value the runtime cannot use.
        case invalidHeader(name: String, value: String)
    }

    public var code: Code
    /// Extra context (e.g. the Runtime API's error body).
    public var detail: String

    public init(_ code: Code, detail: String = "") {
        self.code = code
        self.detail = detail
    }

    public var description: String {
        let base: String
        switch code {
        case .missingEnvironment(let name): base = "environment variable \(name) is not set"
        case .invalidEnvironment(let name, let value): base = "environment variable \(name) has an invalid value '\(value)'"
        case .transport(let error): base = "Runtime API unreachable: \(error)"
        case .containerError: base = "Runtime API reported a container error (HTTP 500)"
        case .unexpectedStatus(let status): base = "Runtime API answered HTTP \(status)"
        case .missingHeader(let name): base = "invocation header \(name) is missing"
        case .invalidHeader(let name, let value): base = "invocation header \(name) has an invalid value '\(value)'"
        }
        return detail.isEmpty ? base : "\(base): \(detail)"
    }
}
