import PidModePolicy
import Testing

/// rule-semantics §7: which revisions each scope keeps, and the annotation of those it leaves out.
@Suite("RevisionScope: the scopes of the peers")
struct RevisionScopeTests {
    static func revision(_ family: String, _ number: Int) -> TaskDefinitionRevision? {
        TaskDefinitionRevision(arn: "arn:aws:ecs:eu-west-1:111111111111:task-definition/\(family):\(number)")
    }

    @Test("ARNs parse into family and revision; anything else does not", arguments: [
        ("arn:aws:ecs:eu-west-1:111111111111:task-definition/web:7", "web", 7),
        ("arn:aws-cn:ecs:cn-north-1:111111111111:task-definition/my_app-2:12345", "my_app-2", 12345),
        ("arn:aws:ecs:us-east-1:111111111111:task-definition/a:b:3", "a:b", 3),
    ])
    func parses(_ arn: String, _ family: String, _ number: Int) {
        let parsed = TaskDefinitionRevision(arn: arn)
        #expect(parsed?.family == family)
        #expect(parsed?.revision == number)
        #expect(parsed?.description == "\(family):\(number)")
        #expect(parsed?.arn == arn)
    }

    @Test("not a task-definition revision ARN", arguments: [
        "", "web:7", "arn:aws:ecs:eu-west-1:111111111111:task-definition/web",
        "arn:aws:ecs:eu-west-1:111111111111:task-definition/web:0", "arn:aws:ecs:eu-west-1:111111111111:task-definition/web:-1",
        "arn:aws:ecs:eu-west-1:111111111111:task-definition/:4", "arn:aws:ecs:eu-west-1:111111111111:task/web:4",
        "arn:aws:ecs:eu-west-1:111111111111:task-definition/web:99999999999999999999",
        "arn:aws:ecs:eu-west-1:111111111111:task-definition/web:7 ",
    ])
    func rejects(_ arn: String) {
        #expect(TaskDefinitionRevision(arn: arn) == nil)
    }

    @Test("ALL keeps every revision, whatever its status")
    func all() {
        #expect(RevisionScope.all.exclusion(of: Self.revision("web", 7), name: "web:7", status: "INACTIVE") == nil)
        #expect(RevisionScope.all.exclusion(of: nil, name: "x", status: nil) == nil)
    }

    @Test("ACTIVE leaves out INACTIVE revisions, with the annotation of §7")
    func active() {
        #expect(RevisionScope.active.exclusion(of: Self.revision("web", 7), name: "web:7", status: "ACTIVE") == nil)
        #expect(RevisionScope.active.exclusion(of: Self.revision("web", 7), name: "web:7", status: "INACTIVE")
            == "revision web:7 is INACTIVE (EvaluatedRevisions ACTIVE)")
        #expect(RevisionScope.active.exclusion(of: nil, name: "legacy", status: "INACTIVE")
            == "revision legacy is INACTIVE (EvaluatedRevisions ACTIVE)")
        #expect(RevisionScope.active.exclusion(of: Self.revision("web", 7), name: "web:7", status: nil) == nil)
    }

    @Test("LATEST_ACTIVE keeps only the newest ACTIVE revision of its family")
    func latestActive() throws {
        let latest = try #require(Self.revision("web", 9))
        let scope = RevisionScope.latestActive(["web": latest])
        #expect(scope.exclusion(of: Self.revision("web", 9), name: "web:9", status: "ACTIVE") == nil)
        #expect(scope.exclusion(of: Self.revision("web", 7), name: "web:7", status: "ACTIVE")
            == "revision web:7 is not the latest active revision of web (web:9)")
        #expect(scope.exclusion(of: Self.revision("web", 10), name: "web:10", status: "INACTIVE")
            == "revision web:10 is not the latest active revision of web (web:9)")
        #expect(scope.exclusion(of: Self.revision("api", 1), name: "api:1", status: "INACTIVE") == "api has no active revision")
        // No revision can be parsed: the scope can't be decided, the caller evaluates as under ALL.
        #expect(scope.exclusion(of: nil, name: "web", status: "ACTIVE") == nil)
    }

    @Test("IN_USE keeps revisions that run, INACTIVE ones included, compared by family:revision")
    func inUse() {
        let used = InUseRevisions(arns: [
            "arn:aws:ecs:eu-west-1:111111111111:task-definition/web:7",
            "arn:aws:ecs:eu-west-1:111111111111:task-definition/batch:2",
        ])
        let scope = RevisionScope.inUse(used)
        #expect(used.count == 2)
        #expect(scope.exclusion(of: Self.revision("web", 7), name: "web:7", status: "INACTIVE") == nil)
        #expect(scope.exclusion(of: Self.revision("batch", 2), name: "batch:2", status: "ACTIVE") == nil)
        #expect(scope.exclusion(of: Self.revision("web", 8), name: "web:8", status: "ACTIVE")
            == "revision web:8 is not used by any running task or active service deployment")
        #expect(scope.exclusion(of: nil, name: "web", status: "ACTIVE") == nil)
    }

    @Test("each scope names the parameter value it implements", arguments: EvaluatedRevisions.allCases)
    func parameterNames(_ scope: EvaluatedRevisions) {
        #expect(EvaluatedRevisions(parameter: scope.rawValue.lowercased()) == scope)
        let resolved: RevisionScope = switch scope {
        case .all: .all
        case .active: .active
        case .latestActive: .latestActive([:])
        case .inUse: .inUse(InUseRevisions())
        }
        #expect(resolved.parameter == scope)
    }

    @Test("unknown scope names are refused", arguments: ["", "RUNNING", "LATEST", "ALL ", "IN-USE"])
    func unknownScope(_ text: String) {
        #expect(EvaluatedRevisions(parameter: text) == nil)
    }
}
