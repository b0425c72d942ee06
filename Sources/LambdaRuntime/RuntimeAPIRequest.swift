import CurlHTTP

/// The four requests a runtime makes to the Runtime API, as plain values.
enum RuntimeAPIRequest {
    case next
    case response(requestID: String, body: [UInt8])
    case error(requestID: String, ErrorResponse)
    case initError(ErrorResponse)

    /// The complete HTTP request for `endpoint` (`host:port` from `AWS_LAMBDA_RUNTIME_API`).
    ///
    /// `/next` has no time limit: Lambda may freeze the process while it waits. Answers get a generous bound so a
    /// wedged Runtime API cannot hang the process forever.
    func httpRequest(endpoint: String) -> HTTPRequest {
        let base = "http://\(endpoint)"
        switch self {
        case .next:
            return HTTPRequest(method: "GET", url: base + RuntimeAPIWire.nextPath(), timeoutMilliseconds: nil)
        case .response(let requestID, let body):
            return HTTPRequest(
                method: "POST",
                url: base + RuntimeAPIWire.responsePath(requestID: requestID),
                headers: [RuntimeAPIWire.Header.contentType: RuntimeAPIWire.responseContentType],
                body: body,
                timeoutMilliseconds: Self.answerTimeoutMilliseconds
            )
        case .error(let requestID, let error):
            return errorRequest(url: base + RuntimeAPIWire.errorPath(requestID: requestID), error)
        case .initError(let error):
            return errorRequest(url: base + RuntimeAPIWire.initErrorPath(), error)
        }
    }

    static let answerTimeoutMilliseconds = 30_000

    private func errorRequest(url: String, _ error: ErrorResponse) -> HTTPRequest {
        HTTPRequest(
            method: "POST",
            url: url,
            headers: [
                RuntimeAPIWire.Header.contentType: RuntimeAPIWire.errorContentType,
                RuntimeAPIWire.Header.functionErrorType: error.errorType,
            ],
            body: error.jsonBody(),
            timeoutMilliseconds: Self.answerTimeoutMilliseconds
        )
    }
}
