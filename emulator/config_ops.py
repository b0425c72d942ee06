"""The fake AWS Config service's data and operations, one dispatch-table entry per operation.

To add an operation (e.g. ListDiscoveredResources, BatchGetResourceConfig,
GetComplianceDetailsByConfigRule): write ``run_<op>(ctx) -> dict`` (the response body; raise
``ConfigApiError`` for a modelled error), optionally ``check_<op>(body) -> [ConfigApiError]``
for semantic rules beyond the model, add one line to ``OPERATIONS``, and, if it needs seeded
data, a store on ``ConfigData`` plus a control endpoint. Shape validation, SigV4, faults and
recording are done generically by ``fake_config.ConfigService`` before ``run`` is called.
"""

import copy
from collections import namedtuple
from dataclasses import dataclass, field

Operation = namedtuple("Operation", "check run")

DEFAULT_HISTORY_LIMIT = 10
NEXT_TOKEN_PREFIX = "emu-offset-"


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


@dataclass
class OperationContext:
    """What an operation handler gets: the parsed body, its call record, the fault, the data."""

    body: dict
    call: dict
    data: ConfigData
    fault: dict = None
    extra: dict = field(default_factory=dict)


# ------------------------------------------------------------------ PutEvaluations

def check_put_evaluations(body):
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
    """Accept the evaluations (minus those failed by a ``failedEvaluations`` fault)."""
    evaluations = ctx.body.get("Evaluations") or []
    failed_count = 0
    if ctx.fault and ctx.fault["kind"] == "failedEvaluations":
        failed_count = min(ctx.fault["count"], len(evaluations))
    for evaluation in evaluations[failed_count:]:
        ctx.data.evaluations.add({
            "resultToken": ctx.body.get("ResultToken"),
            "testMode": bool(ctx.body.get("TestMode", False)),
            "complianceResourceType": evaluation.get("ComplianceResourceType"),
            "complianceResourceId": evaluation.get("ComplianceResourceId"),
            "complianceType": evaluation.get("ComplianceType"),
            "annotation": evaluation.get("Annotation"),
            "orderingTimestamp": evaluation.get("OrderingTimestamp"),
            "seq": ctx.call["seq"],
            "traceHeader": ctx.call.get("traceHeader"),
        })
    return {"FailedEvaluations": copy.deepcopy(evaluations[:failed_count])}


# ------------------------------------------------------------------ GetResourceConfigHistory

def check_get_resource_config_history(body):
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


# ------------------------------------------------------------------ dispatch table

OPERATIONS = {
    "PutEvaluations": Operation(check_put_evaluations, run_put_evaluations),
    "GetResourceConfigHistory": Operation(check_get_resource_config_history,
                                          run_get_resource_config_history),
    # "ListDiscoveredResources": Operation(None, run_list_discovered_resources),
    # "BatchGetResourceConfig": Operation(None, run_batch_get_resource_config),
    # "GetComplianceDetailsByConfigRule": Operation(None, run_get_compliance_details_by_config_rule),
}
