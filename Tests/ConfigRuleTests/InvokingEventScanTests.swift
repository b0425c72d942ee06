import JSON
import Testing

@testable import ConfigRule

/// `InvokingEventScan` builds only what the rule reads of the invoking event; decoding it must give exactly what
/// decoding the fully parsed invoking event gives: the same item, facts, times and the same errors.
@Suite("InvokingEventScan: the scanned invoking event decodes as the parsed one")
struct InvokingEventScanTests {
    /// The invoking event decoded both ways: (scanned, parsed), each a decoded event or the error's message.
    static func bothWays(_ text: String) -> (scanned: String, parsed: String) {
        func decode(_ value: JSONValue?) -> String {
            guard let object = value?.objectValue else { return "not an object" }
            do {
                let event = try InvokingEvent(object: object)
                return "\(event) notificationCreationTime=\(String(describing: object["notificationCreationTime"].flatMap { Timestamp(json: $0) }))"
            } catch {
                return "error: \(error.message)"
            }
        }
        var bytes = Array(text.utf8)
        let scanned = bytes.withUnsafeMutableBufferPointer { buffer in
            (try? InvokingEventScan.scan(UnsafeBufferPointer(buffer))).map { decode($0) } ?? "not JSON"
        }
        let parsed = (try? JSONParser.parse(text)).map { decode($0) } ?? "not JSON"
        return (scanned, parsed)
    }

    static let eventFiles = [
        Payloads.host, Payloads.task, Payloads.absent, Payloads.deleted, Payloads.leftScope, Payloads.testMode, Payloads.ec2,
        Payloads.oversized, Payloads.snapshotDelivery, "aws-doc_scheduled-notification.json", "derived_scheduled-notification_ecs-rule.json",
        "aws-doc_oversized-change-notification_ec2.json",
    ]

    @Test("every real event's invoking event", arguments: eventFiles)
    func realEvents(_ file: String) throws {
        let text = try #require(try Payloads.json(file)["invokingEvent"]?.stringValue)
        let both = Self.bothWays(text)
        #expect(both.scanned == both.parsed)
        #expect(!both.scanned.hasPrefix("error") || file == Payloads.snapshotDelivery)
    }

    @Test("edited invoking events: the same decoded event or the same error", arguments: [
        #"{"messageType":"ConfigurationItemChangeNotification","configurationItem":{"resourceType":"AWS::ECS::TaskDefinition","resourceId":"a","configurationItemStatus":"OK","configurationItemCaptureTime":"2024-01-18T22:05:40.112Z","configuration":{"pidMode":"task","PidMode":"host","ContainerDefinitions":[{"Environment":[{"Name":"PidMode","Value":"host"}]}]}},"notificationCreationTime":"2024-01-18T22:05:41.000Z"}"#,
        #"{"messageType":"ConfigurationItemChangeNotification","configurationItem":{"resourceType":"AWS::ECS::TaskDefinition","resourceId":"a","resourceId":"b","configurationItemStatus":"OK","configurationItemCaptureTime":1705615540.112,"configuration":{"PidMode":"task","PidMode":"host"}}}"#,
        #"{"messageType":"ConfigurationItemChangeNotification","configurationItem":{"resourceType":"AWS::ECS::TaskDefinition","configurationItemStatus":"OK","configurationItemCaptureTime":"2024-01-18T22:05:40.112Z"}}"#,
        #"{"messageType":"ConfigurationItemChangeNotification","configurationItem":"not an object"}"#,
        #"{"messageType":"ConfigurationItemChangeNotification","configurationItem":{"resourceType":"AWS::ECS::TaskDefinition","resourceId":"a","configurationItemStatus":"OK","configurationItemCaptureTime":"2024-01-18T22:05:40.112Z","configuration":"{\"PidMode\":\"host\"}"}}"#,
        #"{"messageType":"ConfigurationItemChangeNotification","configurationItem":{"resourceType":"AWS::ECS::TaskDefinition","resourceId":"a","configurationItemStatus":"OK","configurationItemCaptureTime":"2024-01-18T22:05:40.112Z","configuration":{"PidMode":"host","x":[1,2,}}}"#,
        #"{"messageType":"ScheduledNotification","notificationCreationTime":"yesterday"}"#,
        #"{"messageType":42}"#, #"[1,2]"#, #""text""#, #"{"messageType":"ScheduledNotification","notificationCreationTime":"2024-01-18T22:05:41Z"} trailing"#,
        #"{"messageType":"OversizedConfigurationItemChangeNotification","configurationItemSummary":{"resourceType":"AWS::ECS::TaskDefinition","resourceId":"a","configurationItemStatus":"OK","configurationItemCaptureTime":"2024-01-18T22:05:40.112Z","ARN":"arn:aws:ecs:us-east-1:1:task-definition/a:1","arn":"arn:aws:ecs:us-east-1:1:task-definition/a:2"}}"#,
    ])
    func editedEvents(_ text: String) {
        let both = Self.bothWays(text)
        #expect(both.scanned == both.parsed)
    }
}
