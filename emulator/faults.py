"""Fault injection: named FIFO queues of fault specs, consumed one per matching call.

A fault spec is a string shorthand (``"throttle"``) or an object with a ``kind`` and options::

    {"kind": "throttle"}                          400 ThrottlingException "Rate exceeded"
    {"kind": "http500"}                           500 InternalFailure
    {"kind": "http503"}                           503 ServiceUnavailable
    {"kind": "drop"}                              read the request, close the socket, no reply
    {"kind": "slow", "delayMs": 500}              sleep, then answer normally
    {"kind": "failedEvaluations", "count": 1}     PutEvaluations 200 with the first `count` failed
    {"kind": "error", "status": 403, "type": "AccessDeniedException", "message": "..."}

Any spec may carry ``"repeat": true``: it then stays at the head of its queue until reset.
Config queues are keyed by operation name or ``"*"`` (any operation); runtime queues by
``"next"`` (GET /next) and ``"response"`` (any POST .../response or .../error).
"""

import copy

CONFIG_KINDS = {"throttle", "http500", "http503", "drop", "slow", "failedEvaluations", "error"}
RUNTIME_KINDS = {
    "next": {"http500", "drop"},
    "response": {"http500", "drop"},
}
# Config faults that replace the service's answer entirely (the others modify it).
REPLACING_KINDS = {"throttle", "http500", "http503", "drop", "error"}


class FaultSpecError(ValueError):
    """A fault spec given through the control API is not understood."""


def normalize_fault(spec, allowed_kinds):
    """Return a validated copy of ``spec`` as a dict with at least ``kind`` and ``repeat``.

    Raises ``FaultSpecError`` for unknown kinds or bad option types.
    """
    if isinstance(spec, str):
        spec = {"kind": spec}
    if not isinstance(spec, dict) or not isinstance(spec.get("kind"), str):
        raise FaultSpecError(f"fault must be a kind name or an object with 'kind': {spec!r}")
    fault = copy.deepcopy(spec)
    kind = fault["kind"]
    if kind not in allowed_kinds:
        raise FaultSpecError(f"unknown fault kind {kind!r}; allowed: {sorted(allowed_kinds)}")
    fault["repeat"] = bool(fault.get("repeat", False))
    _check_int(fault, "delayMs", 0)
    _check_int(fault, "count", 1)
    _check_int(fault, "status", 400)
    if kind == "error":
        fault["type"] = str(fault.get("type") or fault.get("__type") or fault.get("errorType")
                            or "AccessDeniedException")
        fault["message"] = str(fault.get("message", f"injected {fault['type']}"))
    return fault


def _check_int(fault, name, default):
    """Default ``fault[name]`` to ``default`` and require a non-negative integer."""
    value = fault.setdefault(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise FaultSpecError(f"fault option {name!r} must be a non-negative integer, got {value!r}")


class FaultQueues:
    """FIFO fault queues keyed by name, guarded by the shared journal lock."""

    def __init__(self, lock):
        """``lock`` is the shared re-entrant lock (``Journal.lock``)."""
        self._lock = lock
        self._queues = {}

    def add(self, key, faults, replace=False):
        """Append already-normalised ``faults`` to queue ``key`` (or replace its content)."""
        with self._lock:
            queue = [] if replace else self._queues.get(key, [])
            queue.extend(faults)
            self._queues[key] = queue

    def pop(self, key):
        """Consume and return the head fault of queue ``key`` (persistent ones stay), or None."""
        with self._lock:
            queue = self._queues.get(key)
            if not queue:
                return None
            head = queue[0]
            if not head.get("repeat"):
                queue.pop(0)
            return copy.deepcopy(head)

    def peek(self, key):
        """Return the head fault of queue ``key`` without consuming it, or None."""
        with self._lock:
            queue = self._queues.get(key)
            return copy.deepcopy(queue[0]) if queue else None

    def pop_for_operation(self, operation):
        """Consume the head of the operation's own queue, else of the ``"*"`` queue, or None."""
        with self._lock:
            return self.pop(operation) or self.pop("*")

    def snapshot(self):
        """Return a deep copy of all non-empty queues."""
        with self._lock:
            return {k: copy.deepcopy(v) for k, v in self._queues.items() if v}

    def clear(self):
        """Drop every queued fault."""
        with self._lock:
            self._queues.clear()


def config_fault_reply(fault):
    """Map a replacing Config fault to ``(status, awsJson error body)``; None for ``drop``."""
    kind = fault["kind"]
    if kind == "throttle":
        return 400, {"__type": "ThrottlingException", "message": "Rate exceeded"}
    if kind == "http500":
        return 500, {"__type": "InternalFailure",
                     "message": "The request processing has failed because of an unknown error."}
    if kind == "http503":
        return 503, {"__type": "ServiceUnavailable",
                     "message": "The request has failed due to a temporary failure of the server."}
    if kind == "error":
        return fault["status"], {"__type": fault["type"], "message": fault["message"]}
    return None
