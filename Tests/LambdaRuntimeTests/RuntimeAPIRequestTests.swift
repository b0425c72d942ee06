import CurlHTTP
import Foundation
import Testing

@testable import LambdaRuntime

@Suite("RuntimeAPIRequest: the four Runtime API requests on the wire")
struct RuntimeAPIRequestTests {
    let endpoint = "127.0.0.1:9001"

    @Test("/next: GET, exact URL, no headers, no body, and no time limit")
    func next() {
        let request = RuntimeAPIRequest.next.httpRequest(endpoint: endpoint)
        #expect(request.method == "GET")
        #expect(request.url == "http://127.0.0.1:9001/2018-06-01/runtime/invocation/next")
        #expect(request.headers.fields.isEmpty)
        #expect(request.body.isEmpty)
        #expect(request.timeoutMilliseconds == nil)
    }

    @Test("/next works with a bracketed IPv6 endpoint")
    func nextIPv6() {
        let request = RuntimeAPIRequest.next.httpRequest(endpoint: "[::1]:9001")
        #expect(request.url == "http://[::1]:9001/2018-06-01/runtime/invocation/next")
    }

    @Test("/response: POST of the exact body bytes to the request id's path, with a bounded time limit")
    func response() {
        let body: [UInt8] = [0x7B, 0x00, 0xFF, 0x0A, 0x7D]  // not even UTF-8: must pass through untouched
        let request = RuntimeAPIRequest.response(requestID: "8476a536-e9f4-11e8-9739-2dfe598c3fcd", body: body)
            .httpRequest(endpoint: endpoint)
        #expect(request.method == "POST")
        #expect(request.url == "http://127.0.0.1:9001/2018-06-01/runtime/invocation/8476a536-e9f4-11e8-9739-2dfe598c3fcd/response")
        #expect(request.body == body)
        #expect(request.headers["Content-Type"] == "application/json")
        #expect(request.headers["Lambda-Runtime-Function-Error-Type"] == nil)
        #expect((request.timeoutMilliseconds ?? 0) > 0)
    }

    @Test("/error: POST of the error document, error content type and error-type header")
    func error() throws {
        let document = ErrorResponse(
            errorType: "ConfigRule.MalformedEvent",
            errorMessage: "field \"invokingEvent\" is not JSON\nline 2\\end\ttab")
        let request = RuntimeAPIRequest.error(requestID: "req-1", document).httpRequest(endpoint: endpoint)
        #expect(request.method == "POST")
        #expect(request.url == "http://127.0.0.1:9001/2018-06-01/runtime/invocation/req-1/error")
        #expect(request.headers["Content-Type"] == "application/vnd.aws.lambda.error+json")
        #expect(request.headers.values(for: "Content-Type").count == 1)
        #expect(request.headers["Lambda-Runtime-Function-Error-Type"] == "ConfigRule.MalformedEvent")
        #expect(
            String(decoding: request.body, as: UTF8.self)
                == #"{"errorMessage":"field \"invokingEvent\" is not JSON\nline 2\\end\ttab","errorType":"ConfigRule.MalformedEvent"}"#)
        // An independent JSON parser reads back exactly the original strings.
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: String])
        #expect(parsed == ["errorMessage": document.errorMessage, "errorType": document.errorType])
        #expect((request.timeoutMilliseconds ?? 0) > 0)
    }

    @Test("/init/error: POST to the init path with the same document and headers")
    func initError() throws {
        let document = ErrorResponse(errorType: "Runtime.ConfigInvalid", errorMessage: "AWS_REGION is not set")
        let request = RuntimeAPIRequest.initError(document).httpRequest(endpoint: endpoint)
        #expect(request.method == "POST")
        #expect(request.url == "http://127.0.0.1:9001/2018-06-01/runtime/init/error")
        #expect(request.headers["Content-Type"] == "application/vnd.aws.lambda.error+json")
        #expect(request.headers["Lambda-Runtime-Function-Error-Type"] == "Runtime.ConfigInvalid")
        #expect(request.body == Array(#"{"errorMessage":"AWS_REGION is not set","errorType":"Runtime.ConfigInvalid"}"#.utf8))
        #expect((request.timeoutMilliseconds ?? 0) > 0)
    }

    @Test("ErrorResponse.jsonBody escapes control characters and keeps non-ASCII text as UTF-8")
    func errorDocumentEscaping() throws {
        let document = ErrorResponse(errorType: "Function.Äh", errorMessage: "bell\u{07} cr\r quote\" é")
        let text = String(decoding: document.jsonBody(), as: UTF8.self)
        #expect(text == "{\"errorMessage\":\"bell\\u0007 cr\\r quote\\\" é\",\"errorType\":\"Function.Äh\"}")
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(document.jsonBody())) as? [String: String])
        #expect(parsed["errorMessage"] == document.errorMessage)
    }
}
