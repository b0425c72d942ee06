"""Self-test: ``python3 -m emulator.selftest [-v]`` -> prints ``N passed, M failed``, exits 0/1.

Starts ``python3 -m emulator`` as a child process (so the CLI and stdin-EOF shutdown are tested
too), plays the Lambda runtime with ``http.client``/``urllib`` and the Config and STS clients with
botocore itself. The HTTPS tests (``TLS_TESTS``) then run against a second child started with
``--tls``, with botocore, ``urllib`` and ``http.client`` trusting the generated CA.
"""

import calendar
import datetime
import http.client
import json
import os
import re
import socket
import ssl
import subprocess
import sys
import threading
import time
import traceback
import urllib.error
import urllib.request
import warnings
import xml.etree.ElementTree as ET
from urllib.parse import quote, urlsplit

import botocore.session
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError, HTTPClientError

from .app import default_testdata_dir
from .model_check import ModelChecker, ShapeWalker
from .sigv4_check import SigV4Error, SigV4Verifier

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TESTS = []
TLS_TESTS = []
TASKDEF = "AWS::ECS::TaskDefinition"


def test(func):
    """Register a test; tests run in definition order (some depend on runtime state)."""
    TESTS.append(func)
    return func


def tls_test(func):
    """Register a test of the ``--tls`` emulator (run after ``TESTS``, in definition order)."""
    TLS_TESTS.append(func)
    return func


def check(condition, message):
    """Fail the current test with ``message`` unless ``condition``."""
    if not condition:
        raise AssertionError(message)


def evaluation(resource_id="testtaskdef", compliance="NON_COMPLIANT", annotation="pidMode is host",
               when=datetime.datetime(2024, 1, 18, 22, 5, 40, tzinfo=datetime.timezone.utc)):
    """A botocore-parameter Evaluation."""
    item = {"ComplianceResourceType": TASKDEF, "ComplianceResourceId": resource_id,
            "ComplianceType": compliance, "OrderingTimestamp": when}
    if annotation is not None:
        item["Annotation"] = annotation
    return item


def wire_evaluation(**overrides):
    """A wire-shaped Evaluation (epoch-second number) for raw requests."""
    item = {"ComplianceResourceType": TASKDEF, "ComplianceResourceId": "testtaskdef",
            "ComplianceType": "COMPLIANT", "OrderingTimestamp": 1705615540.112}
    item.update(overrides)
    return item


class Harness:
    """The emulator child process plus client helpers."""

    def __init__(self, arguments=()):
        """Start ``python3 -m emulator --quiet`` plus ``arguments``; read its start-up line."""
        self.proc = subprocess.Popen([sys.executable, "-m", "emulator", "--quiet", *arguments],
                                     cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        self.startup_line = self.proc.stdout.readline().decode()
        self.info = json.loads(self.startup_line)

    def close(self):
        """Close the child's stdin (it must exit by itself); kill it if it does not."""
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    # ------------------------------------------------------------------ control API

    def control(self, method, path, body=None, timeout=10):
        """Call the control API; return ``(status, parsed JSON)``."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.info["control"] + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as reply:
                return reply.status, json.loads(reply.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"null")

    def ok(self, method, path, body=None, timeout=10):
        """Control call that must succeed; return the JSON."""
        status, reply = self.control(method, path, body, timeout)
        check(status == 200, f"control {method} {path} -> {status} {reply}")
        return reply

    # ------------------------------------------------------------------ Runtime API

    def runtime_conn(self, timeout=10):
        """A fresh keep-alive connection to the Runtime API."""
        host, port = self.info["runtimeAPI"].split(":")
        return http.client.HTTPConnection(host, int(port), timeout=timeout)

    def runtime_call(self, method, path, body=None, headers=None, conn=None):
        """One Runtime API request; return ``(status, headers list, body bytes)``."""
        conn = conn or self.runtime_conn()
        conn.request(method, "/2018-06-01/runtime" + path, body=body, headers=headers or {})
        reply = conn.getresponse()
        return reply.status, reply.getheaders(), reply.read()

    def next_in_thread(self, timeout=15):
        """Start GET /next on a thread; return (thread, result dict filled when it returns)."""
        result = {}

        def run():
            try:
                result["reply"] = self.runtime_call("GET", "/invocation/next",
                                                    conn=self.runtime_conn(timeout))
            except Exception as exc:  # noqa: BLE001 - reported by the test
                result["error"] = exc
        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        return thread, result

    def wait_pollers(self, count, timeout=5):
        """Wait until /state reports ``count`` blocked pollers."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.ok("GET", "/state")["pollers"] == count:
                return
            time.sleep(0.05)
        raise AssertionError(f"pollers never reached {count}: {self.ok('GET', '/state')}")

    # ------------------------------------------------------------------ Config clients

    def client(self, **overrides):
        """A botocore Config client on the fake endpoint (no retries, no client validation
        unless ``validate=True``; ``endpoint_url`` and ``verify`` (a CA file) may be given)."""
        creds = {"aws_access_key_id": self.info["accessKeyID"],
                 "aws_secret_access_key": self.info["secretAccessKey"],
                 "aws_session_token": self.info["sessionToken"]}
        validate = overrides.pop("validate", False)
        endpoint_url = overrides.pop("endpoint_url", self.info["configEndpoint"])
        verify = overrides.pop("verify", None)
        creds.update(overrides)
        return botocore.session.get_session().create_client(
            "config", region_name=self.info["region"], endpoint_url=endpoint_url, verify=verify,
            config=Config(retries={"total_max_attempts": 1}, parameter_validation=validate,
                          connect_timeout=5, read_timeout=10), **creds)

    def raw_config(self, operation, body, amz_date=None, signer_cls=SigV4Auth, extra_headers=None,
                   endpoint=None, context=None):
        """POST a hand-made body signed with botocore (optionally at a fixed X-Amz-Date) to
        ``endpoint`` (default the plain Config endpoint) with urllib; ``context`` is the
        ``ssl.SSLContext`` for an https endpoint.

        Returns ``(status, parsed JSON)``.
        """
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        url = (endpoint or self.info["configEndpoint"]) + "/"
        request = AWSRequest("POST", url, data=data, headers={
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": f"StarlingDoveService.{operation}", **(extra_headers or {})})
        creds = Credentials(self.info["accessKeyID"], self.info["secretAccessKey"],
                            self.info["sessionToken"])
        signer = signer_cls(creds, "config", self.info["region"])
        if amz_date is None:
            signer.add_auth(request)
        else:  # sign at a fixed clock using the stage methods
            request.context["timestamp"] = amz_date
            request.headers["X-Amz-Date"] = amz_date
            request.headers["X-Amz-Security-Token"] = self.info["sessionToken"]
            canonical = signer.canonical_request(request)
            signature = signer.signature(signer.string_to_sign(request, canonical), request)
            signed = signer.signed_headers(signer.headers_to_sign(request))
            request.headers["Authorization"] = (
                f"AWS4-HMAC-SHA256 Credential={signer.scope(request)}, "
                f"SignedHeaders={signed}, Signature={signature}")
        return _post_signed(url, data, request, json.loads, context)

    def sts_client(self, **overrides):
        """A botocore STS client on the fake endpoint (no retries, no client validation;
        ``endpoint_url`` and ``verify`` may be given)."""
        creds = {"aws_access_key_id": self.info["accessKeyID"],
                 "aws_secret_access_key": self.info["secretAccessKey"],
                 "aws_session_token": self.info["sessionToken"]}
        endpoint_url = overrides.pop("endpoint_url", self.info["stsEndpoint"])
        verify = overrides.pop("verify", None)
        creds.update(overrides)
        return botocore.session.get_session().create_client(
            "sts", region_name=self.info["region"], endpoint_url=endpoint_url, verify=verify,
            config=Config(retries={"total_max_attempts": 1}, parameter_validation=False,
                          connect_timeout=5, read_timeout=10), **creds)

    def member_client(self, credentials, **overrides):
        """A botocore Config client signing with AssumeRole's ``Credentials``."""
        creds = {"aws_access_key_id": credentials["AccessKeyId"],
                 "aws_secret_access_key": credentials["SecretAccessKey"],
                 "aws_session_token": credentials["SessionToken"]}
        creds.update(overrides)
        return self.client(**creds)

    def raw_sts(self, body, content_type="application/x-www-form-urlencoded; charset=utf-8"):
        """POST a form body to STS exactly as the Swift client does, signed by botocore with the
        base credentials; return ``(status, XML root element)``."""
        url = self.info["stsEndpoint"] + "/"
        request = AWSRequest("POST", url, data=body.encode(), headers={"Content-Type": content_type})
        SigV4Auth(Credentials(self.info["accessKeyID"], self.info["secretAccessKey"],
                              self.info["sessionToken"]), "sts", self.info["region"]).add_auth(request)
        return _post_signed(url, body.encode(), request, ET.fromstring)

    def last_sts_call(self):
        """The most recent recorded STS call."""
        calls = self.ok("GET", "/sts/calls")
        check(calls, "no STS call recorded")
        return calls[-1]

    def last_call(self, operation=None):
        """The most recent recorded Config call."""
        calls = self.ok("GET", "/calls" + (f"?operation={operation}" if operation else ""))
        check(calls, "no Config call recorded")
        return calls[-1]


def _post_signed(url, data, signed, parse, context=None):
    """POST ``data`` to ``url`` with the headers of the botocore-signed AWSRequest ``signed``
    (``context``: the SSLContext of an https URL); return ``(status, parse(reply body))`` for a
    success and an HTTP error alike."""
    http_request = urllib.request.Request(url, data=data, method="POST",
                                          headers=dict(signed.headers.items()))
    try:
        with urllib.request.urlopen(http_request, timeout=10, context=context) as reply:
            return reply.status, parse(reply.read())
    except urllib.error.HTTPError as exc:
        return exc.code, parse(exc.read())


def error_code(exc):
    """AWS error code of a botocore ClientError."""
    return exc.response["Error"]["Code"]


def expect_client_error(call, code, contains=None):
    """Run ``call``; it must raise ClientError ``code`` (with ``contains`` in the message)."""
    try:
        call()
    except ClientError as exc:
        check(error_code(exc) == code, f"expected {code}, got {error_code(exc)}: {exc}")
        if contains:
            check(contains in exc.response["Error"]["Message"],
                  f"message lacks {contains!r}: {exc.response['Error']['Message']}")
        return exc
    raise AssertionError(f"expected {code}, call succeeded")


# ====================================================================== start-up and SigV4

@test
def startup_line(h):
    keys = {"runtimeAPI", "configEndpoint", "control", "stsEndpoint", "ecsEndpoint", "ssmEndpoint",
            "region", "accessKeyID", "secretAccessKey", "sessionToken"}
    check(set(h.info) == keys, f"start-up keys {sorted(h.info)}")
    check(h.startup_line.endswith("\n") and h.startup_line.count("\n") == 1, "one JSON line")
    check(h.info["runtimeAPI"].startswith("127.0.0.1:"), "runtimeAPI is host:port")


@test
def sigv4_verifier_accepts_botocore_vectors(h):
    """Offline: the verifier accepts the 4 stored botocore vectors and rejects a tampered body."""
    path = os.path.join(default_testdata_dir(), "payloads",
                        "botocore-sigv4-vectors_put-evaluations_describe-task-definition.json")
    with open(path, encoding="utf-8") as handle:
        vectors = json.load(handle)
    for vector in vectors:
        inputs, expected = vector["inputs"], vector["expected"]
        url = urlsplit(inputs["url"])
        headers = [("Host", url.netloc), *expected["signed_request_headers"].items(),
                   ("Authorization", expected["authorization"]), ("User-Agent", "x")]
        signed_at = calendar.timegm(time.strptime(inputs["amz_date"], "%Y%m%dT%H%M%SZ"))
        verifier = SigV4Verifier(inputs["access_key_id"], inputs["secret_access_key"],
                                 inputs["session_token"], inputs["region"], inputs["signing_name"],
                                 clock=lambda: signed_at + 60)
        verifier.verify("POST", "/", headers, inputs["body"].encode())
        try:
            verifier.verify("POST", "/", headers, inputs["body"].encode() + b" ")
        except SigV4Error as exc:
            check(exc.reason == "signature mismatch", exc.reason)
        else:
            raise AssertionError("tampered body accepted")


# ====================================================================== Runtime API

@test
def init_error_before_first_next_is_202(h):
    status, _, body = h.runtime_call("POST", "/init/error", b'{"errorMessage":"x","errorType":"y"}',
                                     {"Lambda-Runtime-Function-Error-Type": "Runtime.ConfigInvalid"})
    check(status == 202, f"init/error -> {status} {body}")
    errors = h.ok("GET", "/init-errors")
    check(errors[-1]["errorType"] == "Runtime.ConfigInvalid", errors)


@test
def next_blocks_until_invoke_then_delivers(h):
    thread, result = h.next_in_thread()
    h.wait_pollers(1)
    time.sleep(0.3)
    check(thread.is_alive(), "/next returned before any invocation was queued")
    state = h.ok("GET", "/state")
    check(state["firstNextAtMs"] and state["firstNextMonotonicNs"], state)
    event = {"hello": "world", "n": 1}
    before = int(time.time() * 1000)
    invoked = h.ok("POST", "/invoke", {"event": event})
    thread.join(5)
    status, headers, body = result["reply"]
    headers = dict(headers)
    check(status == 200 and body == json.dumps(event).encode(), f"{status} {body!r}")
    check(headers["Lambda-Runtime-Aws-Request-Id"] == invoked["requestId"], headers)
    deadline = int(headers["Lambda-Runtime-Deadline-Ms"])
    check(before + 29_000 <= deadline <= before + 32_000, f"deadline {deadline} vs {before}")
    check(headers["Lambda-Runtime-Invoked-Function-Arn"] ==
          f"arn:aws:lambda:{h.info['region']}:111111111111:function:pid-mode-rule", headers)
    check(headers["Lambda-Runtime-Trace-Id"] == invoked["traceId"], headers)
    check(re.fullmatch(r"Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=1",
                       invoked["traceId"]), invoked["traceId"])
    check(headers["Content-Type"] == "application/json", headers)
    h.first_request_id = invoked["requestId"]


@test
def response_202_duplicate_403_unknown_400(h):
    rid = h.first_request_id
    conn = h.runtime_conn()  # same keep-alive connection for all three
    status, _, body = h.runtime_call("POST", f"/invocation/{rid}/response", b'{"ok":true}', conn=conn)
    check(status == 202 and json.loads(body) == {"status": "OK"}, f"{status} {body}")
    status, _, body = h.runtime_call("POST", f"/invocation/{rid}/response", b'{"again":1}', conn=conn)
    check(status == 403 and json.loads(body)["errorType"] == "InvalidStateTransition", body)
    status, _, body = h.runtime_call("POST", "/invocation/not-a-real-id/response", b"{}", conn=conn)
    check(status == 400 and json.loads(body)["errorType"] == "InvalidRequestID", body)
    view = h.ok("GET", f"/invocations/{rid}?wait=1")
    check(view["state"] == "response" and view["body"] == '{"ok":true}', view)
    check(view["answers"] == 2 and view["answerSeq"], view)


@test
def init_error_after_first_next_is_403(h):
    status, _, body = h.runtime_call("POST", "/init/error", b"{}")
    check(status == 403 and json.loads(body)["errorType"] == "InvalidStateTransition", body)


@test
def raw_event_and_error_post(h):
    thread, result = h.next_in_thread()
    raw = '{"invokingEvent": "{not json", "resultToken": "t"'
    invoked = h.ok("POST", "/invoke", {"event": raw, "timeoutMs": 5000})
    thread.join(5)
    status, headers, body = result["reply"]
    check(body == raw.encode(), f"event not verbatim: {body!r}")
    status, _, _ = h.runtime_call(
        "POST", f"/invocation/{invoked['requestId']}/error",
        b'{"errorMessage":"invokingEvent is not JSON","errorType":"ConfigRule.MalformedEvent"}',
        {"Lambda-Runtime-Function-Error-Type": "ConfigRule.MalformedEvent",
         "Content-Type": "application/vnd.aws.lambda.error+json"})
    check(status == 202, status)
    view = h.ok("GET", f"/invocations/{invoked['requestId']}")
    check(view["state"] == "error" and view["errorType"] == "ConfigRule.MalformedEvent", view)


@test
def lower_case_headers_and_no_trace(h):
    thread, result = h.next_in_thread()
    invoked = h.ok("POST", "/invoke", {"event": {}, "headerCase": "lower", "traceId": None})
    check(invoked["traceId"] is None, invoked)
    thread.join(5)
    _, headers, _ = result["reply"]
    names = [name for name, _ in headers]
    check(all(name == name.lower() for name in names), names)
    check("lambda-runtime-aws-request-id" in names and "lambda-runtime-trace-id" not in names, names)
    h.runtime_call("POST", f"/invocation/{invoked['requestId']}/response", b"{}")


@test
def oversized_response_413(h):
    thread, result = h.next_in_thread()
    invoked = h.ok("POST", "/invoke", {"event": {}})
    thread.join(5)
    status, _, body = h.runtime_call("POST", f"/invocation/{invoked['requestId']}/response",
                                     b"x" * 6291557)
    check(status == 413 and json.loads(body)["errorType"] == "RequestEntityTooLarge", body)
    view = h.ok("GET", f"/invocations/{invoked['requestId']}")
    check(view["state"] == "error" and view["errorType"] == "Function.ResponseSizeTooLarge", view)
    status, _, _ = h.runtime_call("POST", f"/invocation/{invoked['requestId']}/response", b"{}")
    check(status == 403, f"answer after 413 -> {status}")


@test
def runtime_faults(h):
    h.ok("POST", "/runtime-faults", {"next": ["http500", "drop"], "response": ["http500"]})
    status, _, body = h.runtime_call("GET", "/invocation/next")
    check(status == 500 and "Non-recoverable" in json.loads(body)["errorMessage"], body)
    try:
        h.runtime_call("GET", "/invocation/next")
        raise AssertionError("dropped /next got a reply")
    except (http.client.RemoteDisconnected, ConnectionError):
        pass
    thread, result = h.next_in_thread()
    invoked = h.ok("POST", "/invoke", {"event": {}})
    thread.join(5)
    rid = invoked["requestId"]
    status, _, _ = h.runtime_call("POST", f"/invocation/{rid}/response", b"{}")
    check(status == 500, f"faulted response -> {status}")
    check(h.ok("GET", f"/invocations/{rid}")["state"] == "in_flight", "faulted answer accepted")
    status, _, _ = h.runtime_call("POST", f"/invocation/{rid}/response", b"{}")
    check(status == 202, f"answer after fault -> {status}")


@test
def fault_reaches_an_already_blocked_poller(h):
    thread, result = h.next_in_thread()
    h.wait_pollers(1)
    h.ok("POST", "/runtime-faults", {"next": ["http500"]})
    thread.join(3)
    check(not thread.is_alive() and result["reply"][0] == 500, result)


# ====================================================================== fake Config

@test
def put_evaluations_valid_is_recorded_with_trace_header(h):
    trace = "Root=1-65a9a1b4-0123456789abcdef01234567;Parent=0123456789abcdef;Sampled=1"
    os.environ.update({"AWS_LAMBDA_FUNCTION_NAME": "pid-mode-rule", "_X_AMZN_TRACE_ID": trace})
    try:
        reply = h.client(validate=True).put_evaluations(Evaluations=[evaluation()],
                                                        ResultToken="tok-1")
    finally:
        del os.environ["AWS_LAMBDA_FUNCTION_NAME"], os.environ["_X_AMZN_TRACE_ID"]
    check(reply["FailedEvaluations"] == [], reply)
    call = h.last_call("PutEvaluations")
    check(call["signature"] == "valid" and call["status"] == 200 and not call["modelErrors"], call)
    check(call["traceHeader"] == trace and "x-amzn-trace-id" not in call["signedHeaders"], call)
    check(call["resultToken"] == "tok-1" and call["completedSeq"] > call["seq"], call)
    accepted = h.ok("GET", f"/evaluations?traceHeader={urllib.request.quote(trace)}")
    check(len(accepted) == 1, accepted)
    check(accepted[0]["complianceResourceId"] == "testtaskdef" and accepted[0]["seq"] == call["seq"]
          and accepted[0]["orderingTimestamp"] == 1705615540 and accepted[0]["testMode"] is False,
          accepted)


@test
def put_evaluations_test_mode_recorded(h):
    h.client().put_evaluations(Evaluations=[evaluation()], ResultToken="TESTMODE", TestMode=True)
    last = h.ok("GET", "/evaluations")[-1]
    check(last["testMode"] is True and last["resultToken"] == "TESTMODE", last)


@test
def put_evaluations_101_is_validation_exception(h):
    count = len(h.ok("GET", "/evaluations"))
    expect_client_error(lambda: h.client().put_evaluations(
        Evaluations=[evaluation(f"td{i}") for i in range(101)], ResultToken="t"),
        "ValidationException", "at 'evaluations' failed to satisfy constraint: Member must have "
                               "length less than or equal to 100")
    check(h.last_call()["modelErrors"], "modelErrors not recorded")
    check(len(h.ok("GET", "/evaluations")) == count, "rejected evaluations were recorded")


@test
def annotation_257_is_validation_exception(h):
    expect_client_error(lambda: h.client().put_evaluations(
        Evaluations=[evaluation(annotation="a" * 257)], ResultToken="t"),
        "ValidationException", "at 'evaluations.1.member.annotation'")


@test
def annotation_counted_in_utf16_units(h):
    h.client().put_evaluations(Evaluations=[evaluation(annotation="é" * 256)], ResultToken="t")
    expect_client_error(lambda: h.client().put_evaluations(
        Evaluations=[evaluation(annotation="\U0001F600" * 129)], ResultToken="t"),
        "ValidationException", "less than or equal to 256")


@test
def empty_annotation_is_validation_exception(h):
    expect_client_error(lambda: h.client().put_evaluations(
        Evaluations=[evaluation(annotation="")], ResultToken="t"),
        "ValidationException", "greater than or equal to 1")


@test
def insufficient_data_is_rejected(h):
    expect_client_error(lambda: h.client().put_evaluations(
        Evaluations=[evaluation(compliance="INSUFFICIENT_DATA")], ResultToken="t"),
        "InvalidParameterValueException")


@test
def iso_timestamp_string_is_rejected_ms_number_warned(h):
    status, reply = h.raw_config("PutEvaluations", {
        "Evaluations": [wire_evaluation(OrderingTimestamp="2024-01-18T22:05:40.112Z")],
        "ResultToken": "t"})
    check(status == 400 and reply["__type"] == "ValidationException", reply)
    status, reply = h.raw_config("PutEvaluations", {
        "Evaluations": [wire_evaluation(OrderingTimestamp=1705615540112)], "ResultToken": "t"})
    check(status == 200, reply)
    check(h.last_call()["warnings"], "epoch-ms timestamp not flagged")


@test
def unknown_member_is_rejected(h):
    status, reply = h.raw_config("PutEvaluations", {"Evaluations": [], "ResultToken": "t",
                                                    "Bogus": 1})
    check(status == 400 and "unknown member 'Bogus'" in reply["message"], reply)


@test
def wrong_secret_is_invalid_signature(h):
    expect_client_error(lambda: h.client(aws_secret_access_key="wrong").put_evaluations(
        Evaluations=[evaluation()], ResultToken="t"), "InvalidSignatureException")
    call = h.last_call()
    check(call["signature"].startswith("invalid: signature mismatch") and call["status"] == 403, call)


@test
def wrong_key_id_and_missing_token_are_unrecognized(h):
    expect_client_error(lambda: h.client(aws_access_key_id="AKIDOTHER").put_evaluations(
        Evaluations=[evaluation()], ResultToken="t"), "UnrecognizedClientException")
    expect_client_error(lambda: h.client(aws_session_token=None).put_evaluations(
        Evaluations=[evaluation()], ResultToken="t"), "UnrecognizedClientException")


@test
def stale_x_amz_date_is_signature_expired(h):
    stale = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(time.time() - 16 * 60))
    status, reply = h.raw_config("PutEvaluations", {"Evaluations": [], "ResultToken": "t"},
                                 amz_date=stale)
    check(status == 403 and reply["__type"] == "InvalidSignatureException"
          and reply["message"].startswith("Signature expired"), reply)


@test
def signed_user_agent_is_rejected(h):
    class SignsEverything(SigV4Auth):
        def headers_to_sign(self, request):
            headers = super().headers_to_sign(request)
            headers["user-agent"] = request.headers["User-Agent"]
            return headers
    status, reply = h.raw_config("PutEvaluations", {"Evaluations": [], "ResultToken": "t"},
                                 signer_cls=SignsEverything, extra_headers={"User-Agent": "swift"})
    check(status == 403, reply)
    check("must not contain user-agent" in h.last_call()["signature"], h.last_call()["signature"])


@test
def throttle_fault(h):
    h.ok("POST", "/faults", {"operation": "PutEvaluations", "faults": ["throttle"]})
    expect_client_error(lambda: h.client().put_evaluations(
        Evaluations=[evaluation()], ResultToken="t"), "ThrottlingException", "Rate exceeded")
    call = h.last_call()
    check(call["fault"] == "throttle" and call["signature"] == "valid" and call["status"] == 400,
          call)
    h.client().put_evaluations(Evaluations=[evaluation()], ResultToken="t")  # queue consumed


@test
def persistent_fault_until_reset(h):
    h.ok("POST", "/faults", {"operation": "*", "faults": [{"kind": "http500", "repeat": True}]})
    for _ in range(2):
        expect_client_error(lambda: h.client().put_evaluations(
            Evaluations=[evaluation()], ResultToken="t"), "InternalFailure")
    h.ok("POST", "/reset")
    h.client().put_evaluations(Evaluations=[evaluation()], ResultToken="t")


@test
def failed_evaluations_fault(h):
    h.ok("POST", "/faults", {"operation": "PutEvaluations",
                             "faults": [{"kind": "failedEvaluations", "count": 1}]})
    before = len(h.ok("GET", "/evaluations"))
    reply = h.client().put_evaluations(Evaluations=[evaluation("a"), evaluation("b")],
                                       ResultToken="t")
    check([e["ComplianceResourceId"] for e in reply["FailedEvaluations"]] == ["a"], reply)
    accepted = h.ok("GET", "/evaluations")[before:]
    check([e["complianceResourceId"] for e in accepted] == ["b"], accepted)


@test
def drop_and_slow_and_error_faults(h):
    h.ok("POST", "/faults", {"operation": "PutEvaluations", "faults": [
        "drop", {"kind": "slow", "delayMs": 300},
        {"kind": "error", "status": 403, "type": "AccessDeniedException", "message": "nope"}]})
    try:
        h.client().put_evaluations(Evaluations=[evaluation()], ResultToken="t")
        raise AssertionError("dropped call got a reply")
    except HTTPClientError:
        pass
    check(h.last_call()["dropped"] is True, h.last_call())
    started = time.time()
    h.client().put_evaluations(Evaluations=[evaluation()], ResultToken="t")
    check(time.time() - started >= 0.3, "slow fault was not slow")
    expect_client_error(lambda: h.client().put_evaluations(
        Evaluations=[evaluation()], ResultToken="t"), "AccessDeniedException", "nope")
    check(h.control("POST", "/faults", {"faults": ["nonsense"]})[0] == 400, "bad fault accepted")


@test
def get_resource_config_history_precision(h):
    client = h.client(validate=True)
    later = datetime.datetime(2024, 1, 18, 22, 5, 40, 112000, tzinfo=datetime.timezone.utc)
    # botocore truncates laterTime to whole seconds: 1705615540 < 1705615540.112 -> nothing.
    check(client.get_resource_config_history(resourceType=TASKDEF, resourceId="testtaskdef",
                                             laterTime=later, limit=1)["configurationItems"] == [],
          "botocore's truncated laterTime should miss the .112 item")
    check(h.last_call()["body"]["laterTime"] == 1705615540, h.last_call()["body"])
    items = client.get_resource_config_history(
        resourceType=TASKDEF, resourceId="testtaskdef", limit=1,
        laterTime=later + datetime.timedelta(seconds=1))["configurationItems"]
    check(len(items) == 1 and '"PidMode":"host"' in items[0]["configuration"], items)
    status, reply = h.raw_config("GetResourceConfigHistory", {
        "resourceType": TASKDEF, "resourceId": "testtaskdef", "laterTime": 1705615540.112,
        "limit": 1})
    check(status == 200 and len(reply["configurationItems"]) == 1, reply)
    check(reply["configurationItems"][0]["configurationItemCaptureTime"] == 1705615540.112, reply)


@test
def get_resource_config_history_unknown_and_seeded(h):
    expect_client_error(lambda: h.client().get_resource_config_history(
        resourceType=TASKDEF, resourceId="nope"), "ResourceNotDiscoveredException")
    items = [{"resourceType": TASKDEF, "resourceId": "fam", "configurationItemCaptureTime": t,
              "configuration": json.dumps({"Family": "fam", "Rev": t})} for t in (100.5, 300.25,
                                                                                  200.0)]
    h.ok("POST", "/history", {"resourceType": TASKDEF, "resourceId": "fam",
                              "configurationItems": items})
    status, reply = h.raw_config("GetResourceConfigHistory", {
        "resourceType": TASKDEF, "resourceId": "fam", "laterTime": 300.249, "limit": 1})
    check(status == 200 and reply["configurationItems"][0]["configurationItemCaptureTime"] == 200.0,
          reply)
    status, reply = h.raw_config("GetResourceConfigHistory", {
        "resourceType": TASKDEF, "resourceId": "fam", "limit": 2})
    check([i["configurationItemCaptureTime"] for i in reply["configurationItems"]] == [300.25, 200.0]
          and reply.get("nextToken"), reply)
    status, reply = h.raw_config("GetResourceConfigHistory", {
        "resourceType": TASKDEF, "resourceId": "fam", "limit": 2, "nextToken": reply["nextToken"]})
    check([i["configurationItemCaptureTime"] for i in reply["configurationItems"]] == [100.5], reply)
    status, reply = h.raw_config("GetResourceConfigHistory", {
        "resourceType": TASKDEF, "resourceId": "fam", "laterTime": 50})
    check(status == 200 and reply["configurationItems"] == [], reply)
    h.ok("POST", "/reset")
    expect_client_error(lambda: h.client().get_resource_config_history(
        resourceType=TASKDEF, resourceId="fam"), "ResourceNotDiscoveredException")
    h.client().get_resource_config_history(resourceType=TASKDEF, resourceId="testtaskdef")


@test
def journal_orders_calls_before_answer(h):
    thread, result = h.next_in_thread()
    invoked = h.ok("POST", "/invoke", {"event": {}})
    thread.join(5)
    trace = dict(result["reply"][1])["Lambda-Runtime-Trace-Id"]
    h.raw_config("PutEvaluations", {"Evaluations": [wire_evaluation()], "ResultToken": "t"},
                 extra_headers={"X-Amzn-Trace-Id": trace})
    h.runtime_call("POST", f"/invocation/{invoked['requestId']}/response", b"{}")
    view = h.ok("GET", f"/invocations/{invoked['requestId']}?wait=2")
    calls = h.ok("GET", f"/calls?traceHeader={urllib.request.quote(trace)}")
    check(len(calls) == 1 and calls[0]["completedSeq"] < view["answerSeq"], (calls, view))
    check(calls[0]["seq"] > view["deliveredSeq"], (calls, view))


# ====================================================================== inventory, sweep reads, compliance

RULE = "ecs-task-definition-pid-mode-custom"
_MODEL = []


def conforms(operation, reply):
    """Problems of a raw JSON reply against the operation's *output* shape (empty = conforms)."""
    if not _MODEL:
        _MODEL.append(ModelChecker(os.path.join(default_testdata_dir(), "aws-models", "config",
                                                "2014-11-12", "service-2.json")))
    walker = ShapeWalker()
    walker.walk(reply, _MODEL[0].model.operation_model(operation).output_shape, "")
    # min/max are input constraints: AWS documents an *empty* unprocessedResourceKeys list although
    # ResourceKeys has min 1. Types, unknown members and enums still count.
    return [e for e in walker.errors if "Member must have length" not in e
            and "Member must have value" not in e]


def list_ids(h, **params):
    """All resource ids of ListDiscoveredResources (botocore), following nextToken."""
    client, ids, pages = h.client(validate=True), [], []
    params.setdefault("resourceType", TASKDEF)
    while True:
        reply = client.list_discovered_resources(**params)
        pages.append(len(reply["resourceIdentifiers"]))
        ids += [r["resourceId"] for r in reply["resourceIdentifiers"]]
        if not reply.get("nextToken"):
            return ids, pages
        params["nextToken"] = reply["nextToken"]


def keys(*ids):
    return [{"resourceType": TASKDEF, "resourceId": i} for i in ids]


@test
def inventory_default_seed_and_filters(h):
    h.ok("POST", "/reset")
    ids, pages = list_ids(h, limit=100)
    check(ids == ["testtaskdef", "webapp", "batch-worker", "legacy-agent"] and pages == [4],
          (ids, pages))
    status, reply = h.raw_config("ListDiscoveredResources", {"resourceType": TASKDEF,
                                                             "includeDeletedResources": True})
    check(status == 200 and not conforms("ListDiscoveredResources", reply), reply)
    deleted = [r for r in reply["resourceIdentifiers"] if r["resourceId"] == "old-cron"]
    check(len(reply["resourceIdentifiers"]) == 5 and deleted and
          isinstance(deleted[0]["resourceDeletionTime"], (int, float)), reply)
    check(list_ids(h, resourceName="webapp:3")[0] == ["webapp"], "resourceName filter")
    check(list_ids(h, resourceIds=["legacy-agent", "nope", "testtaskdef"])[0] ==
          ["testtaskdef", "legacy-agent"], "resourceIds filter keeps inventory order")
    check(list_ids(h, resourceType="AWS::EC2::Instance")[0] == [], "other type is empty")
    expect_client_error(lambda: h.client().list_discovered_resources(
        resourceType=TASKDEF, resourceIds=["webapp"], resourceName="webapp:3"), "ValidationException")
    expect_client_error(lambda: h.client().list_discovered_resources(resourceType="AWS::Nope::X"),
                        "ValidationException", "enum value set")
    summary = h.ok("GET", "/inventory")
    check(summary["byType"][TASKDEF] == {"total": 5, "listed": 4, "byStatus": {
        "OK": 3, "ResourceDiscovered": 1, "ResourceDeleted": 1}}, summary)
    item = h.ok("GET", "/inventory?resourceId=legacy-agent")
    check('"Status":"INACTIVE"' in item["configuration"] and '"PidMode":"host"' in item["configuration"],
          item)


@test
def list_paging_250_items_in_3_pages(h):
    reply = h.ok("POST", "/inventory/generate", {"count": 250, "hostEvery": 7})
    check(reply["total"] == 250 and reply["byPidMode"]["host"] == 35, reply)
    ids, pages = list_ids(h, limit=100)
    check(pages == [100, 100, 50] and len(set(ids)) == 250, pages)
    check(ids[0] == "family-00001" and ids[-1] == "family-00250", (ids[0], ids[-1]))
    recorded = [c["result"]["pageSize"] for c in h.ok("GET", "/calls?operation=ListDiscoveredResources")
                if c["status"] == 200]
    check(recorded[-3:] == [100, 100, 50], recorded)
    paginated = [r["resourceId"] for page in h.client().get_paginator("list_discovered_resources")
                 .paginate(resourceType=TASKDEF) for r in page["resourceIdentifiers"]]
    check(paginated == ids, "botocore paginator (limit absent = 100) sees the same ids")
    check(list_ids(h, limit=0)[1] == [100, 100, 50], "limit 0 means 100")
    expect_client_error(lambda: h.client().list_discovered_resources(resourceType=TASKDEF, limit=101),
                        "ValidationException", "less than or equal to 100")


@test
def list_token_is_bound_to_its_parameters(h):
    client = h.client()
    first = client.list_discovered_resources(resourceType=TASKDEF, limit=100)
    token = first["nextToken"]
    again = client.list_discovered_resources(resourceType=TASKDEF, limit=100, nextToken=token)
    check(again["resourceIdentifiers"][0]["resourceId"] == "family-00101", again)
    for other in ({"limit": 50}, {"limit": 0, "resourceType": "AWS::EC2::Instance"},
                  {"limit": 100, "includeDeletedResources": True}, {"limit": 100, "resourceName": "x"}):
        params = {"resourceType": TASKDEF, "nextToken": token, **other}
        expect_client_error(lambda: client.list_discovered_resources(**params),
                            "InvalidNextTokenException")
    expect_client_error(lambda: client.list_discovered_resources(
        resourceType=TASKDEF, limit=100, nextToken="bm90LWEtdG9rZW4="), "InvalidNextTokenException")
    check(any("InvalidNextTokenException" in e for e in h.last_call()["modelErrors"]),
          h.last_call()["modelErrors"])
    h.ok("POST", "/inventory/generate", {"count": 250, "idPrefix": "other-"})  # replaced
    expect_client_error(lambda: client.list_discovered_resources(
        resourceType=TASKDEF, limit=100, nextToken=token), "InvalidNextTokenException")


@test
def batch_get_101_keys_is_validation_exception(h):
    expect_client_error(lambda: h.client().batch_get_resource_config(
        resourceKeys=keys(*[f"family-{i:05d}" for i in range(1, 102)])),
        "ValidationException", "at 'resourceKeys' failed to satisfy constraint: Member must have "
                               "length less than or equal to 100")
    expect_client_error(lambda: h.client().batch_get_resource_config(resourceKeys=[]),
                        "ValidationException", "greater than or equal to 1")


@test
def batch_get_returns_api_shape_items(h):
    h.ok("POST", "/reset")
    status, reply = h.raw_config("BatchGetResourceConfig", {"resourceKeys": keys(
        "testtaskdef", "webapp", "batch-worker", "legacy-agent", "old-cron", "nope")})
    check(status == 200 and not conforms("BatchGetResourceConfig", reply), (status, reply))
    items = {i["resourceId"]: i for i in reply["baseConfigurationItems"]}
    check(list(items) == ["testtaskdef", "webapp", "batch-worker", "legacy-agent"], list(items))
    check(reply["unprocessedResourceKeys"] == [], reply["unprocessedResourceKeys"])
    host = items["testtaskdef"]
    check(isinstance(host["configuration"], str) and '"PidMode":"host"' in host["configuration"]
          and host["configurationItemCaptureTime"] == 1705615540.112
          and host["configurationStateId"] == "1705615540112" and host["resourceName"] == "testtaskdef:2"
          and "tags" not in host and "relationships" not in host, host)
    check('"PidMode":"task"' in items["webapp"]["configuration"], items["webapp"])
    check("PidMode" not in items["batch-worker"]["configuration"]
          and items["batch-worker"]["configurationItemStatus"] == "ResourceDiscovered", "batch-worker")
    result = h.last_call()["result"]
    check(result["returned"] == 4 and result["deleted"] == 1 and result["unknown"] == 1, result)
    h.client(validate=True).batch_get_resource_config(resourceKeys=keys("webapp"))  # botocore parses it


@test
def batch_get_unprocessed_keys(h):
    h.ok("POST", "/inventory/generate", {"count": 250})
    batch = keys(*[f"family-{i:05d}" for i in range(1, 101)])
    reply = h.ok("POST", "/inventory/unprocessed", {"resourceIds": ["family-00003", "family-00050"],
                                                    "rounds": 2})
    check(len(reply["unprocessed"]) == 2 and reply["unknown"] == [], reply)
    h.ok("POST", "/inventory/unprocessed", {"resourceIds": ["family-00007"], "rounds": 1_000_000})
    client = h.client()
    for round_number in (1, 2):
        reply = client.batch_get_resource_config(resourceKeys=batch)
        check(len(reply["baseConfigurationItems"]) == 97 and
              [k["resourceId"] for k in reply["unprocessedResourceKeys"]] ==
              ["family-00003", "family-00007", "family-00050"],
              (round_number, reply["unprocessedResourceKeys"]))
    reply = client.batch_get_resource_config(resourceKeys=keys("family-00003", "family-00050",
                                                               "family-00007"))
    check([i["resourceId"] for i in reply["baseConfigurationItems"]] ==
          ["family-00003", "family-00050"] and
          reply["unprocessedResourceKeys"] == keys("family-00007"), reply)
    check(h.last_call()["result"]["unprocessed"] == 1, h.last_call()["result"])
    left = h.ok("GET", "/inventory")["unprocessed"]
    check(left == [{"resourceType": TASKDEF, "resourceId": "family-00007", "roundsLeft": 999_997}], left)


@test
def deleted_between_list_and_batch_get(h):
    h.ok("POST", "/reset")
    reply = h.ok("POST", "/inventory/delete-between-calls", {"resourceIds": ["webapp", "ghost"]})
    check(reply["unknown"] == keys("ghost"), reply)
    check("webapp" in list_ids(h)[0], "still listed")
    reply = h.client().batch_get_resource_config(resourceKeys=keys("testtaskdef", "webapp"))
    check([i["resourceId"] for i in reply["baseConfigurationItems"]] == ["testtaskdef"]
          and reply["unprocessedResourceKeys"] == [], reply)
    check(h.last_call()["result"]["deletedBetweenCalls"] == 1, h.last_call()["result"])


@test
def compliance_default_seed_and_paging(h):
    h.ok("POST", "/reset")
    client = h.client(validate=True)
    reply = client.get_compliance_details_by_config_rule(
        ConfigRuleName=RULE, ComplianceTypes=["COMPLIANT", "NON_COMPLIANT"], Limit=100)
    seen = [(r["EvaluationResultIdentifier"]["EvaluationResultQualifier"]["ResourceId"],
             r["ComplianceType"]) for r in reply["EvaluationResults"]]
    check(seen == [("testtaskdef", "NON_COMPLIANT"), ("retired-family", "NON_COMPLIANT")]
          and "NextToken" not in reply, seen)
    types = ["COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE"]
    results = [{"resourceType": TASKDEF, "resourceId": f"r{i:02d}", "complianceType": types[i % 3],
                "orderingTimestamp": 1705600000 + i} for i in range(30)]
    h.ok("POST", "/compliance", {"configRuleName": "paging-rule", "results": results})
    status, page = h.raw_config("GetComplianceDetailsByConfigRule", {
        "ConfigRuleName": "paging-rule", "ComplianceTypes": ["COMPLIANT", "NON_COMPLIANT"]})
    check(status == 200 and not conforms("GetComplianceDetailsByConfigRule", page), page)
    check(len(page["EvaluationResults"]) == 10 and page.get("NextToken"), "Limit absent = 10")
    qualifier = page["EvaluationResults"][0]["EvaluationResultIdentifier"]["EvaluationResultQualifier"]
    check(qualifier == {"ConfigRuleName": "paging-rule", "ResourceType": TASKDEF, "ResourceId": "r00",
                        "EvaluationMode": "DETECTIVE"}, qualifier)
    ids, params, sizes = [], {"ConfigRuleName": "paging-rule",
                              "ComplianceTypes": ["COMPLIANT", "NON_COMPLIANT"], "Limit": 8}, []
    while True:
        page = client.get_compliance_details_by_config_rule(**params)
        sizes.append(len(page["EvaluationResults"]))
        ids += [r["EvaluationResultIdentifier"]["EvaluationResultQualifier"]["ResourceId"]
                for r in page["EvaluationResults"]]
        if not page.get("NextToken"):
            break
        token = params["NextToken"] = page["NextToken"]
    check(sizes == [8, 8, 4] and ids == [f"r{i:02d}" for i in range(30) if i % 3 != 2], (sizes, ids))
    expect_client_error(lambda: client.get_compliance_details_by_config_rule(
        ConfigRuleName="paging-rule", ComplianceTypes=["COMPLIANT"], Limit=8, NextToken=token),
        "InvalidNextTokenException")
    expect_client_error(lambda: client.get_compliance_details_by_config_rule(
        ConfigRuleName="paging-rule", ComplianceTypes=["COMPLIANT", "NON_COMPLIANT"], Limit=9,
        NextToken=token), "InvalidNextTokenException")
    check(len(client.get_compliance_details_by_config_rule(ConfigRuleName="paging-rule", Limit=100)
              ["EvaluationResults"]) == 30, "no ComplianceTypes = every type")


@test
def compliance_errors(h):
    expect_client_error(lambda: h.client().get_compliance_details_by_config_rule(
        ConfigRuleName="no-such-rule"), "NoSuchConfigRuleException")
    expect_client_error(lambda: h.client().get_compliance_details_by_config_rule(
        ConfigRuleName="r" * 65), "ValidationException", "less than or equal to 64")
    expect_client_error(lambda: h.client().get_compliance_details_by_config_rule(
        ConfigRuleName=RULE, ComplianceTypes=["INSUFFICIENT_DATA"]), "InvalidParameterValueException")
    expect_client_error(lambda: h.client().get_compliance_details_by_config_rule(
        ConfigRuleName=RULE, Limit=101), "ValidationException")


@test
def put_evaluations_update_the_rule_of_their_token(h):
    h.ok("POST", "/reset")
    h.ok("POST", "/result-tokens", {"resultToken": "sweep-token", "configRuleName": RULE})
    client = h.client()
    newer = datetime.datetime(2024, 1, 19, 0, 0, 0, 373000, tzinfo=datetime.timezone.utc)
    older = datetime.datetime(2023, 1, 1, tzinfo=datetime.timezone.utc)
    client.put_evaluations(ResultToken="sweep-token", Evaluations=[
        evaluation("retired-family", "NOT_APPLICABLE", "gone", when=newer),
        evaluation("testtaskdef", "COMPLIANT", None, when=older),  # older than the seed: ignored
        evaluation("webapp", "COMPLIANT", None, when=newer)])
    check(h.last_call()["result"]["complianceUpdates"] == 2, h.last_call()["result"])
    client.put_evaluations(ResultToken="sweep-token", TestMode=True,
                           Evaluations=[evaluation("webapp", "NON_COMPLIANT", when=newer)])
    client.put_evaluations(ResultToken="unmapped", Evaluations=[evaluation("webapp", "NON_COMPLIANT",
                                                                           when=newer)])
    store = {e["resourceId"]: e for e in h.ok("GET", f"/compliance?configRuleName={RULE}")[RULE]}
    check(store["retired-family"]["complianceType"] == "NOT_APPLICABLE"
          and store["testtaskdef"]["complianceType"] == "NON_COMPLIANT"
          and store["webapp"]["complianceType"] == "COMPLIANT", store)
    reply = client.get_compliance_details_by_config_rule(
        ConfigRuleName=RULE, ComplianceTypes=["COMPLIANT", "NON_COMPLIANT"], Limit=100)
    check(sorted(r["EvaluationResultIdentifier"]["EvaluationResultQualifier"]["ResourceId"]
                 for r in reply["EvaluationResults"]) == ["testtaskdef", "webapp"], reply)
    webapp = [r for r in reply["EvaluationResults"]
              if r["EvaluationResultIdentifier"]["EvaluationResultQualifier"]["ResourceId"] == "webapp"][0]
    # botocore sends whole seconds (1705622400), the store keeps what came over the wire
    check(webapp["EvaluationResultIdentifier"]["OrderingTimestamp"] == newer.replace(microsecond=0)
          and store["webapp"]["orderingTimestamp"] == 1705622400, (webapp, store["webapp"]))
    check(h.ok("GET", "/evaluations")[-1]["configRuleName"] is None, "unmapped token has no rule")
    check(h.control("GET", "/compliance?configRuleName=nope")[0] == 404, "unknown rule view")


@test
def invoke_maps_the_events_result_token(h):
    h.ok("POST", "/reset")
    h.ok("POST", "/invoke", {"event": {"configRuleName": "rule-from-event", "resultToken": "tok-e",
                                       "invokingEvent": "{}"}})
    check(h.ok("GET", "/result-tokens")["tok-e"]["configRuleName"] == "rule-from-event",
          h.ok("GET", "/result-tokens"))
    reply = h.client().get_compliance_details_by_config_rule(ConfigRuleName="rule-from-event")
    check(reply["EvaluationResults"] == [], reply)  # the rule exists now, with no results
    h.client().put_evaluations(ResultToken="tok-e", Evaluations=[evaluation("webapp", "COMPLIANT")])
    results = h.client().get_compliance_details_by_config_rule(
        ConfigRuleName="rule-from-event")["EvaluationResults"]
    check(len(results) == 1 and results[0]["ComplianceType"] == "COMPLIANT", results)
    h.ok("POST", "/reset")  # forget the queued invocation


@test
def throttle_fault_on_list_discovered_resources(h):
    h.ok("POST", "/faults", {"operation": "ListDiscoveredResources", "faults": ["throttle"]})
    h.client().put_evaluations(Evaluations=[evaluation()], ResultToken="t")  # other queue: unaffected
    expect_client_error(lambda: h.client().list_discovered_resources(resourceType=TASKDEF),
                        "ThrottlingException", "Rate exceeded")
    call = h.last_call()
    check(call["operation"] == "ListDiscoveredResources" and call["fault"] == "throttle"
          and call["signature"] == "valid" and not call["modelErrors"], call)
    check(len(list_ids(h)[0]) == 4, "queue consumed")
    h.ok("POST", "/faults", {"operation": "BatchGetResourceConfig", "faults": ["http503"]})
    expect_client_error(lambda: h.client().batch_get_resource_config(resourceKeys=keys("webapp")),
                        "ServiceUnavailable")


@test
def control_api_rejects_bad_inventory(h):
    for body in ({"items": [{"resourceType": TASKDEF}]},
                 {"items": [{"resourceType": TASKDEF, "resourceId": "x",
                             "configurationItemStatus": "Gone"}]},
                 {"items": [{"resourceType": TASKDEF, "resourceId": "x", "awsRegion": 5}]},
                 {"items": "nope"}):
        check(h.control("POST", "/inventory", body)[0] == 400, f"accepted {body}")
    for body in ({"count": -1}, {"count": 3, "statuses": {"Gone": 2}}, {}):
        check(h.control("POST", "/inventory/generate", body)[0] == 400, f"accepted {body}")
    check(h.control("POST", "/compliance", {"configRuleName": "x", "results": [
        {"resourceType": TASKDEF, "resourceId": "a", "complianceType": "MAYBE"}]})[0] == 400, "MAYBE")
    item = {"resourceType": TASKDEF, "resourceId": "posted", "resourceName": "posted:9",
            "configurationItemCaptureTime": "2024-01-18T22:05:40.112Z", "configurationStateId": 17,
            "configuration": {"Family": "posted", "PidMode": "host"}, "tags": {"a": "b"}}
    check(h.ok("POST", "/inventory", {"items": [item]})["total"] == 6, "appended to the seed")
    stored = h.client().batch_get_resource_config(resourceKeys=keys("posted"))["baseConfigurationItems"][0]
    check(stored["configuration"] == '{"Family":"posted","PidMode":"host"}'
          and stored["configurationStateId"] == "17" and "tags" not in stored, stored)
    h.ok("POST", "/inventory", {"items": [item], "replace": True})
    check(list_ids(h)[0] == ["posted"], "replace")


@test
def reset_restores_seeded_inventory_and_compliance(h):
    h.ok("POST", "/inventory/generate", {"count": 120})
    h.ok("POST", "/compliance", {"configRuleName": RULE, "results": [], "replace": True})
    h.ok("POST", "/inventory/unprocessed", {"resourceIds": ["family-00001"], "rounds": 3})
    h.ok("POST", "/reset")
    check(list_ids(h)[0] == ["testtaskdef", "webapp", "batch-worker", "legacy-agent"], "inventory")
    summary = h.ok("GET", "/inventory")
    check(summary["unprocessed"] == [] and summary["deletedBetweenCalls"] == [], summary)
    store = h.ok("GET", f"/compliance?configRuleName={RULE}")[RULE]
    check([e["resourceId"] for e in store] == ["testtaskdef", "retired-family"], store)
    check(h.ok("GET", "/result-tokens") == {}, "token map cleared")


# ====================================================================== fake STS (organization rules)

MEMBER = "222222222222"
MEMBER_ROLE = f"arn:aws:iam::{MEMBER}:role/OrgConfigEvaluationRole"
STS_NS = "{https://sts.amazonaws.com/doc/2011-06-15/}"


def assume(h, role_arn=MEMBER_ROLE, duration=900, **overrides):
    """AssumeRole through botocore; return the reply."""
    return h.sts_client(**overrides).assume_role(RoleArn=role_arn, RoleSessionName="pid-mode-rule",
                                                 DurationSeconds=duration)


@test
def sts_assume_role_then_config_call_as_the_member(h):
    h.ok("POST", "/reset")
    role = h.ok("POST", "/roles", {"roleArn": MEMBER_ROLE, "trusts": True})
    check(role["account"] == MEMBER and re.fullmatch(r"AROA[A-Z0-9]{17}", role["roleId"]), role)
    before = time.time()
    reply = assume(h)
    creds, user = reply["Credentials"], reply["AssumedRoleUser"]
    check(re.fullmatch(r"ASIA[A-Z0-9]{16}", creds["AccessKeyId"]), creds)
    check(all(c in creds["SessionToken"] for c in "+/="), creds["SessionToken"])
    check(creds["SecretAccessKey"] != h.info["secretAccessKey"], "fresh secret")
    expires = creds["Expiration"].timestamp()
    check(before + 899 <= expires <= time.time() + 901, (before, expires))
    check(user["Arn"] == f"arn:aws:sts::{MEMBER}:assumed-role/OrgConfigEvaluationRole/pid-mode-rule"
          and user["AssumedRoleId"] == f"{role['roleId']}:pid-mode-rule", user)
    call = h.last_sts_call()
    check(call["operation"] == "AssumeRole" and call["signature"] == "valid" and call["status"] == 200
          and call["principal"] == "base" and call["account"] == "111111111111"
          and call["params"]["RoleArn"] == MEMBER_ROLE and call["params"]["DurationSeconds"] == "900"
          and call["result"]["account"] == MEMBER and call["completedSeq"] > call["seq"]
          and not call["modelErrors"] and not call["warnings"], call)
    issued = h.ok("GET", "/sts/credentials")[-1]
    check(issued["accessKeyId"] == creds["AccessKeyId"] and issued["expired"] is False
          and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", issued["expiration"]), issued)
    h.member_client(creds).put_evaluations(Evaluations=[evaluation()], ResultToken="member-tok")
    config_call = h.last_call("PutEvaluations")
    check(config_call["signature"] == "valid" and config_call["status"] == 200
          and config_call["account"] == MEMBER and config_call["principal"] == MEMBER_ROLE, config_call)
    accepted = h.ok("GET", "/evaluations")[-1]
    check(accepted["account"] == MEMBER and accepted["principal"] == MEMBER_ROLE
          and accepted["resultToken"] == "member-tok", accepted)
    h.client().put_evaluations(Evaluations=[evaluation()], ResultToken="base-tok")
    check(h.last_call()["account"] == "111111111111" and h.last_call()["principal"] == "base"
          and h.ok("GET", "/evaluations")[-1]["account"] == "111111111111", h.last_call())


@test
def sts_raw_request_like_the_swift_client(h):
    """The exact form body the bootstrap sends; the reply is AWS's XML (Expiration without millis)."""
    body = (f"Action=AssumeRole&Version=2011-06-15&RoleArn={quote(MEMBER_ROLE, safe='')}"
            "&RoleSessionName=pid-mode-rule&DurationSeconds=900")
    status, root = h.raw_sts(body)
    check(status == 200 and root.tag == f"{STS_NS}AssumeRoleResponse", (status, root.tag))
    result = root.find(f"{STS_NS}AssumeRoleResult")
    expiration = result.find(f"{STS_NS}Credentials/{STS_NS}Expiration").text
    check(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", expiration), expiration)
    check(result.find(f"{STS_NS}AssumedRoleUser/{STS_NS}Arn").text.endswith(
        ":assumed-role/OrgConfigEvaluationRole/pid-mode-rule"), "Arn")
    check(root.find(f"{STS_NS}ResponseMetadata/{STS_NS}RequestId").text ==
          h.last_sts_call()["requestId"], "RequestId")
    status, root = h.raw_sts("Action=AssumeRole&RoleArn=x")  # no Version
    check(status == 400 and root.find(f"{STS_NS}Error/{STS_NS}Code").text == "InvalidAction", status)
    status, root = h.raw_sts(body, content_type="application/json")
    check(status == 400 and root.find(f"{STS_NS}Error/{STS_NS}Code").text == "MalformedQueryString",
          status)
    status, _ = h.raw_sts(body + "&Bogus=1")
    check(status == 200 and h.last_sts_call()["warnings"], h.last_sts_call()["warnings"])


@test
def sts_unregistered_or_untrusting_role_is_access_denied(h):
    other = f"arn:aws:iam::{MEMBER}:role/NotRegistered"
    exc = expect_client_error(lambda: assume(h, other), "AccessDenied",
                              f"is not authorized to perform: sts:AssumeRole on resource: {other}")
    check(exc.response["ResponseMetadata"]["HTTPStatusCode"] == 403, exc.response)
    check(exc.response["Error"]["Type"] == "Sender", exc.response["Error"])
    untrusting = "arn:aws:iam::333333333333:role/path/NoTrust"
    h.ok("POST", "/roles", {"roleArn": untrusting, "trusts": False})
    expect_client_error(lambda: assume(h, untrusting), "AccessDenied")
    call = h.last_sts_call()
    check(call["status"] == 403 and call["errorType"] == "AccessDenied" and call["result"] is None
          and call["signature"] == "valid", call)
    check(h.control("POST", "/roles", {"roleArn": "arn:aws:iam::1:role/x"})[0] == 400, "bad arn")


@test
def sts_wrong_signature_and_unknown_key_are_rejected(h):
    count = len(h.ok("GET", "/sts/credentials"))
    expect_client_error(lambda: assume(h, aws_secret_access_key="wrong"), "SignatureDoesNotMatch")
    call = h.last_sts_call()
    check(call["signature"].startswith("invalid: signature mismatch") and call["status"] == 403, call)
    expect_client_error(lambda: assume(h, aws_access_key_id="AKIDOTHER"), "InvalidClientTokenId")
    creds = assume(h)["Credentials"]
    # STS takes the function's own credentials only (no role chaining from the member role).
    expect_client_error(lambda: assume(h, aws_access_key_id=creds["AccessKeyId"],
                                       aws_secret_access_key=creds["SecretAccessKey"],
                                       aws_session_token=creds["SessionToken"]),
                        "InvalidClientTokenId")
    check(len(h.ok("GET", "/sts/credentials")) == count + 1, "rejected calls issued credentials")
    # Config: issued key id with a wrong secret, or with another session token.
    expect_client_error(lambda: h.member_client(creds, aws_secret_access_key="wrong").put_evaluations(
        Evaluations=[evaluation()], ResultToken="t"), "InvalidSignatureException")
    check(h.last_call()["account"] == MEMBER, "identity recorded for a recognised key id")
    expect_client_error(lambda: h.member_client(
        creds, aws_session_token=h.info["sessionToken"]).put_evaluations(
        Evaluations=[evaluation()], ResultToken="t"), "UnrecognizedClientException")


@test
def sts_validation_errors(h):
    for kwargs, needle in (
            ({"RoleArn": "arn:aws:iam::22222222222:role/Short", "RoleSessionName": "ok"}, "roleArn"),
            ({"RoleArn": "arn:aws:s3:::bucket-name-long", "RoleSessionName": "ok"}, "roleArn"),
            ({"RoleArn": MEMBER_ROLE, "RoleSessionName": "a"}, "greater than or equal to 2"),
            ({"RoleArn": MEMBER_ROLE, "RoleSessionName": "bad name"}, "regular expression"),
            ({"RoleArn": MEMBER_ROLE, "RoleSessionName": "ok", "DurationSeconds": 899}, "900"),
            ({"RoleArn": MEMBER_ROLE, "RoleSessionName": "ok", "DurationSeconds": 43201}, "43200"),
            ({"RoleArn": MEMBER_ROLE, "RoleSessionName": "ok", "DurationSeconds": 7200},
             "MaxSessionDuration")):
        expect_client_error(lambda: h.sts_client().assume_role(**kwargs), "ValidationError", needle)
    check(h.last_sts_call()["status"] == 400, h.last_sts_call())
    expect_client_error(lambda: h.sts_client().get_caller_identity(), "InvalidAction")
    check(h.last_sts_call()["operation"] == "GetCallerIdentity", h.last_sts_call())
    h.ok("POST", "/roles", {"roleArn": MEMBER_ROLE, "maxSessionDuration": 43200})
    check(assume(h, duration=7200)["Credentials"]["AccessKeyId"], "7200 within the raised maximum")


@test
def sts_throttle_and_other_faults(h):
    h.ok("POST", "/faults", {"operation": "AssumeRole", "faults": ["throttle"]})
    check(h.ok("GET", "/faults")["sts"]["AssumeRole"][0]["kind"] == "throttle", h.ok("GET", "/faults"))
    exc = expect_client_error(lambda: assume(h), "Throttling", "Rate exceeded")
    check(exc.response["ResponseMetadata"]["HTTPStatusCode"] == 400, exc.response)
    call = h.last_sts_call()
    check(call["fault"] == "throttle" and call["signature"] == "valid" and call["status"] == 400
          and call["errorType"] == "Throttling", call)
    assume(h)  # queue consumed
    h.ok("POST", "/faults", {"operation": "AssumeRole", "faults": [
        "http500", "drop", {"kind": "error", "status": 403, "type": "AccessDenied", "message": "no"}]})
    expect_client_error(lambda: assume(h), "InternalFailure")
    try:
        assume(h)
        raise AssertionError("dropped AssumeRole got a reply")
    except HTTPClientError:
        pass
    check(h.last_sts_call()["dropped"] is True, h.last_sts_call())
    expect_client_error(lambda: assume(h), "AccessDenied", "no")
    check(h.control("POST", "/faults", {"operation": "AssumeRole",
                                        "faults": ["failedEvaluations"]})[0] == 400, "bad kind")
    h.ok("POST", "/faults", {"operation": "*", "faults": ["http500"]})  # Config only
    assume(h)
    h.ok("POST", "/reset")


@test
def expired_temporary_credentials(h):
    h.ok("POST", "/roles", {"roleArn": MEMBER_ROLE})
    creds = assume(h, duration=900)["Credentials"]
    client = h.member_client(creds)
    client.put_evaluations(Evaluations=[evaluation()], ResultToken="t")
    clock = h.ok("POST", "/clock", {"offsetSeconds": 1000})
    check(clock["offsetSeconds"] == 1000 and clock["now"] > time.time() + 990, clock)
    count = len(h.ok("GET", "/evaluations"))
    exc = expect_client_error(lambda: client.put_evaluations(
        Evaluations=[evaluation()], ResultToken="t"), "ExpiredTokenException", "expired")
    check(exc.response["ResponseMetadata"]["HTTPStatusCode"] == 403, exc.response)
    call = h.last_call()
    check(call["status"] == 403 and "expired" in call["signature"] and call["account"] == MEMBER, call)
    check(len(h.ok("GET", "/evaluations")) == count, "evaluation accepted with expired credentials")
    check(h.ok("GET", "/sts/credentials")[-1]["expired"] is True, "credential view")
    h.client().put_evaluations(Evaluations=[evaluation()], ResultToken="t")  # base unaffected
    fresh = assume(h, duration=900)["Credentials"]  # issued on the shifted clock: valid
    h.member_client(fresh).put_evaluations(Evaluations=[evaluation()], ResultToken="t")
    check(h.last_call()["account"] == MEMBER, h.last_call())
    h.ok("POST", "/reset")
    check(h.ok("GET", "/clock")["offsetSeconds"] == 0 and h.ok("GET", "/roles") == [], "reset")
    client.put_evaluations(Evaluations=[evaluation()], ResultToken="t")  # valid again at offset 0


@test
def ssm_get_parameter_is_botocore_compatible(h):
    """The fake SSM, with botocore as the client: versions, name or ARN, ParameterNotFound, an
    injected AccessDeniedException, model validation, and only the base credentials accepted."""
    creds = {"aws_access_key_id": h.info["accessKeyID"], "aws_secret_access_key": h.info["secretAccessKey"],
             "aws_session_token": h.info["sessionToken"]}

    def ssm(**overrides):
        return botocore.session.get_session().create_client(
            "ssm", region_name=h.info["region"], endpoint_url=h.info["ssmEndpoint"],
            config=Config(retries={"total_max_attempts": 1}, parameter_validation=False,
                          connect_timeout=5, read_timeout=10), **{**creds, **overrides})

    name = "/pid-mode-rule/exceptions"
    h.ok("POST", "/ssm/parameters", {"name": name, "value": {"schemaVersion": 1, "exceptions": []}})
    h.ok("POST", "/ssm/parameters", {"name": name, "value": "v2", "type": "SecureString"})
    got = ssm().get_parameter(Name=name, WithDecryption=True)["Parameter"]
    check(got["Value"] == "v2" and got["Version"] == 2 and got["Type"] == "SecureString", got)
    arn = f"arn:aws:ssm:{h.info['region']}:111111111111:parameter{name}"
    check(ssm().get_parameter(Name=arn, WithDecryption=True)["Parameter"]["Version"] == 2, "by ARN")
    check(ssm().get_parameter(Name=name)["Parameter"]["Value"] != "v2", "SecureString without decryption")
    check(len(h.ok("GET", "/ssm/parameters")[name]) == 2, "history kept")
    for kwargs, code in (({"Name": "/missing", "WithDecryption": True}, "ParameterNotFound"),
                         ({"WithDecryption": True}, "ValidationException")):
        try:
            ssm().get_parameter(**kwargs)
            raise AssertionError(f"{kwargs}: no error")
        except ClientError as exc:
            check(exc.response["Error"]["Code"] == code, exc.response)
    h.ok("POST", "/faults", {"operation": "GetParameter", "faults": [
        {"kind": "error", "status": 400, "type": "AccessDeniedException"}]})
    try:
        ssm().get_parameter(Name=name, WithDecryption=True)
        raise AssertionError("fault not applied")
    except ClientError as exc:
        check(exc.response["Error"]["Code"] == "AccessDeniedException", exc.response)
    try:
        ssm(aws_access_key_id="ASIAOTHERACCOUNT0000").get_parameter(Name=name, WithDecryption=True)
        raise AssertionError("foreign credentials accepted")
    except ClientError as exc:
        check(exc.response["ResponseMetadata"]["HTTPStatusCode"] == 403, exc.response)
    calls = h.ok("GET", "/ssm/calls")
    check(calls[0]["signature"] == "valid" and calls[0]["principal"] == "base" and not calls[0]["modelErrors"],
          calls[0])
    check(any("WithDecryption" in w for c in calls for w in c["warnings"]), "missing WithDecryption warned")
    h.ok("POST", "/reset")
    check(h.ok("GET", "/ssm/parameters") == {} and h.ok("GET", "/ssm/calls") == [], "reset")


@test
def plain_http_has_no_tls(h):
    """Without --tls: no "tls" in the start-up line, an empty TLS log, calls with ``tls: null``."""
    check("tls" not in h.info and h.ok("GET", "/tls/connections") == [], h.info)
    h.client().put_evaluations(Evaluations=[evaluation()], ResultToken="t")
    check(h.last_call()["tls"] is None, h.last_call())


@test
def stdin_eof_stops_the_emulator(h):
    h.proc.stdin.close()
    try:
        h.proc.wait(5)
    except subprocess.TimeoutExpired:
        raise AssertionError("emulator did not exit on stdin EOF") from None


# ====================================================================== HTTPS (--tls)

MODERN_TLS = ("TLSv1.2", "TLSv1.3")


def trusting(ca_file):
    """A client SSLContext that trusts only ``ca_file`` and checks host names (the defaults)."""
    return ssl.create_default_context(cafile=ca_file)


def https_port(endpoint):
    """The port of an ``https://localhost:<port>`` endpoint."""
    return urlsplit(endpoint).port


def tls_connections(h, listener=None):
    """The TLS connection log (optionally of one listener)."""
    return h.ok("GET", "/tls/connections" + (f"?listener={listener}" if listener else ""))


def handshake(endpoint, context, host="localhost"):
    """Open and close one TLS connection to ``endpoint`` (connecting to ``host``); return the
    negotiated version. Raises what the handshake raises."""
    with socket.create_connection((host, https_port(endpoint)), timeout=5) as raw:
        with context.wrap_socket(raw, server_hostname=host) as tls:
            return tls.version()


def expect_refused(call, needle):
    """``call`` must fail certificate verification with ``needle`` in the message."""
    try:
        call()
    except ssl.SSLCertVerificationError as exc:
        check(needle in str(exc), f"expected {needle!r}, got {exc}")
        return exc
    raise AssertionError(f"TLS connection accepted (expected {needle!r})")


@tls_test
def tls_startup_line(h):
    tls = h.info.get("tls")
    check(isinstance(tls, dict), h.info)
    keys = {"caFile", "otherCaFile", "directory", "serverName", "wrongServerName",
            "legacyVersions", "configEndpoint", "stsEndpoint", "wrongNameConfigEndpoint",
            "legacyConfigEndpoint"}
    check(set(tls) == keys, f"tls keys {sorted(tls)}")
    check(h.info["configEndpoint"].startswith("http://127.0.0.1:"), "plain endpoints stay")
    for name in ("caFile", "otherCaFile"):
        with open(tls[name], encoding="ascii") as handle:
            check(handle.read().count("BEGIN CERTIFICATE") == 1, name)
        check(os.path.dirname(tls[name]) == tls["directory"], tls)
    ports = set()
    for name in ("configEndpoint", "stsEndpoint", "wrongNameConfigEndpoint",
                 "legacyConfigEndpoint"):
        check(re.fullmatch(r"https://localhost:\d+", tls[name]), tls[name])
        ports.add(https_port(tls[name]))
    check(len(ports) == 4, tls)


@tls_test
def tls_config_over_https_is_the_same_pipeline(h):
    """botocore over HTTPS trusting the CA: SigV4 checked, evaluation stored, faults applied,
    the call records the connection's TLS facts; the plain endpoint still records ``tls: null``."""
    tls = h.info["tls"]
    client = h.client(endpoint_url=tls["configEndpoint"], verify=tls["caFile"], validate=True)
    before = len(h.ok("GET", "/evaluations"))
    reply = client.put_evaluations(Evaluations=[evaluation()], ResultToken="tls-tok")
    check(reply["FailedEvaluations"] == [], reply)
    call = h.last_call("PutEvaluations")
    check(call["signature"] == "valid" and call["status"] == 200 and not call["modelErrors"]
          and call["resultToken"] == "tls-tok", call)
    check(call["tls"]["listener"] == "config" and call["tls"]["version"] in MODERN_TLS
          and call["tls"]["cipher"], call["tls"])
    entry = [c for c in tls_connections(h) if c["id"] == call["tls"]["connection"]]
    check(len(entry) == 1 and entry[0]["serverName"] == "localhost"
          and entry[0]["version"] == call["tls"]["version"] and entry[0]["error"] is None, entry)
    accepted = h.ok("GET", "/evaluations")[before:]
    check([e["resultToken"] for e in accepted] == ["tls-tok"], accepted)
    # A wrong secret is refused over HTTPS exactly as over HTTP.
    expect_client_error(lambda: h.client(endpoint_url=tls["configEndpoint"], verify=tls["caFile"],
                                         aws_secret_access_key="wrong").put_evaluations(
        Evaluations=[evaluation()], ResultToken="t"), "InvalidSignatureException")
    # Faults: throttle answers 400, drop closes the TLS connection without a reply.
    h.ok("POST", "/faults", {"operation": "PutEvaluations", "faults": ["throttle", "drop"]})
    expect_client_error(lambda: client.put_evaluations(Evaluations=[evaluation()],
                                                       ResultToken="t"), "ThrottlingException")
    try:
        client.put_evaluations(Evaluations=[evaluation()], ResultToken="t")
        raise AssertionError("dropped call got a reply")
    except HTTPClientError:
        pass
    check(h.last_call()["dropped"] is True and h.last_call()["tls"] is not None, h.last_call())
    h.client().put_evaluations(Evaluations=[evaluation()], ResultToken="t")
    check(h.last_call()["tls"] is None, "plain HTTP call with TLS facts")


@tls_test
def tls_urllib_by_name_and_by_ip_address(h):
    """urllib with the generated CA: https://localhost (SNI localhost, SAN DNS) and
    https://127.0.0.1 (no SNI, SAN IP) both verify."""
    tls = h.info["tls"]
    context = trusting(tls["caFile"])
    body = {"Evaluations": [wire_evaluation()], "ResultToken": "raw-tls"}
    for endpoint, server_name in ((tls["configEndpoint"], "localhost"),
                                  (tls["configEndpoint"].replace("localhost", "127.0.0.1"), None)):
        status, reply = h.raw_config("PutEvaluations", body, endpoint=endpoint, context=context)
        check(status == 200 and reply == {"FailedEvaluations": []}, (endpoint, status, reply))
        call = h.last_call()
        check(call["signature"] == "valid" and call["tls"]["version"] in MODERN_TLS, call)
        entry = [c for c in tls_connections(h) if c["id"] == call["tls"]["connection"]][0]
        check(entry["serverName"] == server_name, (endpoint, entry))


@tls_test
def tls_unrelated_ca_and_wrong_name_are_refused(h):
    """http.client: trusting the unrelated CA fails chain verification (the server sees the
    client's ``unknown ca`` alert); the wrong-name certificate chains to the right CA, yet fails
    the host-name check for localhost. Neither reaches the Config pipeline."""
    tls = h.info["tls"]
    h.ok("POST", "/reset")  # empty TLS log and call log
    connection = http.client.HTTPSConnection("localhost", https_port(tls["configEndpoint"]),
                                             timeout=5, context=trusting(tls["otherCaFile"]))
    expect_refused(lambda: connection.request("POST", "/", body=b"{}"),
                   "unable to get local issuer certificate")
    connection.close()
    expect_refused(lambda: handshake(tls["wrongNameConfigEndpoint"], trusting(tls["caFile"])),
                   "Hostname mismatch")
    chain_only = trusting(tls["caFile"])
    chain_only.check_hostname = False  # still CERT_REQUIRED: the chain itself is fine
    check(handshake(tls["wrongNameConfigEndpoint"], chain_only) in MODERN_TLS, "chain")
    deadline = time.time() + 5
    while len(tls_connections(h)) < 3 and time.time() < deadline:
        time.sleep(0.05)
    log = tls_connections(h)
    # Python's client checks the host name inside the handshake, hence its bad_certificate alert.
    check([(c["listener"], c["reason"]) for c in log] == [
        ("config", "TLSV1_ALERT_UNKNOWN_CA"), ("config-wrong-name", "SSLV3_ALERT_BAD_CERTIFICATE"),
        ("config-wrong-name", None)], log)
    check(h.ok("GET", "/calls") == [], "a refused connection reached Config")


@tls_test
def tls_legacy_listener_offers_only_tls_1_0_and_1_1(h):
    """The default client (TLS >= 1.2) cannot complete a handshake with the legacy listener; a
    client allowing TLS 1.1 can, and reaches the real Config pipeline through it."""
    tls = h.info["tls"]
    try:
        version = handshake(tls["legacyConfigEndpoint"], trusting(tls["caFile"]))
        raise AssertionError(f"TLS >= 1.2 client completed a handshake: {version}")
    except ssl.SSLError as exc:
        check(not isinstance(exc, ssl.SSLCertVerificationError), exc)
    old = trusting(tls["caFile"])
    with warnings.catch_warnings():  # TLSVersion.TLSv1/TLSv1_1 are deprecated, used on purpose
        warnings.simplefilter("ignore", DeprecationWarning)
        old.minimum_version = ssl.TLSVersion.TLSv1
        old.maximum_version = ssl.TLSVersion.TLSv1_1
    old.set_ciphers("DEFAULT:@SECLEVEL=0")
    status, _ = h.raw_config("PutEvaluations", {"Evaluations": [wire_evaluation()],
                                                "ResultToken": "legacy"},
                             endpoint=tls["legacyConfigEndpoint"], context=old)
    call = h.last_call()
    check(status == 200 and call["tls"]["listener"] == "config-legacy"
          and call["tls"]["version"] == "TLSv1.1", call)


@tls_test
def tls_sts_assume_role_over_https(h):
    tls = h.info["tls"]
    h.ok("POST", "/roles", {"roleArn": MEMBER_ROLE})
    reply = h.sts_client(endpoint_url=tls["stsEndpoint"], verify=tls["caFile"]).assume_role(
        RoleArn=MEMBER_ROLE, RoleSessionName="pid-mode-rule", DurationSeconds=900)
    check(reply["Credentials"]["AccessKeyId"].startswith("ASIA"), reply)
    call = h.last_sts_call()
    check(call["status"] == 200 and call["signature"] == "valid"
          and call["tls"]["listener"] == "sts" and call["tls"]["version"] in MODERN_TLS, call)


@tls_test
def tls_reset_clears_the_connection_log(h):
    check(tls_connections(h), "no TLS connection logged")
    h.ok("POST", "/reset")
    check(tls_connections(h) == [], tls_connections(h))


@tls_test
def tls_stdin_eof_removes_the_certificates(h):
    h.proc.stdin.close()
    try:
        h.proc.wait(5)
    except subprocess.TimeoutExpired:
        raise AssertionError("emulator did not exit on stdin EOF") from None
    check(not os.path.exists(h.info["tls"]["directory"]), "TLS directory left behind")


def run_tests(tests, harness, verbose):
    """Run ``tests`` in order against ``harness`` (closed afterwards); print PASS/FAIL lines;
    return ``(passed, failed)``."""
    passed = failed = 0
    try:
        for func in tests:
            try:
                func(harness)
                passed += 1
                print(f"PASS {func.__name__}")
            except Exception as exc:  # noqa: BLE001 - every failure is reported, run continues
                failed += 1
                print(f"FAIL {func.__name__}: {exc}")
                if verbose:
                    traceback.print_exc()
    finally:
        harness.close()
        if verbose:
            sys.stderr.write(harness.proc.stderr.read().decode(errors="replace"))
    return passed, failed


def main(argv=None):
    """Run ``TESTS`` (plain emulator), then ``TLS_TESTS`` (``--tls``); print PASS/FAIL lines
    and ``N passed, M failed``; return 0/1."""
    verbose = "-v" in (sys.argv[1:] if argv is None else argv)
    from .selftest_ecs import ECS_TESTS  # imported here: it uses this module's helpers
    last = TESTS.index(stdin_eof_stops_the_emulator)  # it ends the child: the ECS tests go before it
    passed, failed = run_tests(TESTS[:last] + ECS_TESTS + TESTS[last:], Harness(), verbose)
    tls_passed, tls_failed = run_tests(TLS_TESTS, Harness(["--tls"]), verbose)
    passed, failed = passed + tls_passed, failed + tls_failed
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
