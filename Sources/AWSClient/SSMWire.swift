/// AWS Systems Manager's wire vocabulary for this project: the one operation and its member names
/// (botocore's `ssm` model, `GetParameter`).
enum SSMWire {
    static let getParameter = "GetParameter"

    enum Member {
        static let name = "Name"
        static let withDecryption = "WithDecryption"
        static let parameter = "Parameter"
        static let value = "Value"
        static let version = "Version"
        static let type = "Type"
    }

    /// The error code of a parameter that does not exist (or that the caller may not see in another account).
    static let parameterNotFound = "ParameterNotFound"
}
