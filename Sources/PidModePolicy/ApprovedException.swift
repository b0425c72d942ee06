/// One valid entry of the exceptions registry (rule-semantics §8): who may run which family with `pidMode: host`,
/// why, and until when.
public struct ApprovedException: Sendable, Equatable {
    public var id: String
    public var family: String
    /// Only this revision; `nil` for every revision of the family.
    public var revision: Int?
    /// Only these accounts; `nil` for any.
    public var accountIDs: [String]?
    /// Only these regions; `nil` for any.
    public var regions: [String]?
    public var owner: String
    public var reason: String
    public var ticket: String?
    public var expires: ExceptionExpiry

    public init(
        id: String, family: String, revision: Int? = nil, accountIDs: [String]? = nil, regions: [String]? = nil,
        owner: String, reason: String, ticket: String? = nil, expires: ExceptionExpiry
    ) {
        self.id = id
        self.family = family
        self.revision = revision
        self.accountIDs = accountIDs
        self.regions = regions
        self.owner = owner
        self.reason = reason
        self.ticket = ticket
        self.expires = expires
    }

    /// Whether the entry covers `subject`: the family exactly; a listed revision, account or region only when the
    /// subject states that one (a subject without an account matches no entry restricted to accounts).
    public func covers(_ subject: ExceptionSubject) -> Bool {
        guard subject.family == family else { return false }
        if let revision, subject.revision != revision { return false }
        if let accountIDs, !accountIDs.contains(where: { $0 == subject.accountID }) { return false }
        if let regions, !regions.contains(where: { $0 == subject.region }) { return false }
        return true
    }

    /// The annotation or message of a resource this exception exempts:
    /// `EXEMPT EXC-0042 until 2027-02-01 (owner platform@example.com): <reason>`.
    public var exemptionText: String {
        "EXEMPT \(id) until \(expires) (owner \(owner)): \(reason)"
    }

    /// What a finding says when this exception has lapsed: `exception EXC-0042 expired 2027-02-01 (owner …)`.
    public var expiryText: String {
        "exception \(id) expired \(expires) (owner \(owner))"
    }
}

/// What an exception is matched against: the revision being decided, and where it lives.
public struct ExceptionSubject: Sendable, Equatable {
    /// The task definition family; `nil` (unknown) matches no entry.
    public var family: String?
    /// The revision number when the input states one (a recorded revision; not a template).
    public var revision: Int?
    /// The account the resource lives in (an organization rule's member account).
    public var accountID: String?
    /// The region the resource lives in.
    public var region: String?

    public init(family: String?, revision: Int? = nil, accountID: String? = nil, region: String? = nil) {
        self.family = family
        self.revision = revision
        self.accountID = accountID
        self.region = region
    }
}

/// The exception that decides a non-compliant verdict, if any.
public enum ExceptionMatch: Sendable, Equatable {
    /// No valid entry covers the subject: the verdict stands.
    case none
    /// The entry that expires last covers the subject and is still valid: the resource is exempt.
    case active(ApprovedException)
    /// Every covering entry has lapsed; the one that expired last is named so the lapse is visible.
    case expired(ApprovedException)
}
