/// The CloudFormation Lambda Hook wire vocabulary (the invocation event and the hook result), in one place.
///
/// Source: Hooks User Guide, "Create Lambda functions to evaluate resources for Lambda Hooks"
/// (`prevention-research.md` §1.3–§1.5).
public enum HookWire {
    /// Top-level members of the invocation event.
    public enum Event {
        public static let hookTypeName = "hookTypeName"
        public static let requestData = "requestData"
        public static let actionInvocationPoint = "actionInvocationPoint"
        public static let clientRequestToken = "clientRequestToken"
        public static let awsAccountID = "awsAccountId"
    }

    /// Members of `requestData`.
    public enum RequestData {
        public static let targetName = "targetName"
        public static let targetType = "targetType"
        public static let targetLogicalID = "targetLogicalId"
        public static let targetModel = "targetModel"
        /// Member of `targetModel`: the proposed properties (empty on delete).
        public static let resourceProperties = "resourceProperties"
    }

    /// `actionInvocationPoint` values.
    public enum InvocationPoint {
        public static let create = "CREATE_PRE_PROVISION"
        public static let update = "UPDATE_PRE_PROVISION"
        public static let delete = "DELETE_PRE_PROVISION"
    }

    /// `targetType` values (Cloud Control API operations also arrive as `RESOURCE`).
    public enum TargetType {
        public static let resource = "RESOURCE"
        public static let stack = "STACK"
        public static let changeSet = "CHANGE_SET"
    }

    /// The one resource type the hook decides.
    public static let taskDefinitionType = "AWS::ECS::TaskDefinition"

    /// Property names of `AWS::ECS::TaskDefinition` the hook reads (CloudFormation casing first, the ECS API's second).
    public enum Property {
        /// The CloudFormation spelling, which messages use.
        public static let pidModeCloudFormation = "PidMode"
        public static let pidMode = [pidModeCloudFormation, "pidMode"]
        public static let family = ["Family", "family"]
    }

    /// Members of the hook result (the invocation's `/response` body).
    public enum Result {
        public static let hookStatus = "hookStatus"
        public static let errorCode = "errorCode"
        public static let message = "message"
        public static let clientRequestToken = "clientRequestToken"
    }

    /// `hookStatus` values the function returns (it never needs `IN_PROGRESS`).
    public enum Status: String, Sendable {
        case success = "SUCCESS"
        case failed = "FAILED"
    }

    /// `errorCode` values, sent only with `FAILED`.
    public enum ErrorCode: String, Sendable {
        /// The proposed resource breaks the policy.
        case nonCompliant = "NonCompliant"
        /// The hook could not decide: an unreadable event or an unusable exceptions registry.
        case internalFailure = "InternalFailure"
    }

    /// Cloud Control API keeps at most this many characters of `message` (CloudFormation keeps 4096).
    public static let maxMessageLength = 1024
}
