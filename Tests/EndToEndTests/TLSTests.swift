import Foundation
import TestSupport
import Testing

/// HTTPS end to end: the real bootstrap talks to the emulator's HTTPS listeners (`python3 -m emulator --tls`) through
/// its libcurl + OpenSSL, trusting only the CA file `SSL_CERT_FILE` names (Sources/CurlHTTP/CABundle.swift). It must
/// deliver over a verified connection of TLS 1.2 or later, and must refuse (an `/error` answer, no call reaching
/// Config, no evaluation accepted) an untrusted chain, a certificate for another name, a server offering only TLS
/// 1.0/1.1, and a CA file that does not exist.
///
/// The HTTPS listeners run the very same Config and STS pipelines as the plain ones (SigV4, model checks, call log), so
/// a bootstrap that skipped any check would get its evaluation accepted and fail these tests.
@Suite("HTTPS to Config and STS (verified TLS), end to end")
struct TLSTests {
    static func hostEvent() throws -> [String: Any] { try E2EEvents.sample("host.json") }

    /// Asserts that a call came over a connection of `listener` that negotiated TLS 1.2 or later.
    static func expectOverTLS(_ tls: CallTLS?, listener: String, _ label: String,
                              sourceLocation: SourceLocation = #_sourceLocation) {
        guard let tls else {
            Issue.record("\(label): the call came over plain HTTP", sourceLocation: sourceLocation)
            return
        }
        #expect(tls.listener == listener, "\(label): \(tls.raw)", sourceLocation: sourceLocation)
        #expect(EmulatorTLS.modernVersions.contains(tls.version ?? "none"), "\(label): negotiated \(tls.raw)",
                sourceLocation: sourceLocation)
        #expect(!(tls.cipher ?? "").isEmpty, "\(label): \(tls.raw)", sourceLocation: sourceLocation)
    }

    /// Asserts a refusal: `/error` `ConfigRule.TransportError` whose message names the AWS operation, the TLS failure
    /// class (CurlError `.tls`) and `naming`; no Config call recorded at all (on any listener), no evaluation accepted,
    /// and the bootstrap still serving.
    static func expectRefused(_ h: E2EHarness, _ invocation: InvocationView, naming: [String], _ label: String,
                              sourceLocation: SourceLocation = #_sourceLocation) throws {
        try h.expectError(invocation, errorType: "ConfigRule.TransportError", messageContains: ["PutEvaluations", "(tls)"] + naming,
                          label, sourceLocation: sourceLocation)
        let message = invocation.errorDocument.message ?? ""
        #expect(repeatedClause(in: message) == nil, "\(label): the message repeats itself: \(message)", sourceLocation: sourceLocation)
        let calls = try h.calls()
        #expect(calls.isEmpty, "\(label): a request got through: \(calls.map(\.summary))", sourceLocation: sourceLocation)
        let accepted = try h.evaluations()
        #expect(accepted.isEmpty, "\(label): \(accepted.map(\.summary))", sourceLocation: sourceLocation)
        #expect(h.isBootstrapRunning, "\(label): the bootstrap must keep serving\(h.dump())", sourceLocation: sourceLocation)
    }

    @Test("host event over https://localhost, SSL_CERT_FILE = the test CA → NON_COMPLIANT delivered over TLS ≥ 1.2; the next invocation reuses the connection")
    func deliversOverHTTPS() throws {
        try withTLSHarness { h, tls in
            try h.startBootstrap(configEndpoint: tls.configEndpoint, caFile: tls.caFile)
            let event = try Self.hostEvent()
            let invocation = try h.run(event: try E2EEvents.text(event))
            try h.expectSingleEvaluation(invocation, try expectation(for: event, "NON_COMPLIANT"), "host over HTTPS")
            let calls = try h.calls(for: invocation)
            for call in calls { Self.expectOverTLS(call.tls, listener: EmulatorTLS.Listener.config, "host over HTTPS") }

            let connections = try h.tlsConnections()
            #expect(connections.count == 1, "one handshake: \(connections.map(\.summary))")
            if let connection = connections.first {
                #expect(connection.succeeded, "\(connection.summary)")
                #expect(connection.serverName == "localhost", "SNI: \(connection.summary)")
                #expect(connection.version == calls.first?.tls?.version, "\(connection.summary)")
                #expect(calls.allSatisfy { $0.tls?.connection == connection.id }, "\(calls.map(\.raw))")
            }

            // A warm process keeps its TLS connection (CurlSession): the next invocation needs no new handshake.
            let second = try h.run(event: try E2EEvents.sampleText("task.json"))
            #expect(second.state == "response", "\(second.summary)\(h.dump())")
            let secondCalls = try h.calls(for: second)
            #expect(secondCalls.map(\.status) == [200], "\(secondCalls.map(\.summary))")
            #expect(secondCalls.first?.tls?.connection == connections.first?.id, "\(secondCalls.map(\.raw))")
            let afterSecond = try h.tlsConnections()
            #expect(afterSecond.count == 1, "\(afterSecond.map(\.summary))")
            #expect(try h.evaluations().map(\.complianceType) == ["NON_COMPLIANT", "COMPLIANT"])
        }
    }

    @Test("https://127.0.0.1 endpoint: verified against the certificate's IP address SAN (no SNI sent)")
    func ipAddressEndpoint() throws {
        try withTLSHarness { h, tls in
            let endpoint = tls.configEndpoint.replacingOccurrences(of: "://localhost:", with: "://127.0.0.1:")
            #expect(endpoint != tls.configEndpoint, "\(tls.configEndpoint)")
            try h.startBootstrap(configEndpoint: endpoint, caFile: tls.caFile)
            let event = try Self.hostEvent()
            let invocation = try h.run(event: try E2EEvents.text(event))
            try h.expectSingleEvaluation(invocation, try expectation(for: event, "NON_COMPLIANT"), "host over HTTPS by IP")
            for call in try h.calls(for: invocation) {
                Self.expectOverTLS(call.tls, listener: EmulatorTLS.Listener.config, "host over HTTPS by IP")
            }
            let connections = try h.tlsConnections()
            #expect(connections.count == 1 && connections.allSatisfy(\.succeeded), "\(connections.map(\.summary))")
            #expect(connections.first?.serverName == nil, "no SNI for an IP address: \(connections.map(\.summary))")
        }
    }

    @Test("SSL_CERT_FILE = an unrelated CA → /error ConfigRule.TransportError (certificate problem), one refused handshake, nothing reaches Config")
    func untrustedCA() throws {
        try withTLSHarness { h, tls in
            try h.startBootstrap(configEndpoint: tls.configEndpoint, caFile: tls.otherCAFile)
            let invocation = try h.run(event: try E2EEvents.text(try Self.hostEvent()))
            try Self.expectRefused(h, invocation, naming: ["certificate"], "unrelated CA")
            // The bootstrap aborted the handshake with an "unknown CA" alert, and did not retry (not a transient error).
            let connections = try h.tlsConnections(listener: EmulatorTLS.Listener.config, atLeast: 1)
            #expect(connections.count == 1, "\(connections.map(\.summary))")
            #expect(connections.allSatisfy { !$0.succeeded && $0.reason == "TLSV1_ALERT_UNKNOWN_CA" },
                    "\(connections.map(\.summary))")
        }
    }

    @Test("certificate valid only for another name (signed by the trusted CA) → /error naming localhost, nothing reaches Config")
    func hostnameMismatch() throws {
        try withTLSHarness { h, tls in
            try h.startBootstrap(configEndpoint: tls.wrongNameConfigEndpoint, caFile: tls.caFile)
            let invocation = try h.run(event: try E2EEvents.text(try Self.hostEvent()))
            try Self.expectRefused(h, invocation, naming: ["localhost"], "host-name mismatch")
            // One connection, closed without a request (libcurl checks the name once the handshake is done).
            let connections = try h.tlsConnections(listener: EmulatorTLS.Listener.configWrongName, atLeast: 1)
            #expect(connections.count == 1, "\(connections.map(\.summary))")
        }
    }

    @Test("server offering only TLS 1.0/1.1 → /error, no handshake completes, nothing reaches Config")
    func legacyProtocolRefused() throws {
        try withTLSHarness { h, tls in
            guard let legacy = tls.legacyConfigEndpoint else {
                Issue.record("the emulator's Python cannot offer TLS 1.0/1.1, so this cannot be tested here")
                return
            }
            try h.startBootstrap(configEndpoint: legacy, caFile: tls.caFile)
            let invocation = try h.run(event: try E2EEvents.text(try Self.hostEvent()))
            try Self.expectRefused(h, invocation, naming: [], "TLS 1.0/1.1 only")
            let connections = try h.tlsConnections(listener: EmulatorTLS.Listener.configLegacy, atLeast: 1)
            #expect(connections.count == 1, "\(connections.map(\.summary))")
            #expect(connections.allSatisfy { !$0.succeeded }, "a TLS < 1.2 handshake completed: \(connections.map(\.summary))")
        }
    }

    @Test("SSL_CERT_FILE naming a missing file → /error naming that file (no fallback bundle), no handshake completes")
    func missingCAFile() throws {
        try withTLSHarness { h, tls in
            let missing = URL(fileURLWithPath: tls.directory).appendingPathComponent("no-such-ca.pem").path
            try h.startBootstrap(configEndpoint: tls.configEndpoint, caFile: missing)
            let invocation = try h.run(event: try E2EEvents.text(try Self.hostEvent()))
            try Self.expectRefused(h, invocation, naming: [missing], "missing CA file")
            let connections = try h.tlsConnections(listener: EmulatorTLS.Listener.config)
            #expect(connections.allSatisfy { !$0.succeeded }, "\(connections.map(\.summary))")
        }
    }

    @Test("organization rule: AssumeRole at the HTTPS STS, then PutEvaluations as the member, both over TLS ≥ 1.2")
    func organizationRuleOverHTTPS() throws {
        try withTLSHarness { h, tls in
            try h.startBootstrap(configEndpoint: tls.configEndpoint, caFile: tls.caFile,
                                 adding: ["AWS_ENDPOINT_URL_STS": tls.stsEndpoint])
            let account = OrganizationRuleTests.memberAccount
            try h.registerRole(OrganizationRuleTests.roleArn(account))
            let invocation = try h.run(event: try E2EEvents.text(try OrganizationRuleTests.memberEvent()))
            let sts = try h.stsCalls(for: invocation)
            #expect(sts.count == 1, "\(sts.map(\.summary))\(h.dump())")
            for call in sts {
                OrganizationRuleTests.expectAssumeRole(call, account: account, of: invocation, "AssumeRole over HTTPS")
                Self.expectOverTLS(call.tls, listener: EmulatorTLS.Listener.sts, "AssumeRole over HTTPS")
            }
            try OrganizationRuleTests.expectPutAsMember(h, invocation, account: account, resultToken: "memberResultToken",
                                                        "member PutEvaluations over HTTPS")
            for call in try h.calls(for: invocation) {
                Self.expectOverTLS(call.tls, listener: EmulatorTLS.Listener.config, "member PutEvaluations over HTTPS")
            }
            let connections = try h.tlsConnections()
            #expect(Set(connections.compactMap(\.listener)) == [EmulatorTLS.Listener.sts, EmulatorTLS.Listener.config],
                    "\(connections.map(\.summary))")
            #expect(connections.allSatisfy { $0.succeeded && $0.serverName == "localhost" }, "\(connections.map(\.summary))")
        }
    }
}
