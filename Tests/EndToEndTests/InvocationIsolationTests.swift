import Foundation
import Testing

/// rule-semantics.md §5–§6: exactly one answer per request id, every AWS call finished before the answer, the trace
/// id of each invocation on its own calls only, and no state carried from one invocation to the next.
@Suite("Invocation isolation on a long-lived process, end to end")
struct InvocationIsolationTests {
    @Test("one answer per request id, own token, and no AWS call outside [delivery, answer]")
    func oneAnswerPerRequestAndNoCallAfterAnswer() throws {
        try withHarness { h in
            let host = try E2EEvents.sample("host.json")
            var events: [[String: Any]] = []
            for (index, name) in ["host.json", "task.json", "oversized.json", "absent.json"].enumerated() {
                var event = try E2EEvents.sample(name)
                event["resultToken"] = "token-\(index)-\(name)"
                events.append(event)
            }
            var malformed = host
            malformed["resultToken"] = nil
            events.insert(malformed, at: 2)

            var requestIDs: [String] = []
            for event in events {
                requestIDs.append(try h.invoke(event: try E2EEvents.text(event)))
            }
            var views: [InvocationView] = []
            for id in requestIDs {
                views.append(try h.outcome(id))
            }
            // One more invocation: its delivery proves the process went back to /next after the last answer.
            let closing = try h.outcome(try h.invoke(event: try E2EEvents.sampleText("snapshot-delivery.json")))
            #expect(closing.state == "response", "\(closing.summary)\(h.dump())")

            for (event, view) in zip(events, views) {
                let label = "token \(event["resultToken"] as? String ?? "none")"
                #expect(view.isAnswered, "\(label): \(view.summary)\(h.dump())")
                #expect(view.answers == 1, "\(label): \(view.summary)")
                #expect(view.attempts.map { int($0["status"]) } == [202], "\(label): \(view.attempts)")
                let calls = try h.calls(for: view)
                h.expectWellFormedCalls(calls, of: view, label)
                for evaluation in try h.evaluations(for: view) {
                    #expect(evaluation.resultToken == event["resultToken"] as? String, "\(label): \(evaluation.summary)")
                }
                for call in calls where call.operation == "PutEvaluations" {
                    #expect(call.body?["ResultToken"] as? String == event["resultToken"] as? String, "\(label): \(call.summary)")
                }
            }
            #expect(views[2].state == "error", "missing resultToken: \(views[2].summary)")

            // The journal: every answer is for a known id, once; every Config call lies inside the
            // [deliver, answer] window of the invocation being served.
            let journal = try h.journal()
            let answers = journal.filter { $0["kind"] as? String == "answer" }
            let answeredIDs = answers.compactMap { $0["requestId"] as? String }
            #expect(answeredIDs == requestIDs + [closing.requestID], "answers in the journal: \(answers)")
            let all = views + [closing]
            for event in journal where event["kind"] as? String == "config-call" || event["kind"] as? String == "config-reply" {
                let seq = int(event["seq"]) ?? -1
                let inside = all.contains { view in
                    guard let delivered = view.deliveredSeq, let answered = view.answerSeq else { return false }
                    return delivered < seq && seq < answered
                }
                #expect(inside, "journal event outside every invocation's [deliver, answer] window: \(event)")
            }
            #expect(h.isBootstrapRunning)
        }
    }

    @Test("every Config call carries its invocation's X-Amzn-Trace-Id; no trace id → no header (no leak)")
    func tracePropagation() throws {
        try withHarness { h in
            let first = "Root=1-65a9a0b4-0123456789abcdef01234567;Parent=0123456789abcdef;Sampled=1"
            let second = "Root=1-65a9a0b5-fedcba9876543210fedcba98;Parent=fedcba9876543210;Sampled=0"
            let oversized = try E2EEvents.sampleText("oversized.json")
            let host = try E2EEvents.sampleText("host.json")

            let a = try h.run(event: oversized, traceId: .explicit(first))
            let b = try h.run(event: host, traceId: .explicit(second))
            let c = try h.run(event: oversized, traceId: .none)
            let d = try h.run(event: host, traceId: .generated)
            for view in [a, b, c, d] {
                #expect(view.state == "response", "\(view.summary)\(h.dump())")
            }
            #expect(try h.calls(traceHeader: first).map(\.operation) == ["GetResourceConfigHistory", "PutEvaluations"])
            #expect(try h.calls(traceHeader: second).map(\.operation) == ["PutEvaluations"])
            #expect(try h.calls(for: d).map(\.operation) == ["PutEvaluations"])

            // The invocation without a trace id: its calls (between its delivery and its answer) have no header.
            let all = try h.calls()
            #expect(all.count == 6, "\(all.map(\.summary))")
            let untraced = all.filter { call in
                guard let delivered = c.deliveredSeq, let answered = c.answerSeq else { return false }
                return call.seq > delivered && call.seq < answered
            }
            #expect(untraced.map(\.operation) == ["GetResourceConfigHistory", "PutEvaluations"], "\(untraced.map(\.summary))")
            for call in untraced {
                #expect(call.traceHeader == nil, "trace id leaked into an untraced invocation: \(call.summary)")
                #expect(call.signature == "valid", "\(call.summary)")
            }
            // Every call is attributed to exactly one invocation.
            for call in all {
                let owners = [a, b, c, d].filter { view in
                    guard let delivered = view.deliveredSeq, let answered = view.answerSeq else { return false }
                    return call.seq > delivered && (call.completedSeq ?? Int.max) < answered
                }
                #expect(owners.count == 1, "\(call.summary)")
                #expect(call.traceHeader == owners.first?.traceID, "\(call.summary)")
            }
        }
    }
}
