import CurlHTTP
import Testing

@testable import AWSClient

@Suite("AWSErrorBody: error code and message of an awsJson1_1 error reply")
struct AWSErrorBodyTests {
    func parse(status: Int = 400, headers: HTTPHeaders = HTTPHeaders(), _ body: String) -> AWSErrorBody {
        AWSErrorBody(response: HTTPResponse(status: status, headers: headers, body: Array(body.utf8)))
    }

    @Test("__type: the part after the last # and before the first :", arguments: [
        ("com.amazonaws.config#ThrottlingException", "ThrottlingException"),
        ("ThrottlingException", "ThrottlingException"),
        ("Foo:http://internal.amazon.com/coral/com.amazon.coral.service/", "Foo"),
        ("com.amazon.coral.validate#ValidationException:http://internal.amazon.com/coral/com.amazon.coral.validate/",
         "ValidationException"),
        ("a.b#c.d#AccessDeniedException", "AccessDeniedException"),
    ])
    func type(raw: String, expected: String) {
        #expect(parse(#"{"__type":"\#(raw)","message":"m"}"#).errorType == expected)
    }

    /// botocore (`BaseJSONParser._do_error_parse`) cuts at the first `:` *before* taking the part after the last `#`,
    /// so a `#` inside the trailing URL does not change the code.
    @Test("__type: a # inside the part after : does not change the code (botocore order)")
    func hashAfterColon() {
        #expect(parse(#"{"__type":"com.amazonaws.config#ThrottlingException:http://internal.amazon.com/x#frag"}"#).errorType
            == "ThrottlingException")
    }

    @Test("message: message wins over Message; Message alone is read")
    func message() {
        #expect(parse(#"{"__type":"X","message":"lower","Message":"upper"}"#).message == "lower")
        #expect(parse(#"{"__type":"X","Message":"Rate exceeded"}"#).message == "Rate exceeded")
        #expect(parse(#"{"__type":"X"}"#).message == "")
    }

    @Test("no body, or a body that is not JSON → HTTP<status>", arguments: [
        (400, ""), (500, ""), (503, "<html>Service Unavailable</html>"), (413, "{}"),
    ])
    func noBody(status: Int, body: String) {
        let parsed = parse(status: status, body)
        #expect(parsed.errorType == "HTTP\(status)")
        #expect(parsed.message == "")
    }

    @Test("x-amzn-ErrorType header is the fallback when the body has no code (any header casing)")
    func headerFallback() {
        let headers: HTTPHeaders = ["X-Amzn-Errortype": "ThrottlingException:http://internal.amazon.com/coral/"]
        #expect(parse(status: 400, headers: headers, "").errorType == "ThrottlingException")
        #expect(parse(status: 400, headers: headers, #"{"message":"Rate exceeded"}"#).errorType == "ThrottlingException")
        #expect(parse(status: 400, headers: headers, #"{"message":"Rate exceeded"}"#).message == "Rate exceeded")
        // The body's code wins over the header.
        #expect(parse(status: 400, headers: headers, #"{"__type":"AccessDeniedException"}"#).errorType == "AccessDeniedException")
    }

    @Test("code / Code are read when __type is absent")
    func codeMembers() {
        #expect(parse(#"{"code":"InternalFailure"}"#).errorType == "InternalFailure")
        #expect(parse(#"{"Code":"ServiceUnavailable"}"#).errorType == "ServiceUnavailable")
    }
}
