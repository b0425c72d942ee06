import AWSClient
import JSON

/// The Amazon ECS reads of the revision scopes (rule-semantics §7), over an awsJson1_1 client: paged lists, batched
/// describes, the client's retry policy and the invocation deadline. Calls are signed with the context's credentials
/// (the role assumed in the member account for organization rules). Blocking; owned by the runtime loop.
public final class ECSService {
    let client: AWSJSONClient
    /// ECS calls made per operation since the last ``resetCallCounts()`` (each call once, whatever its retries).
    public private(set) var callCounts: [String: Int] = [:]

    public init(client: AWSJSONClient) {
        self.client = client
    }

    public func resetCallCounts() {
        callCounts = [:]
    }

    /// Every ECS call counted by ``callCounts``.
    public var totalCalls: Int { callCounts.values.reduce(0, +) }

    /// The newest ACTIVE revision of `family`: one `ListTaskDefinitions{familyPrefix, status: ACTIVE, sort: DESC,
    /// maxResults: 1}` (for this operation `familyPrefix` is an exact family match).
    /// - Returns: its ARN, or `nil` when the family has no ACTIVE revision.
    public func latestActiveRevision(family: String, context: CallContext) throws(ConfigRuleError) -> String? {
        let output = try call(ECSWire.Operation.listTaskDefinitions, JSONObject([
            ECSWire.Member.familyPrefix: .string(family),
            ECSWire.Member.status: .string(ECSWire.activeStatus),
            ECSWire.Member.sort: .string(ECSWire.sortDescending),
            ECSWire.Member.maxResults: .number("1"),
        ]), context: context)
        return try strings(ECSWire.Member.taskDefinitionArns, in: output, of: ECSWire.Operation.listTaskDefinitions).first
    }

    /// One page of the account's ACTIVE revisions, newest revision of each family first:
    /// `ListTaskDefinitions{status: ACTIVE, sort: DESC, maxResults: 100, nextToken}`.
    public func activeRevisionsPage(nextToken: String?, context: CallContext) throws(ConfigRuleError) -> (arns: [String], nextToken: String?) {
        var request = JSONObject([
            ECSWire.Member.status: .string(ECSWire.activeStatus),
            ECSWire.Member.sort: .string(ECSWire.sortDescending),
            ECSWire.Member.maxResults: .number(String(ECSWire.maxPageSize)),
        ])
        if let nextToken { request.append(ECSWire.Member.nextToken, .string(nextToken)) }
        let page = try call(ECSWire.Operation.listTaskDefinitions, request, context: context)
        return (try strings(ECSWire.Member.taskDefinitionArns, in: page, of: ECSWire.Operation.listTaskDefinitions), self.nextToken(page))
    }

    /// Every cluster ARN: all pages of `ListClusters{maxResults: 100}`.
    public func clusters(context: CallContext) throws(ConfigRuleError) -> [String] {
        try allPages(ECSWire.Operation.listClusters, JSONObject(), member: ECSWire.Member.clusterArns, context: context)
    }

    /// The task definitions of the tasks in `cluster` whose desired status is RUNNING: each page of
    /// `ListTasks{cluster, desiredStatus: RUNNING, maxResults: 100}` is described with one `DescribeTasks` (≤ 100).
    /// A task that stopped in between (a `failures` entry) is not counted. A cluster deleted since it was listed
    /// (`ClusterNotFoundException`) runs nothing.
    public func runningTaskDefinitions(cluster: String, context: CallContext) throws(ConfigRuleError) -> [String] {
        var found: [String] = []
        do throws(ConfigRuleError) {
            var token: String?
            repeat {
                var request = JSONObject([
                    ECSWire.Member.cluster: .string(cluster),
                    ECSWire.Member.desiredStatus: .string(ECSWire.desiredRunning),
                    ECSWire.Member.maxResults: .number(String(ECSWire.maxPageSize)),
                ])
                if let token { request.append(ECSWire.Member.nextToken, .string(token)) }
                let page = try call(ECSWire.Operation.listTasks, request, context: context)
                let tasks = try strings(ECSWire.Member.taskArns, in: page, of: ECSWire.Operation.listTasks)
                for batch in tasks.chunked(ECSWire.maxTasksPerDescribe) {
                    let described = try call(ECSWire.Operation.describeTasks, JSONObject([
                        ECSWire.Member.cluster: .string(cluster), ECSWire.Member.tasks: .array(batch.map { .string($0) }),
                    ]), context: context)
                    for task in described[ECSWire.Member.tasks]?.arrayValue ?? [] {
                        if let arn = task[ECSWire.Member.taskDefinitionArn]?.stringValue { found.append(arn) }
                    }
                }
                token = nextToken(page)
            } while token != nil
        } catch where error.isClusterNotFound {
            context.logger.warn("cluster deleted while the in-use revisions were read; it runs nothing", ["cluster": .string(cluster)])
        }
        return found
    }

    /// The task definitions of the `PRIMARY` and `ACTIVE` deployments and of every task set of the services in
    /// `cluster`: all pages of `ListServices{cluster, maxResults: 100}`, described 10 at a time with
    /// `DescribeServices`. A cluster deleted since it was listed has none.
    public func serviceTaskDefinitions(cluster: String, context: CallContext) throws(ConfigRuleError) -> [String] {
        var found: [String] = []
        do throws(ConfigRuleError) {
            let services = try allPages(ECSWire.Operation.listServices, JSONObject([ECSWire.Member.cluster: .string(cluster)]),
                                        member: ECSWire.Member.serviceArns, context: context)
            for batch in services.chunked(ECSWire.maxServicesPerDescribe) {
                let described = try call(ECSWire.Operation.describeServices, JSONObject([
                    ECSWire.Member.cluster: .string(cluster), ECSWire.Member.services: .array(batch.map { .string($0) }),
                ]), context: context)
                for service in described[ECSWire.Member.services]?.arrayValue ?? [] {
                    for deployment in service[ECSWire.Member.deployments]?.arrayValue ?? [] {
                        guard let status = deployment[ECSWire.Member.status]?.stringValue,
                            ECSWire.inUseDeploymentStatuses.contains(status),
                            let arn = deployment[ECSWire.Member.taskDefinition]?.stringValue
                        else { continue }
                        found.append(arn)
                    }
                    for taskSet in service[ECSWire.Member.taskSets]?.arrayValue ?? [] {
                        if let arn = taskSet[ECSWire.Member.taskDefinition]?.stringValue { found.append(arn) }
                    }
                }
            }
        } catch where error.isClusterNotFound {
            context.logger.warn("cluster deleted while the in-use revisions were read; it has no services", ["cluster": .string(cluster)])
        }
        return found
    }

    // MARK: - Plumbing

    /// Every page of a List* operation (`maxResults` 100, `nextToken` until none), the string list `member` of each.
    private func allPages(
        _ operation: String,
        _ base: JSONObject,
        member: String,
        context: CallContext
    ) throws(ConfigRuleError) -> [String] {
        var values: [String] = []
        var token: String?
        repeat {
            var request = base
            request.append(ECSWire.Member.maxResults, .number(String(ECSWire.maxPageSize)))
            if let token { request.append(ECSWire.Member.nextToken, .string(token)) }
            let page = try call(operation, request, context: context)
            values += try strings(member, in: page, of: operation)
            token = nextToken(page)
        } while token != nil
        return values
    }

    private func nextToken(_ page: JSONValue) -> String? {
        page[ECSWire.Member.nextToken]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A list of strings in a reply (absent = empty); anything else fails the call: a scope is never guessed.
    private func strings(_ member: String, in output: JSONValue, of operation: String) throws(ConfigRuleError) -> [String] {
        guard let value = output[member], !value.isNull else { return [] }
        guard let list = value.arrayValue else {
            throw ConfigRuleError(.awsCallFailed, "\(operation) returned \(member) that is not a list")
        }
        var result: [String] = []
        result.reserveCapacity(list.count)
        for element in list {
            guard let text = element.stringValue else {
                throw ConfigRuleError(.awsCallFailed, "\(operation) returned \(member) with a non-string entry")
            }
            result.append(text)
        }
        return result
    }

    /// One awsJson call, counted; its failure becomes ``ConfigRuleError`` `.awsCallFailed` with the AWS error code.
    private func call(_ operation: String, _ request: JSONObject, context: CallContext) throws(ConfigRuleError) -> JSONValue {
        callCounts[operation, default: 0] += 1
        do {
            return try client.call(operation, body: .object(request), context: context)
        } catch {
            throw ConfigRuleError.aws(error)
        }
    }
}

extension ConfigRuleError {
    /// The cluster named in the request no longer exists.
    var isClusterNotFound: Bool {
        if case .service(let type, _)? = awsError?.code { return type == ECSWire.clusterNotFound }
        return false
    }
}

extension Array {
    /// Consecutive slices of at most `size` elements.
    func chunked(_ size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}

@available(*, unavailable)
extension ECSService: Sendable {}
