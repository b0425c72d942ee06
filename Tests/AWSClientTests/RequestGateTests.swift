import AWSClient
import StructuredLogging
import Testing

/// ``RequestGate``: the shared cap on requests in flight that backs off together on throttling.
@Suite("RequestGate: a shared cap that halves and pauses on throttling, then grows back")
struct RequestGateTests {
    @Test("at most `maximum` in flight; a full gate refuses once the latest start has passed")
    func cap() {
        let gate = RequestGate(maximum: 2, jitter: { _ in 0 })
        let now = WallClock.nowMilliseconds()
        #expect(gate.enter(latestStart: now + 1_000))
        #expect(gate.enter(latestStart: now + 1_000))
        #expect(!gate.enter(latestStart: now), "a third request while two are in flight")
        gate.leave(throttled: false)
        #expect(gate.enter(latestStart: now + 1_000))
        #expect(gate.state.inFlight == 2)
    }

    @Test("a throttling reply halves the cap and pauses every new request; successes raise the cap one by one")
    func throttleThenRecover() {
        let gate = RequestGate(maximum: 4, jitter: { _ in 0 })
        #expect(gate.enter(latestStart: WallClock.nowMilliseconds() + 1_000))
        gate.leave(throttled: true)
        let afterThrottle = gate.state
        #expect(afterThrottle.cap == 2)
        let now = WallClock.nowMilliseconds()
        #expect(afterThrottle.pausedUntil >= now + 40, "first throttle: a 50 ms pause (jitter 0)")
        #expect(!gate.enter(latestStart: now + 5), "no request starts during the pause")
        let started = WallClock.monotonicNanoseconds()
        #expect(gate.enter(latestStart: now + 2_000))
        #expect(WallClock.monotonicNanoseconds() - started >= 30_000_000, "waited for the pause to end")
        gate.leave(throttled: true)
        #expect(gate.state.cap == 1)
        #expect(gate.state.pausedUntil >= WallClock.nowMilliseconds() + 80, "a second throttle in a row: 100 ms")
        #expect(gate.enter(latestStart: WallClock.nowMilliseconds() + 2_000))
        gate.leave(throttled: false)  // 1 success at cap 1 → 2
        #expect(gate.state.cap == 2)
        for _ in 0..<2 {
            #expect(gate.enter(latestStart: WallClock.nowMilliseconds() + 1_000))
            gate.leave(throttled: false)
        }
        #expect(gate.state.cap == 3, "2 successes at cap 2 → 3")
        for _ in 0..<20 {
            #expect(gate.enter(latestStart: WallClock.nowMilliseconds() + 1_000))
            gate.leave(throttled: false)
        }
        #expect(gate.state.cap == 4, "never above the maximum")
    }
}
