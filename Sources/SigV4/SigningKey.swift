/// Stages 3 and 4 of SigV4: the derived signing key and the signature.
public enum SigningKey {
    /// Derives the signing key:
    /// `HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")`,
    /// HMAC-SHA256 throughout, all strings as UTF-8. `dateStamp` is `YYYYMMDD`.
    /// The key depends only on its inputs, so a caller may cache it for a day.
    public static func derive(
        secretAccessKey: String, dateStamp: String, region: String, service: String
    ) -> [UInt8] {
        var key = Array(("AWS4" + secretAccessKey).utf8)
        for part in [dateStamp, region, service, "aws4_request"] {
            key = Digest.hmacSHA256(key: key, Array(part.utf8))
        }
        return key
    }

    /// Lower-case hex HMAC-SHA256 of the UTF-8 `stringToSign` under `key` (64 characters).
    public static func signature(stringToSign: String, key: [UInt8]) -> String {
        hexEncode(Digest.hmacSHA256(key: key, Array(stringToSign.utf8)))
    }
}
