#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Publishes each invocation's trace header as `_X_AMZN_TRACE_ID` without leaking memory.
///
/// glibc's `setenv` never frees a value it replaces (and records it in a search tree), so calling it with a new,
/// unique trace id per invocation grows the heap forever. Instead this owns one `NAME=value` buffer, installs it with
/// `putenv` (which keeps the pointer, not a copy) and frees the previous buffer once it is no longer in `environ`.
/// Not thread-safe: owned by the runtime loop, the only writer of the variable.
final class TraceEnvironment {
    private let name: String
    private var installed: UnsafeMutablePointer<CChar>?

    init(name: String = RuntimeAPIWire.traceEnvironmentVariable) {
        self.name = name
    }

    /// Sets the variable to `traceID`, or removes it when the invocation carried none (so no trace id leaks into the
    /// next invocation).
    func export(_ traceID: String?) {
        let previous = installed
        if let traceID, let entry = strdup("\(name)=\(traceID)") {
            putenv(entry)
            installed = entry
        } else {
            unsetenv(name)
            installed = nil
        }
        free(previous)
    }

    deinit {
        if installed != nil {
            unsetenv(name)
            free(installed)
        }
    }
}

@available(*, unavailable)
extension TraceEnvironment: Sendable {}
