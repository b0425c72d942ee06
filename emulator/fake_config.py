"""Fake AWS Config endpoint (awsJson1_1): protocol, SigV4, model checks, faults, call records.

The steps are run by the pipeline shared with the fake STS (``aws_endpoint.RecordedService``);
this module supplies the Config-specific parts. Order of processing for every ``POST /``:

1. the call is recorded at once (journal seq, trace header, body) with ``status: null``;
2. protocol (method, path, X-Amz-Target, Content-Type, JSON), SigV4 and model/semantic checks
   are all evaluated and recorded, whatever happens next (semantic checks see ``ConfigData``, e.g.
   to validate page tokens); SigV4 accepts the base credentials or unexpired temporary
   credentials issued by the fake STS, and the call records their ``account`` and ``principal``;
3. a queued fault for the operation (else for ``"*"``) is consumed: ``drop``/``throttle``/
   ``http500``/``http503``/``error`` replace the answer, ``slow`` delays it,
   ``failedEvaluations`` modifies a successful PutEvaluations;
4. otherwise the first failed check answers (protocol 400, SigV4 403, model 400 ValidationException,
   semantic 400), else the operation in ``config_ops.OPERATIONS`` runs;
5. the record gets the operation's ``result`` summary (page size, counts), its final ``status`` and
   a ``completedSeq`` (a journal seq taken just before the
   reply bytes are written, so anything the client does after reading the reply is later).
"""

import json
import threading
import time
import uuid
from dataclasses import dataclass

from . import config_ops
from .aws_endpoint import EndpointHandler, RecordedService, summary_flags
from .config_ops import ConfigApiError, OperationContext
from .faults import config_fault_reply
from .journal import wall_ms
from .model_check import format_validation_message

JSON_CONTENT_TYPE = "application/x-amz-json-1.1"


@dataclass
class ConfigReply:
    """What to answer: ``status`` + awsJson ``body``, or ``drop`` the connection."""

    status: int = 200
    body: dict = None
    drop: bool = False

    @property
    def error_code(self):
        """The awsJson ``__type`` of an error reply (status >= 300), else None."""
        return (self.body or {}).get("__type") if self.status >= 300 else None


class ConfigService(RecordedService):
    """HTTP-agnostic core of the fake Config endpoint; thread-safe. The request pipeline is
    ``aws_endpoint.RecordedService.handle``; this class supplies the awsJson protocol, the model
    and semantic checks and the operations of ``config_ops.OPERATIONS``."""

    CALL_EVENT = "config-call"
    REPLY_EVENT = "config-reply"
    REPLY = ConfigReply
    # What differs between the awsJson services built on this class (``fake_ecs.EcsService``):
    # the operation table, the operation context type and the names in messages and log lines.
    OPERATIONS = config_ops.OPERATIONS
    CONTEXT = OperationContext
    SERVICE_LABEL = "Config"
    LOG_NAME = "config"

    def __init__(self, journal, verifier, model, faults, data, log=None, traffic=None):
        """``verifier``: SigV4Verifier; ``model``: ModelChecker; ``faults``: FaultQueues keyed
        by operation; ``data``: config_ops.ConfigData; ``log``: callable(str) or None;
        ``traffic``: traffic.TrafficModel (latency and throttling) or None."""
        super().__init__(journal, verifier, faults, log)
        self.model = model
        self.data = data
        self.traffic = traffic
        self._admission = threading.local()  # per handler thread: the current call's modelled latency

    def handle(self, request):
        """The shared pipeline, then the traffic model's latency: the reply is held until the
        call has taken the operation's modelled service time (the emulator's own work included)."""
        started = time.monotonic()
        self._admission.latency = 0.0
        call, reply = super().handle(request)
        latency = getattr(self._admission, "latency", 0.0)
        remaining = latency - (time.monotonic() - started)
        if remaining > 0:
            time.sleep(remaining)
        return call, reply

    def clear(self):
        """Forget recorded calls and accepted evaluations."""
        with self.journal.lock:
            super().clear()
            self.data.evaluations.clear()

    # ------------------------------------------------------------------ pipeline hooks

    def _open_call(self, request):
        """Create, journal and store the call record, then check the protocol; return
        ``(call, None, ConfigApiError or None)`` (the record is shared, updated in place)."""
        headers = {n.lower(): v for n, v in request.headers}
        target = headers.get("x-amz-target", "")
        prefix = f"{self.model.target_prefix}."
        operation = target[len(prefix):] if target.startswith(prefix) else None
        try:
            body = json.loads(request.body.decode("utf-8")) if request.body.strip() else None
        except (UnicodeDecodeError, ValueError):
            body = None
        call = {
            "seq": None, "operation": operation, "target": target or None,
            "traceHeader": headers.get("x-amzn-trace-id"),
            "signature": None, "signedHeaders": None, "account": None, "principal": None,
            "modelErrors": [], "warnings": [],
            "status": None, "fault": None, "body": body,
            "resultToken": body.get("ResultToken") if isinstance(body, dict) else None,
            "receivedAtMs": wall_ms(), "completedSeq": None, "dropped": False,
            "userAgent": headers.get("user-agent"), "requestId": str(uuid.uuid4()),
            "result": None,
            "rawBody": None if body is not None else request.body.decode("utf-8", "replace")[:2000],
        }
        self._store_call(call, request)
        return call, None, self._check_protocol(request, headers, call)

    def _check_protocol(self, request, headers, call):
        """Method, path, target, content type and JSON body; return a ConfigApiError or None."""
        operation = call["operation"]
        if request.method != "POST" or request.path.split("?")[0] != "/":
            return ConfigApiError("UnknownOperationException",
                                  f"{request.method} {request.path}: only POST / is served", 404)
        if operation is None or not self.model.has_operation(operation):
            return ConfigApiError("UnknownOperationException",
                                  f"X-Amz-Target {call['target']!r} is not a {self.SERVICE_LABEL} "
                                  "operation")
        if operation not in self.OPERATIONS:
            return ConfigApiError("UnknownOperationException",
                                  f"{operation} is not implemented by the emulator")
        content_type = headers.get("content-type", "")
        if content_type.split(";")[0].strip() != JSON_CONTENT_TYPE:
            return ConfigApiError("SerializationException",
                                  f"Content-Type must be {JSON_CONTENT_TYPE}, got {content_type!r}")
        if not isinstance(call["body"], dict):
            return ConfigApiError("SerializationException", "body is not a JSON object")
        return None

    def _validate(self, call, context):
        """Model-validate the body, then (if valid) apply the operation's semantic check.

        Returns ``(modelErrors, warnings, rejection)``: semantic problems are also listed in
        modelErrors, prefixed ``semantic:``; the rejection is the first semantic error, else a
        ``ValidationException`` listing the model errors, else None.
        """
        errors, warnings = self.model.validate_input(call["operation"], call["body"])
        check = self.OPERATIONS[call["operation"]].check
        semantic = check(call["body"], self.data) if check and not errors else []
        errors = errors + [f"semantic: {e.error_type}: {e.message}" for e in semantic]
        if semantic:
            return errors, warnings, _error_reply(semantic[0])
        if errors:
            return errors, warnings, _error_reply(ConfigApiError(
                "ValidationException", format_validation_message(errors)))
        return errors, warnings, None

    def _pop_fault(self, call):
        """The fault queued for the operation, else for ``"*"``; else a ``throttle`` when the
        traffic model throttles this call (recorded with ``throttledByModel: true``)."""
        fault = self.faults.pop_for_operation(call["operation"] or "*")
        if self.traffic is None:
            return fault
        throttled, latency = self.traffic.admit(call["operation"])
        self._admission.latency = latency
        if fault is None and throttled:
            self._update(call, throttledByModel=True)
            return {"kind": "throttle", "repeat": False}
        return fault

    def _fault_reply(self, call, fault):
        """The reply that replaces the service's answer for a replacing fault."""
        status, body = config_fault_reply(fault)
        return ConfigReply(status, body)

    def _error_reply(self, call, error):
        return _error_reply(error)

    def _signature_reply(self, call, error):
        """The verifier's error as awsJson (its codes are Config's)."""
        return ConfigReply(error.status, {"__type": error.code, "message": error.message})

    def _answer(self, call, context, identity, fault):
        """Run the operation's handler; map ConfigApiError to an error reply."""
        ctx = self.CONTEXT(body=call["body"], call=call, data=self.data, fault=fault)
        try:
            reply = ConfigReply(200, self.OPERATIONS[call["operation"]].run(ctx))
        except ConfigApiError as exc:
            reply = _error_reply(exc)
        if ctx.result:
            self._update(call, result=dict(ctx.result))
        return reply

    def _summary(self, call):
        """One brief log line for a finished call."""
        status = "dropped" if call["dropped"] else call["status"]
        extra = summary_flags(call)
        if call.get("result") and "pageSize" in call["result"]:
            extra += f" page={call['result']['pageSize']}"
        if call.get("principal") not in (None, "base"):
            extra += f" as={call['account']}"
        return (f"{self.LOG_NAME} #{call['seq']} {call['operation']} -> {status} "
                f"sig={call['signature']}{extra}")

    def internal_failure_reply(self):
        return ConfigReply(500, {"__type": "InternalFailure", "message": "emulator bug"})


def _error_reply(error):
    """ConfigReply for a ConfigApiError."""
    return ConfigReply(error.status, error.body())


class ConfigHandler(EndpointHandler):
    """HTTP adapter: reads the request, delegates to ``server.config_service``, writes the reply."""

    SERVICE_ATTRIBUTE = "config_service"

    def send_reply(self, reply, headers=()):
        """The awsJson body (``{}`` if none) as ``application/x-amz-json-1.1``."""
        self.send_json(reply.status, reply.body or {}, content_type=JSON_CONTENT_TYPE,
                       headers=headers)
