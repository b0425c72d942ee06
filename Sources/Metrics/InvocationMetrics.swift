import Synchronization

/// The counts of one invocation, filled in by whoever sees them happen (front doors, the AWS client's retry loop) and
/// written as one Embedded Metric Format line before the invocation is answered.
///
/// Thread-safe: a concurrent sweep may count from several threads. A reference type, so that every copy of the
/// invocation's `CallContext` counts into the same place.
///
/// ```swift
/// context.metrics.count(.hookDenies)               // +1
/// context.metrics.count(.exceptionsExempted, by: n)
/// context.metrics.setMode(.sweep)
/// ```
public final class InvocationMetrics: Sendable {
    /// A metric and its value, in the order metrics were first recorded.
    public struct Value: Sendable, Equatable {
        public var metric: MetricName
        public var value: Double
    }

    /// A handful of metrics per invocation: a linear search finds one faster than hashing its name would.
    private struct State {
        var mode: InvocationMode
        var values: [Value]
        var errorType: String?

        func position(of metric: MetricName) -> Int? {
            values.firstIndex { $0.metric == metric }
        }
    }

    private let state: Mutex<State>

    /// A recorder for one invocation in `mode`, with the counts every invocation of that mode reports already at 0
    /// (so each mode's line always has the same metrics, and a sum over a period is a true count).
    public init(mode: InvocationMode = .change) {
        // The baseline starts with `Invocations`, so its 1 goes there.
        var values = Self.baseline(for: mode).map { Value(metric: $0, value: 0) }
        values[0].value = 1
        state = Mutex(State(mode: mode, values: values))
    }

    /// The mode once known (a Config event turns out to be a sweep). Metrics the new
    /// mode always reports are added at 0; metrics already recorded are kept.
    public func setMode(_ mode: InvocationMode) {
        state.withLock { state in
            let previous = state.mode
            state.mode = mode
            Self.resetBaseline(&state, previousMode: previous)
        }
    }

    public var mode: InvocationMode { state.withLock { $0.mode } }

    /// Adds `amount` (default 1) to `metric`.
    public func count(_ metric: MetricName, by amount: Int = 1) {
        state.withLock { Self.add(&$0, metric, Double(amount)) }
    }

    /// Sets `metric` to `value` (a duration, a size, a 0/1 flag).
    public func set(_ metric: MetricName, _ value: Double) {
        state.withLock { state in
            if let position = state.position(of: metric) {
                state.values[position].value = value
            } else {
                Self.add(&state, metric, value)
            }
        }
    }

    /// Marks the invocation failed with `errorType` (the Lambda error document's `errorType`): `Failures` becomes 1
    /// and the line also publishes `Failures` under the `ErrorType` dimension. In sweep mode `SweepSucceeded` is 0.
    public func recordFailure(errorType: String) {
        state.withLock { state in
            state.errorType = errorType
            if let position = state.position(of: .failures) { state.values[position].value = 1 } else { Self.add(&state, .failures, 1) }
            if let position = state.position(of: .sweepSucceeded) { state.values[position].value = 0 }
        }
    }

    /// The error type recorded by ``recordFailure(errorType:)``, else `nil`.
    public var errorType: String? { state.withLock { $0.errorType } }

    /// Every recorded metric with its value, in first-recorded order.
    public var values: [Value] { state.withLock { $0.values } }

    /// Mode, values and error type read together (one lock), for writing the line.
    var snapshot: (mode: InvocationMode, values: [Value], errorType: String?) {
        state.withLock { ($0.mode, $0.values, $0.errorType) }
    }

    /// The value of `metric`, `nil` when it was never recorded.
    public func value(of metric: MetricName) -> Double? {
        state.withLock { state in state.position(of: metric).map { state.values[$0].value } }
    }

    /// The metrics every invocation of `mode` reports, at 0 until counted.
    public static func baseline(for mode: InvocationMode) -> [MetricName] {
        switch mode {
        case .change: changeBaseline
        case .sweep: sweepBaseline
        case .hook: hookBaseline
        }
    }

    // Built once: every invocation starts from one of them. `Invocations` comes first (see `init`).
    private static let commonBaseline: [MetricName] = [.invocations, .failures, .awsCalls, .awsRetries, .awsThrottles]
    private static let changeBaseline = commonBaseline + [.evaluationsCompliant, .evaluationsNonCompliant, .evaluationsNotApplicable]
    private static let sweepBaseline = commonBaseline + [
        .evaluationsCompliant, .evaluationsNonCompliant, .evaluationsNotApplicable, .sweepInventorySize, .sweepDuration,
        .sweepSucceeded,
    ]
    private static let hookBaseline = commonBaseline + [.hookAllows, .hookDenies]

    /// Adds the baseline of the current mode; drops the previous mode's baseline metrics that the new mode does not
    /// report and that are still 0 (a Config event found to be a hook carries no evaluation counts).
    private static func resetBaseline(_ state: inout State, previousMode: InvocationMode) {
        let wanted = baseline(for: state.mode)
        if previousMode != state.mode {
            let stale = baseline(for: previousMode).filter { !wanted.contains($0) }
            state.values.removeAll { stale.contains($0.metric) && $0.value == 0 }
        }
        for metric in wanted where state.position(of: metric) == nil {
            add(&state, metric, 0)
        }
    }

    private static func add(_ state: inout State, _ metric: MetricName, _ amount: Double) {
        if let position = state.position(of: metric) {
            state.values[position].value += amount
        } else {
            state.values.append(Value(metric: metric, value: amount))
        }
    }
}
