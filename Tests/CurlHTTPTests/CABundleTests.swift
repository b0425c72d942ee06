import CurlHTTP
import Testing

@Suite("CABundle.resolve")
struct CABundleTests {
    static let amazonLinux = "/etc/pki/tls/certs/ca-bundle.crt"
    static let debian = "/etc/ssl/certs/ca-certificates.crt"

    @Test("the well-known paths are Amazon Linux first, then Debian")
    func wellKnownOrder() {
        #expect(CABundle.wellKnownPaths == [Self.amazonLinux, Self.debian])
    }

    @Test("a non-empty SSL_CERT_FILE wins over existing well-known files")
    func explicitFileWins() {
        let resolved = CABundle.resolve(
            environment: ["SSL_CERT_FILE": "/opt/custom/roots.pem", "HOME": "/root"],
            fileExists: { _ in true })
        #expect(resolved == "/opt/custom/roots.pem")
    }

    @Test("an empty SSL_CERT_FILE is ignored")
    func emptyExplicitFileIgnored() {
        let resolved = CABundle.resolve(environment: ["SSL_CERT_FILE": ""], fileExists: { $0 == Self.debian })
        #expect(resolved == Self.debian)
    }

    @Test("the Amazon Linux bundle is preferred when both well-known files exist")
    func amazonLinuxPreferred() {
        let resolved = CABundle.resolve(
            environment: [:], fileExists: { $0 == Self.amazonLinux || $0 == Self.debian })
        #expect(resolved == Self.amazonLinux)
    }

    @Test("the Debian bundle is used when it is the only one")
    func debianOnly() {
        let resolved = CABundle.resolve(environment: [:], fileExists: { $0 == Self.debian })
        #expect(resolved == Self.debian)
    }

    @Test("nil when no bundle exists and SSL_CERT_FILE is unset")
    func noneFound() {
        var probed: [String] = []
        let resolved = CABundle.resolve(environment: ["PATH": "/usr/bin"]) { path in
            probed.append(path)
            return false
        }
        #expect(resolved == nil)
        #expect(probed == [Self.amazonLinux, Self.debian])
    }

    @Test("other environment variables (SSL_CERT_DIR, CURL_CA_BUNDLE) are not consulted")
    func onlySSLCertFile() {
        let resolved = CABundle.resolve(
            environment: ["SSL_CERT_DIR": "/etc/ssl/certs", "CURL_CA_BUNDLE": "/x.pem"], fileExists: { _ in false })
        #expect(resolved == nil)
    }
}
