import AWSClient
import ExceptionsSource
import JSON
import Metrics
import PidModePolicy
import StructuredLogging

/// The CloudFormation Lambda Hook front door (rule-semantics §9): a hook event in, the hook result out.
///
/// Decides `AWS::ECS::TaskDefinition` creates and updates with the shared policy under the proposed reading, applies
/// the exceptions registry to a verdict that would fail, and never fails the invocation: every outcome, an unreadable
/// event included, is a hook result for `/response`. Makes no AWS call except the registry read, never a Config call.
public struct HookHandler {
    private let region: String
    private let exceptions: ExceptionsReader?

    /// - Parameters:
    ///   - region: the function's region, matched against an exception's `regions`.
    ///   - exceptions: reads the registry named by `PIDMODE_EXCEPTIONS_PARAMETER` (evaluation time: now); `nil`, or a
    ///     reader without that parameter, means no registry and no AWS call at all.
    public init(region: String, exceptions: ExceptionsReader? = nil) {
        self.region = region
        self.exceptions = exceptions
    }

    /// Answers one hook event (a JSON object with `hookTypeName` and/or `requestData`). Blocks until the registry
    /// read, if any, is finished. Counts `HookAllows` / `HookDenies` (and exemptions) into `context.metrics`.
    public func handle(event: JSONObject, context: CallContext) -> HookResult {
        let started = WallClock.monotonicNanoseconds()
        let result: HookResult
        var logger = context.logger
        do throws(DeployHookError) {
            let hookEvent = try HookEvent(event)
            if let logicalID = hookEvent.logicalID { logger = logger.with("logicalId", .string(logicalID)) }
            var scoped = context
            scoped.logger = logger
            result = try decide(hookEvent, context: scoped)
        } catch {
            result = .failed(.internalFailure, error.message, token: HookEvent.clientRequestToken(of: event))
        }
        let fields: KeyValuePairs<String, LogValue> = [
            "hookStatus": .string(result.status.rawValue), "errorCode": .string(result.errorCode?.rawValue ?? "-"),
            "durationMs": .double(Double(WallClock.monotonicNanoseconds() - started) / 1e6),
        ]
        context.metrics.count(result.status == .success ? .hookAllows : .hookDenies)
        if result.errorCode == .internalFailure {
            logger.error("hook could not decide: \(result.message)", fields)
        } else {
            logger.info("hook decided", fields)
        }
        return result
    }

    /// Parses `payload` and answers it: for callers holding bytes (a payload that is not a JSON object is an
    /// unreadable hook event).
    public func handle(payload: [UInt8], context: CallContext) -> HookResult {
        let document: JSONValue
        do {
            document = try JSONParser.parse(payload)
        } catch {
            return .failed(.internalFailure, DeployHookError.malformed("event", "is not JSON (\(error))").message, token: .null)
        }
        guard let object = document.objectValue else {
            return .failed(.internalFailure, DeployHookError.malformed("event", "must be a JSON object, not \(document.typeName)").message, token: .null)
        }
        return handle(event: object, context: context)
    }

    private func decide(_ event: HookEvent, context: CallContext) throws(DeployHookError) -> HookResult {
        let token = event.clientRequestToken
        switch event.target {
        case .notEvaluated(let what):
            context.logger.warn("hook target not evaluated", ["target": .string(what)])
            return .success(HookMessage.notEvaluated(what), token: token)
        case .taskDefinitionDeletion:
            return .success(HookMessage.deletion(logicalID: event.logicalID), token: token)
        case .taskDefinition(let properties):
            let subject = HookSubject(logicalID: event.logicalID, properties: properties)
            let decision = subject.decision
            guard decision.verdict != .compliant else {
                return .success(HookMessage.allowed(subject, decision), token: token)
            }
            let source = exceptions?.source(
                parameterName: nil, now: nil, maxExceptionDays: ExceptionRegistry.defaultMaxExceptionDays, context: context
            )
            guard let source else {
                return .failed(.nonCompliant, HookMessage.denied(subject, decision), token: token)
            }
            let match: ExceptionMatch
            do {
                match = try source.match(ExceptionSubject(family: subject.family, revision: nil, accountID: event.accountID, region: region))
            } catch {
                throw DeployHookError(.exceptionsUnavailable, error.description)
            }
            switch match {
            case .none:
                return .failed(.nonCompliant, HookMessage.denied(subject, decision), token: token)
            case .active(let exception):
                context.metrics.count(.exceptionsExempted)
                context.logger.info("hook exemption applied", ["exceptionId": .string(exception.id)])
                return .success(HookMessage.exempt(subject, decision, exception), token: token)
            case .expired(let exception):
                context.metrics.count(.exceptionsExpired)
                context.logger.warn("exception expired", ["exceptionId": .string(exception.id), "expires": .string(exception.expires.text)])
                return .failed(.nonCompliant, HookMessage.expired(subject, decision, exception), token: token)
            }
        }
    }
}

@available(*, unavailable)
extension HookHandler: Sendable {}
