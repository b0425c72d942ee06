"""Fake AWS Config endpoint (awsJson1_1): protocol, SigV4, model checks, faults, call records.

Order of processing for every ``POST /``:

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

import copy
import json
import time
import uuid
from dataclasses import dataclass

from . import config_ops
from .config_ops import ConfigApiError, OperationContext
from .faults import REPLACING_KINDS, config_fault_reply
from .httputil import BaseHandler
from .journal import wall_ms
from .model_check import format_validation_message
from .sigv4_check import SigV4Error

JSON_CONTENT_TYPE = "application/x-amz-json-1.1"


@dataclass
class ConfigRequest:
    """One HTTP request as received."""

    method: str
    path: str
    headers: list
    body: bytes


@dataclass
class ConfigReply:
    """What to answer: ``status`` + awsJson ``body``, or ``drop`` the connection."""

    status: int = 200
    body: dict = None
    drop: bool = False


class ConfigService:
    """HTTP-agnostic core of the fake Config endpoint; thread-safe."""

    def __init__(self, journal, verifier, model, faults, data, log=None):
        """``verifier``: SigV4Verifier; ``model``: ModelChecker; ``faults``: FaultQueues keyed
        by operation; ``data``: config_ops.ConfigData; ``log``: callable(str) or None."""
        self.journal = journal
        self.verifier = verifier
        self.model = model
        self.faults = faults
        self.data = data
        self.log = log or (lambda line: None)
        self._calls = []

    # ------------------------------------------------------------------ queries

    def calls(self, operation=None, trace_header=None):
        """Recorded calls (copies), oldest first, optionally filtered."""
        with self.journal.lock:
            return [copy.deepcopy(c) for c in self._calls
                    if (operation is None or c["operation"] == operation)
                    and (trace_header is None or c["traceHeader"] == trace_header)]

    def clear(self):
        """Forget recorded calls and accepted evaluations."""
        with self.journal.lock:
            self._calls.clear()
            self.data.evaluations.clear()

    # ------------------------------------------------------------------ handling

    def handle(self, request):
        """Process one request; return ``(call record, ConfigReply)``.

        The caller calls ``finish(call["seq"], reply)``, then sends (or drops) the reply.
        """
        call = self._open_call(request)
        protocol_error = self._check_protocol(request, call)
        signature, signed_headers, identity, signature_error = self._check_signature(request)
        if protocol_error is None:
            model_errors, warnings, semantic_errors = self._check_body(call)
        else:
            model_errors, warnings, semantic_errors = [f"protocol: {protocol_error.message}"], [], []
        fault = self.faults.pop_for_operation(call["operation"] or "*")
        self._update(call, signature=signature, signedHeaders=signed_headers,
                     modelErrors=model_errors, warnings=warnings,
                     fault=fault["kind"] if fault else None,
                     account=identity.account if identity else None,
                     principal=identity.principal if identity else None)
        if fault and fault["kind"] == "slow":
            time.sleep(fault["delayMs"] / 1000.0)
        if fault and fault["kind"] in REPLACING_KINDS:
            return call, self._fault_reply(fault)
        if protocol_error is not None:
            return call, _error_reply(protocol_error)
        if signature_error is not None:
            return call, ConfigReply(signature_error.status, {"__type": signature_error.code,
                                                              "message": signature_error.message})
        if semantic_errors:
            return call, _error_reply(semantic_errors[0])
        if model_errors:
            return call, _error_reply(ConfigApiError("ValidationException",
                                                     format_validation_message(model_errors)))
        return call, self._run(call, fault)

    def finish(self, call_seq, reply):
        """Stamp the call record with its final status; called just *before* the reply is sent
        (or the connection dropped), so a client never observes an unfinished record."""
        completed = self.journal.record("config-reply", callSeq=call_seq,
                                        status=None if reply.drop else reply.status)
        with self.journal.lock:
            for call in reversed(self._calls):
                if call["seq"] == call_seq:
                    call["status"] = None if reply.drop else reply.status
                    call["dropped"] = reply.drop
                    call["completedSeq"] = completed
                    call["errorType"] = (reply.body or {}).get("__type") if reply.status >= 300 else None
                    self.log(_summary(call))
                    break

    # ------------------------------------------------------------------ steps

    def _open_call(self, request):
        """Create, journal and store the call record; return it (shared, updated in place)."""
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
        with self.journal.lock:
            call["seq"] = self.journal.record("config-call", operation=operation,
                                              traceHeader=call["traceHeader"])
            self._calls.append(call)
        return call

    def _update(self, call, **fields):
        """Update a (shared) call record under the lock."""
        with self.journal.lock:
            call.update(fields)

    def _check_protocol(self, request, call):
        """Method, path, target, content type and JSON body; return a ConfigApiError or None."""
        headers = {n.lower(): v for n, v in request.headers}
        operation = call["operation"]
        if request.method != "POST" or request.path.split("?")[0] != "/":
            return ConfigApiError("UnknownOperationException",
                                  f"{request.method} {request.path}: only POST / is served", 404)
        if operation is None or not self.model.has_operation(operation):
            return ConfigApiError("UnknownOperationException",
                                  f"X-Amz-Target {call['target']!r} is not a Config operation")
        if operation not in config_ops.OPERATIONS:
            return ConfigApiError("UnknownOperationException",
                                  f"{operation} is not implemented by the emulator")
        content_type = headers.get("content-type", "")
        if content_type.split(";")[0].strip() != JSON_CONTENT_TYPE:
            return ConfigApiError("SerializationException",
                                  f"Content-Type must be {JSON_CONTENT_TYPE}, got {content_type!r}")
        if not isinstance(call["body"], dict):
            return ConfigApiError("SerializationException", "body is not a JSON object")
        return None

    def _check_signature(self, request):
        """Verify SigV4; return ``(record text, signed header names or None, Identity or None,
        SigV4Error or None)``. The Identity (base or issued temporary credentials) is known as
        soon as the access key id is recognised, even if a later check fails."""
        try:
            signed, identity = self.verifier.verify_identity(request.method, request.path,
                                                             request.headers, request.body)
            return "valid", signed, identity, None
        except SigV4Error as exc:
            return f"invalid: {exc.reason}", None, exc.identity, exc

    def _check_body(self, call):
        """Model-validate the body, then (if valid) apply the operation's semantic check.

        Returns ``(modelErrors, warnings, semantic ConfigApiErrors)``; semantic problems are also
        listed in modelErrors, prefixed ``semantic:``.
        """
        errors, warnings = self.model.validate_input(call["operation"], call["body"])
        check = config_ops.OPERATIONS[call["operation"]].check
        semantic = check(call["body"], self.data) if check and not errors else []
        errors = errors + [f"semantic: {e.error_type}: {e.message}" for e in semantic]
        return errors, warnings, semantic

    @staticmethod
    def _fault_reply(fault):
        """The reply that replaces the service's answer for a replacing fault."""
        if fault["kind"] == "drop":
            return ConfigReply(drop=True)
        status, body = config_fault_reply(fault)
        return ConfigReply(status, body)

    def _run(self, call, fault):
        """Run the operation's handler; map ConfigApiError to an error reply."""
        ctx = OperationContext(body=call["body"], call=call, data=self.data, fault=fault)
        try:
            reply = ConfigReply(200, config_ops.OPERATIONS[call["operation"]].run(ctx))
        except ConfigApiError as exc:
            reply = _error_reply(exc)
        if ctx.result:
            self._update(call, result=dict(ctx.result))
        return reply


def _error_reply(error):
    """ConfigReply for a ConfigApiError."""
    return ConfigReply(error.status, error.body())


def _summary(call):
    """One brief log line for a finished call."""
    status = "dropped" if call["dropped"] else call["status"]
    extra = f" fault={call['fault']}" if call["fault"] else ""
    if call["errorType"]:
        extra += f" error={call['errorType']}"
    if call["modelErrors"]:
        extra += f" modelErrors={len(call['modelErrors'])}"
    if call.get("result") and "pageSize" in call["result"]:
        extra += f" page={call['result']['pageSize']}"
    if call.get("principal") not in (None, "base"):
        extra += f" as={call['account']}"
    return (f"config #{call['seq']} {call['operation']} -> {status} "
            f"sig={call['signature']}{extra}")


class ConfigHandler(BaseHandler):
    """HTTP adapter: reads the request, delegates to ``server.config_service``, writes the reply."""

    def do_POST(self):
        self._serve()

    do_GET = do_PUT = do_DELETE = do_POST

    def _serve(self):
        """Read the full request, process it, send or drop the reply, then stamp the record."""
        service = self.server.config_service
        request = ConfigRequest(self.command, self.path, self.header_pairs(), self.read_body())
        try:
            call, reply = service.handle(request)
        except Exception:  # an emulator bug must not leave the client hanging
            self.log_exception()
            self.send_json(500, {"__type": "InternalFailure", "message": "emulator bug"},
                           content_type=JSON_CONTENT_TYPE)
            return
        # Stamp first: once the client sees the reply (or the closed socket) the record is final.
        service.finish(call["seq"], reply)
        if reply.drop:
            self.drop_connection()
        else:
            self.send_json(reply.status, reply.body or {}, content_type=JSON_CONTENT_TYPE,
                           headers=[("x-amzn-RequestId", call["requestId"])])
