import AWSClient
import JSON
import PidModePolicy
import StructuredLogging

/// The exceptions registry of ONE invocation (rule-semantics §8), read from its SSM parameter lazily and at most once.
///
/// Contract for every front door:
/// - Ask only for a verdict that would fail (Config `NON_COMPLIANT`, hook `FAILED`): the first ``match(_:)`` (or
///   ``registry()``) makes the one `GetParameter{Name, WithDecryption: true}` call; an invocation that never asks
///   makes no SSM call and cannot fail on the registry.
/// - The outcome is kept for the rest of the invocation, failures included (no second call, no cache across
///   invocations: make a new source per invocation, see ``ExceptionsReader``).
/// - The call is signed with the function's own credentials and region whatever `context.credentials` says.
/// - Each invalid entry is logged once, at WARN, naming the parameter, the entry's `id` (or index) and the field; it
///   exempts nothing.
/// - A registry that can't be used throws ``ExceptionsUnavailable``: fail the invocation (or the hook), never decide
///   as if there were no exceptions.
///
/// Not thread-safe; blocking.
public final class ExceptionsSource {
    /// The SSM parameter name or ARN.
    public let parameterName: String
    /// The evaluation time, epoch milliseconds: expiries and `MaxExceptionDays` are judged at this instant.
    public let now: Int64
    public let maxExceptionDays: Int
    private let ssm: SSMClient?
    private let context: CallContext
    private var loaded: Result<ExceptionRegistry, ExceptionsUnavailable>?

    /// Prefer ``ExceptionsReader/source(parameterName:now:maxExceptionDays:context:)``, which resolves the parameter
    /// name and the time.
    public init(parameterName: String, ssm: SSMClient?, now: Int64, maxExceptionDays: Int, context: CallContext) {
        self.parameterName = parameterName
        self.ssm = ssm
        self.now = now
        self.maxExceptionDays = maxExceptionDays
        var own = context
        own.credentials = nil  // the registry is the security team's, in the function's own account
        self.context = own
    }

    /// Whether the parameter has been read (successfully or not) in this invocation.
    public var hasRead: Bool { loaded != nil }

    /// The decoded registry: read and validated on the first call, the same result afterwards.
    /// - Throws: ``ExceptionsUnavailable`` naming the parameter and the problem.
    public func registry() throws(ExceptionsUnavailable) -> ExceptionRegistry {
        if loaded == nil { loaded = read() }
        switch loaded {
        case .success(let registry)?: return registry
        case .failure(let error)?: throw error
        case nil: throw ExceptionsUnavailable(parameterName: parameterName, problem: "not read")
        }
    }

    /// The exception deciding a failing verdict for `subject` at ``now``: `.active` (exempt: report the exemption
    /// text), `.expired` (still failing: name the lapse) or `.none`.
    /// - Throws: ``ExceptionsUnavailable`` when the registry can't be used.
    public func match(_ subject: ExceptionSubject) throws(ExceptionsUnavailable) -> ExceptionMatch {
        try registry().match(subject, now: now)
    }

    private func read() -> Result<ExceptionRegistry, ExceptionsUnavailable> {
        let logger = context.logger.with("exceptionsParameter", .string(parameterName))
        guard let ssm else {
            return .failure(ExceptionsUnavailable(parameterName: parameterName, problem: "no SSM client is configured"))
        }
        let parameter: SSMParameter
        do {
            parameter = try ssm.getParameter(name: parameterName, context: context)
        } catch {
            return .failure(ExceptionsUnavailable(parameterName: parameterName, problem: error.description, awsError: error))
        }
        let registry: ExceptionRegistry
        do {
            registry = try ExceptionRegistry.decode(Array(parameter.value.utf8), now: now, maxExceptionDays: maxExceptionDays)
        } catch {
            let version = parameter.version.map { " (version \($0))" } ?? ""
            return .failure(ExceptionsUnavailable(parameterName: parameterName, problem: "its value\(version) \(error.problem)"))
        }
        for problem in registry.problems {
            logger.warn("invalid exception ignored: \(problem)", [
                "exceptionId": .string(problem.entry), "exceptionIndex": .int(problem.index), "field": .string(problem.field),
            ])
        }
        logger.info("exceptions registry read", [
            "version": .string(parameter.version.map { String($0) } ?? "unknown"), "valid": .int(registry.exceptions.count),
            "invalid": .int(registry.problems.count),
        ])
        return .success(registry)
    }
}

@available(*, unavailable)
extension ExceptionsSource: Sendable {}
