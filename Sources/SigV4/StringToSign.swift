/// Stage 2 of SigV4: the string to sign.
public enum StringToSign {
    /// The only algorithm this module implements.
    public static let algorithm = "AWS4-HMAC-SHA256"

    /// The credential scope `YYYYMMDD/region/service/aws4_request`, where `YYYYMMDD`
    /// is the first eight characters of `amzDate` (see ``AmzDate/dateStamp(of:)``).
    public static func credentialScope(amzDate: String, region: String, service: String) -> String {
        AmzDate.dateStamp(of: amzDate) + "/" + region + "/" + service + "/aws4_request"
    }

    /// `AWS4-HMAC-SHA256 \n amzDate \n scope \n hexSHA256(canonicalRequest)`, joined by
    /// `"\n"` with no trailing newline. `canonicalRequest` is hashed as UTF-8.
    public static func build(canonicalRequest: String, amzDate: String, credentialScope: String) -> String {
        [algorithm, amzDate, credentialScope, hexSHA256(canonicalRequest)].joined(separator: "\n")
    }
}
