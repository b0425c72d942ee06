import JSON

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The four change-event shapes the benchmark mixes, all derived from the real payload
/// `derived_change-notification_ecs-taskdef_pidmode-host.json`.
enum Variant: String, CaseIterable {
    /// `PidMode: "host"` (the payload as captured).
    case host
    /// `PidMode: "task"`.
    case task
    /// No `PidMode` key at all.
    case absent
    /// `configurationItemStatus: ResourceDeleted`, `configuration: null`.
    case deleted

    /// What rule-semantics.md §2 says the rule reports for this shape.
    var expectedCompliance: String {
        switch self {
        case .host: "NON_COMPLIANT"
        case .task, .absent: "COMPLIANT"
        case .deleted: "NOT_APPLICABLE"
        }
    }
}

/// What an event is: a Config change event of a variant, or a CloudFormation hook event (`--hook-events`).
enum EventKind: Equatable {
    case config(Variant)
    case hook(HookVariant)

    /// `host`, `task`, … for Config events; `hook-host`, `hook-delete`, … for hook events.
    var name: String {
        switch self {
        case .config(let variant): variant.rawValue
        case .hook(let variant): "hook-\(variant.rawValue)"
        }
    }

    var isHook: Bool {
        if case .hook = self { return true }
        return false
    }
}

/// One invocation the harness will hand to the bootstrap, with everything needed to check its outcome.
struct PlannedEvent {
    let index: Int
    let kind: EventKind
    let requestID: String
    let traceID: String
    /// The Config result token; for a hook event its `clientRequestToken`.
    let resultToken: String
    /// The Config resource id; for a hook event its logical id.
    let resourceID: String
    /// `configurationItemCaptureTime` in epoch milliseconds: the expected `OrderingTimestamp`.
    let captureEpochMilliseconds: Int64
    /// The complete `/next` body.
    let payload: [UInt8]
}

enum EventPlan {
    static let resourceType = "AWS::ECS::TaskDefinition"
    /// 2024-01-18T22:05:40.112Z, the capture time of the source payload; event *i* is captured *i* seconds and
    /// `(i * 7) % 1000` milliseconds later, so every event has its own `OrderingTimestamp` with a millisecond part.
    static let baseCaptureMilliseconds: Int64 = 1_705_615_540_112

    /// `count` events: variants drawn with `seed`, resource id `family-00042`, unique request id, trace id and
    /// result token per event.
    static func build(templatePath: String, count: Int, seed: UInt64) throws -> [PlannedEvent] {
        let templateBytes = try readFile(templatePath)
        guard case .object(let outer) = try JSONParser.parse(templateBytes) else {
            throw HarnessError("\(templatePath): not a JSON object")
        }
        guard let invokingText = outer["invokingEvent"]?.stringValue,
            case .object(let invoking) = try JSONParser.parse(invokingText),
            case .object(let item)? = invoking["configurationItem"],
            case .object(let configuration)? = item["configuration"]
        else {
            throw HarnessError("\(templatePath): invokingEvent.configurationItem.configuration not found")
        }

        var rng = SplitMix64(seed: seed)
        var events: [PlannedEvent] = []
        events.reserveCapacity(count)
        let region = "us-west-2"
        let account = "111111111111"
        for index in 0..<count {
            let variant = Variant.allCases[rng.below(Variant.allCases.count)]
            let family = "family-\(pad(index, 5))"
            let revision = 1 + rng.below(40)
            let arn = "arn:aws:ecs:\(region):\(account):task-definition/\(family):\(revision)"
            let capture = baseCaptureMilliseconds + Int64(index) * 1_000 + Int64((index * 7) % 1_000)

            var newItem = item
            newItem.set("resourceId", .string(family))
            newItem.set("resourceName", .string("\(family):\(revision)"))
            newItem.set("ARN", .string(arn))
            newItem.set("configurationItemCaptureTime", .string(isoTimestamp(epochMilliseconds: capture)))
            newItem.set("configurationStateId", .number(String(capture)))
            var newConfiguration = configuration
            newConfiguration.set("Family", .string(family))
            newConfiguration.set("TaskDefinitionArn", .string(arn))
            switch variant {
            case .host:
                newConfiguration.set("PidMode", .string("host"))
                newItem.set("configuration", .object(newConfiguration))
            case .task:
                newConfiguration.set("PidMode", .string("task"))
                newItem.set("configuration", .object(newConfiguration))
            case .absent:
                newConfiguration.remove("PidMode")
                newItem.set("configuration", .object(newConfiguration))
            case .deleted:
                newItem.set("configurationItemStatus", .string("ResourceDeleted"))
                newItem.set("configuration", .null)
            }
            var newInvoking = invoking
            newInvoking.set("configurationItem", .object(newItem))
            newInvoking.set("notificationCreationTime", .string(isoTimestamp(epochMilliseconds: capture + 895)))

            let token = "bench-\(pad(index, 5))-\(hex(rng.next(), width: 16))\(hex(rng.next(), width: 16))"
            var newOuter = outer
            newOuter.set("invokingEvent", .string(String(decoding: JSONWriter.serialize(.object(newInvoking)), as: UTF8.self)))
            newOuter.set("resultToken", .string(token))

            let (requestID, traceID) = invocationIDs(index: index, epochSeconds: capture / 1_000, variantDigit: "8", rng: &rng)
            events.append(PlannedEvent(
                index: index, kind: .config(variant), requestID: requestID, traceID: traceID, resultToken: token,
                resourceID: family, captureEpochMilliseconds: capture, payload: JSONWriter.serialize(.object(newOuter))
            ))
        }
        return events
    }

    /// A unique request id (UUID-shaped; `variantDigit` keeps change and hook events apart) and X-Ray trace id for
    /// event `index`.
    static func invocationIDs(index: Int, epochSeconds: Int64, variantDigit: Character, rng: inout SplitMix64) -> (String, String) {
        let requestID = "\(hex(UInt64(index), width: 8))-\(hex(rng.next() & 0xFFFF, width: 4))-4\(hex(rng.next() & 0xFFF, width: 3))-"
            + "\(variantDigit)\(hex(rng.next() & 0xFFF, width: 3))-\(hex(rng.next() & 0xFFFF_FFFF_FFFF, width: 12))"
        let traceID = "Root=1-\(hex(UInt64(epochSeconds), width: 8))-\(hex(rng.next(), width: 16))\(hex(UInt64(index), width: 8));"
            + "Parent=\(hex(rng.next(), width: 16));Sampled=0"
        return (requestID, traceID)
    }

    /// `config` and `hooks` interleaved (one of each in turn while both last), renumbered in that order.
    static func interleave(_ config: [PlannedEvent], _ hooks: [PlannedEvent]) -> [PlannedEvent] {
        var merged: [PlannedEvent] = []
        merged.reserveCapacity(config.count + hooks.count)
        var (c, h) = (0, 0)
        while c < config.count || h < hooks.count {
            if c < config.count { merged.append(config[c]); c += 1 }
            if h < hooks.count { merged.append(hooks[h]); h += 1 }
        }
        return merged.enumerated().map { position, event in
            PlannedEvent(
                index: position, kind: event.kind, requestID: event.requestID, traceID: event.traceID,
                resultToken: event.resultToken, resourceID: event.resourceID,
                captureEpochMilliseconds: event.captureEpochMilliseconds, payload: event.payload
            )
        }
    }
}

extension JSONObject {
    /// Replaces the value of `key` (every member of that name), or appends it.
    mutating func set(_ key: String, _ value: JSONValue) {
        var found = false
        for position in members.indices where members[position].key == key {
            members[position].value = value
            found = true
        }
        if !found { append(key, value) }
    }

    mutating func remove(_ key: String) {
        members.removeAll { $0.key == key }
    }
}

/// The whole file at `path`.
func readFile(_ path: String) throws -> [UInt8] {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw HarnessError("cannot open \(path): \(errnoText())") }
    defer { close(fd) }
    var result: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65_536)
    while true {
        let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
        if count < 0 {
            if errno == EINTR { continue }
            throw HarnessError("cannot read \(path): \(errnoText())")
        }
        if count == 0 { return result }
        result.append(contentsOf: chunk[0..<count])
    }
}
