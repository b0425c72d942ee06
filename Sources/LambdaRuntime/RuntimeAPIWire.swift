/// The Lambda Runtime API's wire vocabulary (API version 2018-06-01): every path and header name in one place.
enum RuntimeAPIWire {
    static let version = "2018-06-01"

    static func nextPath() -> String { "/\(version)/runtime/invocation/next" }
    static func responsePath(requestID: String) -> String { "/\(version)/runtime/invocation/\(requestID)/response" }
    static func errorPath(requestID: String) -> String { "/\(version)/runtime/invocation/\(requestID)/error" }
    static func initErrorPath() -> String { "/\(version)/runtime/init/error" }

    enum Header {
        static let requestID = "Lambda-Runtime-Aws-Request-Id"
        static let deadlineMilliseconds = "Lambda-Runtime-Deadline-Ms"
        static let invokedFunctionARN = "Lambda-Runtime-Invoked-Function-Arn"
        static let traceID = "Lambda-Runtime-Trace-Id"
        static let functionErrorType = "Lambda-Runtime-Function-Error-Type"
        static let contentType = "Content-Type"
    }

    static let errorContentType = "application/vnd.aws.lambda.error+json"
    static let responseContentType = "application/json"
    /// The environment variable X-Ray and AWS SDKs read the current trace header from.
    static let traceEnvironmentVariable = "_X_AMZN_TRACE_ID"
}
