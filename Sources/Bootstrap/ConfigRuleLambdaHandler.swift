import AWSClient
import ConfigRule
import LambdaRuntime

/// Adapts the Config rule to the runtime loop: the invocation's deadline, trace id and logger go in, and a
/// ``ConfigRuleError`` comes out as the Lambda error document (`errorType` such as `ConfigRule.MalformedEvent`).
struct ConfigRuleLambdaHandler: LambdaHandler {
    let rule: ConfigRuleHandler

    func handle(_ event: [UInt8], context: LambdaContext) -> Result<[UInt8], ErrorResponse> {
        let callContext = CallContext(
            deadlineMilliseconds: context.deadlineMilliseconds,
            traceID: context.traceID,
            logger: context.logger
        )
        return rule.handle(event: event, context: callContext).mapError { error in
            ErrorResponse(errorType: error.errorType, errorMessage: error.message)
        }
    }
}
