import Foundation
import Testing

/// rule-semantics.md §6 "Never log credentials, the session token, or a whole event", proven on the real binary: its
/// whole stdout+stderr, at `AWS_LAMBDA_LOG_LEVEL=TRACE`, in both log formats, across good and malformed events,
/// retries, AWS error messages that quote the credentials (as AWS's signature errors do), an organization rule
/// (assumed credentials) and a sweep. The error documents posted to `/error` must not carry any secret either.
@Suite("Secrets and payloads never logged, end to end")
struct LogSecrecyTests {
    /// Random text over the base64 alphabet (so it has `+` and `/` like real secrets), with `+/=` forced in.
    static func randomSecret(prefix: String, length: Int) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        var text = prefix
        while text.count < length - 3 { text.append(alphabet.randomElement()!) }
        return text + "+/="
    }

    /// The forms in which `secret` could show up in a log line or a JSON document.
    static func variants(of secret: String) -> [String] {
        var forms: Set<String> = [
            secret,
            secret.replacingOccurrences(of: "/", with: "\\/"),  // JSON-escaped slash
            secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? secret,  // URL-encoded
        ]
        // A truncated copy is still a leak: a window from the start and one from the end on their own. (Session tokens
        // begin with a well-known prefix, `IQoJb3JpZ2luX2Vj…`, so for long values the head window skips 16 characters.)
        let characters = Array(secret)
        if characters.count >= 48 {
            forms.insert(String(characters[16..<40]))
            forms.insert(String(characters.suffix(24)))
        } else if characters.count >= 32 {
            forms.insert(String(characters.prefix(16)))
            forms.insert(String(characters.suffix(16)))
        }
        return Array(forms)
    }

    /// Names of the secrets (and markers) found in `text`.
    static func leaks(in text: String, _ secrets: [(name: String, value: String)]) -> [String] {
        secrets.compactMap { secret in
            variants(of: secret.value).first(where: { text.contains($0) }).map { "\(secret.name) (as \($0.debugDescription))" }
        }
    }

    /// A canonical request as AWS quotes it in an InvalidSignatureException: with the `x-amz-security-token` line.
    static func signatureErrorMessage(token: String, secret: String) -> String {
        """
        The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key \
        and signing method. Consult the service documentation for details.

        The Canonical String for this request should have been
        'POST
        /

        content-type:application/x-amz-json-1.1
        host:config.us-west-2.amazonaws.com
        x-amz-date:20240119T000000Z
        x-amz-security-token:\(token)
        x-amz-target:StarlingDoveService.PutEvaluations

        content-type;host;x-amz-date;x-amz-security-token;x-amz-target
        e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'

        (key material tried: \(secret))
        """
    }

    /// The whole scenario with one log format; asserts nothing leaked.
    static func runScenario(logFormat: String?) throws {
        let baseSecret = randomSecret(prefix: "bAsEsEcReT", length: 40)
        let baseToken = randomSecret(prefix: "IQoJbase", length: 180)
        let tag = UUID().uuidString.prefix(8)
        let markers = (1...6).map { "payload-marker-\($0)-\(tag)-\(UUID().uuidString)" }
        let label = "log format \(logFormat ?? "Text (unset)")"

        try withHarness(emulatorArguments: ["--secret-access-key", baseSecret, "--session-token", baseToken], startBootstrap: false) { h in
            #expect(h.emulatorInfo["secretAccessKey"] as? String == baseSecret)
            #expect(h.emulatorInfo["sessionToken"] as? String == baseToken)
            var adding = ["AWS_LAMBDA_LOG_LEVEL": "TRACE"]
            if let logFormat { adding["AWS_LAMBDA_LOG_FORMAT"] = logFormat }
            try h.startBootstrapWithSTS(removing: logFormat == nil ? ["AWS_LAMBDA_LOG_FORMAT"] : [], adding: adding)

            /// host.json with `marker` deep in the configuration (a container environment value).
            func hostEvent(_ marker: String, base: [String: Any]? = nil) throws -> [String: Any] {
                try E2EEvents.withConfiguration(try base ?? E2EEvents.sample("host.json")) { configuration in
                    guard var containers = configuration["ContainerDefinitions"] as? [[String: Any]], !containers.isEmpty else {
                        configuration["Secret"] = marker
                        return
                    }
                    containers[0]["Environment"] = [["Name": "DB_PASSWORD", "Value": marker]]
                    configuration["ContainerDefinitions"] = containers
                }
            }

            // 1. A good event.
            let good = try h.run(event: try E2EEvents.text(try hostEvent(markers[0])))
            #expect(good.state == "response", "\(label): \(good.summary)\(h.dump())")

            // 2. Malformed events carrying the marker: no resultToken; invokingEvent cut short; a payload that is not JSON.
            var noToken = try hostEvent(markers[1])
            noToken["resultToken"] = nil
            var cut = try hostEvent(markers[1])
            let invoking = cut["invokingEvent"] as? String ?? ""
            cut["invokingEvent"] = String(invoking.prefix(invoking.count - 40))
            let broken = "{\"invokingEvent\": {\"configuration\": {\"x\": \"\(markers[1])\"}, \"resultToken\": 1,"
            for (name, text) in [("no resultToken", try E2EEvents.text(noToken)), ("invokingEvent cut", try E2EEvents.text(cut)),
                                 ("not JSON", broken)] {
                let invocation = try h.run(event: text)
                #expect(invocation.state == "error", "\(label) \(name): \(invocation.summary)")
                #expect(invocation.errorDocument.type == "ConfigRule.MalformedEvent", "\(label) \(name): \(invocation.summary)")
            }

            // 3. Throttling twice and a 500 on PutEvaluations, then accepted.
            try h.injectFaults(operation: "PutEvaluations", faults: ["throttle", "throttle", "http500"])
            let retried = try h.run(event: try E2EEvents.text(try hostEvent(markers[2])), timeoutMs: 20_000)
            #expect(retried.state == "response", "\(label): \(retried.summary)\(h.dump())")
            #expect(try h.calls(for: retried).map(\.status) == [400, 400, 500, 200])

            // 4. An AWS error whose message quotes the session token and the secret access key.
            try h.injectFaults(operation: "PutEvaluations", faults: [[
                "kind": "error", "status": 403, "type": "InvalidSignatureException",
                "message": signatureErrorMessage(token: baseToken, secret: baseSecret),
            ]])
            let quoted = try h.run(event: try E2EEvents.text(try hostEvent(markers[2])))
            #expect(quoted.state == "error", "\(label): \(quoted.summary)")
            #expect(quoted.errorDocument.type == "ConfigRule.InvalidSignatureException", "\(label): \(quoted.summary)")

            // 5. An organization-rule event: assumed credentials sign PutEvaluations.
            let member = "222222222222"
            try h.registerRole("arn:aws:iam::\(member):role/pid-mode-rule-evaluator")
            let orgEvent = try hostEvent(markers[3], base: try E2EEvents.sample("organization-member-host.json"))
            let org = try h.run(event: try E2EEvents.text(orgEvent))
            #expect(org.state == "response", "\(label): \(org.summary)\(h.dump())")
            let orgSTS = try h.stsCalls(for: org)
            #expect(orgSTS.map(\.status) == [200], "\(label): \(orgSTS.map(\.summary))")
            #expect(try h.calls(for: org).allSatisfy { $0.account == member }, "\(label): not signed as the member")
            let issued = try h.issuedCredentials()
            #expect(issued.count == 1, "\(label): \(issued.count) credentials issued")
            let assumedSecret = issued.first?["secretAccessKey"] as? String ?? "no-assumed-secret"
            let assumedToken = issued.first?["sessionToken"] as? String ?? "no-assumed-token"

            // 6. The member's PutEvaluations fails with a message quoting the assumed (cached) credentials.
            try h.injectFaults(operation: "PutEvaluations", faults: [[
                "kind": "error", "status": 403, "type": "InvalidSignatureException",
                "message": signatureErrorMessage(token: assumedToken, secret: assumedSecret),
            ]])
            var orgAgain = orgEvent
            orgAgain["resultToken"] = "memberResultToken2"
            let orgQuoted = try h.run(event: try E2EEvents.text(orgAgain))
            #expect(orgQuoted.state == "error", "\(label): \(orgQuoted.summary)")
            #expect(orgQuoted.errorDocument.type == "ConfigRule.InvalidSignatureException", "\(label): \(orgQuoted.summary)")
            #expect(try h.stsCalls(for: orgQuoted).isEmpty, "\(label): the cached credentials should have been used")

            // 7. AssumeRole fails with a message quoting the function's own credentials (another member account).
            let other = "333333333333"
            try h.registerRole("arn:aws:iam::\(other):role/pid-mode-rule-evaluator")
            try h.injectFaults(operation: "AssumeRole", faults: [[
                "kind": "error", "status": 403, "type": "SignatureDoesNotMatch",
                "message": signatureErrorMessage(token: baseToken, secret: baseSecret),
            ]])
            var otherEvent = try E2EEvents.withItem(orgEvent) { $0["awsAccountId"] = other }
            otherEvent["accountId"] = other
            otherEvent["resultToken"] = "otherResultToken"
            let stsQuoted = try h.run(event: try E2EEvents.text(otherEvent))
            #expect(stsQuoted.state == "error", "\(label): \(stsQuoted.summary)")
            #expect(stsQuoted.errorDocument.type == "ConfigRule.SignatureDoesNotMatch", "\(label): \(stsQuoted.summary)")
            #expect(try h.stsCalls(for: stsQuoted).count == 1)

            // 8. A sweep: a marker in the scheduled event and one inside an inventory item's configuration.
            var webapp = try h.inventoryItem("webapp")
            if let text = webapp["configuration"] as? String,
                var configuration = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] {
                configuration["Secret"] = markers[5]
                webapp["configuration"] = try E2EEvents.text(configuration)
            }
            try h.putInventory([webapp])
            #expect((try h.inventoryItem("webapp")["configuration"] as? String)?.contains(markers[5]) == true)
            let sweep = try h.run(event: try E2EEvents.text(try SweepEvents.scheduled(invokingExtras: ["note": markers[4]])))
            #expect(sweep.state == "response", "\(label): \(sweep.summary)\(h.dump())")
            // The 4 inventory items; the clean-up also reports retired-family and member-taskdef (put by step 5).
            #expect(int(sweep.responseObject?["inventory"]) == 4, "\(label): \(sweep.summary)")
            #expect(try h.evaluations(for: sweep).count == 6, "\(label): \(sweep.summary)")

            // The secrets: the function's own secret and token, and every credential STS issued.
            var secrets: [(name: String, value: String)] = [("base secret access key", baseSecret), ("base session token", baseToken)]
            for (index, credential) in try h.issuedCredentials().enumerated() {
                if let value = credential["secretAccessKey"] as? String { secrets.append(("issued secret #\(index)", value)) }
                if let value = credential["sessionToken"] as? String { secrets.append(("issued session token #\(index)", value)) }
            }
            #expect(secrets.count == 4, "\(label): \(secrets.map(\.name))")
            let markerSecrets = markers.enumerated().map { (name: "event/payload marker #\($0.offset)", value: $0.element) }

            let log = h.bootstrapLogText
            #expect(log.split(separator: "\n").count >= 10, "\(label): suspiciously little output:\n\(log)")
            if logFormat == "JSON" {
                let levels = Set(log.split(separator: "\n").compactMap { line in
                    (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["level"] as? String
                })
                #expect(levels.contains("DEBUG") || levels.contains("TRACE"), "\(label): no line below INFO at TRACE level: \(levels)")
            }
            let logLeaks = leaks(in: log, secrets + markerSecrets)
            #expect(logLeaks.isEmpty, "\(label): the bootstrap's output contains \(logLeaks)\n\(log.suffix(4_000))")

            for invocation in try h.invocations() where invocation.state == "error" {
                let document = (invocation.body ?? "") + "\n" + (invocation.raw["xrayErrorCause"] as? String ?? "")
                let found = leaks(in: document, secrets)
                #expect(found.isEmpty, "\(label): the error document of \(invocation.requestID) contains \(found): \(document)")
            }
            #expect(h.isBootstrapRunning)
        }
    }

    @Test("JSON logs at TRACE: no credential, session token, issued credential or event payload in the output")
    func jsonAtTrace() throws {
        try Self.runScenario(logFormat: "JSON")
    }

    @Test("text logs at TRACE: no credential, session token, issued credential or event payload in the output")
    func textAtTrace() throws {
        try Self.runScenario(logFormat: nil)
    }
}
