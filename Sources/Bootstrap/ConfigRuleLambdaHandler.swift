import AWSClient
import ConfigRule
import LambdaRuntime
import Metrics

/// Adapts the Config rule to the runtime loop: the invocation's deadline, trace id, logger and metrics go in, and a
/// ``ConfigRuleError`` comes out as the Lambda error document (`errorType` such as `ConfigRule.MalformedEvent`).
/// The invocation's metric line is written before the loop answers.
struct ConfigRuleLambdaHandler: LambdaHandler {
    let rule: ConfigRuleHandler
    let metrics: MetricsPublisher

    func handle(_ event: [UInt8], context: LambdaContext) -> Result<[UInt8], ErrorResponse> {
        let recorder = InvocationMetrics(mode: .change)
        let callContext = CallContext(
            deadlineMilliseconds: context.deadlineMilliseconds,
            traceID: context.traceID,
            logger: context.logger,
            metrics: recorder
        )
        let outcome = rule.handle(event: event, context: callContext).mapError { error in
            ErrorResponse(errorType: error.errorType, errorMessage: error.message)
        }
        metrics.publish(recorder, outcome: outcome, requestID: context.requestID)
        return outcome
    }
}

extension MetricsPublisher {
    /// Records a failed `outcome`'s error type, then writes the metric line(s). For every front door's adapter.
    func publish(_ recorder: InvocationMetrics, outcome: Result<[UInt8], ErrorResponse>, requestID: String) {
        if case .failure(let error) = outcome { recorder.recordFailure(errorType: error.errorType) }
        publish(recorder, requestID: requestID)
    }
}
