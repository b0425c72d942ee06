"""Run the rule locally: ``python3 -m emulator.run_local --bootstrap .build/release/bootstrap``.

The same runs the CloudFormation hook events (``events/hook-*.json``): their ``/response`` body is
the hook result, printed as the hook verdict and checked against the ``hook`` entry of
``expected.json`` (and ``calls: []``: a hook never calls Config).

Starts the emulator in-process and the bootstrap binary as a child (Lambda-like environment),
invokes every ``events/*.json`` (sorted, ``expected.json`` excluded), prints one block per event
with what Config accepted and the metrics the invocation emitted (its CloudWatch Embedded Metric
Format line, read from the bootstrap's standard output), compares with ``events/expected.json``
and ends with a table (event, result, outcome, verdicts, AWS calls as the emulator recorded them
and as the metrics counted them) and ``N passed, M failed``. Exit status 0 only if every event passed and the bootstrap stayed up.

Before each event the seeded Config data (history, inventory, compliance results) is restored,
so every event sees the same default state whatever ran before it; an event carrying
``configRuleName`` and ``resultToken`` maps that token to that rule (its PutEvaluations update the
rule's compliance results). Evaluations are matched to ``expected.json`` by resource, so a sweep's
several evaluations may come in any order.

Organization rules: the bootstrap gets ``AWS_ENDPOINT_URL_STS`` (the fake STS). Before an event
whose ``ruleParameters`` has ``ExecutionRoleName`` runs, the role
``arn:<partition>:iam::<accountId>:role/<ExecutionRoleName>`` is registered with ``trusts: true``;
an ``expected.json`` entry may register more roles (or override that one) with
``"roles": [{"roleArn", "trusts"?, "maxSessionDuration"?}]``.

Exceptions registry: the bootstrap gets ``AWS_ENDPOINT_URL_SSM`` (the fake SSM). Before each event the
fake Parameter Store is emptied, then the ``ssmParameters`` of its expected entry are put
(``{"<name>": <JSON document or text>}``); ``ssmCalls`` lists the SSM operations the invocation
must make (checked like ``calls``; every SSM call must also be valid and answered 200).

Config and STS calls are attributed to an invocation by their ``X-Amzn-Trace-Id`` (each
invocation gets a unique trace id). Besides ``expected.json`` every event must satisfy: every call
of the invocation valid SigV4, no model errors, HTTP 200 (for STS calls: unless ``stsCalls`` in
``expected.json`` says otherwise), completed before the answer; no call without the invocation's
trace header while it ran.
"""

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

from .app import Emulator, stderr_log
from .scope_demo import SCOPE_TABLE_KEY, print_scope_table

BASE_ACCOUNT = "111111111111"
SETTLE_SECONDS = 0.15  # after an answer, to catch calls made (wrongly) after it
TIMESTAMP_TOLERANCE = 1.0  # seconds: integer or millisecond epoch seconds both pass
MAX_PRINTED_EVALUATIONS = 40  # a big sweep prints the first ones and a count


def parse_args(argv):
    """Parse the command line (see ``--help``)."""
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser = argparse.ArgumentParser(prog="python3 -m emulator.run_local",
                                     description="Run the bootstrap against events/ locally.")
    parser.add_argument("--bootstrap", required=True, help="path of the bootstrap binary")
    parser.add_argument("--events", default=os.path.join(repo, "events"),
                        help="directory of event files + expected.json (default: <repo>/events)")
    parser.add_argument("--log-format", choices=["Text", "JSON"], default="Text",
                        help="AWS_LAMBDA_LOG_FORMAT for the bootstrap")
    parser.add_argument("--log-level", default=None, help="AWS_LAMBDA_LOG_LEVEL (default unset)")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per event")
    parser.add_argument("--only", action="append", default=[],
                        help="run only this event file (repeatable)")
    parser.add_argument("--env", action="append", default=[], metavar="KEY=VALUE",
                        help="extra environment variable for the bootstrap (repeatable)")
    parser.add_argument("--show-logs", action="store_true",
                        help="let the bootstrap write to this terminal instead of a log file")
    parser.add_argument("--verbose", action="store_true", help="emulator request log on stderr")
    return parser.parse_args(argv)


# ====================================================================== setup

def event_files(events_dir, only):
    """Sorted ``(name, path)`` of the event files (``*.json`` except ``expected.json``)."""
    names = sorted(n for n in os.listdir(events_dir)
                   if n.endswith(".json") and n != "expected.json")
    if only:
        missing = set(only) - set(names)
        if missing:
            raise SystemExit(f"run_local: no such event file(s): {sorted(missing)}")
        names = [n for n in names if n in only]
    return [(n, os.path.join(events_dir, n)) for n in names]


def load_expected(events_dir):
    """``expected.json`` as a dict (empty if absent)."""
    path = os.path.join(events_dir, "expected.json")
    if not os.path.exists(path):
        return {}
    with open(path, "r", encoding="utf-8") as handle:
        return json.load(handle)


def bootstrap_env(info, bootstrap, args):
    """The Lambda-like environment of the bootstrap process."""
    env = {
        "AWS_LAMBDA_RUNTIME_API": info["runtimeAPI"],
        "AWS_REGION": info["region"], "AWS_DEFAULT_REGION": info["region"],
        "AWS_ACCESS_KEY_ID": info["accessKeyID"],
        "AWS_SECRET_ACCESS_KEY": info["secretAccessKey"],
        "AWS_ENDPOINT_URL_CONFIG_SERVICE": info["configEndpoint"],
        "AWS_ENDPOINT_URL_STS": info["stsEndpoint"],
        "AWS_ENDPOINT_URL_ECS": info["ecsEndpoint"],
        "AWS_ENDPOINT_URL_SSM": info["ssmEndpoint"],
        "AWS_LAMBDA_FUNCTION_NAME": "pid-mode-rule",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128",
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_LOG_FORMAT": args.log_format,
        "_HANDLER": "bootstrap",
        "LAMBDA_TASK_ROOT": os.path.dirname(bootstrap),
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
    }
    if info.get("sessionToken"):
        env["AWS_SESSION_TOKEN"] = info["sessionToken"]
    if args.log_level:
        env["AWS_LAMBDA_LOG_LEVEL"] = args.log_level
    if os.environ.get("LD_LIBRARY_PATH"):
        env["LD_LIBRARY_PATH"] = os.environ["LD_LIBRARY_PATH"]
    for item in args.env:
        key, sep, value = item.partition("=")
        if not sep:
            raise SystemExit(f"run_local: --env needs KEY=VALUE, got {item!r}")
        env[key] = value
    return env


def start_bootstrap(bootstrap, env, show_logs):
    """Start the bootstrap; return ``(Popen, log path or None, log file or None, MetricLines)``.

    Standard output (where the bootstrap writes its metric lines) always goes to a file the
    ``MetricLines`` reader follows; standard error (the log) goes to a log file, or to this
    terminal with ``show_logs``."""
    log_path = log_file = None
    metrics_file = tempfile.NamedTemporaryFile("wb", prefix="pid-mode-rule-metrics-",
                                               suffix=".log", delete=False)
    output = {"stdout": metrics_file}
    if not show_logs:
        log_file = tempfile.NamedTemporaryFile("wb", prefix="pid-mode-rule-bootstrap-",
                                               suffix=".log", delete=False)
        log_path = log_file.name
        output["stderr"] = log_file
    proc = subprocess.Popen([bootstrap], env=env, cwd=os.path.dirname(bootstrap),
                            stdin=subprocess.DEVNULL, **output)
    metrics_file.close()
    return proc, log_path, log_file, MetricLines(metrics_file.name)


class MetricLines:
    """Follows the bootstrap's standard output file and hands out its CloudWatch Embedded Metric
    Format documents (JSON objects with ``_aws``) by ``requestId``. Other lines are ignored."""

    def __init__(self, path):
        self.path = path
        self.offset = 0
        self.by_request = {}

    def for_request(self, request_id):
        """The EMF documents written so far for ``request_id`` (a list, usually of one)."""
        with open(self.path, "rb") as handle:
            handle.seek(self.offset)
            data = handle.read()
        end = data.rfind(b"\n") + 1  # only complete lines
        self.offset += end
        for line in data[:end].splitlines():
            try:
                document = json.loads(line)
            except ValueError:
                continue
            if isinstance(document, dict) and "_aws" in document:
                self.by_request.setdefault(document.get("requestId"), []).append(document)
        return self.by_request.get(request_id, [])

    def remove(self):
        try:
            os.unlink(self.path)
        except OSError:
            pass


def stop_bootstrap(proc):
    """Terminate the bootstrap (SIGTERM, then SIGKILL after 3 s)."""
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(3)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


# ====================================================================== one event

def event_role_arn(raw):
    """``arn:<partition>:iam::<accountId>:role/<ExecutionRoleName>`` of an organization-rule
    event (``ruleParameters`` is a JSON string, or an object), else None."""
    try:
        event = json.loads(raw.decode("utf-8"))
        params = event.get("ruleParameters") or "{}"
        params = json.loads(params) if isinstance(params, str) else params
        name, account = params.get("ExecutionRoleName"), event.get("accountId")
    except (UnicodeDecodeError, ValueError, AttributeError):
        return None
    if not isinstance(name, str) or not name or not isinstance(account, str) or \
            not re.fullmatch(r"\d{12}", account):
        return None
    rule_arn = event.get("configRuleArn")
    partition = rule_arn.split(":")[1] if isinstance(rule_arn, str) and rule_arn.count(":") > 1 \
        else "aws"
    return f"arn:{partition}:iam::{account}:role/{name}"


def register_roles(emu, raw, expected):
    """Register the event's execution role (trusted), then the ``roles`` of its expected entry.

    Returns ``["<roleArn>", …]`` (once each, ``" (untrusting)"`` appended when it ends up with
    ``trusts: false``); a role that cannot be registered is a SystemExit (bad input)."""
    roles = []
    role_arn = event_role_arn(raw)
    if role_arn is not None:
        roles.append({"roleArn": role_arn, "trusts": True})
    roles += (expected or {}).get("roles", [])
    for role in roles:
        try:
            emu.register_role(role["roleArn"], role.get("trusts", True),
                              role.get("maxSessionDuration"))
        except (KeyError, TypeError, AttributeError) as exc:
            raise SystemExit(f"run_local: cannot register role {role!r}: {exc!r}") from None
    shown = []
    for arn in dict.fromkeys(r["roleArn"] for r in roles):
        shown.append(arn if emu.sts_store.role(arn)["trusts"] else f"{arn} (untrusting)")
    return shown


def put_parameters(emu, expected):
    """Empty the fake Parameter Store, then put the entry's ``ssmParameters`` (JSON values are
    serialised); a parameter that cannot be stored is a SystemExit (bad input)."""
    emu.ssm_store.clear()
    for name, value in ((expected or {}).get("ssmParameters") or {}).items():
        text = value if isinstance(value, str) else json.dumps(value)
        try:
            emu.ssm_store.put(name, text)
        except ValueError as exc:
            raise SystemExit(f"run_local: cannot put SSM parameter {name!r}: {exc}") from None


def run_event(emu, proc, path, timeout, expected=None, metric_lines=None):
    """``run_raw_event`` of an event file."""
    with open(path, "rb") as handle:
        raw = handle.read()
    return run_raw_event(emu, proc, raw, timeout, expected, metric_lines)


def run_raw_event(emu, proc, raw, timeout, expected=None, metric_lines=None):
    """Invoke one event (raw bytes) on the seeded data and collect what happened.

    Returns ``{"invocation", "calls", "stsCalls", "ecsCalls", "ssmCalls", "evaluations", "stray", "died",
    "timedOut", "roles", "metrics"}`` where ``stray`` are Config, STS, ECS or SSM calls made while the
    invocation ran without its trace header and ``metrics`` the EMF documents the bootstrap wrote
    for it.
    """
    emu.restore_data()  # same seeded inventory/compliance/history for every event
    roles = register_roles(emu, raw, expected)
    put_parameters(emu, expected)
    first_seq = emu.journal.last_seq
    queued = emu.invoke(raw, timeout_ms=int(timeout * 1000))
    request_id, trace = queued["requestId"], queued["traceId"]
    deadline = time.monotonic() + timeout
    view = queued
    while time.monotonic() < deadline:
        view = emu.runtime.wait_answered(request_id, 0.2)
        if view["state"] in ("response", "error") or proc.poll() is not None:
            break
    answered = view["state"] in ("response", "error")
    if answered:
        time.sleep(SETTLE_SECONDS)
    calls = [c for c in emu.config.calls() if c["seq"] > first_seq]
    sts_calls = [c for c in emu.sts.calls() if c["seq"] > first_seq]
    ecs_calls = [c for c in emu.ecs.calls() if c["seq"] > first_seq]
    ssm_calls = [c for c in emu.ssm.calls() if c["seq"] > first_seq]
    return {"invocation": emu.runtime.get(request_id),
            "calls": [c for c in calls if c["traceHeader"] == trace],
            "stsCalls": [c for c in sts_calls if c["traceHeader"] == trace],
            "ecsCalls": [c for c in ecs_calls if c["traceHeader"] == trace],
            "ssmCalls": [c for c in ssm_calls if c["traceHeader"] == trace],
            "stray": sorted([c for c in calls + sts_calls + ecs_calls + ssm_calls
                             if c["traceHeader"] != trace],
                            key=lambda c: c["seq"]),
            "evaluations": emu.config.data.evaluations.list(trace), "roles": roles,
            "metrics": metric_lines.for_request(request_id) if metric_lines else [],
            "died": proc.poll() is not None, "timedOut": not answered and proc.poll() is None}


def error_document(invocation):
    """``(errorType, errorMessage)`` of an error answer (header wins over the body's type)."""
    try:
        body = json.loads(invocation.get("body") or "{}")
    except ValueError:
        body = {}
    body = body if isinstance(body, dict) else {}
    return (invocation.get("errorType") or body.get("errorType"),
            body.get("errorMessage", invocation.get("body")))


# ====================================================================== checks

def invariant_problems(result, expected=None):
    """Problems every event must avoid, whatever is expected (``expected``: the event's entry;
    with ``stsCalls`` the STS statuses are checked there instead)."""
    problems = []
    inv = result["invocation"]
    if result["died"]:
        problems.append("bootstrap exited")
    if result["timedOut"]:
        problems.append("no answer before the timeout")
    if inv["answers"] > 1:
        problems.append(f"{inv['answers']} answers for one request id")
    for call in result["calls"]:
        label = f"call #{call['seq']} {call['operation']}"
        problems.extend(_call_problems(call, inv, label, "model errors", status_label=label))
    for call in result.get("ecsCalls", []):
        label = f"ECS call #{call['seq']} {call['operation']}"
        problems.extend(_call_problems(call, inv, label, "model errors", status_label=label))
    sts_status_expected = "stsCalls" in (expected or {})
    for call in result["stsCalls"]:
        label = f"STS call #{call['seq']} {call['operation']}"
        status_label = None if sts_status_expected else f"{label} {call['roleArn']}"
        problems.extend(_call_problems(call, inv, label, "errors", status_label=status_label))
    if not result["died"] and not result["timedOut"] and len(result.get("metrics", [])) != 1:
        problems.append(f"{len(result.get('metrics', []))} metric lines for this invocation, expected 1")
    for call in result.get("ssmCalls", []):
        label = f"SSM call #{call['seq']} {call['operation']}"
        problems.extend(_call_problems(call, inv, label, "model errors", status_label=label))
    for call in result["stray"]:
        kind = "STS call" if "params" in call else "SSM call" if "name" in call else "call"
        problems.append(f"{kind} #{call['seq']} {call['operation']} without this invocation's "
                        f"trace header (got {call['traceHeader']!r})")
    return problems


def _call_problems(call, inv, label, errors_noun, status_label=None):
    """The invariants of one recorded AWS call (Config or STS) of invocation ``inv``: a valid
    signature, no ``modelErrors`` (reported as ``<errors_noun> [...]``), HTTP 200 unless
    ``status_label`` is None (it prefixes that problem), completed before the answer, and no
    warnings. Problems are prefixed with ``label``."""
    problems = []
    if call["signature"] != "valid":
        problems.append(f"{label}: signature {call['signature']}")
    if call["modelErrors"]:
        problems.append(f"{label}: {errors_noun} {call['modelErrors']}")
    if status_label is not None and call["status"] != 200:
        problems.append(f"{status_label}: HTTP {call['status']} "
                        f"{call.get('errorType') or ''}".rstrip())
    if inv["answerSeq"] and (call["completedSeq"] is None
                             or call["completedSeq"] > inv["answerSeq"]):
        problems.append(f"{label}: not completed before the answer")
    for warning in call.get("warnings") or []:
        problems.append(f"{label}: {warning}")
    return problems


def expectation_problems(result, expected):
    """Differences between what happened and the ``expected.json`` entry."""
    if expected is None:
        return ["no entry in expected.json"]
    problems = []
    inv = result["invocation"]
    if inv["state"] != expected["outcome"]:
        problems.append(f"outcome {inv['state']}, expected {expected['outcome']}")
    elif expected["outcome"] == "error" and expected.get("errorType"):
        error_type, _ = error_document(inv)
        if error_type != expected["errorType"]:
            problems.append(f"errorType {error_type!r}, expected {expected['errorType']!r}")
    if "calls" in expected:
        operations, wanted = [c["operation"] for c in result["calls"]], expected["calls"]
        if expected.get("callsInAnyOrder"):  # a sweep's worker threads interleave their calls
            operations, wanted = sorted(operations), sorted(wanted)
        if operations != wanted:
            problems.append(f"Config calls {operations}, expected {wanted}")
    if "stsCalls" in expected:
        problems.extend(_sts_call_problems(result["stsCalls"], expected["stsCalls"]))
    ecs_operations = [c["operation"] for c in result.get("ecsCalls", [])]
    if ecs_operations != expected.get("ecsCalls", []):
        problems.append(f"ECS calls {ecs_operations}, expected {expected.get('ecsCalls', [])}")
    ssm_operations = [c["operation"] for c in result.get("ssmCalls", [])]
    if ssm_operations != expected.get("ssmCalls", []):
        problems.append(f"SSM calls {ssm_operations}, expected {expected.get('ssmCalls', [])}")
    problems.extend(_evaluation_problems(result["evaluations"], expected))
    if "hook" in expected:
        problems.extend(_hook_problems(inv, expected["hook"]))
    return problems


HOOK_MESSAGE_LIMIT = 1024  # characters Cloud Control API keeps of a hook result's message


def hook_result(invocation):
    """The hook result of a ``/response`` answer as a dict, else None."""
    try:
        body = json.loads(invocation.get("body") or "")
    except ValueError:
        return None
    return body if isinstance(body, dict) and "hookStatus" in body else None


def _hook_problems(inv, want):
    """Compare a hook invocation's ``/response`` body with the ``hook`` entry: ``hookStatus``,
    ``errorCode`` (must be absent when not expected), ``clientRequestToken`` (echoed; JSON null when
    the event had none: the member must be present either way), ``messageContains`` (words), and a
    message of 1..1024 characters."""
    got = hook_result(inv)
    if got is None:
        return [f"no hook result in the response body {inv.get('body')!r}"]
    problems = []
    for key in ("hookStatus", "errorCode"):
        if got.get(key) != want.get(key):
            problems.append(f"hook {key} {got.get(key)!r}, expected {want.get(key)!r}")
    if "clientRequestToken" not in got:
        problems.append("hook result has no clientRequestToken member")
    elif got["clientRequestToken"] != want.get("clientRequestToken"):
        problems.append(f"hook clientRequestToken {got['clientRequestToken']!r}, "
                        f"expected {want.get('clientRequestToken')!r}")
    message = got.get("message")
    if not isinstance(message, str) or not 0 < len(message.encode("utf-16-le")) // 2 <= HOOK_MESSAGE_LIMIT:
        problems.append(f"hook message {message!r} is not 1..{HOOK_MESSAGE_LIMIT} characters")
    else:
        for words in want.get("messageContains", []):
            if words not in message:
                problems.append(f"hook message {message!r} does not contain {words!r}")
    unknown = set(got) - {"hookStatus", "errorCode", "message", "clientRequestToken"}
    if unknown:
        problems.append(f"hook result has unexpected members {sorted(unknown)}")
    return problems


def _sts_call_problems(actual, wanted):
    """Compare the invocation's STS calls with ``stsCalls``: each entry is an operation name (HTTP
    200 expected) or ``{"operation", "status"?: 200, "errorType"?, "roleArn"?}``."""
    wanted = [{"operation": w} if isinstance(w, str) else w for w in wanted]
    got = [(c["operation"], c["status"]) for c in actual]
    if len(actual) != len(wanted):
        return [f"STS calls {got}, expected {[(w.get('operation'), w.get('status', 200)) for w in wanted]}"]
    problems = []
    for index, (call, want) in enumerate(zip(actual, wanted), start=1):
        for key, value in {"status": 200, **want}.items():
            if call.get(key) != value:
                problems.append(f"STS call {index} ({call['operation']}): {key} {call.get(key)!r}, "
                                f"expected {value!r}")
    return problems


def _resource_of(evaluation):
    return (evaluation.get("complianceResourceType"), evaluation.get("complianceResourceId"))


def _evaluation_problems(actual, expected):
    """Compare accepted evaluations with the expected ones, matched by resource (type and id), and
    check the per-event fields. A resource evaluated twice is a problem."""
    wanted = expected.get("evaluations", [])
    problems = []
    if len(actual) != len(wanted):
        problems.append(f"{len(actual)} evaluation(s) accepted, expected {len(wanted)}")
    by_resource = {}
    for got in actual:
        by_resource.setdefault(_resource_of(got), []).append(got)
    for resource, got_list in by_resource.items():
        if len(got_list) > 1:
            problems.append(f"{resource[0]} {resource[1]}: evaluated {len(got_list)} times")
    wanted_resources = {_resource_of(want) for want in wanted}
    unexpected = [r for r in by_resource if r not in wanted_resources]
    if unexpected:
        shown = ", ".join(f"{t} {i}" for t, i in unexpected[:5])
        problems.append(f"unexpected evaluation(s) for {shown}"
                        + (f" (+{len(unexpected) - 5} more)" if len(unexpected) > 5 else ""))
    for want in wanted:
        label = f"evaluation {want.get('complianceResourceId')}"
        got_list = by_resource.get(_resource_of(want))
        if not got_list:
            problems.append(f"{label}: missing")
            continue
        got = got_list[0]
        for key, value in want.items():
            if key == "annotationPresent":
                if bool(got.get("annotation")) != value:
                    problems.append(f"{label}: annotation present={bool(got.get('annotation'))}")
            elif key == "orderingTimestamp":
                stamp = got.get(key)
                if not isinstance(stamp, (int, float)) or abs(stamp - value) > TIMESTAMP_TOLERANCE:
                    problems.append(f"{label}: orderingTimestamp {stamp!r}, expected {value}")
            elif got.get(key) != value:
                problems.append(f"{label}: {key} {got.get(key)!r}, expected {value!r}")
    for index, got in enumerate(actual, start=1):
        label = f"evaluation {got.get('complianceResourceId') or index}"
        if "testMode" in expected and got.get("testMode") != expected["testMode"]:
            problems.append(f"{label}: TestMode {got.get('testMode')}, "
                            f"expected {expected['testMode']}")
        if "resultToken" in expected and got.get("resultToken") != expected["resultToken"]:
            problems.append(f"{label}: ResultToken {got.get('resultToken')!r}, "
                            f"expected {expected['resultToken']!r}")
    return problems


# ====================================================================== output

def print_block(name, result, problems):
    """Print one event's block: outcome, accepted evaluations, calls, verdict."""
    inv = result["invocation"]
    verdict = "PASS" if not problems else "FAIL"
    print(f"== {name}: {verdict}")
    if inv["state"] == "error":
        error_type, message = error_document(inv)
        print(f"   outcome: error {error_type}: {message}")
    elif hook_result(inv) is not None:
        hook = hook_result(inv)
        status = hook.get("hookStatus")
        code = f" {hook['errorCode']}" if hook.get("errorCode") else ""
        print(f"   outcome: {inv['state']} (hook)")
        print(f"   hook verdict: {status}{code}: {hook.get('message')}")
        print(f"   clientRequestToken: {json.dumps(hook.get('clientRequestToken'))}")
    else:
        print(f"   outcome: {inv['state']}" + (f" {inv['body']}" if inv.get("body") else ""))
    evaluations = result["evaluations"]
    for ev in evaluations[:MAX_PRINTED_EVALUATIONS]:
        account = f" account={ev.get('account')}" if ev.get("account") != BASE_ACCOUNT else ""
        print(f"   evaluation: {ev['complianceResourceType']} {ev['complianceResourceId']} "
              f"{ev['complianceType']} TestMode={str(ev['testMode']).lower()} "
              f"orderingTimestamp={ev['orderingTimestamp']} annotation={ev['annotation']!r}{account}")
    if len(evaluations) > MAX_PRINTED_EVALUATIONS:
        counts = {}
        for ev in evaluations:
            counts[ev["complianceType"]] = counts.get(ev["complianceType"], 0) + 1
        print(f"   ... {len(evaluations) - MAX_PRINTED_EVALUATIONS} more; {len(evaluations)} in all: "
              + ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items())))
    if result["roles"]:
        print(f"   roles registered: {', '.join(result['roles'])}")
    for call in result["stsCalls"]:
        status = "dropped" if call["dropped"] else call["status"]
        error = f" {call['errorType']}" if call.get("errorType") else ""
        print(f"   sts call: {call['operation']} {call['roleArn']} -> {status}{error}")
    if result.get("ecsCalls"):
        print(f"   ecs calls: {len(result['ecsCalls'])} ("
              + ", ".join(c["operation"] or "?" for c in result["ecsCalls"]) + ")")
    for call in result.get("ssmCalls", []):
        status = "dropped" if call["dropped"] else call["status"]
        error = f" {call['errorType']}" if call.get("errorType") else ""
        print(f"   ssm call: {call['operation']} {call['name']} -> {status}{error}")
    operations = ", ".join(c["operation"] or "?" for c in result["calls"])
    accounts = sorted({c.get("account") or "?" for c in result["calls"]} - {BASE_ACCOUNT})
    print(f"   config calls: {len(result['calls'])}" + (f" ({operations})" if operations else "")
          + (f" signed as account {', '.join(accounts)}" if accounts else ""))
    details = call_details(result["calls"])
    if details:
        print(f"   call results: {details}")
    for document in result.get("metrics", []):
        print(f"   metrics: {metrics_text(document)}")
    for problem in problems:
        print(f"   ! {problem}")
    sys.stdout.flush()


def metric_values(document):
    """``{name: value}`` of the metrics an EMF document defines (every directive)."""
    values = {}
    for directive in document.get("_aws", {}).get("CloudWatchMetrics", []):
        for definition in directive.get("Metrics", []):
            name = definition.get("Name")
            if name in document:
                values[name] = document[name]
    return values


def metrics_text(document):
    """``Mode=change Invocations=1 AWSCalls=1 …`` (metrics at 0 left out; ErrorType when failed)."""
    parts = [f"Mode={document.get('Mode', '?')}"]
    if document.get("ErrorType"):
        parts.append(f"ErrorType={document['ErrorType']}")
    for name, value in metric_values(document).items():
        if value:
            parts.append(f"{name}={value:g}" if isinstance(value, (int, float)) else f"{name}={value}")
    return " ".join(parts)


SHORT_VERDICTS = {"COMPLIANT": "C", "NON_COMPLIANT": "NC", "NOT_APPLICABLE": "NA"}


def summary_row(name, result, problems):
    """One row of the closing table: event, verdict, outcome, accepted verdicts, AWS calls (as the
    emulator recorded them / as the metrics counted them)."""
    inv = result["invocation"]
    if inv["state"] == "error":
        outcome = f"error {error_document(inv)[0] or '?'}"
    elif inv["state"] == "response":
        body = {}
        try:
            body = json.loads(inv.get("body") or "{}")
        except ValueError:
            pass
        outcome = "response (ignored)" if isinstance(body, dict) and body.get("ignored") else "response"
    else:
        outcome = inv["state"]
    counts = {}
    for ev in result["evaluations"]:
        short = SHORT_VERDICTS.get(ev["complianceType"], ev["complianceType"])
        counts[short] = counts.get(short, 0) + 1
    verdicts = " ".join(f"{kind} {n}" for kind, n in sorted(counts.items())) or "-"
    hook = hook_result(inv) if inv["state"] == "response" else None
    if hook is not None:
        verdicts = f"hook {hook.get('hookStatus')}" + (f" {hook['errorCode']}" if hook.get("errorCode") else "")
    recorded = (len(result["calls"]) + len(result["stsCalls"]) + len(result.get("ecsCalls", []))
                + len(result.get("ssmCalls", [])))
    counted = [metric_values(d).get("AWSCalls") for d in result.get("metrics", [])]
    counted_text = "/".join(f"{c:g}" for c in counted if isinstance(c, (int, float))) or "-"
    return [name, "PASS" if not problems else "FAIL", outcome, verdicts, f"{recorded} / {counted_text}"]


def print_summary(rows):
    """The closing table (one row per event)."""
    header = ["event", "result", "outcome", "verdicts", "AWS calls (emulator / metrics)"]
    widths = [max(len(str(row[i])) for row in [header] + rows) for i in range(len(header))]
    line = lambda row: "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)).rstrip()
    print()
    print(line(header))
    print(line(["-" * width for width in widths]))
    for row in rows:
        print(line(row))


def call_details(calls):
    """``ListDiscoveredResources 4 ids; ...``: per-operation totals of a sweep's calls ("" if the
    invocation made no inventory or compliance read)."""
    sweep_ops = ("ListDiscoveredResources", "BatchGetResourceConfig",
                 "GetComplianceDetailsByConfigRule")
    if not any(c["operation"] in sweep_ops for c in calls):
        return ""
    totals = {}
    for call in calls:
        result = call.get("result") or {}
        entry = totals.setdefault(call["operation"], {"calls": 0, "n": 0, "unprocessed": 0,
                                                      "gone": 0})
        entry["calls"] += 1
        entry["n"] += result.get("pageSize", result.get("accepted", 0)) or 0
        entry["unprocessed"] += result.get("unprocessed", 0)
        entry["gone"] += result.get("deletedBetweenCalls", 0)
    nouns = {"ListDiscoveredResources": "ids", "BatchGetResourceConfig": "items",
             "GetComplianceDetailsByConfigRule": "results", "PutEvaluations": "evaluations"}
    parts = []
    for operation, entry in totals.items():
        text = f"{operation} {entry['n']} {nouns.get(operation, '')} in {entry['calls']} call(s)"
        if entry["unprocessed"]:
            text += f", {entry['unprocessed']} unprocessed"
        if entry["gone"]:
            text += f", {entry['gone']} deleted between calls"
        parts.append(text)
    return "; ".join(parts)


# ====================================================================== main

def run(args):
    """Start everything, run the events, stop everything; return the exit code."""
    bootstrap = os.path.abspath(args.bootstrap)
    if not os.access(bootstrap, os.X_OK):
        print(f"run_local: {bootstrap} is not an executable file", file=sys.stderr)
        return 2
    events = event_files(args.events, args.only)
    expected = load_expected(args.events)
    emu = Emulator(log=stderr_log if args.verbose else None)
    proc = log_file = metric_lines = None
    passed = failed = 0
    died = False
    rows = []
    try:
        info = emu.start()
        proc, log_path, log_file, metric_lines = start_bootstrap(
            bootstrap, bootstrap_env(info, bootstrap, args), args.show_logs)
        print(f"emulator: runtime {info['runtimeAPI']}, config {info['configEndpoint']}, "
              f"control {info['control']}, sts {info['stsEndpoint']}")
        print(f"bootstrap: pid {proc.pid}" + (f", log {log_path}" if log_path else ""))
        for name, path in events:
            if proc.poll() is not None:
                failed += 1
                print(f"== {name}: FAIL\n   ! not run: bootstrap exited with code {proc.returncode}")
                continue
            result = run_event(emu, proc, path, args.timeout, expected.get(name), metric_lines)
            problems = (invariant_problems(result, expected.get(name))
                        + expectation_problems(result, expected.get(name)))
            print_block(name, result, problems)
            rows.append(summary_row(name, result, problems))
            passed, failed = (passed + 1, failed) if not problems else (passed, failed + 1)
        if not args.only and proc.poll() is None:
            table_ok = print_scope_table(
                emu, lambda raw: run_raw_event(emu, proc, raw, args.timeout, None, metric_lines), args.events,
                expected.get(SCOPE_TABLE_KEY), invariant_problems)
            passed, failed = (passed + 1, failed) if table_ok else (passed, failed + 1)
        died = proc.poll() is not None
        if died:
            print(f"bootstrap exited with code {proc.returncode}"
                  + (f" (see {log_path})" if log_path else ""))
            for init_error in emu.runtime.init_errors():
                print(f"   init/error {init_error['errorType']}: {init_error['body']}")
    finally:
        stop_bootstrap(proc)
        if log_file:
            log_file.close()
        if metric_lines:
            metric_lines.remove()
        emu.stop()
    if rows:
        print_summary(rows)
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 and not died else 1


def _interrupt(signum, frame):
    """SIGTERM handler: behave like Ctrl-C so ``run``'s clean-up runs."""
    raise KeyboardInterrupt


def main(argv=None):
    """CLI entry point; returns the exit code (130 when interrupted)."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        return run(args)
    except KeyboardInterrupt:
        print("run_local: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
