import Testing

@testable import LambdaRuntime

#if canImport(Glibc)
import Glibc
#endif

@Suite("TraceEnvironment")
struct TraceEnvironmentTests {
    private func value(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }

    @Test("each export replaces the value, and nil removes the variable")
    func exportReplacesAndRemoves() {
        let name = "PIDMODE_TEST_TRACE_\(UInt32.random(in: 0...UInt32.max))"
        let environment = TraceEnvironment(name: name)
        environment.export("Root=1-aaaaaaaa-000000000000000000000001;Sampled=1")
        #expect(value(name) == "Root=1-aaaaaaaa-000000000000000000000001;Sampled=1")
        for index in 0..<1_000 {
            environment.export("Root=1-bbbbbbbb-\(index)")
        }
        #expect(value(name) == "Root=1-bbbbbbbb-999")
        environment.export(nil)
        #expect(value(name) == nil)
        environment.export("again")
        #expect(value(name) == "again")
    }

    @Test("the variable is removed when the exporter goes away")
    func deinitRemoves() {
        let name = "PIDMODE_TEST_TRACE_\(UInt32.random(in: 0...UInt32.max))"
        do {
            let environment = TraceEnvironment(name: name)
            environment.export("x")
            #expect(value(name) == "x")
        }
        #expect(value(name) == nil)
    }
}
