import JSON

/// The standard Lambda error document, `{"errorMessage": …, "errorType": …}`.
///
/// `errorType` is a stable code such as `ConfigRule.MalformedEvent` (never a reflected Swift type name); it is also
/// sent as the `Lambda-Runtime-Function-Error-Type` header.
public struct ErrorResponse: Sendable, Equatable, Error {
    public var errorType: String
    public var errorMessage: String

    public init(errorType: String, errorMessage: String) {
        self.errorType = errorType
        self.errorMessage = errorMessage
    }

    /// The JSON document posted to `/invocation/{id}/error` or `/init/error`.
    public func jsonBody() -> [UInt8] {
        JSONWriter.serialize(.object(JSONObject([
            "errorMessage": .string(errorMessage),
            "errorType": .string(errorType),
        ])))
    }
}
