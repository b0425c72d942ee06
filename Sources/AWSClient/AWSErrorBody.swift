import CurlHTTP
import JSON

/// The error code and message of a failed awsJson1_1 reply (as botocore's `BaseJSONParser` reads them).
struct AWSErrorBody: Equatable {
    var errorType: String
    var message: String

    /// Reads `__type` (or `code`/`Code`, or the `x-amzn-ErrorType` header) and `message`/`Message`.
    /// The code is the part before the first `:`, after its last `#` (botocore's order); an unreadable body gives `HTTP<status>`.
    init(response: HTTPResponse) {
        let document = try? JSONParser.parse(response.body)
        let rawType = document?["__type"]?.stringValue ?? document?["code"]?.stringValue
            ?? document?["Code"]?.stringValue ?? response.headers[AWSWire.errorTypeHeader] ?? ""
        var type = Substring(rawType)
        if let colon = type.firstIndex(of: ":") { type = type[..<colon] }
        if let hash = type.lastIndex(of: "#") { type = type[type.index(after: hash)...] }
        self.errorType = type.isEmpty ? "HTTP\(response.status)" : String(type)
        self.message = document?["message"]?.stringValue ?? document?["Message"]?.stringValue
            ?? document?["errorMessage"]?.stringValue ?? ""
    }
}
