#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

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
