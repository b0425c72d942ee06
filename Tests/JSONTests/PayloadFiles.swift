import Foundation

/// Locates the shared payload fixtures (`../shared/testdata/payloads/*.json`).
///
/// `$PIDMODE_SHARED_TESTDATA` (the `testdata` directory) wins; otherwise the package root is three levels above this
/// file (Tests/JSONTests/PayloadFiles.swift) and the data lives at `<package root>/../shared/testdata`.
/// A missing directory is an error (the tests fail), never a silent skip.
enum PayloadFiles {
    static let overrideVariable = "PIDMODE_SHARED_TESTDATA"

    struct MissingData: Error, CustomStringConvertible {
        let description: String
    }

    static func testdataRoot(filePath: String = #filePath) -> URL {
        if let override = ProcessInfo.processInfo.environment[overrideVariable], !override.isEmpty {
            return URL(fileURLWithPath: override, isDirectory: true)
        }
        return URL(fileURLWithPath: filePath)
            .deletingLastPathComponent()  // JSONTests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()  // package root
            .deletingLastPathComponent()
            .appendingPathComponent("shared/testdata", isDirectory: true)
            .standardizedFileURL
    }

    static func directory() throws -> URL {
        let url = testdataRoot().appendingPathComponent("payloads", isDirectory: true)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw MissingData(description: """
                payload directory not found: \(url.path) (expected ../shared/testdata/payloads next to the package, \
                or set \(overrideVariable) to the testdata directory)
                """)
        }
        return url
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
