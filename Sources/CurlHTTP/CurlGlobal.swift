import CCurl

/// libcurl's process-wide initialisation, run exactly once before the first handle is created. It also pins host-name
/// lookups to `/etc/hosts` then DNS (see `pmr_curl_global_init` in CCurl's shim.h: no NSS module is ever loaded).
///
/// A Swift global `let` is initialised lazily and thread-safely (`swift_once`), so concurrent first uses are safe.
private let globalInitResult: CURLcode = pmr_curl_global_init()

enum CurlGlobal {
    /// Runs `curl_global_init` once per process; throws if it failed.
    static func ensureInitialized() throws(CurlError) {
        let result = globalInitResult
        guard result == CURLE_OK else {
            throw CurlError.from(result, detail: "curl_global_init failed")
        }
    }
}
