"""Periodic-sweep benchmark (a measurement, not a test): ``python3 -m emulator.bench_sweep``.

Starts the emulator (``--traffic PRESET``: AWS-like latencies and throttling, see ``traffic.py``),
generates an inventory of ``--items`` task definitions of about ``--item-bytes`` each (every 7th
``PidMode: host``; the default compliance seed adds 2 stale results; ``--previous-results`` adds a previous
sweep's result for every item, the steady state of a rule swept periodically), then for each bootstrap given
(``--bootstrap`` = "after", ``--before`` = "before", in the same run) starts it, invokes one
``ScheduledNotification`` with ``--timeout-s`` and prints ONE JSON line::

    {"items", "itemBytes", "traffic", "timeoutS", "previousResults", "runs": [{"label", "bootstrap", "outcome",
     "errorType", "errorMessage", "wallSeconds", "evaluationsExpected", "evaluationsAccepted",
     "evaluationsCorrect", "duplicates", "peakRssMiB", "cpuSeconds", "cpuUserSeconds",
     "cpuSystemSeconds", "cpuMicrosPerItem",
     "calls": {operation: n}, "throttled": {operation: n}}]}

``evaluationsCorrect`` counts accepted evaluations whose compliance type is the expected one (each
resource once); ``peakRssMiB`` is the bootstrap's VmHWM, ``cpuSeconds`` its utime+stime (also apart) for the
invocation. Exit status 1 when a run is not fully correct (an error answer counts as not correct).
"""

import argparse
import json
import os
import subprocess
import sys
import time
import urllib.request

TASKDEF = "AWS::ECS::TaskDefinition"
HOST_EVERY = 7
STALE = ("testtaskdef", "retired-family")  # the default compliance seed, gone from the generated inventory
PREVIOUS_SWEEP_TIME = 1_704_067_200  # 2024-01-01, before the event's notificationCreationTime


def control(base, method, path, payload=None, timeout=900):
    """One control-API request; returns the decoded JSON reply."""
    data = None if payload is None else json.dumps(payload).encode()
    request = urllib.request.Request(base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as reply:
        return json.loads(reply.read())


def proc_fields(pid):
    """``((utime, stime) seconds, VmHWM MiB)`` of a live process."""
    with open(f"/proc/{pid}/stat") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    cpu = (int(fields[11]) / ticks, int(fields[12]) / ticks)
    hwm = 0.0
    with open(f"/proc/{pid}/status") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                hwm = int(line.split()[1]) / 1024.0
    return cpu, hwm


def expected_verdicts(items):
    """resourceId -> compliance type the sweep must deliver."""
    width = max(5, len(str(items)))
    verdicts = {f"family-{i:0{width}d}": "NON_COMPLIANT" if i % HOST_EVERY == 0 else "COMPLIANT"
                for i in range(1, items + 1)}
    verdicts.update({resource: "NOT_APPLICABLE" for resource in STALE})
    return verdicts


def run_one(label, bootstrap, info, args, event):
    """Prepare the emulator, run one sweep with ``bootstrap``, return its measurements."""
    base = info["control"]
    control(base, "POST", "/reset", {})
    control(base, "POST", "/traffic", {"preset": args.traffic})
    control(base, "POST", "/inventory/generate", {"count": args.items, "hostEvery": HOST_EVERY,
                                                  "configurationBytes": args.item_bytes})
    if args.previous_results:
        # What the previous sweep left (older OrderingTimestamp): the clean-up query pages all of it.
        previous = [{"resourceType": TASKDEF, "resourceId": resource, "complianceType": verdict,
                     "orderingTimestamp": PREVIOUS_SWEEP_TIME}
                    for resource, verdict in expected_verdicts(args.items).items() if resource not in STALE]
        control(base, "POST", "/compliance", {"configRuleName": event["configRuleName"], "results": previous})
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
           "AWS_LAMBDA_RUNTIME_API": info["runtimeAPI"], "AWS_REGION": info["region"],
           "AWS_ACCESS_KEY_ID": info["accessKeyID"], "AWS_SECRET_ACCESS_KEY": info["secretAccessKey"],
           "AWS_ENDPOINT_URL_CONFIG_SERVICE": info["configEndpoint"],
           "AWS_ENDPOINT_URL_STS": info["stsEndpoint"], "AWS_LAMBDA_LOG_LEVEL": "WARN",
           "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(args.memory_mb)}
    if info.get("sessionToken"):
        env["AWS_SESSION_TOKEN"] = info["sessionToken"]
    log = open(args.log, "ab") if args.log else subprocess.DEVNULL
    process = subprocess.Popen(args.wrap + [bootstrap], env=env, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + (120 if args.wrap else 20)
        while control(base, "GET", "/state").get("pollers", 0) < 1:
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"{label}: the bootstrap never polled /next")
            time.sleep(0.05)
        cpu_before, _ = proc_fields(process.pid)
        started = time.monotonic()
        invoked = control(base, "POST", "/invoke", {"event": event, "timeoutMs": int(args.timeout_s * 1000)})
        view = control(base, "GET", f"/invocations/{invoked['requestId']}?wait={args.timeout_s + 60}",
                       timeout=args.timeout_s + 120)
        wall = time.monotonic() - started
        cpu_after, hwm = proc_fields(process.pid)
    finally:
        process.terminate()  # SIGTERM: a wrapper such as valgrind writes its report
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    accepted = control(base, "GET", "/evaluations")  # /reset cleared the previous run's
    wanted = expected_verdicts(args.items)
    seen = {}
    correct = 0
    for evaluation in accepted:
        resource = evaluation.get("complianceResourceId")
        seen[resource] = seen.get(resource, 0) + 1
        if seen[resource] == 1 and wanted.get(resource) == evaluation.get("complianceType"):
            correct += 1
    traffic = control(base, "GET", "/traffic")["counters"]
    body = view.get("body") or ""
    error = {}
    if view.get("state") == "error":
        try:
            error = json.loads(body) if isinstance(body, str) else body
        except ValueError:
            error = {"errorMessage": str(body)[:300]}
    user = cpu_after[0] - cpu_before[0]
    system = cpu_after[1] - cpu_before[1]
    cpu = user + system
    return {
        "label": label, "bootstrap": bootstrap, "outcome": view.get("state"),
        "errorType": error.get("errorType"), "errorMessage": (error.get("errorMessage") or "")[:300] or None,
        "wallSeconds": round(wall, 2),
        "evaluationsExpected": len(wanted), "evaluationsAccepted": len(accepted),
        "evaluationsCorrect": correct, "duplicates": sum(n - 1 for n in seen.values() if n > 1),
        "peakRssMiB": round(hwm, 1), "cpuSeconds": round(cpu, 3),
        "cpuUserSeconds": round(user, 3), "cpuSystemSeconds": round(system, 3),
        "cpuMicrosPerItem": round(cpu / max(1, args.items) * 1e6, 2),
        "calls": {op: c["calls"] for op, c in sorted(traffic.items())},
        "throttled": {op: c["throttled"] for op, c in sorted(traffic.items()) if c["throttled"]},
    }


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m emulator.bench_sweep")
    parser.add_argument("--bootstrap", required=True, help="the bootstrap to measure (label 'after')")
    parser.add_argument("--before", help="another bootstrap to measure in the same run (label 'before')")
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--item-bytes", type=int, default=5000)
    parser.add_argument("--traffic", default="mid", help="emulator traffic preset (none, mid, slow, storm)")
    parser.add_argument("--timeout-s", type=float, default=900.0, help="the invocation's timeout")
    parser.add_argument("--memory-mb", type=int, default=128, help="AWS_LAMBDA_FUNCTION_MEMORY_SIZE for the bootstrap")
    parser.add_argument("--log", help="append the bootstraps' logs to this file")
    parser.add_argument("--previous-results", action="store_true",
                        help="seed a previous sweep's result for every item (the clean-up query then pages them all)")
    parser.add_argument("--wrap", action="append", default=[],
                        help="command prefix for the bootstrap, one argument per --wrap (e.g. valgrind "
                             "--tool=callgrind for instructions per item); then CPU and RSS are the wrapper's")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)

    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with open(os.path.join(repo, "events", "scheduled.json")) as handle:
        event = json.load(handle)
    emulator = subprocess.Popen([sys.executable, "-m", "emulator", "-q", "--traffic", args.traffic],
                                cwd=repo, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL)
    try:
        info = json.loads(emulator.stdout.readline())
        runs = [run_one("after", os.path.abspath(args.bootstrap), info, args, event)]
        if args.before:
            runs.append(run_one("before", os.path.abspath(args.before), info, args, event))
    finally:
        emulator.stdin.close()
        try:
            emulator.wait(timeout=10)
        except subprocess.TimeoutExpired:
            emulator.kill()
    print(json.dumps({"items": args.items, "itemBytes": args.item_bytes, "traffic": args.traffic,
                      "timeoutS": args.timeout_s, "previousResults": args.previous_results, "runs": runs}))
    return 0 if runs[0]["evaluationsCorrect"] == runs[0]["evaluationsExpected"] and runs[0]["outcome"] == "response" else 1


if __name__ == "__main__":
    sys.exit(main())
