/// AWS Config's wire vocabulary for this rule: message types, statuses, operation and member names.
enum ConfigWire {
    static let taskDefinitionResourceType = "AWS::ECS::TaskDefinition"
    static let testModeResultToken = "TESTMODE"

    enum MessageType {
        static let change = "ConfigurationItemChangeNotification"
        static let oversizedChange = "OversizedConfigurationItemChangeNotification"
        static let scheduled = "ScheduledNotification"
    }

    /// `configurationItemStatus` values.
    enum ItemStatus {
        static let ok = "OK"
        static let discovered = "ResourceDiscovered"
        static let notApplicable: Set<String> = ["ResourceDeleted", "ResourceDeletedNotRecorded", "ResourceNotRecorded"]
    }

    /// `configuration.Status` values of a task definition.
    enum TaskDefinitionStatus {
        static let inactive = "INACTIVE"
        static let deleteInProgress = "DELETE_IN_PROGRESS"
    }

    enum Operation {
        static let putEvaluations = "PutEvaluations"
        static let getResourceConfigHistory = "GetResourceConfigHistory"
        static let listDiscoveredResources = "ListDiscoveredResources"
        static let batchGetResourceConfig = "BatchGetResourceConfig"
        static let getComplianceDetailsByConfigRule = "GetComplianceDetailsByConfigRule"
    }

    /// Limits of PutEvaluations (botocore's Config model).
    static let maxEvaluationsPerCall = 100
    /// Page size of ListDiscoveredResources and GetComplianceDetailsByConfigRule, keys per BatchGetResourceConfig.
    static let maxPageSize = 100
    /// GetComplianceDetailsByConfigRule accepts rule names of at most this many characters.
    static let maxComplianceQueryRuleNameLength = 64
    static let maxAnnotationUTF16Length = 256
}
