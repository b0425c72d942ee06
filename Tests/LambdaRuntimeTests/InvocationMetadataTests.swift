import CurlHTTP
import Testing

@testable import LambdaRuntime

@Suite("InvocationMetadata(headers:)")
struct InvocationMetadataTests {
    static let requestIDName = "Lambda-Runtime-Aws-Request-Id"
    static let deadlineName = "Lambda-Runtime-Deadline-Ms"
    static let trace = "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1"
    static let arn = "arn:aws:lambda:eu-west-3:123456789012:function:pid-mode-rule"

    enum Casing: String, CaseIterable, Sendable {
        case canonical, lower, upper

        func apply(_ name: String) -> String {
            switch self {
            case .canonical: name
            case .lower: name.lowercased()
            case .upper: name.uppercased()
            }
        }
    }

    func headers(
        _ casing: Casing = .canonical,
        requestID: String? = "8476a536-e9f4-11e8-9739-2dfe598c3fcd",
        deadline: String? = "1542409706888",
        arn: String? = arn,
        trace: String? = trace
    ) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.add(name: casing.apply("Content-Type"), value: "application/json")
        if let requestID { headers.add(name: casing.apply(Self.requestIDName), value: requestID) }
        if let deadline { headers.add(name: casing.apply(Self.deadlineName), value: deadline) }
        if let arn { headers.add(name: casing.apply("Lambda-Runtime-Invoked-Function-Arn"), value: arn) }
        if let trace { headers.add(name: casing.apply("Lambda-Runtime-Trace-Id"), value: trace) }
        return headers
    }

    func code(_ headers: HTTPHeaders) -> LambdaRuntimeError.Code? {
        do {
            _ = try InvocationMetadata(headers: headers)
            return nil
        } catch {
            return error.code
        }
    }

    @Test("all headers present, in any casing", arguments: Casing.allCases)
    func allHeaders(casing: Casing) throws {
        let metadata = try InvocationMetadata(headers: headers(casing))
        #expect(metadata == InvocationMetadata(
            requestID: "8476a536-e9f4-11e8-9739-2dfe598c3fcd", deadlineMilliseconds: 1_542_409_706_888,
            invokedFunctionARN: Self.arn, traceID: Self.trace))
    }

    @Test("missing or empty request id → missingHeader naming Lambda-Runtime-Aws-Request-Id", arguments: [nil, ""] as [String?])
    func missingRequestID(value: String?) {
        #expect(code(headers(requestID: value)) == .missingHeader(name: Self.requestIDName))
    }

    @Test("missing deadline → missingHeader naming Lambda-Runtime-Deadline-Ms")
    func missingDeadline() {
        #expect(code(headers(deadline: nil)) == .missingHeader(name: Self.deadlineName))
    }

    @Test("unusable deadline → invalidHeader naming Lambda-Runtime-Deadline-Ms and the value",
          arguments: ["soon", "", "1542409706888.5", "0", "-1", "99999999999999999999"])
    func invalidDeadline(value: String) {
        #expect(code(headers(deadline: value)) == .invalidHeader(name: Self.deadlineName, value: value))
    }

    @Test("the error's description names the header")
    func descriptionNamesHeader() {
        do {
            _ = try InvocationMetadata(headers: headers(deadline: "soon"))
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains(Self.deadlineName))
            #expect(error.description.contains("soon"))
        }
    }

    @Test("missing or empty trace id → nil", arguments: [nil, ""] as [String?])
    func missingTrace(value: String?) throws {
        let metadata = try InvocationMetadata(headers: headers(trace: value))
        #expect(metadata.traceID == nil)
        #expect(metadata.requestID == "8476a536-e9f4-11e8-9739-2dfe598c3fcd")
    }

    @Test("missing function ARN is not an error")
    func missingARN() throws {
        let metadata = try InvocationMetadata(headers: headers(arn: nil))
        #expect(metadata.invokedFunctionARN == "")
    }
}
