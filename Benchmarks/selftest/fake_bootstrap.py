#!/usr/bin/env python3
"""A deliberately simple stand-in for the `bootstrap`, used only to prove that BenchHarness catches misbehaviour.

It speaks the Lambda Runtime API and signs PutEvaluations with botocore (independent of the project's SigV4 module).
FAKE_MODE selects one defect; `good` has none. FAKE_AT (default 3) is the event index the defect applies to.
Never shipped, never used for numbers.
"""
import http.client
import json
import os
import sys
import time
from datetime import datetime, timezone

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

MODE = os.environ.get("FAKE_MODE", "good")
AT = int(os.environ.get("FAKE_AT", "3"))
runtime = http.client.HTTPConnection(os.environ["AWS_LAMBDA_RUNTIME_API"])
endpoint = os.environ["AWS_ENDPOINT_URL_CONFIG_SERVICE"]
config_host = endpoint.split("://", 1)[1]
config = http.client.HTTPConnection(config_host)
credentials = Credentials(
    os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"], os.environ.get("AWS_SESSION_TOKEN")
)
region = os.environ["AWS_REGION"]
previous_token = None


def epoch(iso):
    return datetime.strptime(iso, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc).timestamp()


def evaluate(item):
    if item.get("configurationItemStatus") in ("ResourceDeleted", "ResourceDeletedNotRecorded", "ResourceNotRecorded"):
        return "NOT_APPLICABLE", "deleted"
    configuration = item.get("configuration") or {}
    pid = configuration.get("PidMode", configuration.get("pidMode"))
    if isinstance(pid, str) and pid.lower() == "host":
        return "NON_COMPLIANT", "pidMode is 'host'"
    return "COMPLIANT", "pidMode not host"


def put(body, trace):
    payload = json.dumps(body).encode()
    request = AWSRequest(
        method="POST",
        url=endpoint + "/",
        data=payload,
        headers={"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "StarlingDoveService.PutEvaluations"},
    )
    SigV4Auth(credentials, "config", region).add_auth(request)
    headers = dict(request.headers.items())
    if MODE == "bad-signature" and index == AT:
        headers["Authorization"] = headers["Authorization"][:-4] + "0000"
    headers["X-Amzn-Trace-Id"] = trace
    global config
    try:
        config.request("POST", "/", body=payload, headers=headers)
        response = config.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    except (ConnectionError, http.client.HTTPException):
        config.close()
        config = http.client.HTTPConnection(config_host)
        return 0, {}


def answer(request_id, kind, document):
    path = f"/2018-06-01/runtime/invocation/{request_id}/{kind}"
    headers = {"Content-Type": "application/json"}
    if kind == "error":
        headers["Lambda-Runtime-Function-Error-Type"] = document["errorType"]
    runtime.request("POST", path, body=json.dumps(document).encode(), headers=headers)
    runtime.getresponse().read()


index = -1
def hook_result(event, index):
    """The §9 hook result (defects: `wrong-hook` allows every hook event from FAKE_AT on, `hook-token` drops the
    echoed clientRequestToken)."""
    request = event["requestData"]
    logical = request["targetLogicalId"]
    pid = request["targetModel"]["resourceProperties"].get("PidMode")
    denied = event["actionInvocationPoint"] != "DELETE_PRE_PROVISION" and pid is not None and (
        not isinstance(pid, str) or pid == "" or pid.lower() == "host")
    if MODE == "wrong-hook" and index >= AT:
        denied = False
    result = {"hookStatus": "FAILED" if denied else "SUCCESS"}
    if denied:
        result["errorCode"] = "NonCompliant"
    result["message"] = f"task definition {logical}: pidMode {pid!r}"
    result["clientRequestToken"] = None if MODE == "hook-token" else event.get("clientRequestToken")
    return result


while True:
    runtime.request("GET", "/2018-06-01/runtime/invocation/next")
    response = runtime.getresponse()
    event = json.loads(response.read())
    index += 1
    request_id = response.getheader("Lambda-Runtime-Aws-Request-Id")
    trace = response.getheader("Lambda-Runtime-Trace-Id")
    if MODE == "crash" and index == AT:
        sys.exit(3)
    if MODE == "hang" and index == AT:
        while True:
            time.sleep(3600)
    if "hookTypeName" in event:
        answer(request_id, "response", hook_result(event, index))
        continue
    item = json.loads(event["invokingEvent"])["configurationItem"]
    compliance, annotation = evaluate(item)
    if MODE == "wrong-compliance" and index == AT:
        compliance = "COMPLIANT" if compliance != "COMPLIANT" else "NON_COMPLIANT"
    timestamp = epoch(item["configurationItemCaptureTime"])
    if MODE == "iso-timestamp" and index == AT:
        timestamp = item["configurationItemCaptureTime"]
    token = event["resultToken"]
    if MODE == "stale-token" and index == AT and previous_token:
        token = previous_token
    previous_token = event["resultToken"]
    body = {
        "Evaluations": [{
            "ComplianceResourceType": item["resourceType"], "ComplianceResourceId": item["resourceId"],
            "ComplianceType": compliance, "Annotation": annotation, "OrderingTimestamp": timestamp,
        }],
        "ResultToken": token,
    }
    summary = {"messageType": "ConfigurationItemChangeNotification", "evaluationsPut": 1,
               "compliance": {compliance: 1}, "testMode": False}
    if MODE == "call-after-answer" and index == AT:
        answer(request_id, "response", summary)
        put(body, trace)
        continue
    delivered = False
    for attempt in range(6):
        status, output = put(body, trace)
        if status == 200 and not output.get("FailedEvaluations"):
            delivered = True
            break
        if MODE == "ignore-failures":
            delivered = True  # the defect: a failed call counts as delivered
            break
    if MODE == "bad-error-type" and index == AT:
        answer(request_id, "error", {"errorType": "Oops", "errorMessage": "bad type"})
        continue
    if delivered:
        answer(request_id, "response", summary)
    else:
        answer(request_id, "error", {"errorType": "ConfigRule.EvaluationsNotDelivered", "errorMessage": "gave up"})
    if MODE == "double-answer" and index == AT:
        answer(request_id, "response", summary)
