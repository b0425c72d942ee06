import Foundation

/// Replies from first-in-first-out lists kept per path prefix (and optionally per method), for scripts such as
/// "the first two `PutEvaluations` calls get a 500, every later one a 200".
///
/// ```swift
/// let script = ScriptedSequence()
/// script.enqueue([.respond(status: 500), .respond(status: 500)], method: "POST", pathPrefix: "/")
/// script.setDefault(.json("{}"), method: "POST", pathPrefix: "/")
/// let server = try LoopbackHTTPServer(sequence: script)
/// ```
///
/// For each request, the rules whose method matches (a `nil` method matches any) and whose prefix starts the request
/// target (path plus query) are tried from the longest prefix to the shortest (equal prefixes: method-specific first,
/// then in registration order). The first such rule with a queued reply hands out (and removes) that reply; if none has
/// one, the first with a default reply hands out its default; otherwise ``fallback`` is used and the request is
/// recorded in ``unscriptedRequests`` — check it is empty at the end of a test to catch unexpected calls.
///
/// Thread safety: all state is guarded by one lock, so the sequence may be shared by the server's threads and the test.
public final class ScriptedSequence: @unchecked Sendable {
    private struct Rule {
        let method: String?
        let pathPrefix: String
        let order: Int
        var queue: [ScriptedReply] = []
        var defaultReply: ScriptedReply?
        var served: [RecordedRequest] = []
    }

    private let lock = NSLock()
    private var rules: [Rule] = []  // guarded by `lock`
    private var unscripted: [RecordedRequest] = []  // guarded by `lock`

    /// The reply to requests no rule can answer; `nil` means a `500` whose body names the request.
    public let fallback: ScriptedReply?

    /// Creates an empty script. Unscripted requests get `fallback` (by default a `500` whose body is
    /// `unscripted request: METHOD TARGET`).
    public init(fallback: ScriptedReply? = nil) {
        self.fallback = fallback
    }

    /// Appends `replies` to the queue for requests with `method` (`nil`: any) whose target starts with `pathPrefix`.
    public func enqueue(_ replies: [ScriptedReply], method: String? = nil, pathPrefix: String) {
        lock.withLock {
            let index = ruleIndex(method: method, pathPrefix: pathPrefix)
            rules[index].queue.append(contentsOf: replies)
        }
    }

    /// Appends one reply; see the list variant of `enqueue`.
    public func enqueue(_ reply: ScriptedReply, method: String? = nil, pathPrefix: String) {
        enqueue([reply], method: method, pathPrefix: pathPrefix)
    }

    /// Sets the reply given once the queue for (`method`, `pathPrefix`) is empty (repeated for every later request).
    public func setDefault(_ reply: ScriptedReply, method: String? = nil, pathPrefix: String) {
        lock.withLock {
            let index = ruleIndex(method: method, pathPrefix: pathPrefix)
            rules[index].defaultReply = reply
        }
    }

    /// The reply for `request` (consuming a queued reply when one applies). Called by the server for each request.
    public func reply(to request: RecordedRequest) -> ScriptedReply {
        lock.withLock {
            let candidates = rules.indices
                .filter { index in
                    let rule = rules[index]
                    return (rule.method == nil || rule.method == request.method)
                        && request.path.hasPrefix(rule.pathPrefix)
                }
                .sorted { a, b in
                    let left = rules[a]
                    let right = rules[b]
                    if left.pathPrefix.count != right.pathPrefix.count {
                        return left.pathPrefix.count > right.pathPrefix.count
                    }
                    if (left.method == nil) != (right.method == nil) { return left.method != nil }
                    return left.order < right.order
                }
            if let index = candidates.first(where: { !rules[$0].queue.isEmpty }) {
                rules[index].served.append(request)
                return rules[index].queue.removeFirst()
            }
            if let index = candidates.first(where: { rules[$0].defaultReply != nil }) {
                rules[index].served.append(request)
                return rules[index].defaultReply!
            }
            unscripted.append(request)
            return fallback ?? .respond(status: 500, text: "unscripted request: \(request.method) \(request.path)")
        }
    }

    /// ``reply(to:)`` as a server handler: `LoopbackHTTPServer(handler: script.handler)`.
    public var handler: @Sendable (RecordedRequest) -> ScriptedReply {
        { [self] request in reply(to: request) }
    }

    /// The requests answered by the rule for (`method`, `pathPrefix`) so far, in order.
    public func requests(method: String? = nil, pathPrefix: String) -> [RecordedRequest] {
        lock.withLock {
            rules.first { $0.method == method && $0.pathPrefix == pathPrefix }?.served ?? []
        }
    }

    /// How many queued replies for (`method`, `pathPrefix`) have not been handed out yet.
    public func remaining(method: String? = nil, pathPrefix: String) -> Int {
        lock.withLock {
            rules.first { $0.method == method && $0.pathPrefix == pathPrefix }?.queue.count ?? 0
        }
    }

    /// Whether every queued reply of every rule has been handed out.
    public var isExhausted: Bool {
        lock.withLock { rules.allSatisfy { $0.queue.isEmpty } }
    }

    /// Requests that no rule could answer (they got ``fallback``), in order.
    public var unscriptedRequests: [RecordedRequest] {
        lock.withLock { unscripted }
    }

    /// The index of the rule for (`method`, `pathPrefix`), created when missing. Call with `lock` held.
    private func ruleIndex(method: String?, pathPrefix: String) -> Int {
        if let index = rules.firstIndex(where: { $0.method == method && $0.pathPrefix == pathPrefix }) {
            return index
        }
        rules.append(Rule(method: method, pathPrefix: pathPrefix, order: rules.count))
        return rules.count - 1
    }
}
