/// What kind of invocation the metrics describe: the `Mode` dimension.
public enum InvocationMode: String, Sendable, CaseIterable {
    /// A Config change or oversized-change notification (also ignored and malformed Config events).
    case change
    /// A periodic sweep (`ScheduledNotification`).
    case sweep
    /// A CloudFormation Lambda Hook invocation.
    case hook
}
