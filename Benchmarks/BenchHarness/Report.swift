import Foundation
import JSON
import SigV4

/// Named invariant checks: each passes, or fails with a count and a few examples.
struct Checks {
    private(set) var order: [String] = []
    private var failures: [String: Int] = [:]
    private var examples: [String: [String]] = [:]

    mutating func declare(_ name: String) {
        if failures[name] == nil {
            order.append(name)
            failures[name] = 0
        }
    }

    mutating func fail(_ name: String, _ example: @autoclosure () -> String) {
        declare(name)
        failures[name, default: 0] += 1
        if examples[name, default: []].count < 3 { examples[name, default: []].append(example()) }
    }

    func failureCount(_ name: String) -> Int { failures[name] ?? 0 }
    var passed: Int { order.filter { failures[$0] == 0 }.count }
    var failed: Int { order.count - passed }

    /// `PASS name` / `FAIL name (n): example; example` lines.
    var lines: [String] {
        order.map { name in
            let count = failures[name] ?? 0
            if count == 0 { return "PASS \(name)" }
            return "FAIL \(name) (\(count)): " + (examples[name] ?? []).joined(separator: " | ")
        }
    }

    var failureSummaries: [String] {
        order.compactMap { name in
            let count = failures[name] ?? 0
            guard count > 0 else { return nil }
            return "\(name) (\(count)): " + (examples[name] ?? []).prefix(1).joined()
        }
    }
}

/// Turns what the harness recorded into the one-line JSON report, checking every invariant off the clock.
struct Report {
    let json: String
    let checks: Checks

    static let targets: [(String, Double)] = [
        ("startMs", 10), ("p50Ms", 0.5), ("p99Ms", 1), ("peakRSSMB", 15), ("zipMB", 8),
    ]
    /// With `--hook-events`: the hook decision's p99 (no AWS call without an exceptions registry).
    static let hookTargets: [(String, Double)] = [("hookP99Ms", 1)]

    // Check names (declared up front so a clean run lists them all as passed).
    static let cStart = "bootstrap reached /next and reported no init error"
    static let cAlive = "bootstrap never exited on its own"
    static let cAnsweredOnce = "every dispatched event answered exactly once"
    static let cAllRun = "every planned event dispatched (no hang, no stall)"
    static let cFinalNext = "bootstrap polled /next again after the last answer"
    static let cOneAtATime = "no /next before the previous answer, no stray answers, no malformed requests"
    static let cErrorType = "every /error has errorType ConfigRule.* (body and header agree)"
    static let cNoErrorsClean = "no /error when no faults are injected"
    static let cDelivered = "every /response'd event had its evaluation accepted"
    static let cEvaluation = "every evaluation sent matches the expected result"
    static let cResponseBody = "every /response body summarises its one evaluation"
    static let cAfterAnswer = "no Config call after its invocation's answer (or outside any invocation)"
    static let cOwnInvocation = "every Config call carries its own invocation's trace id and result token"
    static let cWire = "every Config call is POST / PutEvaluations, awsJson1_1, one evaluation"
    static let cSigV4Form = "SigV4 Authorization well-formed (scope, signed headers, token, date)"
    static let cSigV4Valid = "SigV4 signature recomputes (project SigV4 module)"
    static let cOneCall = "exactly one PutEvaluations call per event when no faults are injected"
    static let cHookResult = "every hook event answered /response with the §9 hook result (status, errorCode, echoed token, message)"
    static let cHookNoCall = "no AWS call during a hook invocation"

    init(harness: Harness, options: Options, binary: BinaryFacts, extraStartSamples: [Double]) {
        var checks = Checks()
        for name in [
            Self.cStart, Self.cAlive, Self.cAllRun, Self.cAnsweredOnce, Self.cFinalNext, Self.cOneAtATime, Self.cErrorType,
            Self.cDelivered, Self.cEvaluation, Self.cResponseBody, Self.cAfterAnswer, Self.cOwnInvocation, Self.cWire,
            Self.cSigV4Form,
        ] {
            checks.declare(name)
        }
        if options.verifySignatures { checks.declare(Self.cSigV4Valid) }
        let hookCount = harness.events.filter { $0.kind.isHook }.count
        if hookCount > 0 {
            checks.declare(Self.cHookResult)
            checks.declare(Self.cHookNoCall)
        }
        let clean = options.faultRate == 0
        if clean {
            checks.declare(Self.cNoErrorsClean)
            checks.declare(Self.cOneCall)
        }

        let events = harness.events
        var traceIndex: [String: Int] = [:]
        var tokenIndex: [String: Int] = [:]
        for event in events {
            traceIndex[event.traceID] = event.index
            tokenIndex[event.resultToken] = event.index
        }

        // Start-up and process.
        if harness.firstNextNanoseconds == nil { checks.fail(Self.cStart, "no /next received (\(harness.stopReason))") }
        for text in harness.initErrors { checks.fail(Self.cStart, "init error: \(text)") }
        if let exit = harness.unexpectedExit { checks.fail(Self.cAlive, "\(exit); see \(harness.logPath)") }
        if harness.dispatchedCount < events.count || harness.answeredCount < events.count {
            checks.fail(Self.cAllRun, "\(harness.answeredCount)/\(events.count) answered; stopped: \(harness.stopReason)")
        }
        if harness.answeredCount == events.count && !harness.finalNextSeen {
            checks.fail(Self.cFinalNext, harness.stopReason)
        }
        if harness.nextWhileInFlight > 0 { checks.fail(Self.cOneAtATime, "\(harness.nextWhileInFlight) /next while an invocation was in flight") }
        for id in harness.strayAnswers.prefix(5) { checks.fail(Self.cOneAtATime, "answer for unknown or undispatched request id \(id)") }
        for text in harness.protocolErrors.prefix(5) { checks.fail(Self.cOneAtATime, text) }

        // Config calls, one by one.
        var accepted = Array(repeating: 0, count: events.count)
        var callsPerEvent = Array(repeating: 0, count: events.count)
        var mismatchedEvents = Set<Int>()
        var callsAfterAnswer = 0
        var signaturesChecked = 0
        var signaturesValid = 0
        let signer = SigV4Signer(
            credentials: SigV4.Credentials(
                accessKeyID: BenchCredentials.accessKeyID, secretAccessKey: BenchCredentials.secretAccessKey,
                sessionToken: BenchCredentials.sessionToken),
            region: BenchCredentials.region, service: "config")
        for call in harness.configCalls {
            let headers = HTTPParse.headers(call.head)
            let trace = String.header("X-Amzn-Trace-Id", in: headers)
            let parsed = try? JSONParser.parse(call.body)
            let token = parsed?["ResultToken"]?.stringValue
            let byTrace = trace.flatMap { traceIndex[$0] }
            let byToken = token.flatMap { tokenIndex[$0] }
            let index = call.inFlight ?? byTrace ?? byToken

            if call.inFlight == nil {
                checks.fail(Self.cAfterAnswer, "Config call #\(call.seq) while no invocation was in flight (trace \(trace ?? "none"))")
            }
            for owner in Set([byTrace, byToken].compactMap { $0 }) {
                if let answer = harness.answers[owner].first, answer.seq < call.seq {
                    callsAfterAnswer += 1
                    checks.fail(Self.cAfterAnswer, "Config call #\(call.seq) for event \(owner) after its answer #\(answer.seq)")
                }
            }
            if byTrace == nil || byTrace != call.inFlight {
                checks.fail(Self.cOwnInvocation, "call #\(call.seq): X-Amzn-Trace-Id \(trace ?? "missing") is not that of event \(call.inFlight.map(String.init) ?? "none")")
            }
            if byToken == nil || byToken != call.inFlight {
                checks.fail(Self.cOwnInvocation, "call #\(call.seq): ResultToken \(token ?? "missing") is not that of event \(call.inFlight.map(String.init) ?? "none")")
            }

            // Wire shape.
            if call.method != "POST" || call.path != "/" || call.amzTarget != Harness.putEvaluationsTarget
                || String.header("Content-Type", in: headers) != "application/x-amz-json-1.1"
            {
                checks.fail(Self.cWire, "call #\(call.seq): \(call.method) \(call.path) target \(call.amzTarget ?? "none") content-type \(String.header("Content-Type", in: headers) ?? "none")")
            }
            let evaluations = parsed?["Evaluations"]?.arrayValue
            if parsed == nil || evaluations?.count != 1 {
                checks.fail(Self.cWire, "call #\(call.seq): body is not {Evaluations: [one]}: \(String(decoding: call.body.prefix(200), as: UTF8.self))")
            }
            if let testMode = parsed?["TestMode"], testMode != .bool(false) {
                checks.fail(Self.cWire, "call #\(call.seq): TestMode \(testMode) for a real result token")
            }

            // The evaluation itself, against the variant (every attempt, faulted or not).
            if let index, let evaluations {
                let event = events[index]
                for evaluation in evaluations {
                    if let problem = Self.evaluationProblem(evaluation, expected: event) {
                        mismatchedEvents.insert(index)
                        checks.fail(Self.cEvaluation, "event \(index) (\(event.kind.name), \(event.resourceID)): \(problem)")
                    }
                }
                callsPerEvent[index] += 1
                if call.fault == nil || call.fault!.accepts {
                    accepted[index] += evaluations.isEmpty ? 0 : 1
                }
            }

            // SigV4.
            switch Self.authorizationProblem(headers) {
            case .some(let problem): checks.fail(Self.cSigV4Form, "call #\(call.seq): \(problem)")
            case .none: break
            }
            if options.verifySignatures, let authorization = String.header("Authorization", in: headers),
                let amzDate = String.header("X-Amz-Date", in: headers),
                let signedList = authorization.components(separatedBy: "SignedHeaders=").dropFirst().first?
                    .components(separatedBy: ",").first
            {
                let signedNames = Set(signedList.split(separator: ";").map(String.init))
                let subset = headers.filter { signedNames.contains(asciiLower($0.name)) }
                let (path, query) = Self.splitTarget(call.path)
                let request = SignableRequest(method: call.method, path: path, query: query, headers: subset, body: call.body)
                let expected = signer.authorization(for: request, amzDate: amzDate)
                signaturesChecked += 1
                if expected == authorization {
                    signaturesValid += 1
                } else {
                    checks.fail(Self.cSigV4Valid, "call #\(call.seq): got \(authorization), recomputed \(expected)")
                }
            } else if options.verifySignatures {
                checks.fail(Self.cSigV4Valid, "call #\(call.seq): no Authorization/X-Amz-Date to verify")
            }
        }

        // Events, one by one.
        var latencies: [UInt64] = []
        latencies.reserveCapacity(events.count)
        var hookLatencies: [UInt64] = []
        var delivered = 0
        var errored = 0
        var lost = 0
        var duplicates = 0
        var duplicateAnswers = 0
        var errorTypes: [String: Int] = [:]
        var retriesSeen = 0
        for event in events {
            let index = event.index
            let eventAnswers = harness.answers[index]
            let label = event.kind.isHook ? "hook event \(index)" : "event \(index)"
            if event.kind.isHook {
                if callsPerEvent[index] > 0 {
                    checks.fail(Self.cHookNoCall, "\(label): \(callsPerEvent[index]) AWS call(s)")
                }
            } else {
                retriesSeen += max(0, callsPerEvent[index] - 1)
                duplicates += max(0, accepted[index] - 1)
                if clean && harness.answers[index].first != nil && callsPerEvent[index] != 1 {
                    checks.fail(Self.cOneCall, "\(label): \(callsPerEvent[index]) PutEvaluations calls")
                }
            }
            guard let answer = eventAnswers.first else {
                if harness.dispatchSeq[index] >= 0 {
                    lost += 1
                    checks.fail(Self.cAnsweredOnce, "\(label) dispatched, never answered")
                }
                continue
            }
            if eventAnswers.count > 1 {
                duplicateAnswers += eventAnswers.count - 1
                checks.fail(Self.cAnsweredOnce, "\(label) answered \(eventAnswers.count) times")
            }
            if case .hook(let variant) = event.kind {
                hookLatencies.append(answer.receivedNanoseconds - harness.dispatchNanoseconds[index])
                if answer.isError {
                    errored += 1
                    checks.fail(Self.cHookResult, "\(label): /error \(String(decoding: answer.body.prefix(300), as: UTF8.self))")
                } else if let problem = Self.hookResultProblem(answer.body, expected: event, variant: variant) {
                    mismatchedEvents.insert(index)
                    checks.fail(Self.cHookResult, "\(label) (\(event.kind.name)): \(problem)")
                } else {
                    delivered += 1
                }
                continue
            }
            latencies.append(answer.receivedNanoseconds - harness.dispatchNanoseconds[index])
            if answer.isError {
                errored += 1
                let document = try? JSONParser.parse(answer.body)
                let type = document?["errorType"]?.stringValue ?? "(no errorType)"
                errorTypes[type, default: 0] += 1
                if !type.hasPrefix("ConfigRule.") || (answer.errorTypeHeader != nil && answer.errorTypeHeader != type) {
                    checks.fail(Self.cErrorType, "event \(index): errorType \(type), header \(answer.errorTypeHeader ?? "none")")
                }
                if clean {
                    checks.fail(Self.cNoErrorsClean, "event \(index): \(String(decoding: answer.body.prefix(300), as: UTF8.self))")
                }
            } else {
                delivered += 1
                if accepted[index] == 0 {
                    checks.fail(Self.cDelivered, "event \(index) answered /response but no evaluation was accepted (\(callsPerEvent[index]) calls)")
                }
                if let problem = Self.responseProblem(answer.body, expected: event) {
                    mismatchedEvents.insert(index)
                    checks.fail(Self.cResponseBody, "event \(index): \(problem)")
                }
            }
        }
        self.checks = checks

        // Measurements.
        latencies.sort()
        hookLatencies.sort()
        func percentile(_ p: Double, of sorted: [UInt64]) -> Double? {
            guard !sorted.isEmpty else { return nil }
            let rank = max(1, Int((p * Double(sorted.count)).rounded(.up)))
            return Double(sorted[min(rank, sorted.count) - 1]) / 1e6
        }
        func percentile(_ p: Double) -> Double? { percentile(p, of: latencies) }
        let mainStartMs = harness.firstNextNanoseconds.map { Double($0 - harness.spawnNanoseconds) / 1e6 }
        let startSamples = (extraStartSamples + [mainStartMs].compactMap { $0 }).sorted()
        let startMs = startSamples.isEmpty ? nil : startSamples[(startSamples.count - 1) / 2]  // median (lower)
        let answeredIndices = events.indices.filter { !harness.answers[$0].isEmpty }
        var eventsPerSecond: Double?
        if let first = answeredIndices.first, let last = answeredIndices.last, answeredIndices.count > 1 {
            let span = Double(harness.answers[last][0].receivedNanoseconds - harness.dispatchNanoseconds[first]) / 1e9
            if span > 0 { eventsPerSecond = Double(answeredIndices.count) / span }
        }
        let meanMs = latencies.isEmpty ? nil : Double(latencies.reduce(0, +)) / Double(latencies.count) / 1e6
        let peakRSSMB = harness.memoryKilobytes.map { Double($0.peak) / 1024 }
        let zipMB = binary.zipBytes.map { Double($0) / 1_048_576 }

        var measured: [String: Double] = [:]
        measured["startMs"] = startMs
        measured["p50Ms"] = percentile(0.50)
        measured["p99Ms"] = percentile(0.99)
        measured["peakRSSMB"] = peakRSSMB
        measured["zipMB"] = zipMB
        measured["hookP99Ms"] = percentile(0.99, of: hookLatencies)
        let targetList = Self.targets + (hookCount > 0 ? Self.hookTargets : [])
        var missed: [JSONValue] = []
        var unmeasured: [JSONValue] = []
        for (name, limit) in targetList {
            if let value = measured[name] {
                if value > limit { missed.append(.string(name)) }
            } else {
                unmeasured.append(.string(name))
            }
        }

        var mix = JSONObject()
        for variant in Variant.allCases {
            mix.append(variant.rawValue, .number(String(events.filter { $0.kind == .config(variant) }.count)))
        }
        var hookMix = JSONObject()
        for variant in HookVariant.allCases {
            hookMix.append(variant.rawValue, .number(String(events.filter { $0.kind == .hook(variant) }.count)))
        }
        var faults = JSONObject()
        faults.append("rate", number(options.faultRate, 3))
        faults.append("injected", .number(String(harness.faultCounts.values.reduce(0, +))))
        for kind in FaultKind.allCases {
            faults.append(kind.rawValue, .number(String(harness.faultCounts[kind] ?? 0)))
        }
        var errorTypeObject = JSONObject()
        for (type, count) in errorTypes.sorted(by: { $0.key < $1.key }) {
            errorTypeObject.append(type, .number(String(count)))
        }
        var targets = JSONObject()
        for (name, limit) in targetList {
            targets.append(name, number(limit, 3))
        }

        var out = JSONObject()
        out.append("mode", .string(clean ? (options.soak ? "soak" : "bench") : "soak"))
        out.append("events", .number(String(events.count - hookCount)))  // change events; hook events under "hook"
        out.append("seed", .number(String(options.seed)))
        out.append("mix", .object(mix))
        out.append("startMs", optionalNumber(startMs, 3))
        out.append("startSamplesMs", .array(startSamples.map { number($0, 3) }))
        out.append("p50Ms", optionalNumber(percentile(0.50), 3))
        out.append("p90Ms", optionalNumber(percentile(0.90), 3))
        out.append("p99Ms", optionalNumber(percentile(0.99), 3))
        out.append("maxMs", optionalNumber(latencies.last.map { Double($0) / 1e6 }, 3))
        out.append("meanMs", optionalNumber(meanMs, 3))
        if hookCount > 0 {
            // The hook decision: hook event in (the /next reply written) → hook result received on /response.
            var hook = JSONObject()
            hook.append("events", .number(String(hookCount)))
            hook.append("mix", .object(hookMix))
            hook.append("p50Ms", optionalNumber(percentile(0.50, of: hookLatencies), 3))
            hook.append("p90Ms", optionalNumber(percentile(0.90, of: hookLatencies), 3))
            hook.append("p99Ms", optionalNumber(percentile(0.99, of: hookLatencies), 3))
            hook.append("maxMs", optionalNumber(hookLatencies.last.map { Double($0) / 1e6 }, 3))
            hook.append("meanMs", optionalNumber(
                hookLatencies.isEmpty ? nil : Double(hookLatencies.reduce(0, +)) / Double(hookLatencies.count) / 1e6, 3))
            out.append("hook", .object(hook))
        }
        out.append("firstEventMs", optionalNumber(answeredIndices.first.map {
            Double(harness.answers[$0][0].receivedNanoseconds - harness.dispatchNanoseconds[$0]) / 1e6 }, 3))
        out.append("eventsPerSecond", optionalNumber(eventsPerSecond, 1))
        out.append("peakRSSMB", optionalNumber(peakRSSMB, 2))
        // CPU per change event: the bootstrap's utime + stime over the whole run / events answered.
        out.append("cpuMicrosPerEvent", optionalNumber(harness.cpuSeconds.flatMap { cpu in
            harness.answeredCount > 0 ? cpu / Double(harness.answeredCount) * 1e6 : nil }, 2))
        out.append("endRSSMB", optionalNumber(harness.memoryKilobytes.map { Double($0.current) / 1024 }, 2))
        var growth: JSONValue = .null
        if let early = harness.earlyRSS, let end = harness.memoryKilobytes, harness.answeredCount >= 1_000 {
            let perThousand = Double(end.current - early.kilobytes) * 1_000 / Double(harness.answeredCount - early.afterEvents)
            growth = number(perThousand, 1)
        }
        out.append("rssGrowthKBPer1000Events", growth)
        if let breakdown = harness.residentBreakdown {
            var groups = JSONObject()
            for (name, kilobytes) in breakdown.groups { groups.append(name, .number(String(kilobytes))) }
            out.append("rssBreakdownKB", .object(groups))
        }
        out.append("binaryBytes", optionalInt(binary.binaryBytes))
        out.append("binaryStrippedBytes", optionalInt(binary.strippedBytes))
        out.append("zipBytes", optionalInt(binary.zipBytes))
        out.append("zipOlderThanBinary", binary.zipBytes == nil ? .null : .bool(binary.zipOlderThanBinary))
        out.append("delivered", .number(String(delivered)))
        out.append("errored", .number(String(errored)))
        out.append("mismatches", .number(String(mismatchedEvents.count)))
        out.append("lost", .number(String(lost)))
        out.append("notDispatched", .number(String(events.count - harness.dispatchedCount)))
        out.append("crashes", .number(harness.unexpectedExit == nil ? "0" : "1"))
        out.append("duplicateAnswers", .number(String(duplicateAnswers)))
        out.append("duplicateEvaluations", .number(String(duplicates)))
        out.append("callsAfterAnswer", .number(String(callsAfterAnswer)))
        out.append("configCalls", .number(String(harness.configCalls.count)))
        out.append("retriesSeen", .number(String(retriesSeen)))
        out.append("faults", .object(faults))
        out.append("errorTypes", .object(errorTypeObject))
        out.append("connections", .object(JSONObject([
            "runtime": .number(String(harness.connectionCounts[.runtime] ?? 0)),
            "config": .number(String(harness.connectionCounts[.config] ?? 0)),
        ])))
        out.append("signatures", .object(JSONObject([
            "checked": .number(String(signaturesChecked)), "valid": .number(String(signaturesValid)),
        ])))
        out.append("checks", .object(JSONObject([
            "passed": .number(String(checks.passed)), "failed": .number(String(checks.failed)),
        ])))
        out.append("failures", .array(checks.failureSummaries.map { .string(String($0.prefix(400))) }))
        out.append("stopReason", .string(harness.stopReason))
        // Other work on the machine inflates latency percentiles and start-up: the 1-minute load average at the end.
        if let loadText = try? readFile("/proc/loadavg"), let first = String(decoding: loadText, as: UTF8.self).split(separator: " ").first {
            out.append("loadAverage1m", .number(String(first)))
        }
        // Targets apply to the clean benchmark; with faults, latency includes deliberate backoff.
        if clean {
            out.append("targets", .object(targets))
            out.append("missed", .array(missed))
            out.append("unmeasured", .array(unmeasured))
        }
        json = String(decoding: JSONWriter.serialize(.object(out)), as: UTF8.self)
    }

    // MARK: Expected results

    /// `nil` when `evaluation` is exactly what rule-semantics.md §2 requires for the event, else what differs.
    static func evaluationProblem(_ evaluation: JSONValue, expected event: PlannedEvent) -> String? {
        guard case .config(let variant) = event.kind else { return "PutEvaluations during a hook invocation" }
        guard let object = evaluation.objectValue else { return "evaluation is not an object" }
        var problems: [String] = []
        if object["ComplianceResourceType"]?.stringValue != EventPlan.resourceType {
            problems.append("ComplianceResourceType \(String(describing: object["ComplianceResourceType"]))")
        }
        if object["ComplianceResourceId"]?.stringValue != event.resourceID {
            problems.append("ComplianceResourceId \(String(describing: object["ComplianceResourceId"])) != \(event.resourceID)")
        }
        let compliance = object["ComplianceType"]?.stringValue
        if compliance != variant.expectedCompliance {
            problems.append("ComplianceType \(compliance ?? "missing") != \(variant.expectedCompliance)")
        }
        if let text = object["OrderingTimestamp"]?.numberText, let seconds = Double(text) {
            let milliseconds = Int64((seconds * 1_000).rounded())
            if milliseconds != event.captureEpochMilliseconds {
                problems.append("OrderingTimestamp \(text) != \(Double(event.captureEpochMilliseconds) / 1_000)")
            }
        } else {
            problems.append("OrderingTimestamp not an epoch-seconds number: \(String(describing: object["OrderingTimestamp"]))")
        }
        switch object["Annotation"] {
        case .none:
            if compliance == "NON_COMPLIANT" { problems.append("NON_COMPLIANT without Annotation") }
        case .some(.string(let text)):
            if text.isEmpty || text.utf16.count > 256 { problems.append("Annotation length \(text.utf16.count) outside 1…256") }
        case .some(let other):
            problems.append("Annotation not a string: \(other.typeName)")
        }
        let allowed: Set<String> = ["ComplianceResourceType", "ComplianceResourceId", "ComplianceType", "Annotation", "OrderingTimestamp"]
        for key in object.keys where !allowed.contains(key) {
            problems.append("unknown member \(key)")
        }
        return problems.isEmpty ? nil : problems.joined(separator: "; ")
    }

    /// `nil` when the `/response` body is the handler's summary of exactly this event's one evaluation.
    static func responseProblem(_ body: [UInt8], expected event: PlannedEvent) -> String? {
        guard case .config(let variant) = event.kind else { return "not a Config event" }
        guard let document = try? JSONParser.parse(body), document.objectValue != nil else {
            return "response body is not a JSON object: \(String(decoding: body.prefix(200), as: UTF8.self))"
        }
        if document["evaluationsPut"]?.numberText != "1" {
            return "evaluationsPut \(String(describing: document["evaluationsPut"]))"
        }
        if document["compliance"]?[variant.expectedCompliance]?.numberText != "1" {
            return "compliance \(String(describing: document["compliance"])) lacks \(variant.expectedCompliance): 1"
        }
        if document["messageType"]?.stringValue != "ConfigurationItemChangeNotification" {
            return "messageType \(String(describing: document["messageType"]))"
        }
        return nil
    }

    /// `nil` when the `/response` body is exactly the §9 hook result for this hook event: `hookStatus`, `errorCode`
    /// only when FAILED, the echoed `clientRequestToken`, a 1…1024-unit message naming the logical id, nothing else.
    static func hookResultProblem(_ body: [UInt8], expected event: PlannedEvent, variant: HookVariant) -> String? {
        guard let document = try? JSONParser.parse(body), let object = document.objectValue else {
            return "response body is not a JSON object: \(String(decoding: body.prefix(200), as: UTF8.self))"
        }
        var problems: [String] = []
        if object["hookStatus"]?.stringValue != variant.expectedStatus {
            problems.append("hookStatus \(String(describing: object["hookStatus"])) != \(variant.expectedStatus)")
        }
        if object["errorCode"]?.stringValue != variant.expectedErrorCode {
            problems.append("errorCode \(String(describing: object["errorCode"])) != \(variant.expectedErrorCode ?? "absent")")
        }
        if object["clientRequestToken"]?.stringValue != event.resultToken {
            problems.append("clientRequestToken \(String(describing: object["clientRequestToken"])) != \(event.resultToken)")
        }
        let message = object["message"]?.stringValue ?? ""
        if message.isEmpty || message.utf16.count > 1024 || !message.contains(event.resourceID) {
            problems.append("message \(message.debugDescription) (1…1024 units naming \(event.resourceID))")
        }
        let allowed: Set<String> = ["hookStatus", "errorCode", "message", "clientRequestToken"]
        for key in object.keys where !allowed.contains(key) {
            problems.append("unknown member \(key)")
        }
        return problems.isEmpty ? nil : problems.joined(separator: "; ")
    }

    /// `nil` when the Authorization header and its companions have the SigV4 shape AWS Config expects.
    static func authorizationProblem(_ headers: [(name: String, value: String)]) -> String? {
        guard let authorization = String.header("Authorization", in: headers) else { return "no Authorization header" }
        let prefix = "AWS4-HMAC-SHA256 Credential="
        guard authorization.hasPrefix(prefix) else { return "Authorization does not start with \(prefix)" }
        let parts = authorization.dropFirst(prefix.count).components(separatedBy: ", ")
        guard parts.count == 3, parts[1].hasPrefix("SignedHeaders="), parts[2].hasPrefix("Signature=") else {
            return "Authorization not `Credential=…, SignedHeaders=…, Signature=…`: \(authorization)"
        }
        let scope = parts[0].split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard scope.count == 5, scope[0] == BenchCredentials.accessKeyID, scope[2] == BenchCredentials.region,
            scope[3] == "config", scope[4] == "aws4_request", scope[1].count == 8, scope[1].allSatisfy(\.isNumber)
        else { return "credential scope \(parts[0])" }
        let signed = parts[1].dropFirst("SignedHeaders=".count).split(separator: ";", omittingEmptySubsequences: false).map(String.init)
        if signed != signed.sorted() || Set(signed).count != signed.count || signed.contains(where: { $0 != asciiLower($0) || $0.isEmpty }) {
            return "SignedHeaders not lower-case, sorted, unique: \(parts[1])"
        }
        for required in ["content-type", "host", "x-amz-date", "x-amz-security-token", "x-amz-target"] where !signed.contains(required) {
            return "SignedHeaders lacks \(required)"
        }
        for forbidden in ["x-amzn-trace-id", "user-agent", "connection", "expect", "transfer-encoding"] where signed.contains(forbidden) {
            return "SignedHeaders contains \(forbidden)"
        }
        let headerNames = Set(headers.map { asciiLower($0.name) })
        for name in signed where !headerNames.contains(name) {
            return "signed header \(name) not in the request"
        }
        let signature = parts[2].dropFirst("Signature=".count)
        if signature.count != 64 || !signature.allSatisfy({ ("0"..."9").contains($0) || ("a"..."f").contains($0) }) {
            return "Signature not 64 lower-case hex digits"
        }
        guard let amzDate = String.header("X-Amz-Date", in: headers), amzDate.count == 16, amzDate.hasSuffix("Z"),
            amzDate.dropFirst(8).first == "T", amzDate.prefix(8) == scope[1]
        else { return "X-Amz-Date \(String.header("X-Amz-Date", in: headers) ?? "missing") does not match the scope date \(scope[1])" }
        if String.header("X-Amz-Security-Token", in: headers) != BenchCredentials.sessionToken {
            return "X-Amz-Security-Token missing or not the session token"
        }
        return nil
    }

    static func splitTarget(_ target: String) -> (path: String, query: String) {
        guard let question = target.firstIndex(of: "?") else { return (target, "") }
        return (String(target[..<question]), String(target[target.index(after: question)...]))
    }
}

/// Sizes of what would ship.
struct BinaryFacts {
    var binaryBytes: Int?
    var strippedBytes: Int?
    var zipBytes: Int?
    var zipOlderThanBinary = false

    static func measure(binaryPath: String, zipPath: String) -> BinaryFacts {
        var facts = BinaryFacts()
        let files = FileManager.default
        let binaryAttributes = try? files.attributesOfItem(atPath: binaryPath)
        facts.binaryBytes = (binaryAttributes?[.size] as? NSNumber)?.intValue
        let stripped = NSTemporaryDirectory() + "bench-stripped-\(getpid())"
        let strip = Process()
        strip.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        strip.arguments = ["strip", "-o", stripped, binaryPath]
        strip.standardError = FileHandle.nullDevice
        if (try? strip.run()) != nil {
            strip.waitUntilExit()
            if strip.terminationStatus == 0 {
                facts.strippedBytes = ((try? files.attributesOfItem(atPath: stripped))?[.size] as? NSNumber)?.intValue
            }
        }
        try? files.removeItem(atPath: stripped)
        if let zipAttributes = try? files.attributesOfItem(atPath: zipPath) {
            facts.zipBytes = (zipAttributes[.size] as? NSNumber)?.intValue
            if let zipDate = zipAttributes[.modificationDate] as? Date,
                let binaryDate = binaryAttributes?[.modificationDate] as? Date
            {
                facts.zipOlderThanBinary = zipDate < binaryDate
            }
        }
        return facts
    }
}

func number(_ value: Double, _ digits: Int) -> JSONValue {
    .number(String(format: "%.\(digits)f", value))
}

func optionalNumber(_ value: Double?, _ digits: Int) -> JSONValue {
    value.map { number($0, digits) } ?? .null
}

func optionalInt(_ value: Int?) -> JSONValue {
    value.map { .number(String($0)) } ?? .null
}
