import CCurl

/// One libcurl easy handle, reused for every request to one destination so that its connection stays alive.
///
/// `perform` blocks the calling thread until the whole response has arrived (or the request's time limit passes).
/// The handle is reset before each request (`curl_easy_reset` keeps the connection cache), so no option leaks from one
/// request into the next. Not thread-safe: a session belongs to the one thread that drives it.
public final class CurlSession {
    private let handle: UnsafeMutableRawPointer
    private let caBundlePath: String?
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private static let errorBufferSize = 256  // CURL_ERROR_SIZE

    /// Creates a session; `caBundlePath` is the trusted-roots file for HTTPS (see ``CABundle``), `nil` for libcurl's
    /// default.
    /// - Throws: ``CurlError`` with code `.setupFailed` when libcurl cannot be initialised.
    public init(caBundlePath: String? = nil) throws(CurlError) {
        try CurlGlobal.ensureInitialized()
        guard let handle = curl_easy_init() else {
            throw CurlError(code: .setupFailed, curlCode: 0, message: "curl_easy_init returned NULL")
        }
        self.handle = handle
        self.caBundlePath = caBundlePath
        self.errorBuffer = .allocate(capacity: Self.errorBufferSize)
        self.errorBuffer.initialize(repeating: 0, count: Self.errorBufferSize)
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    /// Between a header's name and value in libcurl's header list.
    private static let valueSeparator = Array(": ".utf8)
    private static let emptyValueSeparator = Array(";".utf8)

    /// Sends `request` and returns the final response with its whole body, whatever its size.
    ///
    /// Blocks until the exchange completes. An HTTP error status is a normal ``HTTPResponse``.
    /// - Throws: ``CurlError`` when no response was received (refused, reset, timed out, …).
    public func perform(_ request: HTTPRequest) throws(CurlError) -> HTTPResponse {
        let accumulator = ResponseAccumulator()
        var headerList: UnsafeMutablePointer<curl_slist>? = nil
        defer { curl_slist_free_all(headerList) }
        var line: [UInt8] = []
        for field in request.headers {
            // libcurl reads "Name:" as "remove this header"; "Name;" is its spelling of an empty value.
            line.removeAll(keepingCapacity: true)
            line += field.name.utf8
            line += field.value.isEmpty ? Self.emptyValueSeparator : Self.valueSeparator
            line += field.value.utf8
            line.append(0)
            headerList = line.withUnsafeBufferPointer { bytes in
                curl_slist_append(headerList, UnsafeRawPointer(bytes.baseAddress)?.assumingMemoryBound(to: CChar.self))
            }
        }
        // No "Expect: 100-continue" round trip, never chunked uploads (the body length is always known), and no
        // "Accept: */*" the caller did not ask for.
        headerList = curl_slist_append(headerList, "Expect:")
        headerList = curl_slist_append(headerList, "Transfer-Encoding:")
        if request.headers["Accept"] == nil {
            headerList = curl_slist_append(headerList, "Accept:")
        }

        curl_easy_reset(handle)
        errorBuffer[0] = 0
        let userdata = Unmanaged.passUnretained(accumulator).toOpaque()
        let result: CURLcode = withExtendedLifetime(accumulator) {
            request.body.withUnsafeBytes { bodyBytes in
                let setup = configure(request, headers: headerList, body: bodyBytes, userdata: userdata)
                guard setup == CURLE_OK else { return setup }
                return curl_easy_perform(handle)
            }
        }
        guard result == CURLE_OK else {
            throw CurlError.from(result, detail: String(cString: errorBuffer))
        }
        var status = 0
        let infoResult = pmr_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        guard infoResult == CURLE_OK else {
            throw CurlError.from(infoResult, detail: "reading the response status failed")
        }
        return HTTPResponse(status: status, headers: accumulator.headers, body: accumulator.body)
    }

    /// Applies every option of one request, in order; returns the first failing `CURLcode`, or `CURLE_OK` (options
    /// after a failure are not applied).
    private func configure(
        _ request: HTTPRequest,
        headers: UnsafeMutablePointer<curl_slist>?,
        body: UnsafeRawBufferPointer,
        userdata: UnsafeMutableRawPointer
    ) -> CURLcode {
        var result = CURLE_OK
        func apply(_ option: () -> CURLcode) {
            if result == CURLE_OK { result = option() }
        }
        apply { pmr_setopt_string(handle, CURLOPT_URL, request.url) }
        apply { pmr_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer) }
        apply { pmr_setopt_long(handle, CURLOPT_NOSIGNAL, 1) }
        apply { pmr_setopt_string(handle, CURLOPT_PROXY, "") }  // never route loopback or AWS calls via a proxy
        apply { pmr_setopt_long(handle, CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_1_1)) }
        apply { pmr_setopt_long(handle, CURLOPT_TIMEOUT_MS, request.timeoutMilliseconds ?? 0) }
        apply { pmr_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, request.connectTimeoutMilliseconds) }
        apply { pmr_setopt_slist(handle, CURLOPT_HTTPHEADER, headers) }
        apply { pmr_setopt_write_function(handle, CURLOPT_WRITEFUNCTION, appendBody) }
        apply { pmr_setopt_pointer(handle, CURLOPT_WRITEDATA, userdata) }
        apply { pmr_setopt_write_function(handle, CURLOPT_HEADERFUNCTION, appendHeaderLine) }
        apply { pmr_setopt_pointer(handle, CURLOPT_HEADERDATA, userdata) }
        if let caBundlePath {
            apply { pmr_setopt_string(handle, CURLOPT_CAINFO, caBundlePath) }
        }
        switch request.method {
        case "GET":
            apply { pmr_setopt_long(handle, CURLOPT_HTTPGET, 1) }
        case "POST":
            apply { pmr_setopt_long(handle, CURLOPT_POST, 1) }
        default:
            apply { pmr_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method) }
        }
        if request.method != "GET" {
            apply { pmr_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)) }
            if let base = body.baseAddress, body.count > 0 {
                apply { pmr_setopt_pointer(handle, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: base)) }
            } else {
                apply { pmr_setopt_string(handle, CURLOPT_POSTFIELDS, "") }
            }
        }
        return result
    }
}

@available(*, unavailable)
extension CurlSession: Sendable {}

/// Collects one response's header fields and body while libcurl delivers them.
private final class ResponseAccumulator {
    var headers = HTTPHeaders()
    var body: [UInt8] = []

    /// Consumes one raw header line (`Name: value\r\n`, a status line, or the blank end-of-headers line).
    func consumeHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        var end = bytes.count
        while end > 0, bytes[end - 1] == UInt8(ascii: "\r") || bytes[end - 1] == UInt8(ascii: "\n") { end -= 1 }
        let line = UnsafeRawBufferPointer(rebasing: bytes[0..<end])
        if line.prefix(Self.statusLinePrefix.count).elementsEqual(Self.statusLinePrefix) {
            headers = HTTPHeaders()  // a new response starts (e.g. after an interim 1xx): forget earlier fields
            headers.reserveCapacity(Self.expectedFieldCount)
            return
        }
        guard let first = line.first else { return }
        if first == UInt8(ascii: " ") || first == UInt8(ascii: "\t"), let previous = headers.fields.last {
            // Obsolete line folding: the line continues the previous field's value.
            var fields = headers.fields
            fields[fields.count - 1] = .init(name: previous.name, value: previous.value + " " + Self.trimmed(line[...]))
            headers = HTTPHeaders(fields)
            return
        }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return }
        let name = Self.trimmed(line[..<colon])
        let value = Self.trimmed(line[(colon + 1)...])
        headers.add(name: name, value: value)
        // The body arrives in pieces: one allocation of its announced size instead of regrowing (bounded).
        if name.utf8.count == 14, name.lowercased() == "content-length", let length = Int(value), length > 0 {
            body.reserveCapacity(min(length, Self.maximumReservation))
        }
    }

    /// Room for the fields of a typical reply (the Runtime API sends 6–8, AWS 4–6), so they are not regrown one by one.
    private static let expectedFieldCount = 12

    /// How a status line starts (compared as bytes: a generic `starts(with: "HTTP/".utf8)` costs more than the rest
    /// of the line's handling).
    private static let statusLinePrefix = Array("HTTP/".utf8)

    /// The largest body capacity reserved from a `Content-Length` header (a larger body still grows as it arrives).
    private static let maximumReservation = 32 << 20

    /// The bytes without leading and trailing spaces and tabs, decoded as UTF-8.
    private static func trimmed(_ bytes: Slice<UnsafeRawBufferPointer>) -> String {
        var start = bytes.startIndex
        var end = bytes.endIndex
        while start < end, bytes[start] == UInt8(ascii: " ") || bytes[start] == UInt8(ascii: "\t") { start += 1 }
        while end > start, bytes[end - 1] == UInt8(ascii: " ") || bytes[end - 1] == UInt8(ascii: "\t") { end -= 1 }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
    }
}

/// libcurl write callback: appends body bytes to the accumulator passed as `userdata`.
private let appendBody: curl_write_callback = { buffer, size, count, userdata in
    guard let buffer, let userdata else { return 0 }  // returning less than given aborts the transfer
    let length = size * count
    let accumulator = Unmanaged<ResponseAccumulator>.fromOpaque(userdata).takeUnretainedValue()
    accumulator.body.append(contentsOf: UnsafeRawBufferPointer(start: buffer, count: length))
    return length
}

/// libcurl header callback: hands each complete header line to the accumulator passed as `userdata`.
private let appendHeaderLine: curl_write_callback = { buffer, size, count, userdata in
    guard let buffer, let userdata else { return 0 }
    let length = size * count
    let accumulator = Unmanaged<ResponseAccumulator>.fromOpaque(userdata).takeUnretainedValue()
    accumulator.consumeHeaderLine(UnsafeRawBufferPointer(start: buffer, count: length))
    return length
}
