#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A pthread mutex with a condition variable, for the few structures threads share (the periodic sweep's queue and
/// counts, ``RequestGate``); no Foundation, no Dispatch.
public final class Lock: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    public init() {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    public func withLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }

    /// Blocks (releasing the lock) until `condition` holds; call inside ``withLock(_:)``.
    public func wait(until condition: () -> Bool) {
        while !condition() { pthread_cond_wait(self.condition, mutex) }
    }

    /// Blocks (releasing the lock) until woken or the wall clock reaches `epochMilliseconds`; call inside
    /// ``withLock(_:)`` and re-check what you wait for.
    public func wait(untilEpochMilliseconds epochMilliseconds: Int64) {
        var wake = timespec(tv_sec: Int(epochMilliseconds / 1_000), tv_nsec: Int(epochMilliseconds % 1_000) * 1_000_000)
        _ = pthread_cond_timedwait(condition, mutex, &wake)
    }

    /// Wakes every waiter; call inside ``withLock(_:)`` after changing what they wait for.
    public func broadcast() {
        pthread_cond_broadcast(condition)
    }
}

