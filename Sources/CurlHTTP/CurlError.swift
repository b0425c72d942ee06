import CCurl

/// A transport failure: the request did not produce an HTTP response.
///
/// HTTP error statuses are *not* `CurlError`s; they arrive as an ``HTTPResponse``. This is the single place where
/// libcurl's `CURLcode` values are mapped to the few classes the callers act on.
public struct CurlError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: Sendable, Equatable {
        /// The peer refused or could not be reached (`CURLE_COULDNT_CONNECT`).
        case couldNotConnect
        /// The host name could not be resolved.
        case couldNotResolveHost
        /// The operation or the connect phase exceeded its time limit.
        case timedOut
        /// The connection broke while sending or receiving, or the peer closed it without a reply.
        case connectionLost
        /// TLS handshake or certificate verification failed.
        case tls
        /// The URL was not usable.
        case invalidURL
        /// libcurl could not be set up (initialisation, an option it rejected, out of memory).
        case setupFailed
        /// Any other libcurl failure.
        case other
    }

    public var code: Code
    /// The raw `CURLcode` value (0 when the failure did not come from libcurl).
    public var curlCode: Int32
    /// libcurl's own explanation (its error buffer, or `curl_easy_strerror`).
    public var message: String

    public init(code: Code, curlCode: Int32, message: String) {
        self.code = code
        self.curlCode = curlCode
        self.message = message
    }

    /// Whether the same request may succeed if sent again: refused, reset, dropped or timed-out connections.
    public var isTransient: Bool {
        switch code {
        case .couldNotConnect, .couldNotResolveHost, .timedOut, .connectionLost: true
        case .tls, .invalidURL, .setupFailed, .other: false
        }
    }

    public var description: String {
        "curl error \(curlCode) (\(code)): \(message)"
    }

    /// Maps a failed `CURLcode` to a `CurlError`. The only `CURLcode` switch in the code base.
    static func from(_ result: CURLcode, detail: String) -> CurlError {
        let code: Code
        switch result {
        case CURLE_COULDNT_CONNECT:
            code = .couldNotConnect
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            code = .couldNotResolveHost
        case CURLE_OPERATION_TIMEDOUT:
            code = .timedOut
        case CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE:
            code = .connectionLost
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE,
            CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER:
            code = .tls
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            code = .invalidURL
        case CURLE_FAILED_INIT, CURLE_OUT_OF_MEMORY, CURLE_UNKNOWN_OPTION, CURLE_BAD_FUNCTION_ARGUMENT:
            code = .setupFailed
        default:
            code = .other
        }
        let text = detail.isEmpty ? String(cString: curl_easy_strerror(result)) : detail
        return CurlError(code: code, curlCode: Int32(result.rawValue), message: text)
    }
}
