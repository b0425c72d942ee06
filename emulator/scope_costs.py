"""What each revision scope reports and what it costs, measured: ``python3 -m emulator.scope_costs
--bootstrap .build/release/bootstrap [--families 50] [--revisions 2000] [--format markdown|json]``
(``scripts/scope-costs`` builds first).

Starts the emulator in-process and the real bootstrap, generates one account
(``scope_account.generate_account``: Config inventory + matching ECS state), then for each
``EvaluatedRevisions`` value runs

- two change events for ``host`` revisions of family ``f-006`` (``f-006:40``: its latest ACTIVE
  revision, run by tasks; ``f-006:33``: an older ACTIVE one that nothing runs): the verdict and the
  ECS and Config calls of each;
- one periodic sweep (``ScheduledNotification``) of the whole inventory, from a clean compliance
  store: the evaluations per compliance type and the ECS and Config calls per operation.

Every number is read from the emulator's call records and accepted evaluations. A failed
invocation or a call with a bad signature or model error stops the run (exit 1).
"""

import argparse
import json
import os
import sys
import time

from .app import DEFAULT_RULE_NAME, Emulator
from .run_local import bootstrap_env, start_bootstrap, stop_bootstrap
from .scope_demo import SCOPES

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHANGE_REVISIONS = ("f-006:40", "f-006:33")
NOTIFICATION_TIME = "2024-01-19T00:00:00.373Z"


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python3 -m emulator.scope_costs", description=__doc__.split("\n")[0])
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--families", type=int, default=50)
    parser.add_argument("--revisions", type=int, default=2000)
    parser.add_argument("--format", choices=["markdown", "json"], default="markdown")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per invocation")
    return parser.parse_args(argv)


def invoke(emu, proc, event, timeout):
    """Invoke ``event`` (a dict) and return ``(invocation, ECS calls, Config calls, evaluations)``
    of that invocation; raise RuntimeError when it fails or a call is not clean."""
    queued = emu.invoke(json.dumps(event).encode(), timeout_ms=int(timeout * 1000))
    deadline = time.monotonic() + timeout + 5
    view = queued
    while time.monotonic() < deadline and proc.poll() is None:
        view = emu.runtime.wait_answered(queued["requestId"], 0.5)
        if view["state"] in ("response", "error"):
            break
    trace = queued["traceId"]
    ecs = [c for c in emu.ecs.calls() if c["traceHeader"] == trace]
    config = [c for c in emu.config.calls() if c["traceHeader"] == trace]
    if view["state"] != "response":
        raise RuntimeError(f"invocation {view['state']}: {view.get('body')}")
    for call in ecs + config:
        if call["signature"] != "valid" or call["modelErrors"] or call["status"] != 200:
            raise RuntimeError(f"call {call['operation']} not clean: {call['signature']} "
                               f"{call['modelErrors']} {call['status']}")
    return view, ecs, config, emu.config.data.evaluations.list(trace)


def per_operation(calls):
    counts = {}
    for call in calls:
        counts[call["operation"]] = counts.get(call["operation"], 0) + 1
    return counts


def template_event(name):
    with open(os.path.join(REPO, "events", name), "r", encoding="utf-8") as handle:
        return json.load(handle)


def change_event(emu, resource_id, scope):
    """A change event for the generated inventory item ``resource_id`` (``family:revision``)."""
    from .scope_demo import change_event as build  # the same conversion run_local uses
    item = emu.config.data.inventory.get(("AWS::ECS::TaskDefinition", resource_id))
    if item is None:
        raise RuntimeError(f"{resource_id} is not in the generated inventory")
    return json.loads(build(template_event("host.json"), item, scope))


def sweep_event(scope):
    event = template_event("scheduled.json")
    event["ruleParameters"] = json.dumps({"EvaluatedRevisions": scope})
    event["resultToken"] = f"sweep-{scope}"
    return event


def measure(args):
    emu = Emulator(log=None)
    proc = log_file = metric_lines = None
    rows = []
    try:
        info = emu.start()
        bootstrap = os.path.abspath(args.bootstrap)
        env_args = argparse.Namespace(log_format="JSON", log_level="WARN", env=[])
        proc, _, log_file, metric_lines = start_bootstrap(
            bootstrap, bootstrap_env(info, bootstrap, env_args), False)
        for scope in SCOPES:
            emu.reset()
            summary = emu.control.generate_scope_account(None, {"families": args.families,
                                                                "revisions": args.revisions})
            changes = []
            for resource_id in CHANGE_REVISIONS:
                _, ecs, config, accepted = invoke(emu, proc, change_event(emu, resource_id, scope), args.timeout)
                changes.append({"revision": resource_id,
                                "verdict": accepted[0]["complianceType"] if accepted else None,
                                "ecsCalls": per_operation(ecs), "configCalls": per_operation(config)})
            emu.config.data.compliance.seed(DEFAULT_RULE_NAME, [], replace=True)
            started = time.monotonic()
            view, sweep_ecs, sweep_config, evaluations = invoke(emu, proc, sweep_event(scope),
                                                                args.timeout)
            seconds = time.monotonic() - started
            reported = {}
            for evaluation in evaluations:
                reported[evaluation["complianceType"]] = reported.get(evaluation["complianceType"], 0) + 1
            rows.append({
                "scope": scope, "families": summary["families"], "revisions": summary["revisions"],
                "activeRevisions": summary["active"], "hostRevisions": summary["host"],
                "changes": changes,
                "sweep": {"reported": reported, "ecsCalls": per_operation(sweep_ecs),
                          "configCalls": per_operation(sweep_config), "seconds": round(seconds, 2),
                          "response": json.loads(view.get("body") or "{}")},
            })
    finally:
        stop_bootstrap(proc)
        if log_file:
            log_file.close()
            os.unlink(log_file.name)
        if metric_lines:
            metric_lines.remove()
        emu.stop()
    return rows


def markdown(rows):
    first = rows[0]
    changes = [c["revision"] for c in first["changes"]]
    lines = [f"Generated account: {first['families']} families, {first['revisions']} revisions "
             f"({first['activeRevisions']} ACTIVE, {first['hostRevisions']} with `pidMode: host`).", "",
             "| `EvaluatedRevisions` | sweep: NON_COMPLIANT / COMPLIANT / NOT_APPLICABLE | sweep ECS calls | "
             "sweep Config calls | " + " | ".join(f"change `{c}`: verdict, ECS calls" for c in changes)
             + " | change event Config calls |",
             "| --- | --- | --- | --- | " + "--- | " * len(changes) + "--- |"]

    def calls(counts):
        total = sum(counts.values())
        return f"{total}" + (" (" + ", ".join(f"{op} {n}" for op, n in sorted(counts.items())) + ")"
                             if counts else "")
    for row in rows:
        sweep = row["sweep"]
        reported = sweep["reported"]
        cells = [f"`{row['scope']}`",
                 f"{reported.get('NON_COMPLIANT', 0)} / {reported.get('COMPLIANT', 0)} / "
                 f"{reported.get('NOT_APPLICABLE', 0)}", calls(sweep["ecsCalls"]), calls(sweep["configCalls"])]
        cells += [f"{c['verdict']}, {calls(c['ecsCalls'])}" for c in row["changes"]]
        cells.append(calls(row["changes"][0]["configCalls"]))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        rows = measure(args)
    except RuntimeError as exc:
        print(f"scope_costs: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(rows, indent=2) if args.format == "json" else markdown(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
