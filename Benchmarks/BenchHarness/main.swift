#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

// BenchHarness: benchmark and fault soak of the release `bootstrap` (see Benchmarks/README.md).
//
//   BenchHarness --bootstrap PATH [--events 10000] [--seed 1] [--faults 0.1] [--soak] ...
//
// stdout: one JSON line (and, with --soak, a closing "N passed, M failed" line); stderr: one line per check.
// Exit 0 when every correctness check passed (a missed performance target is reported, not failed), 1 when one
// failed, 2 on a usage or set-up error of the harness itself.

struct Options {
    var bootstrapPath = ""
    var events = 10_000
    var seed: UInt64 = 1
    var faultRate = 0.0
    var soak = false
    var deadlineMilliseconds = 30_000
    var payloadPath = ""
    var zipPath = "dist/pid-mode-rule-linux-x86_64.zip"
    var logPath = ""
    var logLevel = "WARN"
    var wrapper: [String] = []
    var extraEnvironment: [(String, String)] = []
    var verifySignatures = true
    var quiet = false
    /// Extra spawn → first /next measurements before the main run (startMs is the median with the main run's).
    var startSamples = 4
    /// CloudFormation hook events interleaved with the change events (0: none).
    var hookEvents = 0
    var hookPayloadPath = "events/hook-create-host.json"

    static let usage = """
        usage: BenchHarness --bootstrap PATH [--events N] [--seed S] [--faults P] [--soak] [--deadline-ms MS]
                            [--payload FILE] [--zip FILE] [--log FILE] [--log-level LEVEL] [--wrap ARG]...
                            [--env NAME=VALUE]... [--start-samples K] [--no-verify-signatures] [--quiet]
                            [--hook-events N] [--hook-payload FILE]
        """

    static func parse(_ arguments: [String]) throws -> Options {
        var options = Options()
        var index = 0
        func value(_ name: String) throws -> String {
            index += 1
            guard index < arguments.count else { throw HarnessError("\(name) needs a value\n\(usage)") }
            return arguments[index]
        }
        while index < arguments.count {
            let argument = arguments[index]
            switch argument {
            case "--bootstrap": options.bootstrapPath = try value(argument)
            case "--events":
                guard let count = Int(try value(argument)), count > 0 else { throw HarnessError("--events: a positive integer") }
                options.events = count
            case "--seed":
                guard let seed = UInt64(try value(argument)) else { throw HarnessError("--seed: an unsigned integer") }
                options.seed = seed
            case "--faults":
                guard let rate = Double(try value(argument)), rate >= 0, rate < 1 else { throw HarnessError("--faults: a rate in [0, 1)") }
                options.faultRate = rate
            case "--soak": options.soak = true
            case "--deadline-ms":
                guard let milliseconds = Int(try value(argument)), milliseconds >= 1_000 else {
                    throw HarnessError("--deadline-ms: at least 1000")
                }
                options.deadlineMilliseconds = milliseconds
            case "--payload": options.payloadPath = try value(argument)
            case "--zip": options.zipPath = try value(argument)
            case "--log": options.logPath = try value(argument)
            case "--log-level": options.logLevel = try value(argument)
            case "--wrap": options.wrapper.append(try value(argument))
            case "--env":
                let pair = try value(argument)
                guard let equals = pair.firstIndex(of: "=") else { throw HarnessError("--env: NAME=VALUE") }
                options.extraEnvironment.append((String(pair[..<equals]), String(pair[pair.index(after: equals)...])))
            case "--hook-events":
                guard let count = Int(try value(argument)), count >= 0 else { throw HarnessError("--hook-events: 0 or more") }
                options.hookEvents = count
            case "--hook-payload": options.hookPayloadPath = try value(argument)
            case "--no-verify-signatures": options.verifySignatures = false
            case "--quiet": options.quiet = true
            case "--start-samples":
                guard let count = Int(try value(argument)), count >= 0 else { throw HarnessError("--start-samples: 0 or more") }
                options.startSamples = count
            case "-h", "--help":
                print(usage)
                exit(0)
            default:
                if options.bootstrapPath.isEmpty && !argument.hasPrefix("-") {
                    options.bootstrapPath = argument
                } else {
                    throw HarnessError("unknown argument \(argument)\n\(usage)")
                }
            }
            index += 1
        }
        guard !options.bootstrapPath.isEmpty else { throw HarnessError("--bootstrap PATH is required\n\(usage)") }
        guard access(options.bootstrapPath, X_OK) == 0 else { throw HarnessError("\(options.bootstrapPath) is not executable") }
        if options.faultRate > 0 { options.soak = true }
        if options.payloadPath.isEmpty {
            let testdata = getenv("PIDMODE_SHARED_TESTDATA").map { String(cString: $0) } ?? "../shared/testdata"
            options.payloadPath = testdata + "/payloads/derived_change-notification_ecs-taskdef_pidmode-host.json"
        }
        if options.logPath.isEmpty {
            options.logPath = "/tmp/bench-harness-bootstrap-\(getpid()).log"
        }
        return options
    }
}

signal(SIGPIPE, SIG_IGN)

let options: Options
do {
    options = try Options.parse(Array(CommandLine.arguments.dropFirst()))
} catch {
    log("\(error)")
    exit(2)
}

let events: [PlannedEvent]
do {
    let started = monotonicNanoseconds()
    let changeEvents = try EventPlan.build(templatePath: options.payloadPath, count: options.events, seed: options.seed)
    let hookEvents = options.hookEvents == 0
        ? [] : try EventPlan.buildHooks(templatePath: options.hookPayloadPath, count: options.hookEvents, seed: options.seed)
    events = EventPlan.interleave(changeEvents, hookEvents)
    if !options.quiet {
        log("\(events.count) events (\(hookEvents.count) hook) built in \((monotonicNanoseconds() - started) / 1_000_000) ms from \(options.payloadPath)")
    }
} catch {
    log("\(error)")
    exit(2)
}

let binary = BinaryFacts.measure(binaryPath: options.bootstrapPath, zipPath: options.zipPath)
let harness = Harness(events: events, options: options)
var startSamples: [Double] = []
do {
    for _ in 0..<options.startSamples {
        if let milliseconds = try harness.sampleStart() { startSamples.append(milliseconds) }
    }
    try harness.run()
} catch {
    log("\(error)")
    exit(2)
}
let report = Report(harness: harness, options: options, binary: binary, extraStartSamples: startSamples)
if !options.quiet {
    log("stopped: \(harness.stopReason); bootstrap log: \(harness.logPath)")
    if let files = harness.residentBreakdown?.files {
        log("largest resident files (kB): " + files.map { "\($0.0.split(separator: "/").last ?? "")=\($0.1)" }.joined(separator: " "))
    }
    for line in report.checks.lines {
        log(line)
    }
}
// An empty bootstrap log (the usual case at WARN without faults) is not worth keeping.
var logStatus = stat()
if stat(harness.logPath, &logStatus) == 0 && logStatus.st_size == 0 {
    unlink(harness.logPath)
}
print(report.json)
if options.soak {
    print("\(report.checks.passed) passed, \(report.checks.failed) failed")
}
exit(report.checks.failed == 0 ? 0 : 1)
