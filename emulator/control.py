"""Control API (JSON in/out) used by tests and run_local to drive and inspect the emulator.

Routes (all replies JSON; errors ``{"error": "..."}`` with 400/404):

    POST /invoke              {"event": obj|str, "eventBase64"?, "timeoutMs"?, "traceId"?,
                               "headerCase"?, "requestId"?} -> {"requestId", "traceId"}
    GET  /invocations         all invocations, in queue order
    GET  /invocations/<id>    ?wait=<seconds> blocks until answered (or timeout)
    GET  /calls               ?operation=&traceHeader= (alias traceId=)  recorded Config calls
    GET  /evaluations         ?traceHeader= (alias traceId=)  accepted evaluations
    POST /faults              {"operation": "PutEvaluations"|"*"|"AssumeRole"|"ListTasks"|…, "faults": [...],
                               "service"?: "ecs" (for "*"), "replace"?}  ECS operations go to ECS's queues
    POST /traffic             {"preset": "none"|"mid"|"slow"|"storm", "operations"?: {op|"*": settings}}
                              Config latency and throttling model (emulator/traffic.py); /reset restores
                              the CLI's --traffic
    GET  /traffic             the active model and per-operation {calls, throttled} counters
    GET  /faults              pending Config, runtime and STS faults
    POST /runtime-faults      {"next": [...], "response": [...], "replace"?}
    POST /history             {"resourceType", "resourceId", "configurationItems": [...]}
    GET  /history             all seeded histories
    POST /inventory           {"items": [API-shape items], "replace"?: false}
    GET  /inventory           counts per type/status and the marks; ?resourceType=&resourceId= one item
    POST /inventory/generate  {"count", "hostEvery"?: 7, "resourceType"?, "idPrefix"?: "family-",
                               "statuses"?: {status: everyN}, "inactiveEvery"?: 0, "replace"?: true,
                               "configurationBytes"?: 0 (pad each configuration to ~N bytes)}
    POST /inventory/delete-between-calls  {"resourceIds": [...], "resourceType"?, "replace"?}
    POST /inventory/unprocessed           {"resourceIds": [...], "rounds"?: 1, "resourceType"?}
    POST /compliance          {"configRuleName", "results": [{resourceType, resourceId,
                               complianceType, orderingTimestamp, annotation?}], "replace"?: false}
    GET  /compliance          ?configRuleName=  per-rule results (all rules without it)
    POST /result-tokens       {"resultToken", "configRuleName"}
    GET  /result-tokens       the result-token -> rule map
    GET  /init-errors         recorded POST /init/error calls
    GET  /state               {"firstNextAtMs", "firstNextMonotonicNs", "pollers", "queued", ...}
    GET  /journal             ?since=<seq>  the shared event log
    POST /roles               {"roleArn", "trusts"?: true, "maxSessionDuration"?: 3600}  a role STS may assume
    GET  /roles               registered roles
    GET  /sts/calls           ?operation=&traceHeader= (alias traceId=)  recorded STS calls
    GET  /sts/credentials     temporary credentials issued by AssumeRole (with ``expired``)
    POST /clock               {"offsetSeconds": n}  shift the STS clock (credential expiry only)
    GET  /clock               {"offsetSeconds", "now", "nowIso"}
    POST /ssm/parameters      {"name", "value" (text, or JSON that is serialised), "type"?: "String"}
                              a new version of an SSM parameter (the exceptions registry)
    GET  /ssm/parameters      every parameter with all its versions
    POST /ssm/parameters/delete  {"name"}  GetParameter then answers ParameterNotFound
    GET  /ssm/calls           ?operation=&traceHeader=  recorded SSM calls (GetParameter faults: POST
                              /faults with "operation": "GetParameter")
    GET  /tls/connections     ?listener=  every TLS handshake of the HTTPS listeners (``--tls``)
    POST /ecs/state           the fake ECS's task definitions, clusters, tasks, services (ecs_ops docstring)
    GET  /ecs/state           that state and its counts
    GET  /ecs/calls           ?operation=&traceHeader= (alias traceId=)  recorded ECS calls
    POST /scopes/generate     {"families"?: 50, "revisions"?: 2000, "keepActive"?: 20, "deregisteredEvery"?: 10,
                               "hostEvery"?: 7, "clusters"?: 3, "tasksPerFamily"?: 60}  replaces the Config
                               inventory and the ECS state with one generated account (scope_account.py)
    GET  /info                the start-up line's JSON
    POST /reset               clear everything; restore the seeded defaults

``/invoke`` of an event with ``configRuleName`` and ``resultToken`` maps that token to that rule.
"""

import base64
import json
import re

from .compliance import ComplianceError, normalize_result
from .ecs_ops import EcsStateError
from .fake_ssm import OPERATIONS as SSM_OPERATIONS
from .fake_sts import (DEFAULT_MAX_SESSION_DURATION, MAX_DURATION, MIN_DURATION, OPERATIONS as
                       STS_OPERATIONS, ROLE_ARN_PATTERN, ROLE_ARN_RE, STS_KINDS)
from .faults import CONFIG_KINDS, RUNTIME_KINDS, FaultSpecError, normalize_fault
from .traffic import TrafficModelError
from .httputil import BaseHandler
from .inventory import ITEM_STATUSES, TASKDEF, InventoryError, generate_items, normalize_item
from .model_check import ShapeWalker
from .runtime_api import DEFAULT_TIMEOUT_MS, GENERATE
from .scope_account import generate_account

MAX_WAIT_SECONDS = 600
MAX_GENERATED_ITEMS = 1_000_000


class ControlError(Exception):
    """A bad control request: answered with ``status`` and ``{"error": message}``."""

    def __init__(self, message, status=400):
        super().__init__(message)
        self.status = status


def event_bytes(payload):
    """The raw Lambda event bytes described by an /invoke body (see module docstring).

    A string is sent verbatim (UTF-8), ``eventBase64`` as decoded bytes, any other JSON value
    as ``json.dumps(value)``.
    """
    if "eventBase64" in payload:
        try:
            return base64.b64decode(payload["eventBase64"], validate=True)
        except (ValueError, TypeError) as exc:
            raise ControlError(f"eventBase64 is not valid base64: {exc}") from None
    if "event" not in payload:
        raise ControlError("missing 'event' (or 'eventBase64')")
    event = payload["event"]
    if isinstance(event, str):
        return event.encode("utf-8")
    return json.dumps(event).encode("utf-8")


class ControlAPI:
    """Route table and actions over an ``app.Emulator`` (HTTP-agnostic)."""

    def __init__(self, emulator):
        self.emu = emulator
        self.routes = [
            ("POST", r"/invoke", self.invoke),
            ("GET", r"/invocations", self.list_invocations),
            ("GET", r"/invocations/(?P<request_id>[^/]+)", self.get_invocation),
            ("GET", r"/calls", self.calls),
            ("GET", r"/evaluations", self.evaluations),
            ("POST", r"/faults", self.add_faults),
            ("GET", r"/faults", self.list_faults),
            ("POST", r"/traffic", self.set_traffic),
            ("GET", r"/traffic", self.get_traffic),
            ("POST", r"/runtime-faults", self.add_runtime_faults),
            ("POST", r"/history", self.set_history),
            ("GET", r"/history", self.get_history),
            ("POST", r"/inventory", self.put_inventory),
            ("GET", r"/inventory", self.get_inventory),
            ("POST", r"/inventory/generate", self.generate_inventory),
            ("POST", r"/inventory/delete-between-calls", self.delete_between_calls),
            ("POST", r"/inventory/unprocessed", self.unprocessed),
            ("POST", r"/compliance", self.seed_compliance),
            ("GET", r"/compliance", self.get_compliance),
            ("POST", r"/result-tokens", self.map_result_token),
            ("GET", r"/result-tokens", self.result_tokens),
            ("POST", r"/roles", self.register_role),
            ("GET", r"/roles", self.roles),
            ("GET", r"/sts/calls", self.sts_calls),
            ("GET", r"/sts/credentials", self.sts_credentials),
            ("POST", r"/ssm/parameters", self.put_parameter),
            ("GET", r"/ssm/parameters", self.parameters),
            ("POST", r"/ssm/parameters/delete", self.delete_parameter),
            ("GET", r"/ssm/calls", self.ssm_calls),
            ("POST", r"/clock", self.set_clock),
            ("GET", r"/clock", self.get_clock),
            ("GET", r"/init-errors", self.init_errors),
            ("GET", r"/state", self.state),
            ("GET", r"/journal", self.journal),
            ("GET", r"/tls/connections", self.tls_connections),
            ("POST", r"/ecs/state", self.set_ecs_state),
            ("GET", r"/ecs/state", self.get_ecs_state),
            ("GET", r"/ecs/calls", self.ecs_calls),
            ("POST", r"/scopes/generate", self.generate_scope_account),
            ("GET", r"/info", self.info),
            ("POST", r"/reset", self.reset),
        ]

    def dispatch(self, method, path, query, body):
        """Find the route for ``method path`` and run it; return ``(status, reply)``."""
        known_path = False
        for route_method, pattern, action in self.routes:
            match = re.fullmatch(pattern, path.rstrip("/") or "/")
            if not match:
                continue
            known_path = True
            if route_method == method:
                return 200, action(query=query, body=body, **match.groupdict())
        raise ControlError(f"no route {method} {path}", 405 if known_path else 404)

    # ------------------------------------------------------------------ invocations

    def invoke(self, query, body):
        payload = _require_object(body)
        header_case = payload.get("headerCase", "canonical")
        if header_case not in ("canonical", "lower"):
            raise ControlError("headerCase must be 'canonical' or 'lower'")
        trace_id = payload["traceId"] if "traceId" in payload else GENERATE
        if trace_id is not GENERATE and trace_id is not None and not isinstance(trace_id, str):
            raise ControlError("traceId must be a string or null")
        timeout_ms = payload.get("timeoutMs", DEFAULT_TIMEOUT_MS)
        if isinstance(timeout_ms, bool) or not isinstance(timeout_ms, int):
            raise ControlError("timeoutMs must be an integer")
        try:
            view = self.emu.invoke(event_bytes(payload), timeout_ms, trace_id, header_case,
                                   payload.get("requestId"))
        except ValueError as exc:
            raise ControlError(str(exc)) from None
        return {"requestId": view["requestId"], "traceId": view["traceId"]}

    def list_invocations(self, query, body):
        return self.emu.runtime.list()

    def get_invocation(self, query, body, request_id):
        wait = _float_param(query, "wait", 0.0)
        view = (self.emu.runtime.wait_answered(request_id, min(wait, MAX_WAIT_SECONDS)) if wait > 0
                else self.emu.runtime.get(request_id))
        if view is None:
            raise ControlError(f"unknown requestId {request_id!r}", 404)
        return view

    def init_errors(self, query, body):
        return self.emu.runtime.init_errors()

    def state(self, query, body):
        return self.emu.runtime.state()

    # ------------------------------------------------------------------ Config

    def calls(self, query, body):
        return self.emu.config.calls(query.get("operation"), _trace_filter(query))

    def evaluations(self, query, body):
        return self.emu.config.data.evaluations.list(_trace_filter(query))

    def add_faults(self, query, body):
        payload = _require_object(body)
        operation = payload.get("operation", "*")
        if operation in SSM_OPERATIONS:
            faults = _normalize_all(payload.get("faults", []), CONFIG_KINDS - {"failedEvaluations"})
            self.emu.ssm_faults.add(operation, faults, replace=bool(payload.get("replace")))
            return {"operation": operation,
                    "queued": self.emu.ssm_faults.snapshot().get(operation, [])}
        if operation in STS_OPERATIONS:
            faults = _normalize_all(payload.get("faults", []), STS_KINDS)
            self.emu.sts_faults.add(operation, faults, replace=bool(payload.get("replace")))
            return {"operation": operation,
                    "queued": self.emu.sts_faults.snapshot().get(operation, [])}
        if payload.get("service") == "ecs" or (
                isinstance(operation, str) and operation != "*" and
                not self.emu.model.has_operation(operation) and
                self.emu.ecs_model.has_operation(operation)):
            faults = _normalize_all(payload.get("faults", []), CONFIG_KINDS)
            self.emu.ecs_faults.add(operation, faults, replace=bool(payload.get("replace")))
            return {"operation": operation, "service": "ecs",
                    "queued": self.emu.ecs_faults.snapshot().get(operation, [])}
        if not isinstance(operation, str) or not (operation == "*" or
                                                  self.emu.model.has_operation(operation)):
            raise ControlError(f"operation must be a Config or ECS operation name, '*' or an STS "
                               f"operation ({', '.join(STS_OPERATIONS)}): {operation!r}")
        faults = _normalize_all(payload.get("faults", []), CONFIG_KINDS)
        self.emu.config_faults.add(operation, faults, replace=bool(payload.get("replace")))
        return {"operation": operation, "queued": self.emu.config_faults.snapshot().get(operation, [])}

    def set_traffic(self, query, body):
        try:
            self.emu.traffic.set(_require_object(body))
        except TrafficModelError as exc:
            raise ControlError(str(exc)) from None
        return self.emu.traffic.snapshot()

    def get_traffic(self, query, body):
        return self.emu.traffic.snapshot()

    def list_faults(self, query, body):
        return {"config": self.emu.config_faults.snapshot(),
                "ecs": self.emu.ecs_faults.snapshot(),
                "runtime": self.emu.runtime_faults.snapshot(),
                "sts": self.emu.sts_faults.snapshot(),
                "ssm": self.emu.ssm_faults.snapshot()}

    def add_runtime_faults(self, query, body):
        payload = _require_object(body)
        unknown = set(payload) - set(RUNTIME_KINDS) - {"replace"}
        if unknown:
            raise ControlError(f"unknown runtime fault target(s) {sorted(unknown)}; "
                               f"use {sorted(RUNTIME_KINDS)}")
        for key, kinds in RUNTIME_KINDS.items():
            if key in payload:
                self.emu.runtime_faults.add(key, _normalize_all(payload[key], kinds),
                                            replace=bool(payload.get("replace")))
        self.emu.journal.notify()  # a blocked /next must see a new 'next' fault at once
        return self.emu.runtime_faults.snapshot()

    def set_history(self, query, body):
        payload = _require_object(body)
        items = payload.get("configurationItems")
        if not isinstance(payload.get("resourceType"), str) or \
                not isinstance(payload.get("resourceId"), str) or not isinstance(items, list):
            raise ControlError("need resourceType (str), resourceId (str), configurationItems (list)")
        self.emu.config.data.history.replace(payload["resourceType"], payload["resourceId"], items)
        return {"resourceType": payload["resourceType"], "resourceId": payload["resourceId"],
                "count": len(items)}

    def get_history(self, query, body):
        return self.emu.config.data.history.snapshot()

    # ------------------------------------------------------------------ inventory

    def put_inventory(self, query, body):
        payload = _require_object(body)
        raw_items = payload.get("items")
        if not isinstance(raw_items, list):
            raise ControlError("need items (a list of API-shape configuration items)")
        shape = self.emu.model.model.shape_for("BaseConfigurationItem")
        items = []
        for index, raw in enumerate(raw_items):
            where = f"items[{index}]"
            try:
                item = normalize_item(raw, self.emu.region, where=where)
            except InventoryError as exc:
                raise ControlError(str(exc)) from None
            walker = ShapeWalker()
            walker.walk(item, shape, where)
            if walker.errors:
                raise ControlError("; ".join(walker.errors))
            items.append(item)
        total = self.emu.config.data.inventory.put(items, replace=bool(payload.get("replace")))
        return {"stored": len(items), "total": total}

    def get_inventory(self, query, body):
        inventory = self.emu.config.data.inventory
        if "resourceId" in query:
            key = (query.get("resourceType", TASKDEF), query["resourceId"])
            item = inventory.get(key)
            if item is None:
                raise ControlError(f"no item {key[0]}/{key[1]}", 404)
            return item
        return inventory.summary()

    def generate_inventory(self, query, body):
        payload = _require_object(body)
        count = _int_field(payload, "count", None, 0, MAX_GENERATED_ITEMS)
        host_every = _int_field(payload, "hostEvery", 7, 0)
        configuration_bytes = _int_field(payload, "configurationBytes", 0, 0, 1_000_000)
        inactive_every = _int_field(payload, "inactiveEvery", 0, 0)
        resource_type = payload.get("resourceType", TASKDEF)
        id_prefix = payload.get("idPrefix", "family-")
        if not isinstance(resource_type, str) or not resource_type or not isinstance(id_prefix, str):
            raise ControlError("resourceType must be a non-empty string, idPrefix a string")
        statuses = payload.get("statuses") or {}
        if not isinstance(statuses, dict) or any(
                name not in ITEM_STATUSES or isinstance(every, bool) or not isinstance(every, int)
                or every < 0 for name, every in statuses.items()):
            raise ControlError(f"statuses must map a status in {list(ITEM_STATUSES)} to 'every N-th' "
                               "(a non-negative integer)")
        items, summary = generate_items(self.emu.taskdef_template, count, host_every, resource_type,
                                        id_prefix, statuses, inactive_every, self.emu.region,
                                        configuration_bytes=configuration_bytes)
        replace = payload.get("replace", True)
        summary["total"] = self.emu.config.data.inventory.put(items, replace=bool(replace))
        summary["replaced"] = bool(replace)
        return summary

    def delete_between_calls(self, query, body):
        keys, payload = _resource_keys(body)
        marked = self.emu.config.data.inventory.mark_deleted_between_calls(
            keys, replace=bool(payload.get("replace")))
        return {"deletedBetweenCalls": [{"resourceType": t, "resourceId": i} for t, i in marked],
                "unknown": self._unknown(keys)}

    def unprocessed(self, query, body):
        keys, payload = _resource_keys(body)
        rounds = _int_field(payload, "rounds", 1, 0)
        marks = self.emu.config.data.inventory.mark_unprocessed(keys, rounds)
        return {"unprocessed": [{"resourceType": t, "resourceId": i, "roundsLeft": n}
                                for (t, i), n in sorted(marks.items())],
                "unknown": self._unknown(keys)}

    def _unknown(self, keys):
        """Keys that are not in the inventory (accepted anyway; reported to catch typos)."""
        inventory = self.emu.config.data.inventory
        return [{"resourceType": t, "resourceId": i} for t, i in keys if not inventory.known((t, i))]

    # ------------------------------------------------------------------ compliance

    def seed_compliance(self, query, body):
        payload = _require_object(body)
        rule = payload.get("configRuleName")
        results = payload.get("results", [])
        if not isinstance(rule, str) or not rule or not isinstance(results, list):
            raise ControlError("need configRuleName (non-empty string) and results (list)")
        try:
            normalized = [normalize_result(r, f"results[{i}]") for i, r in enumerate(results)]
        except ComplianceError as exc:
            raise ControlError(str(exc)) from None
        total = self.emu.config.data.compliance.seed(rule, normalized,
                                                     replace=bool(payload.get("replace")))
        return {"configRuleName": rule, "stored": len(normalized), "total": total}

    def get_compliance(self, query, body):
        rule = query.get("configRuleName")
        snapshot = self.emu.config.data.compliance.snapshot(rule)
        if rule is not None and rule not in snapshot:
            raise ControlError(f"no compliance results for rule {rule!r}", 404)
        return snapshot

    def map_result_token(self, query, body):
        payload = _require_object(body)
        token, rule = payload.get("resultToken"), payload.get("configRuleName")
        if not isinstance(token, str) or not token or not isinstance(rule, str) or not rule:
            raise ControlError("need resultToken and configRuleName (non-empty strings)")
        self.emu.config.data.compliance.map_token(token, rule)
        return {"resultToken": token, "configRuleName": rule}

    def result_tokens(self, query, body):
        return self.emu.config.data.compliance.token_map()

    # ------------------------------------------------------------------ STS

    def register_role(self, query, body):
        payload = _require_object(body)
        role_arn, trusts = payload.get("roleArn"), payload.get("trusts", True)
        if not isinstance(role_arn, str) or not ROLE_ARN_RE.fullmatch(role_arn):
            raise ControlError(f"roleArn must match {ROLE_ARN_PATTERN}: {role_arn!r}")
        if not isinstance(trusts, bool):
            raise ControlError("trusts must be true or false")
        max_duration = _int_field(payload, "maxSessionDuration", DEFAULT_MAX_SESSION_DURATION,
                                  MIN_DURATION, MAX_DURATION)
        return self.emu.register_role(role_arn, trusts, max_duration)

    def roles(self, query, body):
        return self.emu.sts_store.roles()

    def sts_calls(self, query, body):
        return self.emu.sts.calls(query.get("operation"), _trace_filter(query))

    def sts_credentials(self, query, body):
        return self.emu.sts_store.issued()

    def set_clock(self, query, body):
        payload = _require_object(body)
        offset = payload.get("offsetSeconds")
        if isinstance(offset, bool) or not isinstance(offset, (int, float)):
            raise ControlError("offsetSeconds must be a number (seconds added to the STS clock)")
        self.emu.sts_clock.offset_seconds = float(offset)
        return self.emu.sts_clock.view()

    def get_clock(self, query, body):
        return self.emu.sts_clock.view()

    # ------------------------------------------------------------------ ECS

    def set_ecs_state(self, query, body):
        try:
            return self.emu.ecs.data.set_state(_require_object(body))
        except EcsStateError as exc:
            raise ControlError(str(exc)) from None

    def get_ecs_state(self, query, body):
        return self.emu.ecs.data.snapshot()

    def ecs_calls(self, query, body):
        return self.emu.ecs.calls(query.get("operation"), _trace_filter(query))

    def generate_scope_account(self, query, body):
        payload = _require_object(body)
        options = {name: _int_field(payload, key, default, low) for name, key, default, low in (
            ("families", "families", 50, 1), ("revisions", "revisions", 2000, 1),
            ("keep_active", "keepActive", 20, 0), ("deregistered_every", "deregisteredEvery", 10, 0),
            ("host_every", "hostEvery", 7, 0), ("clusters", "clusters", 3, 1),
            ("tasks_per_family", "tasksPerFamily", 60, 0))}
        if options["revisions"] > MAX_GENERATED_ITEMS or options["revisions"] < options["families"]:
            raise ControlError(f"revisions must be >= families and <= {MAX_GENERATED_ITEMS}")
        items, state, summary = generate_account(self.emu.taskdef_template, region=self.emu.region,
                                                 **options)
        self.emu.config.data.inventory.put(items, replace=True)
        try:
            summary["ecs"] = self.emu.ecs.data.set_state(state)
        except EcsStateError as exc:
            raise ControlError(str(exc)) from None
        return summary
    # ------------------------------------------------------------------ SSM

    def put_parameter(self, query, body):
        """``{"name", "value" (string, or any JSON which is serialised), "type"?}``: a new
        version of the parameter, as PutParameter with Overwrite."""
        payload = _require_object(body)
        value = payload.get("value")
        if not isinstance(value, str):
            value = json.dumps(value)
        try:
            return self.emu.ssm_store.put(payload.get("name"), value, payload.get("type", "String"),
                                          payload.get("keyId"))
        except ValueError as exc:
            raise ControlError(str(exc)) from exc

    def parameters(self, query, body):
        return self.emu.ssm_store.history()

    def delete_parameter(self, query, body):
        return {"deleted": self.emu.ssm_store.delete(_require_object(body).get("name"))}

    def ssm_calls(self, query, body):
        return self.emu.ssm.calls(query.get("operation"), _trace_filter(query))

    # ------------------------------------------------------------------ misc

    def journal(self, query, body):
        return self.emu.journal.events(int(_float_param(query, "since", 0)))

    def tls_connections(self, query, body):
        """The TLS connection log (empty without ``--tls``), optionally for one listener."""
        return self.emu.tls_connections.entries(query.get("listener") or None)

    def info(self, query, body):
        return self.emu.info()

    def reset(self, query, body):
        self.emu.reset()
        return {"reset": True}


def _require_object(body):
    """The request body must be a JSON object."""
    if not isinstance(body, dict):
        raise ControlError("request body must be a JSON object")
    return body


def _int_field(payload, name, default, low, high=None):
    """An integer member (``default`` None: required) within ``[low, high]``, or ControlError."""
    value = payload.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < low or \
            (high is not None and value > high):
        bounds = f">= {low}" + (f" and <= {high}" if high is not None else "")
        raise ControlError(f"{name} must be an integer {bounds}, got {value!r}")
    return value


def _resource_keys(body):
    """``([(type, id)], payload)`` from ``{"resourceIds": [...], "resourceType"?}``."""
    payload = _require_object(body)
    ids, resource_type = payload.get("resourceIds"), payload.get("resourceType", TASKDEF)
    if not isinstance(ids, list) or not all(isinstance(i, str) and i for i in ids) or \
            not isinstance(resource_type, str):
        raise ControlError("need resourceIds (a list of non-empty strings); resourceType is a string")
    return [(resource_type, i) for i in ids], payload


def _normalize_all(specs, kinds):
    """Normalise a list of fault specs (or a single one); ControlError on a bad one."""
    if not isinstance(specs, list):
        specs = [specs]
    try:
        return [normalize_fault(spec, kinds) for spec in specs]
    except FaultSpecError as exc:
        raise ControlError(str(exc)) from None


def _trace_filter(query):
    """The ``traceHeader`` (alias ``traceId``) query filter, or None."""
    return query.get("traceHeader", query.get("traceId"))


def _float_param(query, name, default):
    """A numeric query parameter, or ControlError."""
    try:
        return float(query.get(name, default))
    except ValueError:
        raise ControlError(f"query parameter {name} must be a number") from None


class ControlHandler(BaseHandler):
    """HTTP adapter for ``server.control_api``."""

    def do_GET(self):
        self._serve()

    do_POST = do_PUT = do_DELETE = do_GET

    def _serve(self):
        path, query = self.split_url()
        body, error = self.read_json_body()
        if error:
            return self.send_json(400, {"error": error})
        try:
            status, reply = self.server.control_api.dispatch(self.command, path, query, body)
        except ControlError as exc:
            status, reply = exc.status, {"error": str(exc)}
        except Exception as exc:  # keep the control plane up on an emulator bug
            self.log_exception()
            status, reply = 500, {"error": f"emulator bug: {exc!r}"}
        self.send_json(status, reply)
