/// Where libcurl finds trusted root certificates for HTTPS.
///
/// Debian's libcurl is compiled with `/etc/ssl/certs/ca-certificates.crt`, but Lambda's Amazon Linux 2023 keeps its
/// bundle at `/etc/pki/tls/certs/ca-bundle.crt`, so the path is chosen at run time and set explicitly.
public enum CABundle {
    /// Candidate bundle files, most specific first: Amazon Linux (Lambda), then Debian/Ubuntu.
    public static let wellKnownPaths = [
        "/etc/pki/tls/certs/ca-bundle.crt",
        "/etc/ssl/certs/ca-certificates.crt",
    ]

    /// Resolves the CA bundle file: `SSL_CERT_FILE` when set and non-empty, else the first well-known file that
    /// exists, else `nil` (libcurl's compiled-in default). Pure: the environment and file probe are injected.
    public static func resolve(environment: [String: String], fileExists: (String) -> Bool) -> String? {
        if let explicit = environment["SSL_CERT_FILE"], !explicit.isEmpty {
            return explicit
        }
        return wellKnownPaths.first(where: fileExists)
    }
}
