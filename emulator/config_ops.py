"""The fake AWS Config service's data and operations, one dispatch-table entry per operation.

To add an operation: write ``run_<op>(ctx) -> dict`` (the response body; raise
``ConfigApiError`` for a modelled error; put a small summary such as the page size in
``ctx.result``, it is recorded on the call), optionally ``check_<op>(body, data) ->
[ConfigApiError]`` for semantic rules beyond the model, add one line to ``OPERATIONS``, and, if it
needs seeded data, a store on ``ConfigData`` plus a control endpoint. Shape validation, SigV4,
faults and recording are done generically by ``fake_config.ConfigService`` before ``run`` is called.

Stores: ``HistoryStore`` and ``EvaluationStore`` here, ``inventory.InventoryStore`` (items for
ListDiscoveredResources / BatchGetResourceConfig), ``compliance.ComplianceStore`` (per-rule results
for GetComplianceDetailsByConfigRule, fed by PutEvaluations) and ``compliance.PageTokens`` (opaque
next tokens bound to their request's parameters).
"""

import copy
from collections import namedtuple
from dataclasses import dataclass, field

from .compliance import COMPLIANCE_TYPES, ComplianceStore, PageTokens, now_seconds
from .inventory import InventoryStore

Operation = namedtuple("Operation", "check run")

DEFAULT_HISTORY_LIMIT = 10
DEFAULT_LIST_LIMIT = 100  # ListDiscoveredResources: "The default is 100"
DEFAULT_COMPLIANCE_LIMIT = 10  # GetComplianceDetailsByConfigRule: "The default is 10"
NEXT_TOKEN_PREFIX = "emu-offset-"
INVALID_TOKEN_MESSAGE = "The specified next token is not valid."


class ConfigApiError(Exception):
    """A modelled awsJson error: answered as ``status`` with ``{"__type", "message"}``."""

    def __init__(self, error_type, message, status=400):
        super().__init__(f"{error_type}: {message}")
        self.error_type = error_type
        self.message = message
        self.status = status

    def body(self):
        """The awsJson error body."""
        return {"__type": self.error_type, "message": self.message}


def to_ms(epoch_seconds):
    """Epoch seconds (int/float) -> integer milliseconds, rounded (the comparison resolution)."""
    return int(round(float(epoch_seconds) * 1000))


class HistoryStore:
    """Configuration-item history per ``(resourceType, resourceId)``, API shape, any order."""

    def __init__(self, lock, defaults=None):
        """``defaults`` maps ``(type, id)`` to item lists restored by ``reset``."""
        self._lock = lock
        self._defaults = copy.deepcopy(defaults or {})
        self._items = copy.deepcopy(self._defaults)

    def replace(self, resource_type, resource_id, items):
        """Replace the history of one resource (an empty list keeps it 'discovered' but empty)."""
        with self._lock:
            self._items[(resource_type, resource_id)] = copy.deepcopy(list(items))

    def reset(self):
        """Forget everything seeded at run time; restore the defaults."""
        with self._lock:
            self._items = copy.deepcopy(self._defaults)

    def snapshot(self):
        """All histories as a list of ``{resourceType, resourceId, configurationItems}``."""
        with self._lock:
            return [{"resourceType": t, "resourceId": i, "configurationItems": copy.deepcopy(v)}
                    for (t, i), v in self._items.items()]

    def query(self, resource_type, resource_id, later=None, earlier=None, order="Reverse"):
        """Items of one resource with ``earlier <= captureTime <= later`` (ms resolution).

        Sorted newest first (``Reverse``) or oldest first (``Forward``). Raises KeyError for an
        unknown resource.
        """
        with self._lock:
            items = copy.deepcopy(self._items[(resource_type, resource_id)])
        capture = lambda item: to_ms(item.get("configurationItemCaptureTime") or 0)  # noqa: E731
        if later is not None:
            items = [i for i in items if capture(i) <= to_ms(later)]
        if earlier is not None:
            items = [i for i in items if capture(i) >= to_ms(earlier)]
        items.sort(key=capture, reverse=(order != "Forward"))
        return items


class EvaluationStore:
    """Evaluations accepted by PutEvaluations, in acceptance order."""

    def __init__(self, lock):
        self._lock = lock
        self._items = []

    def add(self, evaluation):
        """Record one accepted evaluation (a dict in the control API's shape)."""
        with self._lock:
            self._items.append(dict(evaluation))

    def list(self, trace_header=None):
        """Accepted evaluations, optionally only those whose call carried ``trace_header``."""
        with self._lock:
            return [dict(e) for e in self._items
                    if trace_header is None or e.get("traceHeader") == trace_header]

    def clear(self):
        with self._lock:
            self._items.clear()


@dataclass
class ConfigData:
    """Everything the operations read or write."""

    history: HistoryStore
    evaluations: EvaluationStore
    inventory: InventoryStore = None
    compliance: ComplianceStore = None
    tokens: PageTokens = None

    def reset(self):
        """Restore every seeded store (history, inventory and its marks, compliance results) and
        forget token mappings and page tokens. Accepted evaluations are not touched."""
        self.history.reset()
        self.inventory.reset()
        self.compliance.reset()
        self.tokens.clear()


@dataclass
class OperationContext:
    """What an operation handler gets: the parsed body, its call record, the fault, the data.

    ``result`` is filled by the handler (page size, counts) and copied into the call record.
    """

    body: dict
    call: dict
    data: ConfigData
    fault: dict = None
    extra: dict = field(default_factory=dict)
    result: dict = field(default_factory=dict)


# ------------------------------------------------------------------ PutEvaluations

def check_put_evaluations(body, data=None):
    """Semantic rules beyond the model: a non-empty ResultToken, never INSUFFICIENT_DATA."""
    problems = []
    token = body.get("ResultToken")
    if isinstance(token, str) and token == "":
        problems.append(ConfigApiError("InvalidResultTokenException",
                                       "The specified ResultToken is not valid."))
    for index, evaluation in enumerate(body.get("Evaluations") or [], start=1):
        if isinstance(evaluation, dict) and evaluation.get("ComplianceType") == "INSUFFICIENT_DATA":
            problems.append(ConfigApiError(
                "InvalidParameterValueException",
                f"evaluations.{index}.member.complianceType: Config does not accept "
                "INSUFFICIENT_DATA as the ComplianceType of PutEvaluations."))
    return problems


def run_put_evaluations(ctx):
    """Accept the evaluations (minus those failed by a ``failedEvaluations`` fault).

    Outside TestMode, a ResultToken mapped to a rule also upserts each accepted evaluation into
    that rule's compliance results (newer-or-equal OrderingTimestamp wins).
    """
    evaluations = ctx.body.get("Evaluations") or []
    failed_count = 0
    if ctx.fault and ctx.fault["kind"] == "failedEvaluations":
        failed_count = min(ctx.fault["count"], len(evaluations))
    token = ctx.body.get("ResultToken")
    test_mode = bool(ctx.body.get("TestMode", False))
    rule, invoked_at_ms = ctx.data.compliance.rule_for_token(token)
    recorded_at = now_seconds()
    invoked_at = invoked_at_ms / 1000.0 if invoked_at_ms is not None else recorded_at
    upserts = 0
    for evaluation in evaluations[failed_count:]:
        ctx.data.evaluations.add({
            "resultToken": token,
            "testMode": test_mode,
            "complianceResourceType": evaluation.get("ComplianceResourceType"),
            "complianceResourceId": evaluation.get("ComplianceResourceId"),
            "complianceType": evaluation.get("ComplianceType"),
            "annotation": evaluation.get("Annotation"),
            "orderingTimestamp": evaluation.get("OrderingTimestamp"),
            "seq": ctx.call["seq"],
            "traceHeader": ctx.call.get("traceHeader"),
            "configRuleName": rule,
            "account": ctx.call.get("account"),
            "principal": ctx.call.get("principal"),
        })
        if rule is not None and not test_mode:
            entry = {"resourceType": evaluation["ComplianceResourceType"],
                     "resourceId": evaluation["ComplianceResourceId"],
                     "complianceType": evaluation["ComplianceType"],
                     "orderingTimestamp": evaluation["OrderingTimestamp"],
                     "resultRecordedTime": recorded_at, "configRuleInvokedTime": invoked_at,
                     "resultToken": token, "source": "PutEvaluations", "seq": ctx.call["seq"]}
            if evaluation.get("Annotation") is not None:
                entry["annotation"] = evaluation["Annotation"]
            upserts += ctx.data.compliance.upsert(rule, entry)
    ctx.result.update({"accepted": len(evaluations) - failed_count, "failed": failed_count,
                       "configRuleName": rule, "complianceUpdates": upserts})
    return {"FailedEvaluations": copy.deepcopy(evaluations[:failed_count])}


# ------------------------------------------------------------------ GetResourceConfigHistory

def check_get_resource_config_history(body, data=None):
    """Semantic rules: earlierTime must not be after laterTime; nextToken must be ours."""
    problems = []
    later, earlier = body.get("laterTime"), body.get("earlierTime")
    if _is_number(later) and _is_number(earlier) and earlier > later:
        problems.append(ConfigApiError("InvalidTimeRangeException",
                                       "The specified time range is not valid. The earlier time "
                                       "is not chronologically before the later time."))
    token = body.get("nextToken")
    if token is not None and not _parse_next_token(token):
        problems.append(ConfigApiError("InvalidNextTokenException",
                                       "The specified next token is not valid."))
    return problems


def run_get_resource_config_history(ctx):
    """Answer from the history store: newest first, ``limit`` (0/absent = 10), ``nextToken``."""
    body = ctx.body
    resource_type, resource_id = body["resourceType"], body["resourceId"]
    try:
        items = ctx.data.history.query(resource_type, resource_id, later=body.get("laterTime"),
                                       earlier=body.get("earlierTime"),
                                       order=body.get("chronologicalOrder") or "Reverse")
    except KeyError:
        raise ConfigApiError("ResourceNotDiscoveredException",
                             f"Resource {resource_id} of resourceType:{resource_type} is unknown "
                             "or has not been discovered") from None
    limit = body.get("limit") or DEFAULT_HISTORY_LIMIT
    offset = _parse_next_token(body.get("nextToken")) or 0
    page = items[offset:offset + limit]
    reply = {"configurationItems": page}
    if offset + limit < len(items):
        reply["nextToken"] = f"{NEXT_TOKEN_PREFIX}{offset + limit}"
    return reply


def _parse_next_token(token):
    """Offset encoded in one of our next tokens, or None if it is not ours."""
    if isinstance(token, str) and token.startswith(NEXT_TOKEN_PREFIX):
        digits = token[len(NEXT_TOKEN_PREFIX):]
        if digits.isdigit() and int(digits) > 0:
            return int(digits)
    return None


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# ------------------------------------------------------------------ opaque page tokens
# (ListDiscoveredResources and GetComplianceDetailsByConfigRule; GetResourceConfigHistory keeps
# its own offset tokens, ``_parse_next_token``.)

def _resolve_token(data, token, binding):
    """Start position for ``token`` (0 without one); ConfigApiError if it is not valid here."""
    if token is None:
        return 0
    position, reason = data.tokens.resolve(token, binding)
    if position is None:
        raise ConfigApiError("InvalidNextTokenException", f"{INVALID_TOKEN_MESSAGE} ({reason})")
    return position


def _token_problems(data, token, binding):
    """For a ``check_<op>``: ``[InvalidNextTokenException]`` if ``token`` is not valid for
    ``binding``, else ``[]``."""
    try:
        _resolve_token(data, token, binding)
    except ConfigApiError as exc:
        return [exc]
    return []


def _page_reply(ctx, items_key, items, token_key, binding, resume):
    """The reply of one page: ``{items_key: items}`` plus ``token_key`` (a token bound to
    ``binding`` for position ``resume``) when ``resume`` is not None; records
    ``{pageSize, nextToken: bool}`` in ``ctx.result``."""
    reply = {items_key: items}
    if resume is not None:
        reply[token_key] = ctx.data.tokens.issue(binding, resume)
    ctx.result.update({"pageSize": len(items), "nextToken": resume is not None})
    return reply


# ------------------------------------------------------------------ ListDiscoveredResources

def _list_binding(body, data):
    """What a ListDiscoveredResources token is bound to: every filter, the page size, the
    inventory generation (a replaced inventory invalidates old tokens)."""
    ids = body.get("resourceIds")
    return (("operation", "ListDiscoveredResources"), ("resourceType", body.get("resourceType")),
            ("limit", body.get("limit") or DEFAULT_LIST_LIMIT),
            ("includeDeletedResources", bool(body.get("includeDeletedResources", False))),
            ("resourceIds", tuple(ids) if ids is not None else None),
            ("resourceName", body.get("resourceName")),
            ("inventoryGeneration", data.inventory.generation))


def check_list_discovered_resources(body, data):
    """resourceIds and resourceName are exclusive; nextToken must match the request."""
    problems = []
    if body.get("resourceIds") is not None and body.get("resourceName") is not None:
        problems.append(ConfigApiError("ValidationException",
                                       "You can specify either resourceIds or resourceName, "
                                       "but not both, in the same request."))
    problems.extend(_token_problems(data, body.get("nextToken"), _list_binding(body, data)))
    return problems


def run_list_discovered_resources(ctx):
    """One page of identifiers (insertion order); deleted items only with includeDeletedResources."""
    body, data = ctx.body, ctx.data
    binding = _list_binding(body, data)
    start = _resolve_token(data, body.get("nextToken"), binding)
    page, resume = data.inventory.list_page(
        body["resourceType"], start, body.get("limit") or DEFAULT_LIST_LIMIT,
        include_deleted=bool(body.get("includeDeletedResources", False)),
        resource_ids=body.get("resourceIds"), resource_name=body.get("resourceName"))
    return _page_reply(ctx, "resourceIdentifiers", page, "nextToken", binding, resume)


# ------------------------------------------------------------------ BatchGetResourceConfig

def run_batch_get_resource_config(ctx):
    """Current items of the keys; unprocessed marks are reported (and count down), deleted,
    deleted-between-calls and unknown keys are absent."""
    keys = [(key["resourceType"], key["resourceId"]) for key in ctx.body["resourceKeys"]]
    items, unprocessed, info = ctx.data.inventory.batch_get(keys)
    ctx.result.update({"pageSize": len(items), **info})
    return {"baseConfigurationItems": items, "unprocessedResourceKeys": unprocessed}


# ------------------------------------------------------------------ GetComplianceDetailsByConfigRule

def _compliance_types(body):
    """The requested types, or every type when ComplianceTypes is absent or empty."""
    return tuple(sorted(set(body.get("ComplianceTypes") or COMPLIANCE_TYPES)))


def _compliance_binding(body, data):
    rule = body.get("ConfigRuleName")
    return (("operation", "GetComplianceDetailsByConfigRule"), ("ConfigRuleName", rule),
            ("ComplianceTypes", _compliance_types(body)),
            ("Limit", body.get("Limit") or DEFAULT_COMPLIANCE_LIMIT),
            ("ruleGeneration", data.compliance.generation(rule)))


def _no_such_rule(rule):
    return ConfigApiError("NoSuchConfigRuleException",
                          f"The ConfigRule '{rule}' provided in the request is invalid. Please "
                          "check the configRule name.")


def check_get_compliance_details_by_config_rule(body, data):
    """INSUFFICIENT_DATA cannot filter; the rule must exist; NextToken must match the request."""
    problems = []
    if "INSUFFICIENT_DATA" in (body.get("ComplianceTypes") or []):
        problems.append(ConfigApiError(
            "InvalidParameterValueException",
            "INSUFFICIENT_DATA cannot be used as a ComplianceType for filtering results."))
    if data.compliance.generation(body.get("ConfigRuleName")) is None:
        problems.append(_no_such_rule(body.get("ConfigRuleName")))
    else:
        problems.extend(_token_problems(data, body.get("NextToken"),
                                        _compliance_binding(body, data)))
    return problems


def run_get_compliance_details_by_config_rule(ctx):
    """One page of the rule's latest results of the requested types (first-seen order)."""
    body, data = ctx.body, ctx.data
    rule = body["ConfigRuleName"]
    binding = _compliance_binding(body, data)
    start = _resolve_token(data, body.get("NextToken"), binding)
    try:
        entries, resume, _ = data.compliance.page(rule, _compliance_types(body), start,
                                                  body.get("Limit") or DEFAULT_COMPLIANCE_LIMIT)
    except KeyError:
        raise _no_such_rule(rule) from None
    results = []
    for entry in entries:
        result = {"EvaluationResultIdentifier": {
                      "EvaluationResultQualifier": {"ConfigRuleName": rule,
                                                    "ResourceType": entry["resourceType"],
                                                    "ResourceId": entry["resourceId"],
                                                    "EvaluationMode": "DETECTIVE"},
                      "OrderingTimestamp": entry["orderingTimestamp"]},
                  "ComplianceType": entry["complianceType"],
                  "ResultRecordedTime": entry["resultRecordedTime"],
                  "ConfigRuleInvokedTime": entry["configRuleInvokedTime"]}
        if entry.get("annotation") is not None:
            result["Annotation"] = entry["annotation"]
        results.append(result)
    return _page_reply(ctx, "EvaluationResults", results, "NextToken", binding, resume)


# ------------------------------------------------------------------ dispatch table

OPERATIONS = {
    "PutEvaluations": Operation(check_put_evaluations, run_put_evaluations),
    "GetResourceConfigHistory": Operation(check_get_resource_config_history,
                                          run_get_resource_config_history),
    "ListDiscoveredResources": Operation(check_list_discovered_resources,
                                         run_list_discovered_resources),
    "BatchGetResourceConfig": Operation(None, run_batch_get_resource_config),
    "GetComplianceDetailsByConfigRule": Operation(check_get_compliance_details_by_config_rule,
                                                  run_get_compliance_details_by_config_rule),
}
