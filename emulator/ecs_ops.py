"""The fake Amazon ECS service's data and operations (the reads of the rule's revision scopes).

Same design as ``config_ops``: one ``run_<op>(ctx) -> dict`` per operation, an optional
``check_<op>(body, data) -> [ConfigApiError]`` for the limits the model does not state (``maxResults``
1–100, ≤ 100 tasks per DescribeTasks, ≤ 10 services per DescribeServices, page tokens bound to their
request), and one line in ``OPERATIONS``. Protocol, SigV4, model checks, faults and call records are
the fake Config's pipeline (``fake_ecs.EcsService``).

State (``EcsData``), set through the control API ``POST /ecs/state``::

    {"taskDefinitions": [{"family": "web", "revision": 3, "status": "ACTIVE"}, ...]
                        | {"web": {"1": "INACTIVE", "3": "ACTIVE"}, ...},
     "clusters": [{"name": "prod",
                   "tasks": [{"taskDefinition": "web:3", "count"?: 1, "desiredStatus"?: "RUNNING"}],
                   "services": [{"name": "api",
                                 "deployments": [{"status": "PRIMARY", "taskDefinition": "web:3"}],
                                 "taskSets": [{"status": "ACTIVE", "taskDefinition": "web:2"}]}]}]}

A task definition reference is ``family:revision`` or a full ARN; tasks may reference revisions
that are INACTIVE (deregistered revisions can still run).
"""

import copy
import re
from dataclasses import dataclass, field

from .config_ops import ConfigApiError, Operation

TASK_DEFINITION_STATUSES = ("ACTIVE", "INACTIVE", "DELETE_IN_PROGRESS")
DESIRED_STATUSES = ("RUNNING", "PENDING", "STOPPED")
DEPLOYMENT_STATUSES = ("PRIMARY", "ACTIVE", "INACTIVE")
TASK_SET_STATUSES = ("PRIMARY", "ACTIVE", "DRAINING")
MAX_TASKS_PER_DESCRIBE = 100
MAX_SERVICES_PER_DESCRIBE = 10
DEFAULT_PAGE = 100
DEFAULT_SERVICES_PAGE = 10  # ListServices: "default only 10" per page
DEFAULT_CLUSTER = "default"
REFERENCE_RE = re.compile(r"^(?:arn:[^:]+:ecs:[^:]*:\d{12}:task-definition/)?([A-Za-z0-9_-]{1,255}):(\d{1,9})$")


class EcsStateError(ValueError):
    """A state document given through the control API is not understood."""


def _parse_reference(value, where):
    """``(family, revision)`` of a ``family:rev`` or task-definition ARN reference."""
    match = REFERENCE_RE.fullmatch(value) if isinstance(value, str) else None
    if not match:
        raise EcsStateError(f"{where}: {value!r} is not 'family:revision' or a task-definition ARN")
    return match.group(1), int(match.group(2))


class EcsData:
    """Task definitions (family -> revision -> status) and clusters with tasks and services.

    Thread-safe through the shared journal lock; ``generation`` changes with every ``set_state``
    so page tokens of an older state are refused.
    """

    def __init__(self, lock, tokens, region, account, defaults=None):
        self._lock = lock
        self.tokens = tokens
        self.region = region
        self.account = account
        self._defaults = copy.deepcopy(defaults) if defaults else None
        self.generation = 0
        self.reset()

    def reset(self):
        """Restore the default state (empty without defaults) and forget page tokens."""
        with self._lock:
            self.task_definitions = {}
            self.clusters = []
            if self._defaults:
                self.set_state(self._defaults)
            else:
                self.generation += 1

    # ------------------------------------------------------------------ ARNs

    def task_definition_arn(self, family, revision):
        return f"arn:aws:ecs:{self.region}:{self.account}:task-definition/{family}:{revision}"

    def cluster_arn(self, name):
        return f"arn:aws:ecs:{self.region}:{self.account}:cluster/{name}"

    # ------------------------------------------------------------------ control side

    def set_state(self, state):
        """Replace the whole state with ``state`` (see the module docstring); return a summary."""
        if not isinstance(state, dict):
            raise EcsStateError("state must be a JSON object")
        definitions = {}
        raw = state.get("taskDefinitions", [])
        entries = ([{"family": f, "revision": int(r), "status": s}
                    for f, revisions in raw.items() for r, s in (revisions or {}).items()]
                   if isinstance(raw, dict) else raw)
        if not isinstance(entries, list):
            raise EcsStateError("taskDefinitions must be a list or an object")
        for index, entry in enumerate(entries):
            where = f"taskDefinitions[{index}]"
            if not isinstance(entry, dict) or not isinstance(entry.get("family"), str) or \
                    isinstance(entry.get("revision"), bool) or not isinstance(entry.get("revision"), int):
                raise EcsStateError(f"{where}: need family (str) and revision (int)")
            status = entry.get("status", "ACTIVE")
            if status not in TASK_DEFINITION_STATUSES:
                raise EcsStateError(f"{where}.status must be one of {TASK_DEFINITION_STATUSES}")
            _parse_reference(f"{entry['family']}:{entry['revision']}", where)
            definitions.setdefault(entry["family"], {})[entry["revision"]] = status
        clusters = [self._cluster(raw_cluster, f"clusters[{i}]")
                    for i, raw_cluster in enumerate(state.get("clusters", []) or [])]
        names = [c["name"] for c in clusters]
        if len(set(names)) != len(names):
            raise EcsStateError("cluster names must be unique")
        with self._lock:
            self.task_definitions = definitions
            self.clusters = clusters
            self.generation += 1
            self.tokens.clear()
            return self.summary()

    def _cluster(self, raw, where):
        if not isinstance(raw, dict) or not isinstance(raw.get("name"), str) or not raw["name"]:
            raise EcsStateError(f"{where}: need name (non-empty str)")
        name = raw["name"]
        tasks = []
        for t_index, task in enumerate(raw.get("tasks", []) or []):
            t_where = f"{where}.tasks[{t_index}]"
            if not isinstance(task, dict):
                raise EcsStateError(f"{t_where}: must be an object")
            family, revision = _parse_reference(task.get("taskDefinition"), t_where)
            desired = task.get("desiredStatus", "RUNNING")
            if desired not in DESIRED_STATUSES:
                raise EcsStateError(f"{t_where}.desiredStatus must be one of {DESIRED_STATUSES}")
            count = task.get("count", 1)
            if isinstance(count, bool) or not isinstance(count, int) or count < 0:
                raise EcsStateError(f"{t_where}.count must be a non-negative integer")
            for _ in range(count):
                number = len(tasks) + 1
                tasks.append({
                    "taskArn": f"arn:aws:ecs:{self.region}:{self.account}:task/{name}/"
                               f"{number:032x}",
                    "taskDefinitionArn": self.task_definition_arn(family, revision),
                    "desiredStatus": desired,
                    "lastStatus": "RUNNING" if desired == "RUNNING" else "STOPPED",
                })
        services = []
        for s_index, service in enumerate(raw.get("services", []) or []):
            s_where = f"{where}.services[{s_index}]"
            if not isinstance(service, dict) or not isinstance(service.get("name"), str):
                raise EcsStateError(f"{s_where}: need name (str)")
            deployments = self._references(service.get("deployments", []), DEPLOYMENT_STATUSES,
                                           f"{s_where}.deployments")
            task_sets = self._references(service.get("taskSets", []), TASK_SET_STATUSES,
                                         f"{s_where}.taskSets")
            services.append({"name": service["name"], "deployments": deployments,
                             "taskSets": task_sets})
        return {"name": name, "tasks": tasks, "services": services}

    def _references(self, raw, statuses, where):
        if not isinstance(raw, list):
            raise EcsStateError(f"{where} must be a list")
        result = []
        for index, entry in enumerate(raw):
            e_where = f"{where}[{index}]"
            if not isinstance(entry, dict) or entry.get("status") not in statuses:
                raise EcsStateError(f"{e_where}: need status in {statuses} and taskDefinition")
            family, revision = _parse_reference(entry.get("taskDefinition"), e_where)
            result.append({"id": f"ecs-{index}", "status": entry["status"],
                           "taskDefinition": self.task_definition_arn(family, revision)})
        return result

    def summary(self):
        """Counts and what each scope would keep, for the control API and run_local."""
        with self._lock:
            return {
                "families": len(self.task_definitions),
                "revisions": sum(len(r) for r in self.task_definitions.values()),
                "activeRevisions": sum(1 for r in self.task_definitions.values()
                                       for s in r.values() if s == "ACTIVE"),
                "clusters": len(self.clusters),
                "tasks": sum(len(c["tasks"]) for c in self.clusters),
                "services": sum(len(c["services"]) for c in self.clusters),
                "generation": self.generation,
            }

    def snapshot(self):
        with self._lock:
            return {"taskDefinitions": [
                {"family": f, "revision": r, "status": s}
                for f in sorted(self.task_definitions)
                for r, s in sorted(self.task_definitions[f].items())],
                "clusters": copy.deepcopy(self.clusters), "counts": self.summary()}

    # ------------------------------------------------------------------ reads

    def find_cluster(self, reference):
        """The cluster named (short name or ARN; ``None`` = ``default``), or ClusterNotFoundException."""
        name = reference or DEFAULT_CLUSTER
        if name.startswith("arn:"):
            name = name.rsplit("/", 1)[-1]
        with self._lock:
            for cluster in self.clusters:
                if cluster["name"] == name:
                    return cluster
        raise ConfigApiError("ClusterNotFoundException", "Cluster not found.")


@dataclass
class EcsOperationContext:
    """What an ECS operation handler gets (the shape of ``config_ops.OperationContext``)."""

    body: dict
    call: dict
    data: EcsData
    fault: dict = None
    result: dict = field(default_factory=dict)


# ------------------------------------------------------------------ paging

def _check_max_results(body):
    value = body.get("maxResults")
    if value is not None and not 1 <= value <= 100:
        return [ConfigApiError("InvalidParameterException",
                               "maxResults must be between 1 and 100.")]
    return []


def _binding(operation, body, data, members):
    """What a page token of ``operation`` is bound to: the listed members and the state."""
    return (("operation", operation), *((name, body.get(name)) for name in members),
            ("generation", data.generation))


def _check_token(operation, members):
    """A semantic check: ``maxResults`` in range and a ``nextToken`` issued for these parameters."""
    def check(body, data):
        problems = _check_max_results(body)
        token = body.get("nextToken")
        if token is not None and not problems:
            _, reason = data.tokens.resolve(token, _binding(operation, body, data, members))
            if reason:
                problems.append(ConfigApiError("InvalidParameterException",
                                               f"The nextToken is not valid ({reason})."))
        return problems
    return check


def _page(ctx, operation, members, values, key, default_limit=DEFAULT_PAGE):
    """One page of ``values`` under ``key`` with a bound ``nextToken`` when more remain."""
    binding = _binding(operation, ctx.body, ctx.data, members)
    start = 0
    if ctx.body.get("nextToken") is not None:
        start, _ = ctx.data.tokens.resolve(ctx.body["nextToken"], binding)
    limit = ctx.body.get("maxResults") or default_limit
    page = values[start:start + limit]
    reply = {key: page}
    if start + limit < len(values):
        reply["nextToken"] = ctx.data.tokens.issue(binding, start + limit)
    ctx.result.update(pageSize=len(page), total=len(values))
    return reply


# ------------------------------------------------------------------ operations

LIST_TASK_DEFINITIONS_MEMBERS = ("familyPrefix", "status", "sort", "maxResults")


def run_list_task_definitions(ctx):
    """Revisions of one family (``familyPrefix`` is an exact family match for this operation)
    or of all, with ``status`` (default ACTIVE), family then revision ascending, or both
    descending with ``sort: DESC``."""
    data, body = ctx.data, ctx.body
    status = body.get("status") or "ACTIVE"
    family = body.get("familyPrefix")
    with data._lock:
        revisions = [(f, r) for f, by_revision in data.task_definitions.items()
                     if family is None or f == family
                     for r, s in by_revision.items() if s == status]
    revisions.sort(reverse=body.get("sort") == "DESC")
    arns = [data.task_definition_arn(f, r) for f, r in revisions]
    return _page(ctx, "ListTaskDefinitions", LIST_TASK_DEFINITIONS_MEMBERS, arns,
                 "taskDefinitionArns")


def run_list_clusters(ctx):
    with ctx.data._lock:
        arns = [ctx.data.cluster_arn(c["name"]) for c in ctx.data.clusters]
    return _page(ctx, "ListClusters", ("maxResults",), arns, "clusterArns")


LIST_TASKS_MEMBERS = ("cluster", "desiredStatus", "family", "maxResults")


def run_list_tasks(ctx):
    """Tasks of a cluster with the desired status (default RUNNING; PENDING lists nothing)."""
    cluster = ctx.data.find_cluster(ctx.body.get("cluster"))
    desired = ctx.body.get("desiredStatus") or "RUNNING"
    family = ctx.body.get("family")
    with ctx.data._lock:
        arns = [t["taskArn"] for t in cluster["tasks"] if t["desiredStatus"] == desired and
                (family is None or f"/{family}:" in t["taskDefinitionArn"])]
    return _page(ctx, "ListTasks", LIST_TASKS_MEMBERS, arns, "taskArns")


def check_describe_tasks(body, data=None):
    if len(body.get("tasks") or []) > MAX_TASKS_PER_DESCRIBE:
        return [ConfigApiError("InvalidParameterException",
                               f"Tasks cannot be more than {MAX_TASKS_PER_DESCRIBE}.")]
    return []


def run_describe_tasks(ctx):
    cluster = ctx.data.find_cluster(ctx.body.get("cluster"))
    cluster_arn = ctx.data.cluster_arn(cluster["name"])
    with ctx.data._lock:
        by_arn = {t["taskArn"]: t for t in cluster["tasks"]}
        by_id = {t["taskArn"].rsplit("/", 1)[-1]: t for t in cluster["tasks"]}
    tasks, failures = [], []
    for reference in ctx.body["tasks"]:
        task = by_arn.get(reference) or by_id.get(reference)
        if task is None:
            failures.append({"arn": reference, "reason": "MISSING"})
        else:
            tasks.append({**task, "clusterArn": cluster_arn})
    ctx.result.update(described=len(tasks), failures=len(failures))
    return {"tasks": tasks, "failures": failures}


def run_list_services(ctx):
    cluster = ctx.data.find_cluster(ctx.body.get("cluster"))
    with ctx.data._lock:
        arns = [_service_arn(ctx.data, cluster, s) for s in cluster["services"]]
    return _page(ctx, "ListServices", ("cluster", "maxResults"), arns, "serviceArns",
                 default_limit=DEFAULT_SERVICES_PAGE)


def _service_arn(data, cluster, service):
    return f"arn:aws:ecs:{data.region}:{data.account}:service/{cluster['name']}/{service['name']}"


def check_describe_services(body, data=None):
    if len(body.get("services") or []) > MAX_SERVICES_PER_DESCRIBE:
        return [ConfigApiError("InvalidParameterException",
                               f"Services cannot be more than {MAX_SERVICES_PER_DESCRIBE}.")]
    return []


def run_describe_services(ctx):
    """Services with their deployments and task sets; ``taskDefinition`` is the PRIMARY one's."""
    data = ctx.data
    cluster = data.find_cluster(ctx.body.get("cluster"))
    with data._lock:
        by_reference = {}
        for service in cluster["services"]:
            by_reference[service["name"]] = by_reference[_service_arn(data, cluster, service)] = service
    services, failures = [], []
    for reference in ctx.body["services"]:
        service = by_reference.get(reference)
        if service is None:
            failures.append({"arn": reference, "reason": "MISSING"})
            continue
        primary = next((d["taskDefinition"] for d in service["deployments"]
                        if d["status"] == "PRIMARY"), None)
        described = {"serviceArn": _service_arn(data, cluster, service),
                     "serviceName": service["name"], "clusterArn": data.cluster_arn(cluster["name"]),
                     "status": "ACTIVE", "deployments": copy.deepcopy(service["deployments"]),
                     "taskSets": copy.deepcopy(service["taskSets"])}
        if primary:
            described["taskDefinition"] = primary
        services.append(described)
    ctx.result.update(described=len(services), failures=len(failures))
    return {"services": services, "failures": failures}


OPERATIONS = {
    "ListTaskDefinitions": Operation(
        _check_token("ListTaskDefinitions", LIST_TASK_DEFINITIONS_MEMBERS), run_list_task_definitions),
    "ListClusters": Operation(_check_token("ListClusters", ("maxResults",)), run_list_clusters),
    "ListTasks": Operation(_check_token("ListTasks", LIST_TASKS_MEMBERS), run_list_tasks),
    "DescribeTasks": Operation(check_describe_tasks, run_describe_tasks),
    "ListServices": Operation(_check_token("ListServices", ("cluster", "maxResults")),
                              run_list_services),
    "DescribeServices": Operation(check_describe_services, run_describe_services),
}
