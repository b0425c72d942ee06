"""Self-test of the fake ECS (run by ``python3 -m emulator.selftest`` after the Config tests, on the
same emulator child): the default state, every operation through botocore's own ECS client, the
paging and batch limits, SigV4 for signing name ``ecs`` (base and STS-issued credentials), fault
injection on ECS operations, the generated scope account and ``/reset``."""

import json

import botocore.session
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

from .selftest import MEMBER, MEMBER_ROLE, _post_signed, assume, check, expect_client_error

ECS_TESTS = []
ARN = "arn:aws:ecs:us-west-2:111111111111:task-definition/"


def ecs_test(func):
    """Register an ECS self-test (run in definition order)."""
    ECS_TESTS.append(func)
    return func


def ecs_client(h, credentials=None):
    """botocore's ECS client on the fake endpoint (no retries, no client-side validation)."""
    creds = credentials or {"AccessKeyId": h.info["accessKeyID"],
                            "SecretAccessKey": h.info["secretAccessKey"],
                            "SessionToken": h.info["sessionToken"]}
    client = botocore.session.get_session().create_client(
        "ecs", region_name=h.info["region"], endpoint_url=h.info["ecsEndpoint"],
        aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        config=Config(retries={"total_max_attempts": 1}, parameter_validation=False,
                      connect_timeout=5, read_timeout=10))
    return client


def raw_ecs(h, operation, body, signing_name="ecs"):
    """POST ``body`` to the ECS endpoint signed by botocore for ``signing_name``;
    ``(status, parsed JSON)``."""
    url = h.info["ecsEndpoint"] + "/"
    data = json.dumps(body).encode()
    request = AWSRequest("POST", url, data=data, headers={
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": f"AmazonEC2ContainerServiceV20141113.{operation}"})
    SigV4Auth(Credentials(h.info["accessKeyID"], h.info["secretAccessKey"], h.info["sessionToken"]),
              signing_name, h.info["region"]).add_auth(request)
    return _post_signed(url, data, request, json.loads)


def last_ecs_call(h, operation=None):
    calls = h.ok("GET", "/ecs/calls" + (f"?operation={operation}" if operation else ""))
    check(calls, "no ECS call recorded")
    return calls[-1]


@ecs_test
def ecs_startup_line_and_default_state(h):
    h.ok("POST", "/reset")
    check(h.info["ecsEndpoint"].startswith("http://127.0.0.1:"), h.info)
    state = h.ok("GET", "/ecs/state")["counts"]
    check((state["families"], state["revisions"], state["activeRevisions"], state["clusters"],
           state["tasks"], state["services"]) == (4, 6, 4, 1, 1, 1), state)


@ecs_test
def ecs_list_task_definitions_exact_family_status_sort_and_paging(h):
    h.ok("POST", "/reset")
    ecs = ecs_client(h)
    latest = ecs.list_task_definitions(familyPrefix="legacy-agent", status="ACTIVE", sort="DESC",
                                       maxResults=1)
    check(latest["taskDefinitionArns"] == [ARN + "legacy-agent:5"] and "nextToken" not in latest,
          latest)
    check(ecs.list_task_definitions(familyPrefix="legacy")["taskDefinitionArns"] == [],
          "familyPrefix is an exact family match")
    inactive = ecs.list_task_definitions(status="INACTIVE")["taskDefinitionArns"]
    check(inactive == [ARN + "legacy-agent:4", ARN + "testtaskdef:1"], inactive)
    call = last_ecs_call(h, "ListTaskDefinitions")
    check(call["signature"] == "valid" and call["status"] == 200 and not call["modelErrors"]
          and call["target"] == "AmazonEC2ContainerServiceV20141113.ListTaskDefinitions", call)
    h.ok("POST", "/scopes/generate", {"families": 3, "revisions": 250, "keepActive": 100,
                                      "deregisteredEvery": 0})
    pages, token = [], None
    while True:
        params = {"status": "ACTIVE", "sort": "DESC", "maxResults": 100}
        if token:
            params["nextToken"] = token
        page = ecs.list_task_definitions(**params)
        pages.append(page["taskDefinitionArns"])
        token = page.get("nextToken")
        if not token:
            break
    check([len(p) for p in pages] == [100, 100, 50] and pages[0][0] == ARN + "f-002:83"
          and pages[0][1] == ARN + "f-002:82", [(len(p), p[:2]) for p in pages])
    expect_client_error(lambda: ecs.list_task_definitions(status="INACTIVE", nextToken=token or
                                                          ecs.list_task_definitions(maxResults=1)["nextToken"]),
                        "InvalidParameterException", "issued for other parameters")


@ecs_test
def ecs_limits_are_enforced(h):
    h.ok("POST", "/reset")
    ecs = ecs_client(h)
    expect_client_error(lambda: ecs.list_clusters(maxResults=101), "InvalidParameterException")
    expect_client_error(lambda: ecs.describe_tasks(cluster="default", tasks=[f"t{i}" for i in range(101)]),
                        "InvalidParameterException", "100")
    expect_client_error(lambda: ecs.describe_services(cluster="default", services=[f"s{i}" for i in range(11)]),
                        "InvalidParameterException", "10")
    expect_client_error(lambda: ecs.list_tasks(cluster="gone"), "ClusterNotFoundException")
    expect_client_error(lambda: ecs.list_tasks(cluster="default", desiredStatus="SLEEPING"),
                        "ValidationException", "enum")
    check(last_ecs_call(h)["modelErrors"], "the enum violation is recorded")


@ecs_test
def ecs_tasks_services_deployments_and_task_sets(h):
    h.ok("POST", "/reset")
    h.ok("POST", "/ecs/state", {
        "taskDefinitions": [{"family": "a", "revision": 1, "status": "INACTIVE"}],
        "clusters": [{"name": "c1", "tasks": [{"taskDefinition": "a:1", "count": 150},
                                              {"taskDefinition": "b:2", "desiredStatus": "STOPPED"}],
                      "services": [{"name": f"s{i}", "deployments": [
                          {"status": "PRIMARY", "taskDefinition": "b:3"},
                          {"status": "INACTIVE", "taskDefinition": "b:1"}],
                          "taskSets": [{"status": "ACTIVE", "taskDefinition": ARN + "b:4"}]}
                          for i in range(12)]}]})
    ecs = ecs_client(h)
    first = ecs.list_tasks(cluster="c1", desiredStatus="RUNNING", maxResults=100)
    second = ecs.list_tasks(cluster="c1", desiredStatus="RUNNING", maxResults=100,
                            nextToken=first["nextToken"])
    check(len(first["taskArns"]) == 100 and len(second["taskArns"]) == 50 and "nextToken" not in second,
          (len(first["taskArns"]), second.keys()))
    check(len(ecs.list_tasks(cluster="c1", desiredStatus="STOPPED")["taskArns"]) == 1, "stopped task")
    described = ecs.describe_tasks(cluster=ARN.replace("task-definition/", "cluster/") + "c1",
                                   tasks=first["taskArns"][:99] + ["gone"])
    check(len(described["tasks"]) == 99 and described["failures"] == [{"arn": "gone", "reason": "MISSING"}]
          and described["tasks"][0]["taskDefinitionArn"] == ARN + "a:1", described["failures"])
    services = ecs.list_services(cluster="c1")
    check(len(services["serviceArns"]) == 10 and "nextToken" in services, "ListServices pages by 10")
    everything = ecs.list_services(cluster="c1", maxResults=100)["serviceArns"]
    described = ecs.describe_services(cluster="c1", services=everything[:10])["services"]
    check(len(described) == 10 and described[0]["taskDefinition"] == ARN + "b:3"
          and [d["status"] for d in described[0]["deployments"]] == ["PRIMARY", "INACTIVE"]
          and described[0]["taskSets"][0]["taskDefinition"] == ARN + "b:4", described[0])
    status, reply = h.control("POST", "/ecs/state", {"clusters": [{"name": "x", "tasks": [
        {"taskDefinition": "no-revision"}]}]})
    check(status == 400 and "family:revision" in reply["error"], reply)


@ecs_test
def ecs_signature_is_verified_for_signing_name_ecs(h):
    h.ok("POST", "/reset")
    wrong_secret = {"AccessKeyId": h.info["accessKeyID"], "SecretAccessKey": "not-the-secret",
                    "SessionToken": h.info["sessionToken"]}
    expect_client_error(lambda: ecs_client(h, wrong_secret).list_clusters(),
                        "InvalidSignatureException")
    status, reply = raw_ecs(h, "ListClusters", {}, signing_name="config")
    check(status == 403 and reply["__type"] == "InvalidSignatureException", (status, reply))
    check(last_ecs_call(h)["signature"].startswith("invalid"), last_ecs_call(h))
    status, reply = raw_ecs(h, "ListClusters", {})
    check(status == 200 and reply["clusterArns"], (status, reply))


@ecs_test
def ecs_accepts_assumed_role_credentials_as_the_member(h):
    h.ok("POST", "/reset")
    h.ok("POST", "/roles", {"roleArn": MEMBER_ROLE, "trusts": True})
    credentials = assume(h)["Credentials"]
    ecs_client(h, credentials).list_clusters()
    call = last_ecs_call(h)
    check(call["status"] == 200 and call["account"] == MEMBER and call["principal"] == MEMBER_ROLE,
          call)


@ecs_test
def ecs_faults_on_ecs_operations(h):
    h.ok("POST", "/reset")
    queued = h.ok("POST", "/faults", {"operation": "ListClusters",
                                      "faults": ["throttle", {"kind": "error", "status": 400,
                                                              "type": "AccessDeniedException"}]})
    check(queued["service"] == "ecs" and len(queued["queued"]) == 2, queued)
    ecs = ecs_client(h)
    expect_client_error(ecs.list_clusters, "ThrottlingException")
    expect_client_error(ecs.list_clusters, "AccessDeniedException")
    check(ecs.list_clusters()["clusterArns"], "third call answered")
    h.ok("POST", "/faults", {"operation": "*", "service": "ecs",
                             "faults": [{"kind": "throttle", "repeat": True}]})
    expect_client_error(ecs.list_clusters, "ThrottlingException")
    expect_client_error(lambda: ecs.list_task_definitions(), "ThrottlingException")
    check(h.ok("GET", "/faults")["ecs"]["*"], "persistent ECS fault listed")
    check(h.client().list_discovered_resources(resourceType="AWS::ECS::TaskDefinition"),
          "a Config call is not affected by ECS faults")
    h.ok("POST", "/reset")
    check(ecs.list_clusters()["clusterArns"], "reset clears ECS faults")


@ecs_test
def ecs_generated_scope_account_matches_config_inventory(h):
    h.ok("POST", "/reset")
    summary = h.ok("POST", "/scopes/generate", {}, timeout=60)
    check((summary["families"], summary["revisions"], summary["ecs"]["revisions"],
           summary["ecs"]["activeRevisions"]) == (50, 2000, 2000, summary["active"]), summary)
    inventory = h.ok("GET", "/inventory")
    check(inventory["byType"]["AWS::ECS::TaskDefinition"]["listed"] == 2000, inventory)
    h.ok("POST", "/reset")
    check(h.ok("GET", "/ecs/state")["counts"]["revisions"] == 6, "reset restores the default ECS state")
