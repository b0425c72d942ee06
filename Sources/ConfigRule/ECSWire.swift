/// Amazon ECS's wire vocabulary for the revision scopes (botocore's ECS model, 2014-11-13): operation and member
/// names, enum values and the page and batch limits.
enum ECSWire {
    enum Operation {
        static let listTaskDefinitions = "ListTaskDefinitions"
        static let listClusters = "ListClusters"
        static let listTasks = "ListTasks"
        static let describeTasks = "DescribeTasks"
        static let listServices = "ListServices"
        static let describeServices = "DescribeServices"
    }

    enum Member {
        static let familyPrefix = "familyPrefix"
        static let status = "status"
        static let sort = "sort"
        static let maxResults = "maxResults"
        static let nextToken = "nextToken"
        static let cluster = "cluster"
        static let desiredStatus = "desiredStatus"
        static let tasks = "tasks"
        static let services = "services"
        static let taskDefinitionArns = "taskDefinitionArns"
        static let clusterArns = "clusterArns"
        static let taskArns = "taskArns"
        static let serviceArns = "serviceArns"
        static let taskDefinitionArn = "taskDefinitionArn"
        static let taskDefinition = "taskDefinition"
        static let deployments = "deployments"
        static let taskSets = "taskSets"
        static let failures = "failures"
        static let arn = "arn"
        static let reason = "reason"
    }

    /// `TaskDefinitionStatus` (ListTaskDefinitions `status`).
    static let activeStatus = "ACTIVE"
    /// `SortOrder`: newest revision of each family first.
    static let sortDescending = "DESC"
    /// `DesiredStatus` of ListTasks.
    static let desiredRunning = "RUNNING"
    /// Deployment statuses whose task definition is in use (`INACTIVE` deployments are finished).
    static let inUseDeploymentStatuses: Set<String> = ["PRIMARY", "ACTIVE"]
    /// The error of ListTasks/ListServices/Describe* for a cluster deleted since ListClusters listed it.
    static let clusterNotFound = "ClusterNotFoundException"

    /// `maxResults` of every List* operation (1–100).
    static let maxPageSize = 100
    /// Task ARNs per DescribeTasks call.
    static let maxTasksPerDescribe = 100
    /// Services per DescribeServices call.
    static let maxServicesPerDescribe = 10
}
