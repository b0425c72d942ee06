import Testing

@testable import SigV4

@Suite("Reusing a derived signing key")
struct DerivedKeyTests {
    private let request = SignableRequest(
        method: "POST", path: "/",
        headers: [(name: "Host", value: "config.eu-west-3.amazonaws.com"), (name: "X-Amz-Target", value: "StarlingDoveService.PutEvaluations")],
        body: Array(#"{"Evaluations":[]}"#.utf8))
    private let credentials = Credentials(
        accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", sessionToken: "token+/=")

    @Test("a key derived for the request's day gives the same signature as deriving it again")
    func sameDayKeyIsUsed() {
        let plain = SigV4Signer(credentials: credentials, region: "eu-west-3", service: "config")
        var cached = plain
        cached.derivedKey = plain.signingKey(dateStamp: "20240118")
        let epoch: Int64 = 1_705_614_600  // 2024-01-18T21:50:00Z
        #expect(cached.authorization(for: request, amzDate: AmzDate.format(epochSeconds: epoch))
            == plain.authorization(for: request, amzDate: AmzDate.format(epochSeconds: epoch)))
    }

    @Test("a key for another day (or other credentials) is not used")
    func otherDayKeyIsIgnored() {
        let plain = SigV4Signer(credentials: credentials, region: "eu-west-3", service: "config")
        var stale = plain
        stale.derivedKey = SigV4Signer(
            credentials: Credentials(accessKeyID: "AKIDOTHER", secretAccessKey: "another-secret-key-value"),
            region: "eu-west-3", service: "config"
        ).signingKey(dateStamp: "20240117")
        let amzDate = AmzDate.format(epochSeconds: 1_705_614_600)
        #expect(stale.authorization(for: request, amzDate: amzDate) == plain.authorization(for: request, amzDate: amzDate))
    }
}
