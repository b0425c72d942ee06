"""Fake AWS STS endpoint (query protocol, ``AssumeRole`` only), its roles, issued credentials and clock.

The steps are run by the pipeline shared with the fake Config (``aws_endpoint.RecordedService``);
this module supplies the STS-specific parts. Order of processing for every request:

1. the call is recorded at once (journal seq, trace header, raw parameters) with ``status: null``;
2. protocol (``POST /``, form Content-Type, a well-formed form body with ``Action`` and
   ``Version``), SigV4 (service ``sts``, the emulator's **base** credentials only) and parameter
   validation are all evaluated and recorded;
3. a queued fault for ``AssumeRole`` is consumed: ``drop``/``throttle``/``http500``/``http503``/
   ``error`` replace the answer, ``slow`` delays it;
4. otherwise the first failed check answers (protocol 400, SigV4 403/400, validation 400
   ``ValidationError``), then the role must be registered and trust the caller (else 403
   ``AccessDenied``), then ``DurationSeconds`` must not exceed the role's
   ``maxSessionDuration``; else temporary credentials are issued;
5. the record gets its ``result``, ``status`` and ``completedSeq`` just before the reply is written.

Issued credentials are looked up by access key id by the Config endpoint's SigV4 verifier
(``CredentialStore.lookup``); they expire by the STS clock, which ``POST /clock`` can shift.
"""

import base64
import re
import secrets
import string
import time
import uuid
from dataclasses import dataclass
from urllib.parse import parse_qsl
from xml.sax.saxutils import escape

import botocore.session

from .aws_endpoint import EndpointHandler, RecordedService, summary_flags
from .journal import wall_ms
from .model_check import format_validation_message
from .sigv4_check import BASE_ACCOUNT, BASE_PRINCIPAL, Identity

API_VERSION = "2011-06-15"
XMLNS = f"https://sts.amazonaws.com/doc/{API_VERSION}/"
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
XML_CONTENT_TYPE = "text/xml"
STS_KINDS = {"throttle", "http500", "http503", "drop", "slow", "error"}
OPERATIONS = ("AssumeRole",)
ROLE_ARN_PATTERN = r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,64}$"
ROLE_ARN_RE = re.compile(r"^arn:aws[a-z-]*:iam::(\d{12}):role/([\w+=,.@/-]{1,64})$", re.ASCII)
SESSION_NAME_RE = re.compile(r"^[\w+=,.@-]{2,64}$", re.ASCII)
MIN_DURATION, MAX_DURATION, DEFAULT_DURATION = 900, 43200, 3600
DEFAULT_MAX_SESSION_DURATION = 3600  # IAM's default MaxSessionDuration for a role
# The function's own identity, as STS names the caller of AssumeRole in AccessDenied messages.
BASE_CALLER_ARN = f"arn:aws:sts::{BASE_ACCOUNT}:assumed-role/pid-mode-rule-role/pid-mode-rule"
ALNUM_UPPER = string.ascii_uppercase + string.digits
ISO_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def _assume_role_members():
    """Top-level input members of AssumeRole in botocore's STS model (unknown ones are warned)."""
    model = botocore.session.get_session().get_service_model("sts")
    return frozenset(model.operation_model("AssumeRole").input_shape.members)


ASSUME_ROLE_MEMBERS = _assume_role_members()


class StsClock:
    """The STS notion of now: wall time plus an offset (``POST /clock``).

    It decides the Expiration of issued credentials and whether they have expired; nothing else
    (SigV4's X-Amz-Date skew check, Config timestamps) uses it.
    """

    def __init__(self):
        self.offset_seconds = 0.0

    def now(self):
        return time.time() + self.offset_seconds

    def view(self):
        now = self.now()
        return {"offsetSeconds": self.offset_seconds, "now": now, "nowIso": iso(now)}


def iso(epoch_seconds):
    """``2026-11-23T02:15:00Z`` (whole seconds, like STS's Expiration)."""
    return time.strftime(ISO_FORMAT, time.gmtime(int(epoch_seconds)))


def _random(alphabet, length):
    return "".join(secrets.choice(alphabet) for _ in range(length))


def new_access_key_id():
    """``ASIA`` + 16 upper-case alphanumerics, like STS temporary key ids."""
    return "ASIA" + _random(ALNUM_UPPER, 16)


def new_secret_access_key():
    """40 characters of base64 (so it may contain ``+`` and ``/``)."""
    return base64.b64encode(secrets.token_bytes(30)).decode("ascii")


def new_session_token():
    """A long base64 token that always contains ``+``, ``/`` and ``=``, like real STS tokens."""
    while True:
        token = "IQoJb3JpZ2luX2Vj" + base64.b64encode(secrets.token_bytes(301)).decode("ascii")
        if "+" in token and "/" in token and token.endswith("="):
            return token


@dataclass
class StsReply:
    """What to answer: ``status`` + XML ``body``, or ``drop`` the connection."""

    status: int = 200
    body: str = ""
    drop: bool = False
    error_code: str = None


class StsError(Exception):
    """A modelled STS query-protocol error (``<ErrorResponse>``)."""

    def __init__(self, code, message, status=400):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status


def error_reply(code, message, status, request_id):
    """The ``<ErrorResponse>`` document of a query-protocol error."""
    kind = "Receiver" if status >= 500 else "Sender"
    body = (f'<ErrorResponse xmlns="{XMLNS}"><Error><Type>{kind}</Type><Code>{escape(code)}</Code>'
            f"<Message>{escape(message)}</Message></Error><RequestId>{request_id}</RequestId>"
            "</ErrorResponse>")
    return StsReply(status, body, error_code=code)


def fault_reply(fault, request_id):
    """The reply of a replacing fault (None for ``drop``, handled by the caller)."""
    kind = fault["kind"]
    if kind == "throttle":
        return error_reply("Throttling", "Rate exceeded", 400, request_id)
    if kind == "http500":
        return error_reply("InternalFailure", "An internal error has occurred.", 500, request_id)
    if kind == "http503":
        return error_reply("ServiceUnavailable", "Service is unable to handle request.", 503,
                           request_id)
    if kind == "error":
        code = fault["type"] if fault["type"] != "AccessDeniedException" else "AccessDenied"
        return error_reply(code, fault["message"], fault["status"], request_id)
    return None


# Query-protocol codes for the verifier's (awsJson-named) SigV4 errors.
SIGV4_CODES = {
    "UnrecognizedClientException": ("InvalidClientTokenId", 403),
    "InvalidSignatureException": ("SignatureDoesNotMatch", 403),
    "IncompleteSignatureException": ("IncompleteSignature", 400),
    "MissingAuthenticationTokenException": ("MissingAuthenticationToken", 403),
    "ExpiredTokenException": ("ExpiredToken", 400),
}


class CredentialStore:
    """Registered roles and the temporary credentials issued for them; thread-safe.

    ``lookup(access_key_id)`` is the Config verifier's resolver.
    """

    def __init__(self, lock, clock):
        self._lock = lock
        self.clock = clock
        self._roles = {}
        self._issued = {}

    # ------------------------------------------------------------------ roles

    def register_role(self, role_arn, trusts=True, max_session_duration=DEFAULT_MAX_SESSION_DURATION):
        """Add or update a role; return its view. The role id stays the same on update."""
        with self._lock:
            old = self._roles.get(role_arn)
            role = {"roleArn": role_arn, "trusts": bool(trusts),
                    "maxSessionDuration": max_session_duration,
                    "roleId": old["roleId"] if old else "AROA" + _random(ALNUM_UPPER, 17),
                    "account": ROLE_ARN_RE.fullmatch(role_arn).group(1)}
            self._roles[role_arn] = role
            return dict(role)

    def role(self, role_arn):
        with self._lock:
            role = self._roles.get(role_arn)
            return dict(role) if role else None

    def roles(self):
        with self._lock:
            return [dict(r) for r in self._roles.values()]

    def clear_roles(self):
        with self._lock:
            self._roles.clear()

    # ------------------------------------------------------------------ credentials

    def issue(self, role, session_name, duration_seconds, seq):
        """Create temporary credentials for ``role`` valid ``duration_seconds`` by the STS clock."""
        expires_at = int(self.clock.now()) + duration_seconds
        role_name = role["roleArn"].rsplit("/", 1)[-1]
        partition = role["roleArn"].split(":")[1]
        with self._lock:
            while True:
                akid = new_access_key_id()
                if akid not in self._issued:
                    break
            record = {"accessKeyId": akid, "secretAccessKey": new_secret_access_key(),
                      "sessionToken": new_session_token(), "roleArn": role["roleArn"],
                      "account": role["account"], "roleSessionName": session_name,
                      "assumedRoleId": f"{role['roleId']}:{session_name}",
                      "assumedRoleArn": f"arn:{partition}:sts::{role['account']}:assumed-role/"
                                        f"{role_name}/{session_name}",
                      "durationSeconds": duration_seconds, "expiresAt": expires_at,
                      "expiration": iso(expires_at), "issuedSeq": seq, "issuedAtMs": wall_ms()}
            self._issued[akid] = record
            return dict(record)

    def lookup(self, access_key_id):
        """The ``Identity`` of issued credentials (``expired`` by the STS clock), or None."""
        with self._lock:
            record = self._issued.get(access_key_id)
            if record is None:
                return None
            return Identity(record["accessKeyId"], record["secretAccessKey"],
                            record["sessionToken"], record["account"], record["roleArn"],
                            record["expiration"], self.clock.now() >= record["expiresAt"])

    def issued(self):
        """Every issued credential, oldest first, with ``expired`` by the STS clock."""
        with self._lock:
            now = self.clock.now()
            return [{**r, "expired": now >= r["expiresAt"]} for r in self._issued.values()]


class StsService(RecordedService):
    """HTTP-agnostic core of the fake STS endpoint; thread-safe. The request pipeline is
    ``aws_endpoint.RecordedService.handle``; this class supplies the query protocol, the
    AssumeRole parameter validation and the issuing of credentials."""

    CALL_EVENT = "sts-call"
    REPLY_EVENT = "sts-reply"
    REPLY = StsReply

    def __init__(self, journal, verifier, faults, store, log=None):
        """``verifier``: SigV4Verifier for service ``sts`` (base credentials only); ``faults``:
        FaultQueues keyed by Action; ``store``: CredentialStore; ``log``: callable(str) or None."""
        super().__init__(journal, verifier, faults, log)
        self.store = store

    # ------------------------------------------------------------------ pipeline hooks

    def _open_call(self, request):
        """Create, journal and store the call record; return ``(call, params, StsError|None)``."""
        headers = {n.lower(): v for n, v in request.headers}
        params, protocol_error = parse_request(request, headers)
        action = params.get("Action") if params else None
        call = {
            "seq": None, "operation": action, "traceHeader": headers.get("x-amzn-trace-id"),
            "signature": None, "signedHeaders": None, "account": None, "principal": None,
            "params": params, "roleArn": (params or {}).get("RoleArn"),
            "modelErrors": [], "warnings": [], "status": None, "fault": None, "errorType": None,
            "receivedAtMs": wall_ms(), "completedSeq": None, "dropped": False,
            "userAgent": headers.get("user-agent"), "requestId": str(uuid.uuid4()),
            "result": None,
            "rawBody": None if params is not None else request.body.decode("utf-8", "replace")[:2000],
        }
        self._store_call(call, request)
        return call, params, protocol_error

    def _validate(self, call, params):
        """AssumeRole's parameters; a violation is answered with 400 ``ValidationError``."""
        errors, warnings = validate_assume_role(params)
        rejection = None
        if errors:
            rejection = error_reply("ValidationError", format_validation_message(errors), 400,
                                    call["requestId"])
        return errors, warnings, rejection

    def _pop_fault(self, call):
        """The fault queued for the Action (only served Actions have queues)."""
        return self.faults.pop(call["operation"]) if call["operation"] in OPERATIONS else None

    def _fault_reply(self, call, fault):
        return fault_reply(fault, call["requestId"])

    def _error_reply(self, call, error):
        return error_reply(error.code, error.message, error.status, call["requestId"])

    def _signature_reply(self, call, error):
        """The verifier's (awsJson-named) error under its query-protocol code (``SIGV4_CODES``)."""
        code, status = SIGV4_CODES.get(error.code, (error.code, error.status))
        return error_reply(code, error.message, status, call["requestId"])

    def _answer(self, call, params, identity, fault):
        """AssumeRole; a refusal (StsError) becomes its error reply."""
        try:
            return self._assume_role(call, params, identity)
        except StsError as exc:
            return error_reply(exc.code, exc.message, exc.status, call["requestId"])

    def _summary(self, call):
        """One brief log line for a finished call."""
        status = "dropped" if call["dropped"] else call["status"]
        return (f"sts #{call['seq']} {call['operation']} {call['roleArn']} -> {status} "
                f"sig={call['signature']}{summary_flags(call)}")

    def internal_failure_reply(self):
        return error_reply("InternalFailure", "emulator bug", 500, str(uuid.uuid4()))

    def _assume_role(self, call, params, identity):
        """Authorise and issue; return the ``AssumeRoleResponse`` reply (or raise StsError)."""
        role_arn = params["RoleArn"]
        role = self.store.role(role_arn)
        caller = BASE_CALLER_ARN if identity.principal == BASE_PRINCIPAL else identity.principal
        if role is None or not role["trusts"]:
            raise StsError("AccessDenied", f"User: {caller} is not authorized to perform: "
                                           f"sts:AssumeRole on resource: {role_arn}", 403)
        duration = int(params.get("DurationSeconds", DEFAULT_DURATION))
        if duration > role["maxSessionDuration"]:
            raise StsError("ValidationError", "The requested DurationSeconds exceeds the "
                                              "MaxSessionDuration set for this role.")
        issued = self.store.issue(role, params["RoleSessionName"], duration, call["seq"])
        self._update(call, result={
            "accessKeyId": issued["accessKeyId"], "account": issued["account"],
            "roleArn": role_arn, "assumedRoleArn": issued["assumedRoleArn"],
            "durationSeconds": duration, "expiration": issued["expiration"]})
        body = (f'<AssumeRoleResponse xmlns="{XMLNS}"><AssumeRoleResult><AssumedRoleUser>'
                f"<AssumedRoleId>{escape(issued['assumedRoleId'])}</AssumedRoleId>"
                f"<Arn>{escape(issued['assumedRoleArn'])}</Arn></AssumedRoleUser><Credentials>"
                f"<AccessKeyId>{issued['accessKeyId']}</AccessKeyId>"
                f"<SecretAccessKey>{escape(issued['secretAccessKey'])}</SecretAccessKey>"
                f"<SessionToken>{escape(issued['sessionToken'])}</SessionToken>"
                f"<Expiration>{issued['expiration']}</Expiration></Credentials></AssumeRoleResult>"
                f"<ResponseMetadata><RequestId>{call['requestId']}</RequestId></ResponseMetadata>"
                "</AssumeRoleResponse>")
        return StsReply(200, body)


def parse_request(request, headers):
    """Decode the form body: ``(params dict or None, StsError or None)``.

    Protocol rules: ``POST /``; Content-Type ``application/x-www-form-urlencoded`` (parameters
    such as ``charset=utf-8`` allowed); a UTF-8 form body without repeated names; ``Action``
    present and served; ``Version`` = 2011-06-15.
    """
    if request.method != "POST" or request.path.split("?")[0] != "/":
        return None, StsError("InvalidAction", f"{request.method} {request.path}: only POST / "
                                               "with a form body is served", 404)
    content_type = headers.get("content-type", "")
    if content_type.split(";")[0].strip().lower() != FORM_CONTENT_TYPE:
        return None, StsError("MalformedQueryString",
                              f"Content-Type must be {FORM_CONTENT_TYPE}, got {content_type!r}")
    try:
        pairs = parse_qsl(request.body.decode("utf-8"), keep_blank_values=True,
                          strict_parsing=bool(request.body))
    except (UnicodeDecodeError, ValueError) as exc:
        return None, StsError("MalformedQueryString", f"body is not a valid form: {exc}")
    params = {}
    for name, value in pairs:
        if name in params:
            return None, StsError("MalformedQueryString", f"parameter {name!r} is repeated")
        params[name] = value
    action = params.get("Action")
    if not action:
        return params, StsError("MissingAction", "Missing Action")
    version = params.get("Version") or "NO_VERSION_SPECIFIED"
    if action not in OPERATIONS or version != API_VERSION:
        return params, StsError("InvalidAction",
                                f"Could not find operation {action} for version {version}")
    return params, None


def _string_member_error(value, member, min_length, max_length, regex, pattern_constraint):
    """The validation error of a required string member (presence, then length, then
    ``regex``, whose failure is reported as ``Member must <pattern_constraint>``), or None."""
    prefix = f"Value '{value}' at '{member}' failed to satisfy constraint: Member must"
    if value is None:
        return f"Value null at '{member}' failed to satisfy constraint: Member must not be null"
    if not min_length <= len(value) <= max_length:
        bound = (f"greater than or equal to {min_length}" if len(value) < min_length
                 else f"less than or equal to {max_length}")
        return f"{prefix} have length {bound}"
    if not regex.fullmatch(value):
        return f"{prefix} {pattern_constraint}"
    return None


def validate_assume_role(params):
    """``(errors, warnings)`` for AssumeRole's parameters, in AWS's validation-message style."""
    errors, warnings = [], []
    for error in (
            _string_member_error(params.get("RoleArn"), "roleArn", 20, 2048, ROLE_ARN_RE,
                                 f"be an IAM role ARN matching {ROLE_ARN_PATTERN}"),
            _string_member_error(params.get("RoleSessionName"), "roleSessionName", 2, 64,
                                 SESSION_NAME_RE,
                                 r"satisfy regular expression pattern: [\w+=,.@-]*")):
        if error is not None:
            errors.append(error)
    duration = params.get("DurationSeconds")
    if duration is not None:
        if not re.fullmatch(r"-?\d{1,12}", duration):
            errors.append(f"Value '{duration}' at 'durationSeconds' failed to satisfy constraint: "
                          "Member must be an integer")
        elif int(duration) < MIN_DURATION:
            errors.append(f"Value '{duration}' at 'durationSeconds' failed to satisfy constraint: "
                          f"Member must have value greater than or equal to {MIN_DURATION}")
        elif int(duration) > MAX_DURATION:
            errors.append(f"Value '{duration}' at 'durationSeconds' failed to satisfy constraint: "
                          f"Member must have value less than or equal to {MAX_DURATION}")
    for key in params:
        if key not in ("Action", "Version") and key.split(".")[0] not in ASSUME_ROLE_MEMBERS:
            warnings.append(f"unknown AssumeRole parameter {key!r} (not in the STS model)")
    return errors, warnings


class StsHandler(EndpointHandler):
    """HTTP adapter: reads the request, delegates to ``server.sts_service``, writes the reply."""

    SERVICE_ATTRIBUTE = "sts_service"

    def send_reply(self, reply, headers=()):
        """The XML body as ``text/xml``."""
        self.send_bytes(reply.status, reply.body.encode("utf-8"), XML_CONTENT_TYPE, headers=headers)
