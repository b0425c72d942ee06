import StructuredLogging

/// Credentials of roles assumed through STS, cached per role until shortly before they expire, so a warm function
/// assumes each member account's role about once per `durationSeconds` rather than once per invocation.
/// Not thread-safe: owned by the runtime loop.
public final class RoleCredentialsProvider {
    private let sts: STSClient
    private let sessionName: String
    private let durationSeconds: Int
    private let refreshMarginMilliseconds: Int64
    private let clock: () -> Int64
    private var cache: [String: AssumedCredentials] = [:]

    public init(
        sts: STSClient,
        sessionName: String = "pid-mode-rule",
        durationSeconds: Int = 900,
        refreshMarginSeconds: Int = 300,
        clock: @escaping () -> Int64 = WallClock.nowMilliseconds
    ) {
        self.sts = sts
        self.sessionName = sessionName
        self.durationSeconds = durationSeconds
        self.refreshMarginMilliseconds = Int64(refreshMarginSeconds) * 1_000
        self.clock = clock
    }

    /// Credentials for `roleARN`: cached ones while they have more than the refresh margin left, else a new
    /// AssumeRole (blocking). - Throws: the AssumeRole failure.
    public func credentials(forRole roleARN: String, context: CallContext) throws(AWSClientError) -> AssumedCredentials {
        if let cached = cache[roleARN], cached.expirationMilliseconds - clock() > refreshMarginMilliseconds {
            return cached
        }
        let fresh = try sts.assumeRole(roleARN: roleARN, sessionName: sessionName, durationSeconds: durationSeconds, context: context)
        cache[roleARN] = fresh
        context.logger.info("role assumed", ["roleArn": .string(roleARN)])
        return fresh
    }
}

@available(*, unavailable)
extension RoleCredentialsProvider: Sendable {}
