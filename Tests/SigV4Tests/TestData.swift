import Foundation
import TestSupport
import Testing

/// Locates the shared test data and parses the suites' raw HTTP requests.
enum TestData {
    typealias MissingData = SharedTestData.MissingData

    /// The shared `testdata` directory (see ``SharedTestData/root(filePath:)``).
    static func root() -> URL { SharedTestData.root() }

    /// A directory below the test data root; throws a descriptive error when it is missing.
    static func directory(_ relativePath: String) throws -> URL {
        try SharedTestData.directory(relativePath, holding: "SigV4 test data directory")
    }

    /// A file below the test data root, as bytes; throws a descriptive error when it is missing.
    static func bytes(_ relativePath: String) throws -> [UInt8] {
        let url = root().appendingPathComponent(relativePath)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw MissingData(description: "SigV4 test data file not found or unreadable: \(url.path)")
        }
        return [UInt8](data)
    }

    /// A file below the test data root, decoded as UTF-8.
    static func text(_ relativePath: String) throws -> String {
        String(decoding: try bytes(relativePath), as: UTF8.self)
    }

    /// Names of the sub-directories of `directory`, sorted.
    static func subdirectories(of directory: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { name in
                var isDirectory: ObjCBool = false
                return FileManager.default.fileExists(
                    atPath: directory.appendingPathComponent(name).path, isDirectory: &isDirectory)
                    && isDirectory.boolValue
            }
            .sorted()
    }

    /// Epoch seconds of an ISO 8601 timestamp such as `2015-08-30T12:36:00Z`, via Foundation
    /// (an oracle independent of `AmzDate`).
    static func epochSeconds(iso8601 text: String) throws -> Int64 {
        let formatter = ISO8601DateFormatter()
        guard let date = formatter.date(from: text) else {
            throw MissingData(description: "unparseable ISO 8601 timestamp: \(text)")
        }
        return Int64(date.timeIntervalSince1970)
    }

    /// Epoch seconds of an X-Amz-Date value such as `20240118T215000Z`, via Foundation.
    static func epochSeconds(amzDate text: String) throws -> Int64 {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        guard let date = formatter.date(from: text) else {
            throw MissingData(description: "unparseable X-Amz-Date: \(text)")
        }
        return Int64(date.timeIntervalSince1970)
    }
}

/// A raw HTTP/1.1 request as the suites store it (`.req`, `request.txt`, `.sreq`).
struct RawHTTPRequest {
    struct ParseError: Error, CustomStringConvertible {
        let description: String
    }

    var method: String
    var path: String
    var query: String
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    /// Parses request line, headers and body from bytes.
    ///
    /// - The request line is `METHOD SP target SP VERSION`; the target may itself contain
    ///   spaces (`GET /example space/ HTTP/1.1`), so it is everything between the first
    ///   and the last space. It splits at the first `?` into path and query.
    /// - Header lines are `Name:value` (the value is kept raw, the signer trims it); a
    ///   line starting with a space or tab continues the previous header's value
    ///   (obsolete line folding), joined with one space.
    /// - Headers end at the first empty line or at end of file (many files have no
    ///   trailing newline); the body is every byte after that empty line.
    /// - A trailing CR on a line is ignored.
    static func parse(_ bytes: [UInt8]) throws -> RawHTTPRequest {
        let newline = UInt8(ascii: "\n")
        var lines: [[UInt8]] = []
        var index = 0
        var bodyStart: Int? = nil
        while index < bytes.count {
            let end = bytes[index...].firstIndex(of: newline) ?? bytes.count
            var line = Array(bytes[index..<end])
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            index = end + 1
            if line.isEmpty && !lines.isEmpty {
                bodyStart = min(index, bytes.count)
                break
            }
            lines.append(line)
        }
        guard let requestLine = lines.first.map({ String(decoding: $0, as: UTF8.self) }) else {
            throw ParseError(description: "empty request")
        }
        guard let firstSpace = requestLine.firstIndex(of: " "),
              let lastSpace = requestLine.lastIndex(of: " "),
              firstSpace < lastSpace
        else {
            throw ParseError(description: "bad request line: \(requestLine)")
        }
        let method = String(requestLine[..<firstSpace])
        let target = String(requestLine[requestLine.index(after: firstSpace)..<lastSpace])
        let path: String
        let query: String
        if let questionMark = target.firstIndex(of: "?") {
            path = String(target[..<questionMark])
            query = String(target[target.index(after: questionMark)...])
        } else {
            path = target
            query = ""
        }

        var headers: [(name: String, value: String)] = []
        for lineBytes in lines.dropFirst() {
            let line = String(decoding: lineBytes, as: UTF8.self)
            if let first = lineBytes.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
                guard let last = headers.popLast() else {
                    throw ParseError(description: "continuation line before any header: \(line)")
                }
                let continuation = line.drop(while: { $0 == " " || $0 == "\t" })
                headers.append((name: last.name, value: last.value + " " + continuation))
                continue
            }
            guard let colon = line.firstIndex(of: ":") else {
                throw ParseError(description: "header line without colon: \(line)")
            }
            headers.append((
                name: String(line[..<colon]),
                value: String(line[line.index(after: colon)...])
            ))
        }
        let body = bodyStart.map { Array(bytes[$0...]) } ?? []
        return RawHTTPRequest(method: method, path: path, query: query, headers: headers, body: body)
    }

    /// The first value of a header (case-insensitive), if any.
    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}
