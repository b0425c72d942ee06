import CurlHTTP
import Foundation
import LoopbackHTTPServer

/// Runs `request` on `session` and returns the transport error it throws, or `nil` when a response came back.
func transportError(_ session: CurlSession, _ request: HTTPRequest) -> CurlError? {
    do {
        _ = try session.perform(request)
        return nil
    } catch {
        return error
    }
}

/// Seconds spent running `body`.
func measure<T>(_ body: () throws -> T) rethrows -> (result: T, seconds: Double) {
    let start = DispatchTime.now().uptimeNanoseconds
    let result = try body()
    return (result, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
}

extension RecordedRequest {
    /// The header fields whose name is exactly `name` (byte-for-byte, casing included).
    func exactFields(_ name: String) -> [String] {
        headers.filter { $0.name == name }.map(\.value)
    }
}
