import IaCScan
import JSON
import PidModePolicy
import Testing

/// rule-semantics §10 "Inputs": each row's format, where the value is read, and the position reported.
@Suite("Inputs: every row of §10, with exact positions")
struct InputRowTests {
    @Test("task definition JSON: register-task-definition input, top-level pidMode")
    func registerInput() throws {
        let found = try site("""
            {
              "family": "node-exporter",
              "pidMode": "host",
              "containerDefinitions": [{"name": "a", "image": "b"}]
            }
            """)
        #expect(found.format == .taskDefinition)
        #expect(found.resource == "node-exporter")
        #expect(found.value == .single(.literal(.string("host"))))
        #expect(found.position == at(3, 14))
        #expect(found.family == "node-exporter" && found.revision == nil)
    }

    @Test("task definition JSON: describe-task-definition output, taskDefinition.pidMode, family:revision")
    func describeOutput() throws {
        let found = try site("""
            {"taskDefinition": {
                "family": "web", "revision": 7,
                "pidMode": "task",
                "containerDefinitions": []},
             "tags": []}
            """)
        #expect(found.resource == "web:7")
        #expect(found.family == "web" && found.revision == 7)
        #expect(found.value == .single(.literal(.string("task"))))
        #expect(found.position == at(3, 16))
    }

    @Test("task definition JSON: an array of either; absent pidMode is positioned at the definition")
    func arrayOfEither() throws {
        let found = try sites("""
            [
              {"family": "a", "containerDefinitions": []},
              {"taskDefinition": {"family": "b", "revision": 2, "pidMode": "host", "containerDefinitions": []}}
            ]
            """)
        #expect(found.map(\.resource) == ["a", "b:2"])
        #expect(found[0].value == .single(.absent))
        #expect(found[0].position == at(2, 3))
        #expect(found[1].position == at(3, 64))
    }

    @Test("CloudFormation JSON: Resources.<id> of Type AWS::ECS::TaskDefinition → Properties.PidMode")
    func cloudFormationJSON() throws {
        let found = try sites("""
            {
              "Resources": {
                "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"PidMode": "host"}},
                "Task": {
                  "Type": "AWS::ECS::TaskDefinition",
                  "Properties": {"Family": "f", "PidMode": "host"}
                },
                "Bare": {"Type": "AWS::ECS::TaskDefinition"}
              }
            }
            """)
        #expect(found.map(\.resource) == ["Task", "Bare"])
        #expect(found[0].format == .cloudFormation)
        #expect(found[0].position == at(6, 48))
        #expect(found[0].family == "f")
        #expect(found[1].value == .single(.absent))
        #expect(found[1].position == at(8, 5))
    }

    @Test("CloudFormation YAML: plain value, exact line and column")
    func cloudFormationYAML() throws {
        let found = try site(cfnYAML("Family: web\nPidMode: host"))
        #expect(found.format == .cloudFormation)
        #expect(found.value == .single(.literal(.string("host"))))
        #expect(found.position == at(6, 16))
        #expect(found.family == "web")
    }

    @Test("CloudFormation YAML short forms become their long form, positioned at the tag",
          arguments: [
            ("!Ref Mode", "Ref Mode"),
            ("!Sub '${Mode}'", "Fn::Sub '${Mode}'"),
            ("!FindInMap [Map, !Ref Stage, Mode]", "Fn::FindInMap"),
            ("!Select [0, [host, task]]", "Fn::Select"),
            ("!GetAtt Thing.Mode", "Fn::GetAtt 'Thing.Mode'"),
            ("!ImportValue SharedMode", "Fn::ImportValue 'SharedMode'"),
            ("!Join ['', [ho, st]]", "Fn::Join"),
          ])
    func shortForms(written: String, description: String) throws {
        let found = try site(cfnYAML("PidMode: \(written)"))
        #expect(found.value == .single(.notLiteral(description: description)))
        #expect(found.position == at(5, 16))
    }

    @Test("CloudFormation: Ref AWS::NoValue is absent; Fn::If yields its branches (nested ones flattened)")
    func conditionals() throws {
        let yaml = try site(cfnYAML("PidMode: !If [IsProd, !Ref AWS::NoValue, !If [IsDev, host, !Ref Mode]]"))
        #expect(yaml.value == .conditional(name: "Fn::If", branches: [.absent, .literal(.string("host")), .notLiteral(description: "Ref Mode")]))
        #expect(yaml.position == at(5, 16))
        let json = try site(#"{"Resources": {"T": {"Type": "AWS::ECS::TaskDefinition", "Properties": {"PidMode": {"Fn::If": ["C", "task", "host"]}}}}}"#)
        #expect(json.value == .conditional(name: "Fn::If", branches: [.literal(.string("task")), .literal(.string("host"))]))
        #expect(json.position == at(1, 84))
        let noValue = try site(cfnYAML("PidMode: !Ref AWS::NoValue"))
        #expect(noValue.value == .single(.absent))
    }

    @Test("CloudFormation YAML: an alias is positioned at the alias, not at the anchor")
    func alias() throws {
        let found = try sites("""
            Mappings:
              Modes: {default: &mode host}
            Resources:
              Task:
                Type: AWS::ECS::TaskDefinition
                Properties:
                  PidMode:   *mode
            """)
        #expect(found.count == 1)
        #expect(found[0].value == .single(.literal(.string("host"))))
        #expect(found[0].position == at(7, 18))
    }

    @Test("SAM template (Transform) and CDK output (cdk.out/*.template.json) are CloudFormation")
    func samAndCDK() throws {
        let sam = try site("""
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Fn: {Type: AWS::Serverless::Function, Properties: {Handler: a.b}}
              Task: {Type: AWS::ECS::TaskDefinition, Properties: {PidMode: host}}
            """)
        #expect(sam.format == .cloudFormation && sam.resource == "Task" && sam.position == at(4, 64))
        let cdk = try site("""
            {
             "Resources": {
              "WebTaskDef8F8B4D3C": {
               "Type": "AWS::ECS::TaskDefinition",
               "Properties": {"Family": "WebStackWebTaskDef", "PidMode": "host"},
               "Metadata": {"aws:cdk:path": "WebStack/WebTaskDef/Resource"}
              }
             }
            }
            """)
        #expect(cdk.format == .cloudFormation && cdk.resource == "WebTaskDef8F8B4D3C" && cdk.position == at(5, 62))
    }

    @Test("Terraform plan JSON: create/update/replace are findings, delete/no-op/read are not; positioned at \"address\"")
    func terraformPlan() throws {
        func change(_ address: String, _ actions: String, after: String, unknown: String = "{}", type: String = "aws_ecs_task_definition") -> String {
            #"{"address": "\#(address)", "mode": "managed", "type": "\#(type)", "change": {"actions": \#(actions), "after": \#(after), "after_unknown": \#(unknown)}}"#
        }
        let plan = """
            {"format_version": "1.2", "resource_changes": [
            \(change("a.create", #"["create"]"#, after: #"{"pid_mode": "host", "family": "fa"}"#)),
            \(change("a.update", #"["update"]"#, after: #"{"pid_mode": "task"}"#)),
            \(change("a.replace", #"["delete", "create"]"#, after: #"{"pid_mode": ""}"#)),
            \(change("a.unknown", #"["create"]"#, after: "{}", unknown: #"{"pid_mode": true}"#)),
            \(change("a.absent", #"["create"]"#, after: "{}")),
            \(change("a.delete", #"["delete"]"#, after: "null")),
            \(change("a.noop", #"["no-op"]"#, after: #"{"pid_mode": "host"}"#)),
            \(change("cc.create", #"["create"]"#, after: #"{"pid_mode": "host"}"#, type: "awscc_ecs_task_definition")),
            \(change("b.other", #"["create"]"#, after: #"{"pid_mode": "host"}"#, type: "aws_ecs_service"))
            ]}
            """
        let found = try sites(plan)
        #expect(found.map(\.resource) == ["a.create", "a.update", "a.replace", "a.unknown", "a.absent", "cc.create"])
        #expect(found.allSatisfy { $0.format == .terraformPlan })
        #expect(found.map(\.position) == (2...6).map { at($0, 2) } + [at(9, 2)])
        #expect(found[0].value == .single(.literal(.string("host"))) && found[0].family == "fa")
        #expect(found[2].value == .single(.literal(.string(""))))
        #expect(found[3].value == .single(.notLiteral(description: "(known after apply)")))
        #expect(found[4].value == .single(.absent))
    }

    @Test("Terraform .tf: resource-level pid_mode only, never inside container_definitions or nested blocks")
    func terraformHCL() throws {
        let found = try sites("""
            # comment
            resource "aws_ecs_task_definition" "a" {
              family = "fam"
              container_definitions = jsonencode([{ name = "x", pidMode = "host" }])
              volume {
                pid_mode = "host"
              }
              pid_mode = "host" // trailing comment
            }

            resource "aws_ecs_task_definition" "b" {
              container_definitions = <<EOF
            [{"name": "x", "pidMode": "host"}]
            EOF
            }
            resource "awscc_ecs_task_definition" "c" { pid_mode = "task" }
            resource "aws_ecs_service" "s" { pid_mode = "host" }
            """)
        #expect(found.map(\.resource) == ["aws_ecs_task_definition.a", "aws_ecs_task_definition.b", "awscc_ecs_task_definition.c"])
        #expect(found.allSatisfy { $0.format == .terraform })
        #expect(found[0].value == .single(.literal(.string("host"))))
        #expect(found[0].position == at(8, 14))
        #expect(found[0].family == "fam")
        #expect(found[1].value == .single(.absent))
        #expect(found[1].position == at(11, 1))
        #expect(found[2].position == at(16, 55))
    }

    @Test("Terraform .tf: variables, locals, templates and function calls are not literals; ?: yields its branches")
    func terraformExpressions() throws {
        #expect(try site(terraform("pid_mode = var.pid_mode")).value == .single(.notLiteral(description: "var.pid_mode")))
        #expect(try site(terraform("pid_mode = local.mode")).value == .single(.notLiteral(description: "local.mode")))
        #expect(try site(terraform(#"pid_mode = "${var.mode}""#)).value == .single(.notLiteral(description: #""${var.mode}""#)))
        #expect(try site(terraform(#"pid_mode = lower("HOST")"#)).value == .single(.notLiteral(description: #"lower("HOST")"#)))
        #expect(try site(terraform("pid_mode = null")).value == .single(.literal(.null)))
        #expect(try site(terraform("pid_mode = 1")).value == .single(.literal(.number("1"))))
        #expect(try site(terraform(#"pid_mode = ("host")"#)).value == .single(.literal(.string("host"))))
        let ternary = try site(terraform(#"pid_mode = var.debug ? "host" : (var.x ? var.mode : "task")"#))
        #expect(ternary.value == .conditional(name: "?:", branches: [.literal(.string("host")), .notLiteral(description: "var.mode"), .literal(.string("task"))]))
        #expect(ternary.position == at(2, 14))
        let heredoc = try site(terraform("pid_mode = <<-EOT\n  host\n  EOT"))
        #expect(heredoc.value == .single(.literal(.string("host\n"))))
        let escaped = try site(terraform(#"pid_mode = "\u0068ost""#))
        #expect(escaped.value == .single(.literal(.string("host"))))
        let multiline = try site(terraform("pid_mode = (\n  var.a\n  ? \"task\"\n  : \"host\"\n)\nfamily = \"f\""))
        #expect(multiline.value == .conditional(name: "?:", branches: [.literal(.string("task")), .literal(.string("host"))]))
        #expect(multiline.family == "f")
    }

    @Test("a UTF-8 byte-order mark takes no column (JSON, YAML, HCL)")
    func byteOrderMark() throws {
        let bom = "\u{FEFF}"
        #expect(try site(bom + #"{"family": "f", "pidMode": "host", "containerDefinitions": []}"#).position == at(1, 28))
        #expect(try site(bom + "family: f\npidMode: host\ncontainerDefinitions: []\n").position == at(2, 10))
        #expect(try site(bom + "resource \"aws_ecs_task_definition\" \"t\" { pid_mode = \"host\" }").position == at(1, 53))
    }

    @Test("recognised by content, not by name: a plan, a template and a task definition named alike")
    func byContent() throws {
        #expect(try format(#"{"resource_changes": []}"#) == .terraformPlan)
        #expect(try format(#"{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"T": {"Type": "AWS::ECS::TaskDefinition"}}}"#) == .cloudFormation)
        // No marker (no task-definition type, key or resource type), no escape that could spell one: never parsed.
        #expect(try format(#"{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {}}"#) == nil)
        #expect(try format(#"{"family": "x", "containerDefinitions": []}"#) == .taskDefinition)
        #expect(try format("family: x\ncontainerDefinitions: []\npidMode: host\n") == .taskDefinition)
        #expect(try format(#"{"name": "package", "dependencies": {"TaskDefinition": "1.0"}}"#) == nil)
        #expect(try format("just: yaml\nwith: TaskDefinition\n") == nil)
        #expect(try format("no markers at all {{{") == nil)
    }
}
