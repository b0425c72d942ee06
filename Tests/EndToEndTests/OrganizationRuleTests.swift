import Foundation
import Testing

/// Organization rules end to end (README "Organization rule"): with `ExecutionRoleName`, the real bootstrap assumes
/// `arn:aws:iam::<accountId>:role/<name>` through the emulator's fake STS, signed with its own credentials and the
/// invocation's trace header, caches the credentials per role, and signs the invocation's Config calls with them.
@Suite("Organization rule (AssumeRole), end to end")
struct OrganizationRuleTests {
    static let memberAccount = "222222222222"
    static let otherAccount = "333333333333"
    static let roleName = "pid-mode-rule-evaluator"
    static func roleArn(_ account: String) -> String { "arn:aws:iam::\(account):role/\(roleName)" }

    static func memberEvent() throws -> [String: Any] { try E2EEvents.sample("organization-member-host.json") }

    /// The member event moved to another account (event `accountId` and the item's `awsAccountId`).
    static func event(account: String, resultToken: String) throws -> [String: Any] {
        var event = try E2EEvents.withItem(try memberEvent()) { $0["awsAccountId"] = account }
        event["accountId"] = account
        event["resultToken"] = resultToken
        event["configRuleArn"] = "arn:aws:config:us-west-2:\(account):config-rule/config-rule-a1b2c3"
        return event
    }

    /// Starts the bootstrap with the STS endpoint set.
    static func withOrgHarness(_ body: (E2EHarness) throws -> Void) throws {
        try withHarness(startBootstrap: false) { h in
            try h.startBootstrapWithSTS()
            try body(h)
        }
    }

    /// Asserts an AssumeRole call that is valid and signed with the base credentials, for `account`'s role, carrying
    /// the invocation's trace header and completed before its answer.
    static func expectAssumeRole(_ call: STSCall, account: String, of invocation: InvocationView, status: Int = 200, _ label: String,
                                 sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(call.operation == "AssumeRole", "\(label): \(call.summary)", sourceLocation: sourceLocation)
        #expect(call.roleArn == roleArn(account), "\(label): \(call.summary)", sourceLocation: sourceLocation)
        #expect(call.status == status, "\(label): \(call.summary)", sourceLocation: sourceLocation)
        #expect(call.signature == "valid", "\(label): \(call.summary)", sourceLocation: sourceLocation)
        #expect(call.account == "111111111111" && call.principal == "base",
                "\(label): AssumeRole must be signed with the function's own credentials: \(call.summary)", sourceLocation: sourceLocation)
        #expect(call.modelErrors.isEmpty && call.warnings.isEmpty, "\(label): \(call.summary)", sourceLocation: sourceLocation)
        #expect(call.traceHeader != nil && call.traceHeader == invocation.traceID, "\(label): \(call.summary)",
                sourceLocation: sourceLocation)
        #expect((call.params["RoleSessionName"] as? String).map { !$0.isEmpty } == true, "\(label): \(call.params)",
                sourceLocation: sourceLocation)
        if let answered = invocation.answerSeq {
            #expect((call.completedSeq ?? Int.max) < answered, "\(label): STS call not done before the answer: \(call.summary)",
                    sourceLocation: sourceLocation)
        }
        if let delivered = invocation.deliveredSeq {
            #expect(call.seq > delivered, "\(label): \(call.summary)", sourceLocation: sourceLocation)
        }
    }

    /// Asserts one PutEvaluations signed by the role assumed in `account`, one NON_COMPLIANT evaluation accepted and
    /// recorded for that account.
    static func expectPutAsMember(_ h: E2EHarness, _ invocation: InvocationView, account: String, resultToken: String, _ label: String,
                                  sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(invocation.state == "response", "\(label): \(invocation.summary)\(h.dump())", sourceLocation: sourceLocation)
        let calls = try h.calls(for: invocation)
        #expect(calls.map(\.operation) == ["PutEvaluations"], "\(label): \(calls.map(\.summary))", sourceLocation: sourceLocation)
        h.expectWellFormedCalls(calls, of: invocation, label, sourceLocation: sourceLocation)
        for call in calls {
            #expect(call.status == 200, "\(label): \(call.summary)", sourceLocation: sourceLocation)
            #expect(call.account == account, "\(label): signed for account \(call.account ?? "nil")", sourceLocation: sourceLocation)
            #expect(call.principal == roleArn(account), "\(label): principal \(call.principal ?? "nil")", sourceLocation: sourceLocation)
            #expect(call.signedHeaders?.contains("x-amz-security-token") == true, "\(label): \(call.summary)", sourceLocation: sourceLocation)
        }
        let accepted = try h.evaluations(for: invocation)
        #expect(accepted.count == 1, "\(label): \(accepted.map(\.summary))", sourceLocation: sourceLocation)
        #expect(accepted.first?.complianceType == "NON_COMPLIANT", "\(label)", sourceLocation: sourceLocation)
        #expect(accepted.first?.resourceID == "member-taskdef", "\(label)", sourceLocation: sourceLocation)
        #expect(accepted.first?.account == account, "\(label): \(accepted.first?.raw ?? [:])", sourceLocation: sourceLocation)
        #expect(accepted.first?.resultToken == resultToken, "\(label)", sourceLocation: sourceLocation)
    }

    @Test("ExecutionRoleName: one AssumeRole (base credentials, trace header) → PutEvaluations signed as the member account")
    func assumesMemberRole() throws {
        try Self.withOrgHarness { h in
            try h.registerRole(Self.roleArn(Self.memberAccount))
            let invocation = try h.run(event: try E2EEvents.text(try Self.memberEvent()))
            let sts = try h.stsCalls(for: invocation)
            #expect(sts.count == 1, "\(sts.map(\.summary))")
            if let call = sts.first {
                Self.expectAssumeRole(call, account: Self.memberAccount, of: invocation, "member role")
                let issued = call.result?["accessKeyId"] as? String
                #expect(issued?.hasPrefix("ASIA") == true, "\(call.raw)")
            }
            #expect(try h.stsCalls().count == 1, "no STS call outside the invocation")
            try Self.expectPutAsMember(h, invocation, account: Self.memberAccount, resultToken: "memberResultToken", "member role")
            // The AssumeRole precedes every Config call of the invocation.
            if let stsSeq = sts.first?.completedSeq, let firstConfig = try h.calls(for: invocation).map(\.seq).min() {
                #expect(stsSeq < firstConfig, "Config called before AssumeRole completed")
            }
        }
    }

    @Test("credentials are cached per role: same account → no second AssumeRole; another account → its own AssumeRole")
    func cachedPerRole() throws {
        try Self.withOrgHarness { h in
            try h.registerRole(Self.roleArn(Self.memberAccount))
            try h.registerRole(Self.roleArn(Self.otherAccount))
            let first = try h.run(event: try E2EEvents.text(try Self.memberEvent()))
            try Self.expectPutAsMember(h, first, account: Self.memberAccount, resultToken: "memberResultToken", "first")
            #expect(try h.stsCalls(for: first).count == 1)

            let second = try h.run(event: try E2EEvents.text(try Self.event(account: Self.memberAccount, resultToken: "secondToken")))
            try Self.expectPutAsMember(h, second, account: Self.memberAccount, resultToken: "secondToken", "second, same account")
            let secondSTS = try h.stsCalls(for: second)
            #expect(secondSTS.isEmpty, "credentials should be cached: \(secondSTS.map(\.summary))")

            let other = try h.run(event: try E2EEvents.text(try Self.event(account: Self.otherAccount, resultToken: "otherToken")))
            let otherSTS = try h.stsCalls(for: other)
            #expect(otherSTS.count == 1, "\(otherSTS.map(\.summary))")
            if let call = otherSTS.first { Self.expectAssumeRole(call, account: Self.otherAccount, of: other, "other account") }
            try Self.expectPutAsMember(h, other, account: Self.otherAccount, resultToken: "otherToken", "other account")

            // Back to the first account: still cached, and still that account's credentials (not the last ones).
            let third = try h.run(event: try E2EEvents.text(try Self.event(account: Self.memberAccount, resultToken: "thirdToken")))
            try Self.expectPutAsMember(h, third, account: Self.memberAccount, resultToken: "thirdToken", "back to the first account")
            #expect(try h.stsCalls(for: third).isEmpty)
            #expect(try h.stsCalls().count == 2)
            #expect(try h.issuedCredentials().count == 2)
        }
    }

    @Test("role not trusted → /error ConfigRule.AccessDenied after one AssumeRole, no Config call")
    func roleNotTrusted() throws {
        try Self.withOrgHarness { h in
            try h.registerRole(Self.roleArn(Self.memberAccount), trusts: false)
            let invocation = try h.run(event: try E2EEvents.text(try Self.memberEvent()))
            try h.expectError(invocation, errorType: "ConfigRule.AccessDenied", "untrusting role")
            let sts = try h.stsCalls(for: invocation)
            #expect(sts.count == 1, "AccessDenied is not retryable: \(sts.map(\.summary))")
            if let call = sts.first {
                Self.expectAssumeRole(call, account: Self.memberAccount, of: invocation, status: 403, "untrusting role")
                #expect(call.errorType == "AccessDenied", "\(call.summary)")
            }
            #expect(try h.calls().isEmpty, "no Config call (no PutEvaluations) without the member role")
            #expect(try h.evaluations().isEmpty)
            #expect(h.isBootstrapRunning)
        }
    }

    @Test("AssumeRole throttled twice → retried, then success")
    func assumeRoleThrottled() throws {
        try Self.withOrgHarness { h in
            try h.registerRole(Self.roleArn(Self.memberAccount))
            try h.injectFaults(operation: "AssumeRole", faults: ["throttle", "throttle"])
            let invocation = try h.run(event: try E2EEvents.text(try Self.memberEvent()), timeoutMs: 20_000)
            let sts = try h.stsCalls(for: invocation)
            #expect(sts.map(\.status) == [400, 400, 200], "\(sts.map(\.summary))")
            #expect(sts.prefix(2).allSatisfy { $0.errorType == "Throttling" }, "\(sts.map(\.summary))")
            if sts.count == 3 {
                for call in sts { Self.expectAssumeRole(call, account: Self.memberAccount, of: invocation, status: call.status ?? -1, "throttled") }
            }
            try Self.expectPutAsMember(h, invocation, account: Self.memberAccount, resultToken: "memberResultToken", "throttled ×2")
        }
    }

    @Test("ExecutionRoleName with accountId missing (or not 12 digits) → /error ConfigRule.MalformedEvent naming accountId")
    func missingAccountID() throws {
        try Self.withOrgHarness { h in
            try h.registerRole(Self.roleArn(Self.memberAccount))
            var missing = try Self.memberEvent()
            missing["accountId"] = nil
            let invocation = try h.run(event: try E2EEvents.text(missing))
            try h.expectError(invocation, errorType: "ConfigRule.MalformedEvent", messageContains: ["accountId"], "accountId missing")
            var short = try Self.memberEvent()
            short["accountId"] = "22222"
            let second = try h.run(event: try E2EEvents.text(short))
            try h.expectError(second, errorType: "ConfigRule.MalformedEvent", messageContains: ["accountId"], "accountId not 12 digits")
            let stsCalls = try h.stsCalls()
            #expect(stsCalls.isEmpty, "\(stsCalls.map(\.summary))")
            #expect(try h.calls().isEmpty)
            #expect(h.isBootstrapRunning)
        }
    }

    @Test("without ExecutionRoleName → no STS call; the function's own credentials sign PutEvaluations")
    func noExecutionRole() throws {
        try Self.withOrgHarness { h in
            try h.registerRole(Self.roleArn(Self.memberAccount))
            var event = try Self.memberEvent()
            event["ruleParameters"] = "{}"
            let invocation = try h.run(event: try E2EEvents.text(event))
            #expect(invocation.state == "response", "\(invocation.summary)\(h.dump())")
            let stsCalls = try h.stsCalls()
            #expect(stsCalls.isEmpty, "\(stsCalls.map(\.summary))")
            let calls = try h.calls(for: invocation)
            #expect(calls.map(\.operation) == ["PutEvaluations"])
            #expect(calls.allSatisfy { $0.account == "111111111111" && $0.principal == "base" }, "\(calls.map(\.raw))")
            // Also the plain sample events.
            let host = try h.run(event: try E2EEvents.sampleText("host.json"))
            #expect(host.state == "response", "\(host.summary)")
            let sweep = try h.run(event: try E2EEvents.sampleText("scheduled.json"))
            #expect(sweep.state == "response", "\(sweep.summary)")
            #expect(try h.stsCalls().isEmpty)
        }
    }
}
