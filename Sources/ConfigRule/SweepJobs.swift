import AWSClient

/// Runs the periodic sweep's jobs (read + evaluate + deliver one page; deliver one clean-up batch) while the caller
/// goes on listing: on a few worker threads, each with its own ``ConfigService`` (its own kept-alive connection), or,
/// without workers, at once on the caller's thread.
///
/// At most one job per worker waits in the queue (``submit(_:)`` blocks beyond that), so memory stays bounded by the
/// number of workers whatever the inventory size. The first failure (of a job, or one the sweep's other threads report
/// with ``fail(_:)``) stops the sweep: later ``submit(_:)`` and ``finish()`` throw it; jobs still queued are dropped,
/// jobs running end on their own.
final class SweepJobs: @unchecked Sendable {
    /// One unit of work, given the service of the thread that runs it and that thread's scratch buffer.
    typealias Job = (ConfigService, inout [UInt8]) throws(ConfigRuleError) -> Void

    /// The caller's service (the listing; the clean-up pages when the pager has no service of its own; inline jobs).
    let service: ConfigService
    let progress = SweepProgress()
    private let lock = Lock()
    private var queue: [Job] = []
    private var queueHead = 0
    private var closed = false
    private var firstFailure: ConfigRuleError?
    private var threads: [WorkerThread] = []
    private let capacity: Int
    private var inlineScratch: [UInt8] = []

    /// Threads running jobs (0: inline).
    var workerCount: Int { threads.count }

    /// - Parameter workers: one service per worker thread; empty runs every job inline.
    init(service: ConfigService, workers: [ConfigService]) {
        self.service = service
        self.capacity = max(1, workers.count)
        for worker in workers {
            let thread = WorkerThread { [self] in self.work(with: worker) }
            if thread.started { threads.append(thread) }
        }
    }

    /// Queues `job` (or runs it now when there are no workers).
    /// - Throws: the first failure of any job so far (the sweep must stop).
    func submit(_ job: @escaping Job) throws(ConfigRuleError) {
        if threads.isEmpty {
            try job(service, &inlineScratch)
            return
        }
        let failure: ConfigRuleError? = lock.withLock {
            lock.wait { firstFailure != nil || queue.count - queueHead < capacity }
            if firstFailure == nil {
                queue.append(job)
                lock.broadcast()
            }
            return firstFailure
        }
        if let failure { throw failure }
    }

    /// Records `error` as the sweep's failure unless another thread of the sweep failed first (a job, the listing, the
    /// clean-up pager), and wakes a ``submit(_:)`` waiting for room: the sweep stops.
    /// - Returns: the first failure, the one the sweep reports.
    @discardableResult
    func fail(_ error: ConfigRuleError) -> ConfigRuleError {
        lock.withLock {
            if firstFailure == nil { firstFailure = error }
            lock.broadcast()
            return firstFailure ?? error
        }
    }

    /// The first failure so far (`nil` while the sweep goes on).
    var failure: ConfigRuleError? { lock.withLock { firstFailure } }

    /// - Throws: the first failure so far, if any (the sweep must stop).
    func ensureNoFailure() throws(ConfigRuleError) {
        if let failure { throw failure }
    }

    /// Waits until every queued job has run. - Throws: the first failure of any job.
    func finish() throws(ConfigRuleError) {
        close()
        if let failure = lock.withLock({ firstFailure }) { throw failure }
    }

    /// Drops the jobs still queued and waits for the running ones (the sweep stops).
    func abandon() {
        lock.withLock {
            if firstFailure == nil { firstFailure = ConfigRuleError(.awsCallFailed, "sweep abandoned") }
            lock.broadcast()
        }
        close()
    }

    private func close() {
        lock.withLock {
            closed = true
            lock.broadcast()
        }
        for thread in threads { thread.join() }
        threads = []
    }

    /// A worker's loop: run jobs until the queue is closed and empty; after a failure, drop them.
    private func work(with service: ConfigService) {
        var scratch: [UInt8] = []
        while true {
            let next: Job? = lock.withLock {
                lock.wait { closed || queue.count > queueHead }
                guard queue.count > queueHead else { return nil }
                let job = queue[queueHead]
                queueHead += 1
                if queueHead > 64, queueHead * 2 > queue.count {
                    queue.removeFirst(queueHead)
                    queueHead = 0
                }
                lock.broadcast()
                return firstFailure == nil ? job : { _, _ throws(ConfigRuleError) in }
            }
            guard let next else { return }
            do {
                try next(service, &scratch)
            } catch {
                fail(error)
            }
        }
    }
}
