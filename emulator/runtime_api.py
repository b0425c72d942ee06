"""AWS Lambda Runtime API 2018-06-01 over real HTTP/1.1: /next long-poll, answers, init/error.

State transitions of an invocation: ``queued`` (control API /invoke) -> ``in_flight`` (delivered
by /next) -> ``response`` | ``error`` (first accepted answer; 413 counts as error
``Function.ResponseSizeTooLarge``). Later answers for the same id get 403; ids that are not in
flight (unknown, queued, forgotten by reset) get 400.
"""

import collections
import copy
import secrets
import time
import uuid
from dataclasses import dataclass, field
from urllib.parse import unquote

from .httputil import BaseHandler
from .journal import wall_ms

API_PREFIX = "/2018-06-01/runtime"
MAX_RESPONSE_BYTES = 6 * 1024 * 1024 + 100  # 6291556, RIE interop.MaxPayloadSize
DEFAULT_TIMEOUT_MS = 30_000
FUNCTION_NAME = "pid-mode-rule"
ACCOUNT_ID = "111111111111"
GENERATE = object()  # sentinel: "make up a fresh trace id"

CONTAINER_ERROR = {"errorMessage": "Container error. Non-recoverable state. Runtime should exit "
                                   "promptly.", "errorType": "Runtime.ContainerError"}
INVALID_REQUEST_ID = {"errorMessage": "Invalid request ID", "errorType": "InvalidRequestID"}
INVALID_STATE = {"errorMessage": "Invalid state transition: this request id has already been "
                                 "answered", "errorType": "InvalidStateTransition"}
INIT_NOT_ALLOWED = {"errorMessage": "Invalid state transition: /init/error is only valid before "
                                    "the first /next", "errorType": "InvalidStateTransition"}
TOO_LARGE = {"errorMessage": f"Exceeded maximum allowed payload size ({MAX_RESPONSE_BYTES} bytes).",
             "errorType": "RequestEntityTooLarge"}


def new_trace_id():
    """A fresh X-Ray trace header value: ``Root=1-<8 hex epoch>-<24 hex>;Parent=<16 hex>;Sampled=1``."""
    return (f"Root=1-{int(time.time()):08x}-{secrets.token_hex(12)};"
            f"Parent={secrets.token_hex(8)};Sampled=1")


@dataclass
class Invocation:
    """One queued/delivered/answered invocation."""

    request_id: str
    event: bytes
    timeout_ms: int
    trace_id: str  # None: no Lambda-Runtime-Trace-Id header
    header_case: str
    state: str = "queued"
    queued_at_ms: int = 0
    delivered_at_ms: int = None
    delivered_seq: int = None
    deadline_ms: int = None
    answered_at_ms: int = None
    answer_seq: int = None
    body: bytes = None
    body_size: int = None
    content_type: str = None
    error_type: str = None
    xray_cause: str = None
    attempts: list = field(default_factory=list)

    def to_json(self):
        """The control API view of this invocation."""
        return {
            "requestId": self.request_id, "state": self.state,
            "body": None if self.body is None else self.body.decode("utf-8", "replace"),
            "bodySize": self.body_size, "contentType": self.content_type,
            "errorType": self.error_type, "xrayErrorCause": self.xray_cause,
            "answers": len(self.attempts), "answerSeq": self.answer_seq,
            "traceId": self.trace_id, "timeoutMs": self.timeout_ms, "headerCase": self.header_case,
            "queuedAtMs": self.queued_at_ms, "deliveredAtMs": self.delivered_at_ms,
            "deliveredSeq": self.delivered_seq, "deadlineMs": self.deadline_ms,
            "answeredAtMs": self.answered_at_ms,
            "answeredAfterDeadline": (self.answered_at_ms is not None and self.deadline_ms is not None
                                      and self.answered_at_ms > self.deadline_ms),
            "attempts": copy.deepcopy(self.attempts),
        }


class RuntimeState:
    """Invocation queue and records, shared by the Runtime API handler and the control API."""

    def __init__(self, journal, faults, region, log=None):
        """``faults``: FaultQueues with keys ``next`` and ``response``."""
        self.journal = journal
        self.faults = faults
        self.function_arn = f"arn:aws:lambda:{region}:{ACCOUNT_ID}:function:{FUNCTION_NAME}"
        self.log = log or (lambda line: None)
        self.started_at_ms = wall_ms()
        self.started_monotonic_ns = time.monotonic_ns()
        self._closing = False
        self._reset_locked()

    def _reset_locked(self):
        """(Re)initialise everything except live pollers; caller holds the lock or is __init__."""
        self._invocations = collections.OrderedDict()
        self._queue = collections.deque()
        self._init_errors = []
        self.first_next_at_ms = None
        self.first_next_monotonic_ns = None
        self.pollers = getattr(self, "pollers", 0)

    # ------------------------------------------------------------------ control side

    def enqueue(self, event, timeout_ms=DEFAULT_TIMEOUT_MS, trace_id=GENERATE,
                header_case="canonical", request_id=None):
        """Queue an invocation of raw ``event`` bytes; return its control-API view."""
        inv = Invocation(request_id=request_id or str(uuid.uuid4()), event=bytes(event),
                         timeout_ms=int(timeout_ms),
                         trace_id=new_trace_id() if trace_id is GENERATE else trace_id,
                         header_case=header_case, queued_at_ms=wall_ms())
        with self.journal.lock:
            if inv.request_id in self._invocations:
                raise ValueError(f"requestId {inv.request_id!r} already used")
            self._invocations[inv.request_id] = inv
            self._queue.append(inv)
            self.journal.record("invoke", requestId=inv.request_id, traceId=inv.trace_id)
        return inv.to_json()

    def get(self, request_id):
        """Control view of one invocation, or None."""
        with self.journal.lock:
            inv = self._invocations.get(request_id)
            return inv.to_json() if inv else None

    def wait_answered(self, request_id, timeout):
        """Block up to ``timeout`` s until the invocation is answered; return its view or None."""
        def answered():
            inv = self._invocations.get(request_id)
            return inv is None or inv.state in ("response", "error")
        self.journal.wait_for(answered, timeout)
        return self.get(request_id)

    def list(self):
        """All invocations in queue order."""
        with self.journal.lock:
            return [inv.to_json() for inv in self._invocations.values()]

    def init_errors(self):
        with self.journal.lock:
            return copy.deepcopy(self._init_errors)

    def state(self):
        """Counters for the control API's GET /state."""
        with self.journal.lock:
            return {"firstNextAtMs": self.first_next_at_ms,
                    "firstNextMonotonicNs": self.first_next_monotonic_ns,
                    "pollers": self.pollers, "queued": len(self._queue),
                    "inFlight": sum(1 for i in self._invocations.values() if i.state == "in_flight"),
                    "startedAtMs": self.started_at_ms,
                    "startedMonotonicNs": self.started_monotonic_ns}

    def reset(self):
        """Forget invocations, init errors and the first-/next time (pollers stay blocked)."""
        with self.journal.lock:
            self._reset_locked()
            self.journal.notify()

    def close(self):
        """Wake every blocked poller so it can drop its connection (emulator shutdown)."""
        with self.journal.lock:
            self._closing = True
            self.journal.notify()

    # ------------------------------------------------------------------ runtime side

    def note_next(self):
        """Record the arrival of a GET /next (the first one ever is timestamped)."""
        with self.journal.lock:
            if self.first_next_at_ms is None:
                self.first_next_at_ms = wall_ms()
                self.first_next_monotonic_ns = time.monotonic_ns()
                self.journal.record("first-next")

    def take_next(self, client_gone):
        """Block until an invocation or a ``next`` fault is available.

        Returns ``("invocation", Invocation)``, ``("fault", fault)``, ``("closed", None)``
        (shutdown) or ``("gone", None)`` (``client_gone()`` said the poller hung up).
        """
        with self.journal.lock:
            self.pollers += 1
            self.journal.notify()
            try:
                while True:
                    if self._closing:
                        return "closed", None
                    fault = self.faults.pop("next")
                    if fault:
                        return "fault", fault
                    if self._queue:
                        return "invocation", self._deliver_locked(self._queue.popleft())
                    self.journal.changed.wait(0.25)
                    if client_gone():
                        return "gone", None
            finally:
                self.pollers -= 1
                self.journal.notify()

    def _deliver_locked(self, inv):
        """Mark ``inv`` in flight with a deadline; caller holds the lock."""
        inv.state = "in_flight"
        inv.delivered_at_ms = wall_ms()
        inv.deadline_ms = inv.delivered_at_ms + inv.timeout_ms
        inv.delivered_seq = self.journal.record("deliver", requestId=inv.request_id)
        return inv

    def requeue(self, inv):
        """Put an invocation whose delivery failed back at the head of the queue."""
        with self.journal.lock:
            if self._invocations.get(inv.request_id) is inv and inv.state == "in_flight":
                inv.state, inv.delivered_at_ms, inv.deadline_ms = "queued", None, None
                self._queue.appendleft(inv)
                self.journal.record("requeue", requestId=inv.request_id)

    def answer(self, request_id, kind, body, content_type=None, error_type=None, xray_cause=None):
        """Apply a POST .../response (``kind="response"``) or .../error; return (status, reply).

        A ``response`` fault (if queued) wins; the reply is then ``(500, ...)`` or
        ``("drop", None)`` and the invocation stays in flight.
        """
        with self.journal.lock:
            inv = self._invocations.get(request_id)
            fault = self.faults.pop("response")
            status, reply = self._judge_answer_locked(inv, kind, body, fault)
            seq = self.journal.record("answer", requestId=request_id, answerKind=kind,
                                      status=status)
            if inv is not None:
                inv.attempts.append({"seq": seq, "kind": kind, "status": status,
                                     "atMs": wall_ms(), "errorType": error_type,
                                     "fault": fault["kind"] if fault else None})
            if status in (202, 413):
                self._accept_locked(inv, kind, body, content_type, error_type, xray_cause, seq,
                                    too_large=(status == 413))
        self.log(f"runtime {kind} {request_id} -> {status}"
                 + (f" ({error_type})" if error_type else ""))
        return status, reply

    @staticmethod
    def _judge_answer_locked(inv, kind, body, fault):
        """Decide the HTTP outcome of an answer attempt (no side effects)."""
        if fault:
            return ("drop", None) if fault["kind"] == "drop" else (500, CONTAINER_ERROR)
        if inv is None or inv.state == "queued":
            return 400, INVALID_REQUEST_ID
        if inv.state in ("response", "error"):
            return 403, INVALID_STATE
        if kind == "response" and len(body) > MAX_RESPONSE_BYTES:
            return 413, TOO_LARGE
        return 202, {"status": "OK"}

    @staticmethod
    def _accept_locked(inv, kind, body, content_type, error_type, xray_cause, seq, too_large):
        """Record the first accepted answer on the invocation."""
        inv.answer_seq, inv.answered_at_ms = seq, wall_ms()
        inv.body_size = len(body)
        if too_large:
            inv.state, inv.error_type = "error", "Function.ResponseSizeTooLarge"
            inv.body = (b'{"errorMessage":"Response payload size exceeded maximum allowed payload '
                        b'size (6291556 bytes).","errorType":"Function.ResponseSizeTooLarge"}')
            return
        inv.state, inv.body, inv.content_type = kind, bytes(body), content_type
        inv.error_type, inv.xray_cause = error_type, xray_cause

    def init_error(self, body, error_type, content_type=None):
        """Apply POST /init/error: 202 (recorded) before the first /next, else 403."""
        with self.journal.lock:
            allowed = self.first_next_at_ms is None
            status = 202 if allowed else 403
            seq = self.journal.record("init-error", status=status, errorType=error_type)
            self._init_errors.append({"seq": seq, "status": status, "errorType": error_type,
                                      "contentType": content_type, "atMs": wall_ms(),
                                      "body": body.decode("utf-8", "replace")})
        self.log(f"runtime init/error -> {status} ({error_type})")
        return (202, {"status": "OK"}) if allowed else (403, INIT_NOT_ALLOWED)


class RuntimeAPIHandler(BaseHandler):
    """HTTP adapter for the Runtime API; state is ``self.server.runtime``."""

    def do_GET(self):
        path, _ = self.split_url()
        if path == f"{API_PREFIX}/invocation/next":
            return self._next()
        self.read_body()
        self.send_json(404, {"errorMessage": f"no route GET {path}", "errorType": "NotFound"})

    def do_POST(self):
        path, _ = self.split_url()
        body = self.read_body()
        parts = path[len(API_PREFIX):].strip("/").split("/") if path.startswith(API_PREFIX) else []
        if parts == ["init", "error"]:
            return self._reply(*self.server.runtime.init_error(
                body, self.headers.get("Lambda-Runtime-Function-Error-Type"),
                self.headers.get("Content-Type")))
        if len(parts) == 3 and parts[0] == "invocation" and parts[2] in ("response", "error"):
            return self._answer(unquote(parts[1]), parts[2], body)
        self.send_json(404, {"errorMessage": f"no route POST {path}", "errorType": "NotFound"})

    def _answer(self, request_id, kind, body):
        """Forward a response/error post to the state and send its verdict."""
        is_error = kind == "error"
        status, reply = self.server.runtime.answer(
            request_id, kind, body, content_type=self.headers.get("Content-Type"),
            error_type=self.headers.get("Lambda-Runtime-Function-Error-Type") if is_error else None,
            xray_cause=self.headers.get("Lambda-Runtime-Function-XRay-Error-Cause") if is_error else None)
        self._reply(status, reply)

    def _reply(self, status, reply):
        """Send a JSON verdict, or drop the connection for status ``"drop"``."""
        if status == "drop":
            self.drop_connection()
        else:
            self.send_json(status, reply)

    def _next(self):
        """GET /next: long-poll, then deliver the event (or apply a fault)."""
        runtime = self.server.runtime
        runtime.note_next()
        outcome, value = runtime.take_next(self.client_gone)
        if outcome in ("closed", "gone"):
            return self.drop_connection()
        if outcome == "fault":
            runtime.log(f"runtime /next fault {value['kind']}")
            if value["kind"] == "drop":
                return self.drop_connection()
            return self.send_json(500, CONTAINER_ERROR)
        inv = value
        try:
            self.send_bytes(200, inv.event, content_type="application/json",
                            headers=self._invocation_headers(inv),
                            lower=(inv.header_case == "lower"))
        except OSError:
            runtime.requeue(inv)
            self.close_connection = True
            return
        runtime.log(f"runtime delivered {inv.request_id}")

    def _invocation_headers(self, inv):
        """The Lambda-Runtime-* headers for one delivered invocation."""
        headers = [("Lambda-Runtime-Aws-Request-Id", inv.request_id),
                   ("Lambda-Runtime-Deadline-Ms", str(inv.deadline_ms)),
                   ("Lambda-Runtime-Invoked-Function-Arn", self.server.runtime.function_arn)]
        if inv.trace_id is not None:
            headers.append(("Lambda-Runtime-Trace-Id", inv.trace_id))
        return headers
