"""Fake AWS Systems Manager Parameter Store endpoint (awsJson1_1, ``GetParameter`` only).

The steps are run by the pipeline shared with the fake Config and STS
(``aws_endpoint.RecordedService``); this module supplies the SSM-specific parts. Order of
processing for every ``POST /``:

1. the call is recorded at once (journal seq, trace header, body) with ``status: null``;
2. protocol (method, path, ``X-Amz-Target: AmazonSSM.<Operation>``, Content-Type, JSON), SigV4
   (service ``ssm``, the emulator's **base** credentials only: the registry is read with the
   function's own credentials, never a member account's) and validation against botocore's SSM
   model are evaluated and recorded; the call records ``account`` and ``principal``;
3. a queued fault for ``GetParameter`` (else ``"*"``) is consumed: ``drop``/``throttle``/
   ``http500``/``http503``/``error`` replace the answer, ``slow`` delays it (an ``error`` fault
   with ``"type": "AccessDeniedException"`` is how a test denies access);
4. otherwise the first failed check answers (protocol 400, SigV4 403, model 400
   ``ValidationException``), then a parameter that does not exist is 400 ``ParameterNotFound``,
   else its newest version is returned (``Name`` may be the name or its ARN, as SSM accepts);
5. the record gets its ``result``, ``status`` and ``completedSeq`` just before the reply.

Parameters are set through the control API (``POST /ssm/parameters``); every put adds a
version, as ``PutParameter`` does, so tests can show the audit trail.
"""

import re
import uuid

from .aws_endpoint import RecordedService, summary_flags
from .config_ops import ConfigApiError
from .fake_config import ConfigHandler, ConfigReply, ConfigService
from .journal import wall_ms
from .model_check import format_validation_message

OPERATIONS = ("GetParameter",)
PARAMETER_TYPES = ("String", "StringList", "SecureString")
ARN_RE = re.compile(r"^arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:parameter(/.*)$")
NAME_RE = re.compile(r"^[A-Za-z0-9_.\-/]{1,2048}$")


class ParameterStore:
    """Parameters by name, each a list of versions; thread-safe (the shared journal lock)."""

    def __init__(self, lock, region, account):
        self._lock = lock
        self.region = region
        self.account = account
        self._parameters = {}

    def put(self, name, value, type_="String", key_id=None):
        """Add a version of ``name`` (created when new); return its view."""
        if not isinstance(name, str) or not NAME_RE.fullmatch(name):
            raise ValueError(f"name must be an SSM parameter name ([A-Za-z0-9_.-/], 1-2048): {name!r}")
        if not isinstance(value, str):
            raise ValueError("value must be a string (the parameter's text)")
        if type_ not in PARAMETER_TYPES:
            raise ValueError(f"type must be one of {PARAMETER_TYPES}: {type_!r}")
        with self._lock:
            versions = self._parameters.setdefault(name, [])
            versions.append({"Name": name, "Type": type_, "Value": value, "Version": len(versions) + 1,
                             "LastModifiedDate": wall_ms() / 1000.0, "ARN": self.arn(name),
                             "DataType": "text", "keyId": key_id})
            return dict(versions[-1])

    def delete(self, name):
        with self._lock:
            return self._parameters.pop(name, None) is not None

    def clear(self):
        with self._lock:
            self._parameters.clear()

    def arn(self, name):
        path = name if name.startswith("/") else "/" + name
        return f"arn:aws:ssm:{self.region}:{self.account}:parameter{path}"

    def resolve(self, name_or_arn):
        """The newest version of a parameter given by name or ARN, or None."""
        match = ARN_RE.fullmatch(name_or_arn)
        with self._lock:
            if match:
                path = match.group(1)
                for name, versions in self._parameters.items():
                    if self.arn(name) == name_or_arn or name == path:
                        return dict(versions[-1])
                return None
            versions = self._parameters.get(name_or_arn)
            return dict(versions[-1]) if versions else None

    def history(self):
        """Every parameter with all its versions (the audit trail ``GetParameterHistory`` shows)."""
        with self._lock:
            return {name: [dict(v) for v in versions] for name, versions in self._parameters.items()}


class SsmService(ConfigService):
    """HTTP-agnostic core of the fake SSM endpoint; thread-safe. The fake Config's awsJson
    protocol checks and call records (``fake_config.ConfigService``), with SSM's own validation
    and answer."""

    CALL_EVENT = "ssm-call"
    REPLY_EVENT = "ssm-reply"
    OPERATIONS = OPERATIONS
    SERVICE_LABEL = "SSM"
    LOG_NAME = "ssm"

    def __init__(self, journal, verifier, model, faults, store, log=None):
        """``verifier``: SigV4Verifier for service ``ssm`` (base credentials only); ``model``:
        ModelChecker over botocore's SSM model; ``faults``: FaultQueues keyed by operation;
        ``store``: ParameterStore."""
        super().__init__(journal, verifier, model, faults, data=None, log=log)
        self.store = store

    def clear(self):
        """Forget recorded calls (the parameters are kept; ``ParameterStore.clear`` empties it)."""
        RecordedService.clear(self)

    def _open_call(self, request):
        """The fake Config's record and protocol checks, plus the requested ``name``."""
        call, context, protocol_error = super()._open_call(request)
        body = call["body"]
        self._update(call, name=body.get("Name") if isinstance(body, dict) else None)
        return call, context, protocol_error

    def _validate(self, call, context):
        errors, warnings = self.model.validate_input(call["operation"], call["body"])
        if call["body"].get("WithDecryption") is not True:
            warnings.append("WithDecryption is not true: a SecureString registry would come back "
                            "encrypted")
        if errors:
            return errors, warnings, _error_reply(ConfigApiError(
                "ValidationException", format_validation_message(errors)))
        return errors, warnings, None

    def _answer(self, call, context, identity, fault):
        name = call["body"]["Name"]
        parameter = self.store.resolve(name)
        if parameter is None:
            return ConfigReply(400, {"__type": "ParameterNotFound", "message": ""})
        self._update(call, result={"name": parameter["Name"], "version": parameter["Version"],
                                   "type": parameter["Type"]})
        reply = {key: parameter[key] for key in ("Name", "Type", "Value", "Version",
                                                 "LastModifiedDate", "ARN", "DataType")}
        if parameter["Type"] == "SecureString" and call["body"].get("WithDecryption") is not True:
            reply["Value"] = "AQICAHh-encrypted-" + uuid.uuid4().hex  # what SSM returns undecrypted
        return ConfigReply(200, {"Parameter": reply})

    def _summary(self, call):
        status = "dropped" if call["dropped"] else call["status"]
        return (f"ssm #{call['seq']} {call['operation']} {call['name']} -> {status} "
                f"sig={call['signature']}{summary_flags(call)}")

    def internal_failure_reply(self):
        return ConfigReply(500, {"__type": "InternalServerError", "message": "emulator bug"})


def _error_reply(error):
    return ConfigReply(error.status, error.body())


class SsmHandler(ConfigHandler):
    """HTTP adapter: reads the request, delegates to ``server.ssm_service``, writes the reply."""

    SERVICE_ATTRIBUTE = "ssm_service"
