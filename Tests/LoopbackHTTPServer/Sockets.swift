#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A socket call failed while setting up or running a ``LoopbackHTTPServer`` (or a ``RefusedPort``).
public struct LoopbackServerError: Error, Sendable, CustomStringConvertible {
    /// The failing call, e.g. `bind`.
    public let operation: String
    /// `errno` right after the call.
    public let errorNumber: Int32

    public init(operation: String, errorNumber: Int32) {
        self.operation = operation
        self.errorNumber = errorNumber
    }

    public var description: String {
        "\(operation) failed: errno \(errorNumber) (\(String(cString: strerror(errorNumber))))"
    }
}

/// Small wrappers over the POSIX socket calls the server needs.
enum Socket {
    #if canImport(Darwin)
    static let streamType = SOCK_STREAM
    static let sendFlags: Int32 = 0
    #else
    static let streamType = Int32(SOCK_STREAM.rawValue)
    static let sendFlags = Int32(MSG_NOSIGNAL)
    #endif

    /// A TCP socket bound to `127.0.0.1` on a kernel-chosen port; returns the descriptor and the port.
    static func bindLoopback() throws(LoopbackServerError) -> (fd: Int32, port: Int) {
        let fd = socket(AF_INET, streamType, 0)
        guard fd >= 0 else { throw LoopbackServerError(operation: "socket", errorNumber: errno) }
        var yes: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))

        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0  // any free port
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else {
            let error = errno
            close(fd)
            throw LoopbackServerError(operation: "bind", errorNumber: error)
        }

        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &actual) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else {
            let error = errno
            close(fd)
            throw LoopbackServerError(operation: "getsockname", errorNumber: error)
        }
        return (fd, Int(UInt16(bigEndian: actual.sin_port)))
    }

    /// Writes all of `bytes`; returns `false` when the peer is gone (or the socket was shut down).
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = send(fd, buffer.baseAddress! + offset, buffer.count - offset, sendFlags)
                if written < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += written
            }
            return true
        }
    }

    /// Makes the next `close` send a TCP reset instead of a FIN.
    static func armReset(_ fd: Int32) {
        var lingerOption = linger(l_onoff: 1, l_linger: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_LINGER, &lingerOption, socklen_t(MemoryLayout<linger>.size))
    }
}

/// Buffered reading from one connection, and the HTTP/1.1 request framing on top of it.
struct RequestReader {
    let fd: Int32
    private var buffer: [UInt8] = []
    private var start = 0  // first unconsumed byte in `buffer`
    private var scratch = [UInt8](repeating: 0, count: RequestReader.chunkSize)  // one recv's landing area
    private static let chunkSize = 64 * 1024
    private static let maximumHeadSize = 1 << 20

    init(fd: Int32) {
        self.fd = fd
    }

    private var available: Int { buffer.count - start }

    /// Receives more bytes into the buffer; `false` at end of stream or on error (including shutdown by `stop`).
    private mutating func fill() -> Bool {
        if start > 0 && (start >= buffer.count || start > Self.chunkSize) {
            buffer.removeFirst(start)
            start = 0
        }
        let received = receive(into: &scratch, offset: 0, count: scratch.count)
        guard received > 0 else { return false }
        buffer.append(contentsOf: scratch[0..<received])
        return true
    }

    /// One `recv` into `target[offset...]` (at most `count` bytes), retried on `EINTR`; ≤ 0 at end of stream or error.
    private func receive(into target: inout [UInt8], offset: Int, count: Int) -> Int {
        while true {
            let received = target.withUnsafeMutableBytes { raw in
                recv(fd, raw.baseAddress! + offset, count, 0)
            }
            if received < 0 && errno == EINTR { continue }
            return received
        }
    }

    /// Reads bytes up to and including the next `\r\n\r\n` (the request head); `nil` when the stream ends first.
    /// Empty lines before a request line (allowed by RFC 9112 §2.2) are skipped.
    mutating func readHead() -> [UInt8]? {
        var scanned = 0
        while true {
            while available >= 2 && buffer[start] == 0x0D && buffer[start + 1] == 0x0A {
                start += 2
                scanned = 0
            }
            if available >= 4 {
                var index = start + max(scanned - 3, 0)
                let end = buffer.count - 3
                while index < end {
                    if buffer[index] == 0x0D && buffer[index + 1] == 0x0A && buffer[index + 2] == 0x0D
                        && buffer[index + 3] == 0x0A
                    {
                        let head = Array(buffer[start..<(index + 4)])
                        start = index + 4
                        return head
                    }
                    index += 1
                }
                scanned = available
            }
            if available > Self.maximumHeadSize { return nil }
            guard fill() else { return nil }
        }
    }

    /// Reads exactly `count` bytes; `nil` when the stream ends first. Large bodies are received straight into the
    /// result (no intermediate copy, no zero-filling).
    mutating func readExactly(_ count: Int) -> [UInt8]? {
        let buffered = min(count, available)
        let bufferedStart = start
        start += buffered
        var complete = true
        let result = [UInt8](unsafeUninitializedCapacity: count) { target, initialized in
            if buffered > 0 {
                buffer.withUnsafeBytes { source in
                    UnsafeMutableRawPointer(target.baseAddress!).copyMemory(
                        from: source.baseAddress! + bufferedStart, byteCount: buffered)
                }
            }
            var filled = buffered
            while filled < count {
                let received = recv(fd, target.baseAddress! + filled, count - filled, 0)
                if received < 0 && errno == EINTR { continue }
                guard received > 0 else {
                    complete = false
                    break
                }
                filled += received
            }
            initialized = filled
        }
        return complete ? result : nil
    }

    /// Reads one line ending in `\r\n` (returned without it); `nil` when the stream ends first.
    mutating func readLine() -> [UInt8]? {
        var scanned = 0
        while true {
            var index = start + scanned
            while index + 1 < buffer.count {
                if buffer[index] == 0x0D && buffer[index + 1] == 0x0A {
                    let line = Array(buffer[start..<index])
                    start = index + 2
                    return line
                }
                index += 1
            }
            scanned = max(available - 1, 0)
            if available > Self.maximumHeadSize { return nil }
            guard fill() else { return nil }
        }
    }

    /// Reads a `Transfer-Encoding: chunked` body (RFC 9112 §7.1), discarding extensions and trailer fields.
    mutating func readChunkedBody() -> [UInt8]? {
        var body: [UInt8] = []
        while true {
            guard let sizeLine = readLine() else { return nil }
            let sizeText = String(decoding: sizeLine, as: UTF8.self)
                .split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            guard let size = Int(sizeText.trimmingSpaces(), radix: 16), size >= 0 else { return nil }
            if size == 0 {
                while true {  // trailer section, ended by an empty line
                    guard let trailer = readLine() else { return nil }
                    if trailer.isEmpty { return body }
                }
            }
            guard let chunk = readExactly(size) else { return nil }
            body.append(contentsOf: chunk)
            guard let end = readLine(), end.isEmpty else { return nil }
        }
    }

    /// Waits until the peer closes the connection (or the server shuts it down), discarding anything it sends.
    mutating func drainUntilClosed() {
        while fill() {
            start = buffer.count
        }
    }
}

/// A parsed request head: request line and header fields.
struct RequestHead {
    var method: String
    var target: String
    var version: String
    var headers: [(name: String, value: String)]

    /// Parses `head` (request line and header fields, ending in the blank line); `nil` when malformed.
    init?(_ head: [UInt8]) {
        let text = String(decoding: head, as: UTF8.self)
        var lines = text.crlfLines()
        while let last = lines.last, last.isEmpty { lines.removeLast() }
        guard !lines.isEmpty else { return nil }
        let requestLine = lines.removeFirst().split(separator: " ", omittingEmptySubsequences: false)
        guard requestLine.count == 3, !requestLine[0].isEmpty, !requestLine[1].isEmpty,
            requestLine[2].hasPrefix("HTTP/")
        else { return nil }
        method = String(requestLine[0])
        target = String(requestLine[1])
        version = String(requestLine[2])
        headers = []
        for line in lines {
            if let first = line.first, first == " " || first == "\t" {
                // Obsolete line folding: continuation of the previous field's value.
                guard let previous = headers.popLast() else { return nil }
                headers.append((previous.name, previous.value + " " + line.trimmingSpaces()))
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { return nil }
            let name = String(line[..<colon])
            guard !name.isEmpty, !name.contains(" "), !name.contains("\t") else { return nil }
            headers.append((name, line[line.index(after: colon)...].trimmingSpaces()))
        }
    }

    func values(_ name: String) -> [String] {
        headers.filter { asciiCaseInsensitiveEquals($0.name, name) }.map(\.value)
    }

    /// Whether a comma-separated header (e.g. `Connection`) lists `token`, case-insensitively.
    func listContains(_ name: String, token: String) -> Bool {
        values(name).contains { value in
            value.split(separator: ",").contains { asciiCaseInsensitiveEquals($0.trimmingSpaces(), token) }
        }
    }

    /// Whether the client wants the connection closed after this exchange.
    var wantsClose: Bool {
        if listContains("Connection", token: "close") { return true }
        if version == "HTTP/1.0" { return !listContains("Connection", token: "keep-alive") }
        return false
    }
}

extension String {
    /// Splits at `\r\n` only (a lone `\n` stays inside a line), the HTTP/1.1 line terminator.
    func crlfLines() -> [String] {
        var lines: [String] = []
        var current: [UInt8] = []
        let bytes = Array(utf8)
        var index = 0
        while index < bytes.count {
            if bytes[index] == 0x0D && index + 1 < bytes.count && bytes[index + 1] == 0x0A {
                lines.append(String(decoding: current, as: UTF8.self))
                current.removeAll(keepingCapacity: true)
                index += 2
            } else {
                current.append(bytes[index])
                index += 1
            }
        }
        lines.append(String(decoding: current, as: UTF8.self))
        return lines
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs (HTTP's optional whitespace).
    func trimmingSpaces() -> String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice.removeLast() }
        return String(slice)
    }
}
