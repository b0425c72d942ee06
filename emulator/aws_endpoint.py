"""The request pipeline shared by the fake AWS endpoints (``fake_config``, ``fake_sts``).

``RecordedService.handle`` runs these steps for every request, in this order:

1. ``_open_call`` (service): parse the request, build the call record and store it with
   ``_store_call`` (journal seq, ``<CALL_EVENT>`` event, ``status: null``, the connection's
   ``tls`` facts or null); also return the protocol error, if any;
2. SigV4 (``_check_signature``) and, only when the protocol is fine, the service's ``_validate``
   (model/parameter and semantic checks) are evaluated and recorded, whatever happens next;
3. a queued fault (``_pop_fault``) is consumed: ``slow`` delays the answer; the replacing kinds
   (``faults.REPLACING_KINDS``) replace it, ``drop`` by closing the connection;
4. otherwise the first failure answers, in this order: protocol (``_error_reply``), SigV4
   (``_signature_reply``), validation (the reply ``_validate`` returned); else ``_answer`` runs
   the operation;
5. the caller calls ``finish`` just *before* the reply is written (or the connection dropped):
   it journals ``<REPLY_EVENT>`` and stamps the record with ``status``, ``dropped``,
   ``completedSeq`` and ``errorType``, so a client never observes an unfinished record.

``EndpointHandler`` is the HTTP adapter of such a service: it reads the whole request, calls
``handle``, then ``finish``, then sends (or drops) the reply; an exception inside the service is
answered with the service's ``internal_failure_reply`` so the client never hangs.
"""

import copy
import time
from dataclasses import dataclass

from .faults import REPLACING_KINDS
from .httputil import BaseHandler
from .sigv4_check import SigV4Error


@dataclass
class ServiceRequest:
    """One HTTP request as received: method, path (with query), ``(name, value)`` header pairs
    in arrival order, the whole body, and ``tls``: ``{listener, connection, version, cipher}`` of
    an HTTPS connection, None for plain HTTP."""

    method: str
    path: str
    headers: list
    body: bytes
    tls: dict = None


class RecordedService:
    """HTTP-agnostic core of a fake AWS endpoint that records every call; thread-safe.

    Subclasses set ``CALL_EVENT`` / ``REPLY_EVENT`` (journal event names) and ``REPLY`` (the reply
    class: fields ``status``, ``body``, ``drop`` and an ``error_code`` attribute, ``None`` unless
    the reply is an error), and implement the hooks named in the module docstring plus
    ``_summary(call)`` (the log line of a finished call) and ``internal_failure_reply()``.
    """

    CALL_EVENT = None
    REPLY_EVENT = None
    REPLY = None

    def __init__(self, journal, verifier, faults, log=None):
        """``verifier``: SigV4Verifier; ``faults``: FaultQueues; ``log``: callable(str) or None."""
        self.journal = journal
        self.verifier = verifier
        self.faults = faults
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
        """Forget recorded calls."""
        with self.journal.lock:
            self._calls.clear()

    # ------------------------------------------------------------------ handling

    def handle(self, request):
        """Process one ``ServiceRequest``; return ``(call record, reply)``.

        The caller calls ``finish(call["seq"], reply)``, then sends (or drops) the reply.
        """
        call, context, protocol_error = self._open_call(request)
        signature, signed_headers, identity, signature_error = self._check_signature(request)
        if protocol_error is None:
            errors, warnings, rejection = self._validate(call, context)
        else:
            errors, warnings, rejection = [f"protocol: {protocol_error.message}"], [], None
        fault = self._pop_fault(call)
        self._update(call, signature=signature, signedHeaders=signed_headers,
                     modelErrors=errors, warnings=warnings,
                     fault=fault["kind"] if fault else None,
                     account=identity.account if identity else None,
                     principal=identity.principal if identity else None)
        if fault and fault["kind"] == "slow":
            time.sleep(fault["delayMs"] / 1000.0)
        if fault and fault["kind"] in REPLACING_KINDS:
            if fault["kind"] == "drop":
                return call, self.REPLY(drop=True)
            return call, self._fault_reply(call, fault)
        if protocol_error is not None:
            return call, self._error_reply(call, protocol_error)
        if signature_error is not None:
            return call, self._signature_reply(call, signature_error)
        if rejection is not None:
            return call, rejection
        return call, self._answer(call, context, identity, fault)

    def finish(self, call_seq, reply):
        """Stamp the call record with its final status; called just *before* the reply is sent
        (or the connection dropped), so a client never observes an unfinished record."""
        status = None if reply.drop else reply.status
        completed = self.journal.record(self.REPLY_EVENT, callSeq=call_seq, status=status)
        with self.journal.lock:
            for call in reversed(self._calls):
                if call["seq"] == call_seq:
                    call.update(status=status, dropped=reply.drop, completedSeq=completed,
                                errorType=reply.error_code)
                    self.log(self._summary(call))
                    break

    # ------------------------------------------------------------------ shared steps

    def _store_call(self, call, request):
        """Journal the new call record (``CALL_EVENT``), give it its ``seq`` and the ``tls`` of
        ``request``, and keep it."""
        call["tls"] = request.tls
        with self.journal.lock:
            call["seq"] = self.journal.record(self.CALL_EVENT, operation=call["operation"],
                                              traceHeader=call["traceHeader"])
            self._calls.append(call)

    def _update(self, call, **fields):
        """Update a (shared) call record under the lock."""
        with self.journal.lock:
            call.update(fields)

    def _check_signature(self, request):
        """Verify SigV4; return ``(record text, signed header names or None, Identity or None,
        SigV4Error or None)``. The Identity is known as soon as the access key id is recognised,
        even if a later check fails."""
        try:
            signed, identity = self.verifier.verify_identity(request.method, request.path,
                                                             request.headers, request.body)
            return "valid", signed, identity, None
        except SigV4Error as exc:
            return f"invalid: {exc.reason}", None, exc.identity, exc

    # ------------------------------------------------------------------ service hooks

    def _open_call(self, request):
        """Parse, build and ``_store_call`` the record; return ``(call, context, protocol error
        or None)``. ``context`` is passed on to ``_validate`` and ``_answer``; the protocol error
        has a ``message``."""
        raise NotImplementedError

    def _validate(self, call, context):
        """``(errors, warnings, rejection reply or None)`` for a protocol-clean request."""
        raise NotImplementedError

    def _pop_fault(self, call):
        """Consume and return the fault queued for this call, or None."""
        raise NotImplementedError

    def _fault_reply(self, call, fault):
        """The reply replacing the answer for a replacing fault other than ``drop``."""
        raise NotImplementedError

    def _error_reply(self, call, error):
        """The reply of a protocol error."""
        raise NotImplementedError

    def _signature_reply(self, call, error):
        """The reply of a ``SigV4Error``."""
        raise NotImplementedError

    def _answer(self, call, context, identity, fault):
        """Run the operation of a request that passed every check; return its reply."""
        raise NotImplementedError

    def _summary(self, call):
        """One brief log line for a finished call."""
        raise NotImplementedError

    def internal_failure_reply(self):
        """The 500 reply sent when ``handle`` itself raised (an emulator bug)."""
        raise NotImplementedError


def summary_flags(call):
    """The ``fault=… error=… modelErrors=N`` tail shared by the services' log lines."""
    extra = f" fault={call['fault']}" if call["fault"] else ""
    if call["errorType"]:
        extra += f" error={call['errorType']}"
    if call["modelErrors"]:
        extra += f" modelErrors={len(call['modelErrors'])}"
    return extra


class EndpointHandler(BaseHandler):
    """HTTP adapter of a ``RecordedService`` found at ``server.<SERVICE_ATTRIBUTE>``; every method
    is served the same way. Subclasses set ``SERVICE_ATTRIBUTE`` and implement ``send_reply``."""

    SERVICE_ATTRIBUTE = None

    def do_POST(self):
        self._serve()

    do_GET = do_PUT = do_DELETE = do_POST

    def _serve(self):
        """Read the full request, process it, stamp the record, then send or drop the reply."""
        service = getattr(self.server, self.SERVICE_ATTRIBUTE)
        request = ServiceRequest(self.command, self.path, self.header_pairs(), self.read_body(),
                                 tls=self.server.tls_session())
        try:
            call, reply = service.handle(request)
        except Exception:  # an emulator bug must not leave the client hanging
            self.log_exception()
            self.send_reply(service.internal_failure_reply())
            return
        # Stamp first: once the client sees the reply (or the closed socket) the record is final.
        service.finish(call["seq"], reply)
        if reply.drop:
            self.drop_connection()
        else:
            self.send_reply(reply, headers=[("x-amzn-RequestId", call["requestId"])])

    def send_reply(self, reply, headers=()):
        """Write ``reply`` (status and body, in the service's content type) with ``headers``."""
        raise NotImplementedError
