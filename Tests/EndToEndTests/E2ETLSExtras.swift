import Foundation
import Testing

// Views and helpers for the emulator's HTTPS listeners (`python3 -m emulator --tls`, emulator/README.md "HTTPS"):
// the start-up line's `tls` object, the TLS connection log (`GET /tls/connections`) and the `tls` facts of call records.
// Every wire name the tests read about TLS is spelled here.

/// The `tls` object of the emulator's start-up line: the throw-away PKI and the HTTPS endpoints.
struct EmulatorTLS {
    /// Listener names, as in the TLS connection log and in the `tls.listener` of call records.
    enum Listener {
        /// Config, certificate for `localhost` and `127.0.0.1`.
        static let config = "config"
        /// STS, same certificate.
        static let sts = "sts"
        /// Config, certificate signed by the same CA but valid only for another name.
        static let configWrongName = "config-wrong-name"
        /// Config, offering TLS 1.0 and 1.1 only.
        static let configLegacy = "config-legacy"
    }

    /// What a client that does its job negotiates.
    static let modernVersions: Set<String> = ["TLSv1.2", "TLSv1.3"]

    /// The test CA (what `SSL_CERT_FILE` names for a trusting bootstrap).
    let caFile: String
    /// A CA unrelated to every certificate the emulator presents.
    let otherCAFile: String
    /// The directory holding the PKI (deleted by ``withTLSHarness``).
    let directory: String
    /// `https://localhost:<port>` endpoints.
    let configEndpoint: String
    let stsEndpoint: String
    let wrongNameConfigEndpoint: String
    /// Absent when the emulator's Python cannot offer TLS 1.0/1.1.
    let legacyConfigEndpoint: String?

    init(info: [String: Any]) throws {
        guard let tls = info["tls"] as? [String: Any] else {
            throw HarnessError("the emulator's start-up line has no tls object (was it started with --tls?): \(info)")
        }
        func string(_ key: String) throws -> String {
            guard let value = tls[key] as? String, !value.isEmpty else {
                throw HarnessError("start-up line: tls.\(key) missing: \(tls)")
            }
            return value
        }
        caFile = try string("caFile")
        otherCAFile = try string("otherCaFile")
        directory = try string("directory")
        configEndpoint = try string("configEndpoint")
        stsEndpoint = try string("stsEndpoint")
        wrongNameConfigEndpoint = try string("wrongNameConfigEndpoint")
        legacyConfigEndpoint = tls["legacyConfigEndpoint"] as? String
    }

    /// The PKI directory named by a start-up line, when it is one the emulator makes (`<tmp>/pidmode-emulator-tls-…`).
    static func directory(in info: [String: Any]) -> String? {
        guard let path = (info["tls"] as? [String: Any])?["directory"] as? String,
            URL(fileURLWithPath: path).lastPathComponent.hasPrefix("pidmode-emulator-tls-")
        else { return nil }
        return path
    }
}

/// One entry of the TLS connection log (`GET /tls/connections`): a handshake on one HTTPS listener.
struct TLSConnection {
    let raw: [String: Any]

    var id: Int { int(raw["id"]) ?? -1 }
    var listener: String? { raw["listener"] as? String }
    /// The SNI the client sent.
    var serverName: String? { raw["serverName"] as? String }
    /// `TLSv1.3`, `TLSv1.2`, …; `nil` when the handshake failed.
    var version: String? { raw["version"] as? String }
    var cipher: String? { raw["cipher"] as? String }
    var alpn: String? { raw["alpn"] as? String }
    /// Why the handshake failed (the server's view), e.g. `TLSV1_ALERT_UNKNOWN_CA`.
    var reason: String? { raw["reason"] as? String }
    var error: String? { raw["error"] as? String }
    var succeeded: Bool { version != nil && error == nil }

    var summary: String {
        "tls connection #\(id) \(listener ?? "?") sni=\(serverName ?? "nil") version=\(version ?? "nil") "
            + "cipher=\(cipher ?? "nil") alpn=\(alpn ?? "nil") error=\(error ?? "-")"
    }
}

/// The `tls` facts of a call record: the HTTPS connection that carried it (`nil` for plain HTTP).
struct CallTLS {
    let raw: [String: Any]

    var listener: String? { raw["listener"] as? String }
    /// The ``TLSConnection/id`` of the connection.
    var connection: Int? { int(raw["connection"]) }
    var version: String? { raw["version"] as? String }
    var cipher: String? { raw["cipher"] as? String }
}

extension ConfigCall {
    var tls: CallTLS? { (raw["tls"] as? [String: Any]).map(CallTLS.init) }
}

extension STSCall {
    var tls: CallTLS? { (raw["tls"] as? [String: Any]).map(CallTLS.init) }
}

extension E2EHarness {
    /// The TLS connection log, optionally of one listener, oldest first.
    func tlsConnections(listener: String? = nil) throws -> [TLSConnection] {
        let query = listener.map { "?listener=\($0)" } ?? ""
        guard let list = try controlGET("/tls/connections" + query) as? [[String: Any]] else {
            throw HarnessError("/tls/connections did not reply with a list")
        }
        return list.map { TLSConnection(raw: $0) }
    }

    /// The log of `listener` once it holds at least `count` entries (or after `seconds`): a refused handshake is
    /// recorded by the emulator's connection thread, which may finish just after the bootstrap answered.
    func tlsConnections(listener: String, atLeast count: Int, seconds: Double = 5) throws -> [TLSConnection] {
        var entries: [TLSConnection] = []
        var failure: Error?
        waitUntil(seconds: seconds) {
            do {
                entries = try self.tlsConnections(listener: listener)
            } catch {
                failure = error
                return true
            }
            return entries.count >= count
        }
        if let failure { throw failure }
        return entries
    }

    /// Starts the bootstrap with Config at `configEndpoint` and `SSL_CERT_FILE` = `caFile` (plus `adding`).
    func startBootstrap(configEndpoint: String, caFile: String, adding: [String: String] = [:]) throws {
        var environment = ["AWS_ENDPOINT_URL_CONFIG_SERVICE": configEndpoint, "SSL_CERT_FILE": caFile]
        environment.merge(adding) { _, new in new }
        try startBootstrap(adding: environment)
    }
}

/// ``withHarness`` with the emulator started with `--tls` and no bootstrap yet; deletes the emulator's PKI directory
/// afterwards (the emulator is killed, so it cannot).
func withTLSHarness<T>(_ body: (E2EHarness, EmulatorTLS) throws -> T) throws -> T {
    var directory: String?
    defer {
        if let directory { try? FileManager.default.removeItem(atPath: directory) }
    }
    return try withHarness(emulatorArguments: ["--tls"], startBootstrap: false) { h in
        directory = EmulatorTLS.directory(in: h.emulatorInfo)
        return try body(h, try EmulatorTLS(info: h.emulatorInfo))
    }
}
