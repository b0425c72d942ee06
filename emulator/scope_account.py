"""A generated account for the revision scopes (rule-semantics §7): Config inventory items and the
matching fake-ECS state, from a few numbers, deterministically.

``generate_account(template, families=50, revisions=2000, ...)`` spreads ``revisions`` over
``families`` (family ``f-000`` … gets revisions 1..n, the first families one more when it does
not divide). For each family:

- the newest ``keepActive`` revisions are ACTIVE, older ones INACTIVE (deregistered); every
  ``deregisteredEvery``-th family (i % N == N-1) has every revision INACTIVE ("no active
  revision");
- ``PidMode: host`` on every ``hostEvery``-th revision (counted over the whole account), else
  ``task``/absent alternately;

and in use, spread over ``clusters`` clusters (family ``i`` lives in cluster ``i % clusters``):

- family ``i % 5 == 0``: a service whose PRIMARY deployment is the latest ACTIVE revision and
  whose ACTIVE deployment (a rolling update) is the one before;
- family ``i % 5 == 1``: ``tasksPerFamily`` standalone RUNNING tasks of its latest revision
  (ACTIVE or not: a deregistered revision can still run), so a cluster has > 100 tasks;
- family ``i % 5 == 2``: an EXTERNAL-controller service whose task sets run the two newest
  revisions;
- other families: nothing running (plus one STOPPED task of their latest revision, which
  must not count).

Config items use ``resourceId`` = ``family:revision`` (one item per revision).
"""

from .inventory import taskdef_item

CAPTURE_START = 1705000000.0


def generate_account(template, families=50, revisions=2000, keep_active=20, deregistered_every=10,
                     host_every=7, clusters=3, tasks_per_family=60, region="us-west-2",
                     account="111111111111"):
    """``(config items, ecs state, summary)`` of the generated account."""
    if families < 1 or revisions < families:
        raise ValueError("need families >= 1 and revisions >= families")
    items, definitions = [], {}
    cluster_states = [{"name": f"cluster-{c}", "tasks": [], "services": []}
                      for c in range(max(1, clusters))]
    per_family, extra = divmod(revisions, families)
    index = 0
    summary = {"families": families, "revisions": revisions, "active": 0, "host": 0}
    for i in range(families):
        family = f"f-{i:03d}"
        count = per_family + (1 if i < extra else 0)
        all_inactive = deregistered_every and i % deregistered_every == deregistered_every - 1
        definitions[family] = {}
        for revision in range(1, count + 1):
            index += 1
            active = not all_inactive and revision > count - keep_active
            pid_mode = "host" if host_every and index % host_every == 0 else (
                "task" if index % 2 == 0 else None)
            status = "ACTIVE" if active else "INACTIVE"
            definitions[family][str(revision)] = status
            item = taskdef_item(template, family, revision, pid_mode, "OK", status,
                                round(CAPTURE_START + index * 11.111, 3), region, account)
            item["resourceId"] = f"{family}:{revision}"
            items.append(item)
            summary["active"] += active
            summary["host"] += pid_mode == "host"
        cluster = cluster_states[i % len(cluster_states)]
        latest = f"{family}:{count}"
        previous = f"{family}:{max(1, count - 1)}"
        kind = i % 5
        if kind == 0:
            cluster["services"].append({"name": f"svc-{family}", "deployments": [
                {"status": "PRIMARY", "taskDefinition": latest},
                {"status": "ACTIVE", "taskDefinition": previous},
                {"status": "INACTIVE", "taskDefinition": f"{family}:1"}]})
        elif kind == 1:
            cluster["tasks"].append({"taskDefinition": latest, "count": tasks_per_family})
        elif kind == 2:
            cluster["services"].append({"name": f"ext-{family}", "deployments": [], "taskSets": [
                {"status": "PRIMARY", "taskDefinition": latest},
                {"status": "ACTIVE", "taskDefinition": previous}]})
        else:
            cluster["tasks"].append({"taskDefinition": latest, "desiredStatus": "STOPPED"})
    state = {"taskDefinitions": definitions, "clusters": cluster_states}
    return items, state, summary
