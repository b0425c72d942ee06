import AWSClient
import ConfigRule
import DeployHook
import LambdaRuntime
import Metrics

/// Adapts both front doors to the runtime loop: routes each payload by ``EventShape``; hands the invocation's
/// deadline, trace id, logger and metrics to the front door; turns a ``ConfigRuleError`` into the Lambda error document
/// (`errorType` such as `ConfigRule.MalformedEvent`). A hook event always gets its hook result through `/response`.
/// The invocation's metric line (mode `change`, `sweep` or `hook`) is written before the loop answers.
struct EventRouter: LambdaHandler {
    let rule: ConfigRuleHandler
    let hook: HookHandler
    let metrics: MetricsPublisher

    func handle(_ event: [UInt8], context: LambdaContext) -> Result<[UInt8], ErrorResponse> {
        let shape = EventShape(payload: event)
        // A hook event's metrics start in hook mode; a Config event's in change mode (the rule handler switches to
        // sweep when it finds a periodic notification).
        let recorder: InvocationMetrics
        if case .hook = shape { recorder = InvocationMetrics(mode: .hook) } else { recorder = InvocationMetrics(mode: .change) }
        let callContext = CallContext(
            deadlineMilliseconds: context.deadlineMilliseconds,
            traceID: context.traceID,
            logger: context.logger,
            metrics: recorder
        )
        let outcome: Result<[UInt8], ErrorResponse>
        switch shape {
        case .hook(let object):
            var hookContext = callContext
            hookContext.logger = context.logger.with("mode", .string(InvocationMode.hook.rawValue))
            outcome = .success(hook.handle(event: object, context: hookContext).jsonBody())
        case .config(let document):
            outcome = Self.lambdaOutcome(rule.handle(event: document, eventBytes: event.count, context: callContext))
        case .unparsed:
            outcome = Self.lambdaOutcome(rule.handle(event: event, context: callContext))
        }
        metrics.publish(recorder, outcome: outcome, requestID: context.requestID)
        return outcome
    }

    private static func lambdaOutcome(_ outcome: Result<[UInt8], ConfigRuleError>) -> Result<[UInt8], ErrorResponse> {
        outcome.mapError { error in ErrorResponse(errorType: error.errorType, errorMessage: error.message) }
    }
}

extension MetricsPublisher {
    /// Records a failed `outcome`'s error type, then writes the metric line(s). For every front door's adapter.
    func publish(_ recorder: InvocationMetrics, outcome: Result<[UInt8], ErrorResponse>, requestID: String) {
        if case .failure(let error) = outcome { recorder.recordFailure(errorType: error.errorType) }
        publish(recorder, requestID: requestID)
    }
}
