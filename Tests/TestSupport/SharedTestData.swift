import Foundation

/// Locates the shared test data (`../shared/testdata` next to the package: SigV4 suites, payloads, AWS models).
///
/// `$PIDMODE_SHARED_TESTDATA` (the `testdata` directory) wins. A missing directory is an error — the test fails with
/// a message saying where the data was expected — never a silent skip.
public enum SharedTestData {
    /// Environment variable that overrides the location of the shared `testdata` directory.
    public static let overrideVariable = "PIDMODE_SHARED_TESTDATA"

    /// Test data that is not where it should be.
    public struct MissingData: Error, CustomStringConvertible {
        public let description: String
        public init(description: String) {
            self.description = description
        }
    }

    /// `$PIDMODE_SHARED_TESTDATA`, else `<package root>/../shared/testdata`, where the package root is two levels
    /// above this file's directory (Tests/TestSupport/SharedTestData.swift).
    public static func root(filePath: String = #filePath) -> URL {
        if let override = ProcessInfo.processInfo.environment[overrideVariable], !override.isEmpty {
            return URL(fileURLWithPath: override, isDirectory: true)
        }
        return URL(fileURLWithPath: filePath)
            .deletingLastPathComponent()  // TestSupport
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()  // package root
            .deletingLastPathComponent()
            .appendingPathComponent("shared/testdata", isDirectory: true)
            .standardizedFileURL
    }

    /// A directory below the test data root, e.g. `payloads` or `sigv4/aws-c-auth-v4`.
    /// - Throws: ``MissingData`` naming the path and `what` it should have held.
    public static func directory(_ relativePath: String, holding what: String) throws -> URL {
        let url = root().appendingPathComponent(relativePath, isDirectory: true)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw MissingData(description: """
                \(what) not found: \(url.path). Expected the shared test data at ../shared/testdata next to the \
                package, or set \(overrideVariable) to the testdata directory.
                """)
        }
        return url
    }

    /// The bytes of a file below the test data root. - Throws: ``MissingData`` when it is missing or unreadable.
    public static func bytes(_ relativePath: String) throws -> [UInt8] {
        let url = root().appendingPathComponent(relativePath)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw MissingData(description: """
                test data file not found: \(url.path). Expected the shared test data at ../shared/testdata next to \
                the package, or set \(overrideVariable) to the testdata directory.
                """)
        }
        return [UInt8](data)
    }
}
