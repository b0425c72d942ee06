import ConfigRule
import CurlHTTP
import DeployHook
import LambdaRuntime
import Metrics
import StructuredLogging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

// Wiring only: environment → Runtime API client → Config rule + deployment hook → loop. Start-up failures go to /runtime/init/error and the
// process exits non-zero; a loop that ends (Runtime API gone or broken) also exits non-zero.

let environment = ProcessEnvironment.current()
let logger = Logger.fromEnvironment(environment)

let runtimeAPIClient: RuntimeAPIClient
do {
    let runtime = try RuntimeEnvironment(environment: environment)
    runtimeAPIClient = RuntimeAPIClient(endpoint: runtime.runtimeAPIEndpoint, session: try CurlSession(), logger: logger)
} catch {
    // Without a Runtime API there is nobody to report to but the log.
    logger.fatal("cannot reach the Lambda Runtime API: \(error)")
    exit(1)
}

let ruleHandler: ConfigRuleHandler
let hookHandler: HookHandler
do throws(ErrorResponse) {
    let exceptions = try Startup.makeExceptionsReader(environment: environment)
    ruleHandler = try Startup.makeRuleHandler(environment: environment, logger: logger, exceptions: exceptions)
    hookHandler = try Startup.makeHookHandler(environment: environment, exceptions: exceptions)
} catch {
    logger.fatal("start-up failed", ["errorType": .string(error.errorType), "errorMessage": .string(error.errorMessage)])
    _ = try? runtimeAPIClient.failInitialization(error: error)
    exit(1)
}

let metricsPublisher: MetricsPublisher
do throws(ErrorResponse) {
    metricsPublisher = try Startup.makeMetricsPublisher(environment: environment)
} catch {
    logger.fatal("start-up failed", ["errorType": .string(error.errorType), "errorMessage": .string(error.errorMessage)])
    _ = try? runtimeAPIClient.failInitialization(error: error)
    exit(1)
}

let loopError = RuntimeLoop(client: runtimeAPIClient, logger: logger)
    .run(handler: EventRouter(rule: ruleHandler, hook: hookHandler, metrics: metricsPublisher))
exit(loopError == nil ? 0 : 1)
