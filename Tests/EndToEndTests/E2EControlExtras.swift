import Foundation
import Testing

// Control-API helpers for the periodic sweep (inventory, compliance store, inventory marks) and for organization rules
// (the fake STS: roles, calls, issued credentials). Built on `controlGET` / `controlPOST`.

/// One recorded STS call (`GET /sts/calls`).
struct STSCall {
    let raw: [String: Any]

    var seq: Int { int(raw["seq"]) ?? -1 }
    var operation: String? { raw["operation"] as? String }
    var traceHeader: String? { raw["traceHeader"] as? String }
    var signature: String? { raw["signature"] as? String }
    /// The caller: `111111111111` for the base credentials.
    var account: String? { raw["account"] as? String }
    /// `"base"` or a role ARN.
    var principal: String? { raw["principal"] as? String }
    var params: [String: Any] { raw["params"] as? [String: Any] ?? [:] }
    var roleArn: String? { raw["roleArn"] as? String }
    var modelErrors: [String] { raw["modelErrors"] as? [String] ?? [] }
    var warnings: [String] { raw["warnings"] as? [String] ?? [] }
    var status: Int? { int(raw["status"]) }
    var errorType: String? { raw["errorType"] as? String }
    var completedSeq: Int? { int(raw["completedSeq"]) }
    var result: [String: Any]? { raw["result"] as? [String: Any] }

    var summary: String {
        "sts call #\(seq) \(operation ?? "?") role=\(roleArn ?? "nil") status=\(status.map(String.init) ?? "nil") "
            + "error=\(errorType ?? "-") sig=\(signature ?? "nil") account=\(account ?? "nil") principal=\(principal ?? "nil") "
            + "modelErrors=\(modelErrors) warnings=\(warnings) trace=\(traceHeader ?? "nil")"
    }
}

extension ConfigCall {
    /// The account the signing credentials act in (`111111111111` for the base credentials).
    var account: String? { raw["account"] as? String }
    /// `"base"` or the ARN of the role whose temporary credentials signed the call.
    var principal: String? { raw["principal"] as? String }
    /// The operation's summary of a successful run (e.g. `pageSize`, `nextToken` for ListDiscoveredResources).
    var result: [String: Any]? { raw["result"] as? [String: Any] }
}

extension AcceptedEvaluation {
    var account: String? { raw["account"] as? String }
    var principal: String? { raw["principal"] as? String }
}

extension E2EHarness {
    static let taskDefinitionType = "AWS::ECS::TaskDefinition"
    /// The rule the default compliance seed belongs to (`events/scheduled.json`'s `configRuleName`).
    static let seededRuleName = "ecs-task-definition-pid-mode-custom"

    // MARK: Inventory

    /// `POST /inventory/generate` (replaces the inventory by default); returns the summary.
    @discardableResult
    func generateInventory(count: Int, hostEvery: Int = 7, inactiveEvery: Int = 0, idPrefix: String? = nil,
                           statuses: [String: Int]? = nil) throws -> [String: Any] {
        var payload: [String: Any] = ["count": count, "hostEvery": hostEvery, "inactiveEvery": inactiveEvery]
        if let idPrefix { payload["idPrefix"] = idPrefix }
        if let statuses { payload["statuses"] = statuses }
        guard let reply = try controlPOST("/inventory/generate", payload) as? [String: Any] else {
            throw HarnessError("/inventory/generate did not reply with an object")
        }
        return reply
    }

    /// `POST /inventory` with `items` (API-shape configuration items).
    func putInventory(_ items: [[String: Any]], replace: Bool = false) throws {
        try controlPOST("/inventory", ["items": items, "replace": replace])
    }

    /// One stored inventory item (`GET /inventory?resourceId=`).
    func inventoryItem(_ resourceID: String, resourceType: String = E2EHarness.taskDefinitionType) throws -> [String: Any] {
        let query = "resourceId=\(percentEscaped(resourceID))&resourceType=\(percentEscaped(resourceType))"
        guard let item = try controlGET("/inventory?\(query)") as? [String: Any] else {
            throw HarnessError("/inventory?\(query) did not reply with an object")
        }
        return item
    }

    /// `POST /inventory/unprocessed`: these ids come back in `unprocessedResourceKeys` for `rounds` calls.
    func markUnprocessed(_ resourceIDs: [String], rounds: Int) throws {
        try controlPOST("/inventory/unprocessed", ["resourceIds": resourceIDs, "rounds": rounds])
    }

    /// `POST /inventory/delete-between-calls`: still listed, never returned by BatchGetResourceConfig.
    func markDeletedBetweenCalls(_ resourceIDs: [String]) throws {
        try controlPOST("/inventory/delete-between-calls", ["resourceIds": resourceIDs])
    }

    // MARK: Compliance store

    /// `POST /compliance`: sets `results` (`{resourceType, resourceId, complianceType, orderingTimestamp?}`) for the rule.
    func seedCompliance(rule: String = E2EHarness.seededRuleName, _ results: [[String: Any]], replace: Bool = false) throws {
        try controlPOST("/compliance", ["configRuleName": rule, "results": results, "replace": replace])
    }

    /// The rule's stored results (`GET /compliance?configRuleName=`); empty when the rule has no store.
    func compliance(rule: String = E2EHarness.seededRuleName) throws -> [[String: Any]] {
        let all = try controlGET("/compliance") as? [String: Any] ?? [:]
        return all[rule] as? [[String: Any]] ?? []
    }

    // MARK: STS

    /// The fake STS endpoint (`AWS_ENDPOINT_URL_STS` for the bootstrap).
    var stsEndpoint: String { emulatorInfo["stsEndpoint"] as? String ?? "" }

    /// Starts the bootstrap with the standard environment plus `AWS_ENDPOINT_URL_STS` (and `adding`).
    func startBootstrapWithSTS(removing: [String] = [], adding: [String: String] = [:]) throws {
        var environment = ["AWS_ENDPOINT_URL_STS": stsEndpoint]
        environment.merge(adding) { _, new in new }
        try startBootstrap(removing: removing, adding: environment)
    }

    /// `POST /roles`.
    func registerRole(_ roleArn: String, trusts: Bool = true) throws {
        try controlPOST("/roles", ["roleArn": roleArn, "trusts": trusts])
    }

    /// Recorded STS calls, optionally only those with this trace header.
    func stsCalls(traceHeader: String? = nil) throws -> [STSCall] {
        let query = traceHeader.map { "?traceHeader=\(percentEscaped($0))" } ?? ""
        guard let list = try controlGET("/sts/calls" + query) as? [[String: Any]] else {
            throw HarnessError("/sts/calls did not reply with a list")
        }
        return list.map { STSCall(raw: $0) }
    }

    func stsCalls(for invocation: InvocationView) throws -> [STSCall] {
        guard let trace = invocation.traceID else { throw HarnessError("invocation \(invocation.requestID) has no trace id") }
        return try stsCalls(traceHeader: trace)
    }

    /// Every temporary credential the fake STS issued (`GET /sts/credentials`), oldest first.
    func issuedCredentials() throws -> [[String: Any]] {
        guard let list = try controlGET("/sts/credentials") as? [[String: Any]] else {
            throw HarnessError("/sts/credentials did not reply with a list")
        }
        return list
    }

    func percentEscaped(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}

// MARK: - Sweep events and expectations

enum SweepEvents {
    /// `events/scheduled.json`'s notificationCreationTime, `2024-01-19T00:00:00.373Z`, as epoch seconds.
    static let notificationTime = 1_705_622_400.373

    /// `events/scheduled.json`, optionally with another rule name, result token, rule parameters (a JSON object, sent
    /// as a JSON string) or extra invoking-event members.
    static func scheduled(
        ruleName: String? = nil,
        resultToken: String? = nil,
        parameters: [String: Any]? = nil,
        invokingExtras: [String: Any] = [:]
    ) throws -> [String: Any] {
        var event = try E2EEvents.sample("scheduled.json")
        if let ruleName { event["configRuleName"] = ruleName }
        if let resultToken { event["resultToken"] = resultToken }
        if let parameters { event["ruleParameters"] = try E2EEvents.text(parameters) }
        if !invokingExtras.isEmpty {
            event = try E2EEvents.withInvokingEvent(event) { invoking in
                for (key, value) in invokingExtras { invoking[key] = value }
            }
        }
        return event
    }

    /// The generator's id for item `i` (1-based) of `count`: `family-` + `i` zero-padded to max(5, digits of count).
    static func generatedID(_ i: Int, count: Int, prefix: String = "family-") -> String {
        let width = max(5, String(count).count)
        let digits = String(i)
        return prefix + String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// What the sweep must say about generated item `i`: INACTIVE skipped (NOT_APPLICABLE) only with the parameter,
    /// `host` NON_COMPLIANT, everything else COMPLIANT.
    static func generatedVerdict(_ i: Int, hostEvery: Int, inactiveEvery: Int = 0, skipInactive: Bool = false) -> String {
        if skipInactive, inactiveEvery > 0, i % inactiveEvery == 0 { return "NOT_APPLICABLE" }
        if hostEvery > 0, i % hostEvery == 0 { return "NON_COMPLIANT" }
        return "COMPLIANT"
    }
}
