#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A pthread mutex with a condition variable, for the sweep's few shared structures (no Foundation, no Dispatch).
final class Lock: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    init() {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }

    /// Blocks (releasing the lock) until `condition` holds; call inside ``withLock(_:)``.
    func wait(until condition: () -> Bool) {
        while !condition() { pthread_cond_wait(self.condition, mutex) }
    }

    /// Wakes every waiter; call inside ``withLock(_:)`` after changing what they wait for.
    func broadcast() {
        pthread_cond_broadcast(condition)
    }
}

/// Starts `body` on a new POSIX thread; ``join()`` waits for it.
final class WorkerThread: @unchecked Sendable {
    private var thread = pthread_t()
    private let body: () -> Void
    private(set) var started = false

    init(_ body: @escaping () -> Void) {
        self.body = body
        let context = Unmanaged.passRetained(self).toOpaque()
        started = pthread_create(&thread, nil, { context in
            guard let context else { return nil }
            Unmanaged<WorkerThread>.fromOpaque(context).takeRetainedValue().body()
            return nil
        }, context) == 0
        if !started { Unmanaged<WorkerThread>.fromOpaque(context).release() }
    }

    func join() {
        guard started else { return }
        pthread_join(thread, nil)
        started = false
    }
}
