import Foundation
import TestSupport

/// Locates the shared payload fixtures (`../shared/testdata/payloads/*.json`).
///
/// Located by ``SharedTestData``; a missing directory is an error (the tests fail), never a silent skip.
enum PayloadFiles {
    typealias MissingData = SharedTestData.MissingData

    static func directory() throws -> URL {
        try SharedTestData.directory("payloads", holding: "payload directory")
    }

    /// Every `*.json` payload, sorted by name, with its bytes. Throws when the directory is missing or has none.
    static func all() throws -> [(name: String, bytes: [UInt8])] {
        let dir = try directory()
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".json") }.sorted()
        guard !names.isEmpty else { throw MissingData(description: "no *.json payloads in \(dir.path)") }
        return try names.map { name in
            let path = dir.appendingPathComponent(name).path
            guard let data = FileManager.default.contents(atPath: path) else {
                throw MissingData(description: "unreadable payload \(path)")
            }
            return (name, [UInt8](data))
        }
    }
}
