"""The revision scopes side by side for ``run_local`` (rule-semantics §7): every task definition
of the seeded Config inventory, sent as a change event under each ``EvaluatedRevisions`` value,
on the same seeded ECS state; one row per revision, one column per scope, checked against the
``scopeTable`` entry of ``events/expected.json`` (``{"family:revision": {scope: compliance}}``).
Then one periodic sweep per scope, which must report the same verdicts.
"""

import datetime
import json
import os

SCOPES = ("ALL", "ACTIVE", "LATEST_ACTIVE", "IN_USE")
SCOPE_TABLE_KEY = "scopeTable"
TEMPLATE_EVENT = "host.json"
SWEEP_EVENT = "scheduled.json"
TASKDEF = "AWS::ECS::TaskDefinition"
MAX_ITEMS = 50  # the seeded inventory has a handful


def change_event(template, item, scope):
    """``template`` (a change-notification event) describing the API-shape inventory ``item``,
    with ``ruleParameters`` ``{"EvaluatedRevisions": scope}``; returns the raw event bytes."""
    event = dict(template)
    invoking = json.loads(event["invokingEvent"])
    notified = dict(invoking["configurationItem"])
    captured = datetime.datetime.fromtimestamp(item["configurationItemCaptureTime"],
                                               tz=datetime.timezone.utc)
    notified.update({
        "resourceType": item["resourceType"], "resourceId": item["resourceId"],
        "resourceName": item.get("resourceName"), "ARN": item.get("arn"),
        "configurationItemStatus": item["configurationItemStatus"],
        "configurationItemCaptureTime": captured.isoformat(timespec="milliseconds")
        .replace("+00:00", "Z"),
        "configuration": json.loads(item["configuration"]),
    })
    invoking["configurationItem"] = notified
    event["invokingEvent"] = json.dumps(invoking, separators=(",", ":"))
    event["ruleParameters"] = json.dumps({"EvaluatedRevisions": scope})
    return json.dumps(event).encode("utf-8")


def ecs_facts(state):
    """``(latest ACTIVE revision per family, revisions in use)`` of an ``EcsData.snapshot()``."""
    latest = {}
    for entry in state["taskDefinitions"]:
        if entry["status"] == "ACTIVE":
            latest[entry["family"]] = max(latest.get(entry["family"], 0), entry["revision"])
    used = set()
    for cluster in state["clusters"]:
        used.update(t["taskDefinitionArn"].rsplit("/", 1)[-1] for t in cluster["tasks"]
                    if t["desiredStatus"] == "RUNNING")
        for service in cluster["services"]:
            used.update(d["taskDefinition"].rsplit("/", 1)[-1] for d in service["deployments"]
                        if d["status"] in ("PRIMARY", "ACTIVE"))
            used.update(t["taskDefinition"].rsplit("/", 1)[-1] for t in service["taskSets"])
    return latest, used


def print_scope_table(emu, run, events_dir, expected, invariant_problems):
    """Run and print the table; return True when every invocation was clean and every cell
    matches ``expected`` (a missing ``expected`` fails)."""
    with open(os.path.join(events_dir, TEMPLATE_EVENT), "r", encoding="utf-8") as handle:
        template = json.load(handle)
    emu.restore_data()
    inventory = emu.config.data.inventory
    listed, _ = inventory.list_page(TASKDEF, 0, MAX_ITEMS)
    items = [item for item in (inventory.get((TASKDEF, i["resourceId"])) for i in listed)
             if item and item.get("configuration")]
    latest, used = ecs_facts(emu.ecs.data.snapshot())
    problems, table = [], {}
    print("== revision scopes side by side (EvaluatedRevisions; the seeded inventory and ECS state)")
    header = f"   {'revision':<16} {'Status':<9} {'PidMode':<8} {'latest':<7} {'in use':<7}"
    print(header + "".join(f" {scope:<15}" for scope in SCOPES) + " ECS calls per scope")
    for item in items:
        configuration = json.loads(item["configuration"])
        name = item.get("resourceName") or item["resourceId"]
        family, _, revision = name.rpartition(":")
        row, calls = {}, []
        for scope in SCOPES:
            result = run(change_event(template, item, scope))
            for problem in invariant_problems(result):
                problems.append(f"{name} {scope}: {problem}")
            accepted = result["evaluations"]
            row[scope] = accepted[0]["complianceType"] if len(accepted) == 1 else \
                f"{result['invocation']['state']}?"
            calls.append(str(len(result.get("ecsCalls", []))))
        table[name] = row
        print(f"   {name:<16} {configuration.get('Status', '-'):<9} "
              f"{configuration.get('PidMode') or '-':<8} "
              f"{'yes' if str(latest.get(family)) == revision else 'no':<7} "
              f"{'yes' if name in used else 'no':<7}"
              + "".join(f" {row[scope]:<15}" for scope in SCOPES) + " " + "/".join(calls))
    # The periodic sweep of the same inventory under each scope must agree with the change events.
    with open(os.path.join(events_dir, SWEEP_EVENT), "r", encoding="utf-8") as handle:
        sweep_template = json.load(handle)
    names = {item["resourceId"]: item.get("resourceName") or item["resourceId"] for item in items}
    agreed = []
    for scope in SCOPES:
        sweep_template["ruleParameters"] = json.dumps({"EvaluatedRevisions": scope})
        result = run(json.dumps(sweep_template).encode("utf-8"))
        problems.extend(f"sweep {scope}: {problem}" for problem in invariant_problems(result))
        swept = {names[e["complianceResourceId"]]: e["complianceType"] for e in result["evaluations"]
                 if e["complianceResourceId"] in names}
        wrong = {name: (got, table[name][scope]) for name, got in swept.items() if got != table[name][scope]}
        if wrong or len(swept) != len(table):
            problems.append(f"sweep {scope} disagrees with the change events: {wrong or swept}")
        agreed.append(f"{scope} {len(result.get('ecsCalls', []))} ECS call(s)")
    print("   periodic sweep, same verdicts: " + "; ".join(agreed))
    if expected is None:
        problems.append(f"no {SCOPE_TABLE_KEY!r} entry in expected.json")
    elif table != expected:
        problems.append(f"table differs from expected.json {SCOPE_TABLE_KEY}: got {table}")
    for problem in problems:
        print(f"   ! {problem}")
    print(f"   {'PASS' if not problems else 'FAIL'}")
    return not problems
