import AWSClient
import JSON
import LoopbackHTTPServer
import SigV4
import Testing

@Suite("Secrets never leave an AWS error")
struct RedactionTests {
    @Test("a service message quoting the canonical request has the session token and secret redacted")
    func serviceMessageRedacted() throws {
        let token = testCredentials.sessionToken ?? ""
        let message = "The request signature we calculated does not match. The Canonical String for this request "
            + "should have been 'POST\n/\n\nx-amz-security-token:\(token)\n' with key \(testCredentials.secretAccessKey)"
        let body = JSONWriter.serialize(.object(JSONObject([
            "__type": .string("InvalidSignatureException"), "message": .string(message),
        ])))
        let server = try LoopbackHTTPServer(alwaysReplying: .respond(status: 403, body: body))
        defer { server.stop() }
        let harness = try ClientHarness(server: server)
        let error = try harness.callError(context: harness.context())
        #expect(error.awsErrorType == "InvalidSignatureException")
        #expect(!error.message.contains(token))
        #expect(!error.description.contains(token))
        #expect(!error.description.contains(testCredentials.secretAccessKey))
        #expect(error.message.contains("x-amz-security-token:<redacted>"))
    }

    @Test("credentials given per call (an assumed role) are redacted too")
    func perCallCredentialsRedacted() throws {
        let assumed = Credentials(accessKeyID: "ASIAEXAMPLEEXAMPLE", secretAccessKey: "assumed-secret-0123456789",
                                  sessionToken: "assumed-token+/=0123456789")
        let server = try LoopbackHTTPServer(alwaysReplying: awsError(
            status: 403, type: "ExpiredTokenException",
            message: "token \(assumed.sessionToken ?? "") with \(assumed.secretAccessKey) expired"))
        defer { server.stop() }
        let harness = try ClientHarness(server: server)
        var context = harness.context()
        context.credentials = assumed
        let error = try harness.callError(context: context)
        #expect(error.message == "token <redacted> with <redacted> expired")
    }
}
