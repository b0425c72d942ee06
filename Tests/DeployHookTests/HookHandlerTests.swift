import AWSClient
import DeployHook
import JSON
import PidModePolicy
import StructuredLogging
import Testing

/// §9 end to end inside the process: event object → hook result. The pid-mode table itself is the policy's
/// (PidModePolicyTests); these check what the front door adds: targets, invocation points, the result's members,
/// messages, exceptions and unreadable events.
@Suite("DeployHook: hook event → hook result")
struct HookHandlerTests {
    static let context = CallContext(deadlineMilliseconds: Int64.max, traceID: nil, logger: Logger(minimumLevel: .fatal))

    static func event(
        point: String = "CREATE_PRE_PROVISION",
        targetName: String = "AWS::ECS::TaskDefinition",
        targetType: String = "RESOURCE",
        properties: String = #"{"Family":"web","PidMode":"host"}"#,
        token: String? = #""tok-1""#
    ) throws -> JSONObject {
        let tokenMember = token.map { #""clientRequestToken":\#($0),"# } ?? ""
        let text = """
            {"awsAccountId":"111111111111","stackId":"arn:aws:cloudformation:us-west-2:111111111111:stack/app/1",\
            "changeSetId":null,"hookTypeName":"Private::PidMode::Hook","hookTypeVersion":"00000001",\
            "hookModel":{"LambdaFunction":"arn:aws:lambda:us-west-2:111111111111:function:f"},\(tokenMember)\
            "actionInvocationPoint":"\(point)","requestData":{"targetName":"\(targetName)","targetType":"\(targetType)",\
            "targetLogicalId":"WebTask","targetModel":{"resourceProperties":\(properties),"previousResourceProperties":{}}},\
            "requestContext":{"invocation":1,"callbackContext":null}}
            """
        guard let object = try JSONParser.parse(text).objectValue else { throw TestFailure("not an object") }
        return object
    }

    struct TestFailure: Error { let text: String; init(_ text: String) { self.text = text } }

    static func answer(_ event: JSONObject, handler: HookHandler = HookHandler(region: "us-west-2")) -> HookResult {
        handler.handle(event: event, context: context)
    }

    @Test("host is FAILED NonCompliant; the message names the logical id, the family and the fix; the token is echoed")
    func hostFails() throws {
        let result = Self.answer(try Self.event())
        #expect(result.status == .failed)
        #expect(result.errorCode == .nonCompliant)
        #expect(result.message.contains("WebTask"))
        #expect(result.message.contains("family web"))
        #expect(result.message.contains(PidModePolicy.fix(property: "PidMode")))
        #expect(result.clientRequestToken == .string("tok-1"))
        let body = String(decoding: result.jsonBody(), as: UTF8.self)
        #expect(body.hasPrefix(#"{"hookStatus":"FAILED","errorCode":"NonCompliant","message":""#))
        #expect(body.hasSuffix(#","clientRequestToken":"tok-1"}"#))
    }

    @Test("create and update are decided alike; camelCase pidMode is read; a host in either key wins")
    func createUpdateAndCasing() throws {
        for point in ["CREATE_PRE_PROVISION", "UPDATE_PRE_PROVISION"] {
            #expect(Self.answer(try Self.event(point: point)).status == .failed, "\(point)")
            #expect(Self.answer(try Self.event(point: point, properties: #"{"PidMode":"task"}"#)).status == .success)
        }
        #expect(Self.answer(try Self.event(properties: #"{"pidMode":"HOST"}"#)).status == .failed)
        #expect(Self.answer(try Self.event(properties: #"{"PidMode":"task","pidMode":"host"}"#)).status == .failed)
        #expect(Self.answer(try Self.event(properties: #"{"PidMode":""}"#)).errorCode == .nonCompliant)
        #expect(Self.answer(try Self.event(properties: #"{"PidMode":["host"]}"#)).errorCode == .nonCompliant)
    }

    @Test("SUCCESS carries no errorCode; a missing token is echoed as JSON null")
    func successShape() throws {
        let result = Self.answer(try Self.event(properties: #"{"Family":"web"}"#, token: nil))
        #expect(result.status == .success)
        #expect(result.errorCode == nil)
        #expect(result.clientRequestToken == .null)
        #expect(String(decoding: result.jsonBody(), as: UTF8.self)
            == #"{"hookStatus":"SUCCESS","message":"task definition WebTask (family web): pidMode not set","clientRequestToken":null}"#)
    }

    @Test("a token spelt clientRequesttoken (the guide's STACK shape) is echoed as clientRequestToken")
    func tokenInAnotherCase() throws {
        let result = Self.answer(try Self.event(targetName: "STACK", targetType: "STACK", token: nil).adding("clientRequesttoken", "tok-2"))
        #expect(result.clientRequestToken == .string("tok-2"))
        #expect(String(decoding: result.jsonBody(), as: UTF8.self).contains(#""clientRequestToken":"tok-2""#))
    }

    @Test("DELETE is allowed whatever the properties say")
    func deleteAllowed() throws {
        let result = Self.answer(try Self.event(point: "DELETE_PRE_PROVISION", properties: #"{"PidMode":"host"}"#))
        #expect(result.status == .success)
        #expect(result.message.contains("WebTask"))
    }

    @Test("another resource type, a STACK and a CHANGE_SET target: SUCCESS, not evaluated")
    func notEvaluated() throws {
        let others = [
            try Self.event(targetName: "AWS::S3::Bucket", properties: #"{"PidMode":"host"}"#),
            try Self.event(targetName: "STACK", targetType: "STACK"),
            try Self.event(targetName: "CHANGE_SET", targetType: "CHANGE_SET"),
        ]
        for event in others {
            let result = Self.answer(event)
            #expect(result.status == .success)
            #expect(result.message.contains("not evaluated"), "\(result.message)")
        }
    }

    @Test("unreadable events: FAILED InternalFailure naming the member, the token still echoed when readable")
    func unreadable() throws {
        var noRequest = try Self.event()
        noRequest.members.removeAll { $0.key == "requestData" }
        let cases: [(JSONObject, String)] = [
            (noRequest, "requestData is missing"),
            (try Self.event(properties: "[]"), "resourceProperties must be an object"),
            (try Self.event(properties: "null"), "resourceProperties must be an object"),
            (try Self.event(point: "SOMETHING_ELSE"), "actionInvocationPoint"),
        ]
        for (event, words) in cases {
            let result = Self.answer(event)
            #expect(result.status == .failed)
            #expect(result.errorCode == .internalFailure)
            #expect(result.message.contains(words), "\(result.message)")
            #expect(result.clientRequestToken == .string("tok-1"))
        }
        let notJSON = HookHandler(region: "us-west-2").handle(payload: Array("{".utf8), context: Self.context)
        #expect(notJSON.errorCode == .internalFailure)
        #expect(notJSON.clientRequestToken == .null)
    }

    @Test("a long family is cut to 255 units, whole characters, so the message keeps the fix")
    func longFamily() throws {
        let longFamily = String(repeating: "\u{1F680}", count: 700)  // 1400 UTF-16 units
        let result = Self.answer(try Self.event(properties: #"{"Family":"\#(longFamily)","PidMode":"host"}"#))
        #expect(result.message.utf16.count <= 1024)
        #expect(result.message.contains(String(repeating: "\u{1F680}", count: 127) + "…"))
        #expect(!result.message.contains(String(repeating: "\u{1F680}", count: 128)))
        #expect(result.message.hasSuffix(PidModePolicy.fix(property: "PidMode")))
    }

    @Test("a message over 1024 UTF-16 units is cut there, whole characters, ending in an ellipsis")
    func messageLimit() throws {
        let longValue = String(repeating: "\u{1F680}", count: 700)  // a compliant PidMode, quoted in full in the finding
        let result = Self.answer(try Self.event(properties: #"{"Family":"web","PidMode":"\#(longValue)"}"#))
        #expect(result.status == .success)
        #expect(result.message.utf16.count <= 1024)
        #expect(result.message.utf16.count >= 1022)
        #expect(result.message.hasSuffix("…"))
        #expect(result.message.unicodeScalars.allSatisfy { $0.value != 0xFFFD })
    }
}

extension JSONObject {
    fileprivate func adding(_ key: String, _ text: String) -> JSONObject {
        var copy = self
        copy.append(key, .string(text))
        return copy
    }
}
