"""Validation of awsJson1_1 request bodies against the botocore service model.

AWS answers constraint violations with HTTP 400 ``ValidationException``, message e.g.::

    1 validation error detected: Value '...' at 'evaluations.1.member.annotation' failed to
    satisfy constraint: Member must have length less than or equal to 256

botocore's ``ParamValidator`` checks Python parameters (no max lengths, no enums, datetime
timestamps), so this module walks the shape itself over the *wire* values: required members,
unknown members, JSON types (timestamps are epoch-second numbers), min/max (string lengths in
UTF-16 code units, list/map sizes, integer ranges) and enums. ``ParamValidator`` is then run on
the converted parameters as a second opinion; anything it finds that the walker missed is
reported too (prefixed ``botocore:``).
"""

import datetime
import json
import time

from botocore.model import ServiceModel
from botocore.validate import ParamValidator

# Timestamps outside this window are accepted (AWS would) but reported as warnings: they are
# the signature of epoch *milliseconds* or Swift reference-date (2001) seconds on the wire.
PLAUSIBLE_EPOCH_MIN = 1_104_537_600  # 2005-01-01


def utf16_len(text):
    """Length of ``text`` in UTF-16 code units (what AWS length constraints count)."""
    return len(text.encode("utf-16-le")) // 2


def member_path(parent, member_name):
    """AWS-style path of a structure member: lower-camel name, dotted under its parent."""
    name = member_name[:1].lower() + member_name[1:]
    return f"{parent}.{name}" if parent else name


def render_value(value):
    """Render a wire value the way AWS messages do (``'text'``, ``null``, abbreviated JSON)."""
    if value is None:
        return "null"
    if isinstance(value, str):
        text = value
    elif isinstance(value, list):
        text = f"[{len(value)} elements]"
    elif isinstance(value, dict):
        text = "{" + ", ".join(list(value)[:5]) + ("..." if len(value) > 5 else "") + "}"
    else:
        text = json.dumps(value)
    if len(text) > 300:
        text = text[:300] + "..."
    return f"'{text}'"


def format_validation_message(errors):
    """Join violation texts into AWS's ``N validation error(s) detected: ...`` message."""
    noun = "error" if len(errors) == 1 else "errors"
    return f"{len(errors)} validation {noun} detected: " + "; ".join(errors)


class ShapeWalker:
    """Validates one wire value against a botocore shape; collects errors and warnings.

    After ``walk``, ``errors`` holds AWS-style violation texts, ``warnings`` plausibility notes,
    and the return value is the value converted to botocore Python params (timestamps ->
    datetime) for ``ParamValidator``.
    """

    def __init__(self):
        self.errors = []
        self.warnings = []

    def walk(self, value, shape, path):
        """Validate ``value`` (not None) against ``shape`` at ``path``; return converted value."""
        handler = getattr(self, f"_walk_{shape.type_name}", None)
        if handler is None:  # blob, document, ... : not used by the operations we serve
            return value
        return handler(value, shape, path)

    def _fail(self, value, path, constraint):
        """Record one violation in AWS's wording."""
        self.errors.append(f"Value {render_value(value)} at '{path}' failed to satisfy "
                           f"constraint: {constraint}")

    def _type_error(self, value, path, expected):
        """Record a JSON type mismatch; always returns False."""
        self._fail(value, path, f"Member must be {expected}")
        return False

    def _walk_structure(self, value, shape, path):
        if not isinstance(value, dict):
            return self._type_error(value, path, "a JSON object") and value
        converted = {}
        for name in shape.required_members:
            if value.get(name) is None:
                self._fail(None, member_path(path, name), "Member must not be null")
        for name, item in value.items():
            if name not in shape.members:
                self._fail(item, member_path(path, name),
                           f"Member is not defined in the model (unknown member '{name}')")
                continue
            if item is None:
                continue  # JSON null for an optional member means "absent"
            converted[name] = self.walk(item, shape.members[name], member_path(path, name))
        return converted

    def _walk_list(self, value, shape, path):
        if not isinstance(value, list):
            return self._type_error(value, path, "a JSON array") and value
        self._check_range(value, len(value), shape, path, "length")
        converted = []
        for index, item in enumerate(value, start=1):
            item_path = f"{path}.{index}.member"
            if item is None:
                self._fail(None, item_path, "Member must not be null")
                continue
            converted.append(self.walk(item, shape.member, item_path))
        return converted

    def _walk_map(self, value, shape, path):
        if not isinstance(value, dict):
            return self._type_error(value, path, "a JSON object") and value
        self._check_range(value, len(value), shape, path, "length")
        converted = {}
        for key, item in value.items():
            self.walk(key, shape.key, f"{path}.{key}.key")
            if item is not None:
                converted[key] = self.walk(item, shape.value, f"{path}.{key}.value")
        return converted

    def _walk_string(self, value, shape, path):
        if not isinstance(value, str):
            return self._type_error(value, path, "a JSON string") and value
        self._check_range(value, utf16_len(value), shape, path, "length")
        if shape.enum and value not in shape.enum:
            shown = shape.enum if len(shape.enum) <= 20 else shape.enum[:20] + [
                f"... {len(shape.enum) - 20} more"]
            self._fail(value, path, f"Member must satisfy enum value set: [{', '.join(shown)}]")
        return value

    def _walk_integer(self, value, shape, path):
        if isinstance(value, bool) or not isinstance(value, int):
            return self._type_error(value, path, "a JSON integer") and value
        self._check_range(value, value, shape, path, "value")
        return value

    _walk_long = _walk_integer

    def _walk_boolean(self, value, shape, path):
        if not isinstance(value, bool):
            return self._type_error(value, path, "a JSON boolean (true/false)") and value
        return value

    def _walk_double(self, value, shape, path):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return self._type_error(value, path, "a JSON number") and value
        return value

    _walk_float = _walk_double

    def _walk_timestamp(self, value, shape, path):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return self._type_error(value, path,
                                    "a timestamp as epoch seconds (a JSON number, not a string)") and value
        upper = time.time() + 366 * 86400
        if not PLAUSIBLE_EPOCH_MIN <= value <= upper:
            self.warnings.append(f"timestamp {value!r} at '{path}' is not plausible epoch seconds "
                                 "(epoch milliseconds? reference-date seconds?)")
            value = 0  # a valid number on the wire: give botocore a datetime it can check
        return datetime.datetime.fromtimestamp(value, tz=datetime.timezone.utc)

    def _check_range(self, value, measured, shape, path, what):
        """Apply the shape's ``min``/``max`` to ``measured`` (a length or an integer value)."""
        low, high = shape.metadata.get("min"), shape.metadata.get("max")
        if low is not None and measured < low:
            self._fail(value, path, f"Member must have {what} greater than or equal to {low}")
        if high is not None and measured > high:
            self._fail(value, path, f"Member must have {what} less than or equal to {high}")


class ModelChecker:
    """Loads one service model and validates operation inputs against it."""

    def __init__(self, service_model_path, service_name="config"):
        """Load ``service-2.json`` (uncompressed) from ``service_model_path``."""
        with open(service_model_path, "r", encoding="utf-8") as handle:
            self.model = ServiceModel(json.load(handle), service_name=service_name)
        self.target_prefix = self.model.metadata.get("targetPrefix")

    def has_operation(self, operation):
        """True if the model defines ``operation``."""
        return operation in self.model.operation_names

    def validate_input(self, operation, body):
        """Validate a parsed request body; return ``(errors, warnings)`` (lists of str)."""
        shape = self.model.operation_model(operation).input_shape
        if shape is None:
            return ([] if body in (None, {}) else ["operation takes no input"]), []
        walker = ShapeWalker()
        params = walker.walk(body, shape, "")
        errors = list(walker.errors)
        if not errors:
            errors.extend(self._botocore_opinion(params, shape))
        return errors, walker.warnings

    @staticmethod
    def _botocore_opinion(params, shape):
        """Run botocore's ParamValidator on converted params; return its complaints, prefixed."""
        report = ParamValidator().validate(params, shape)
        if not report.has_errors():
            return []
        return [f"botocore: {line.strip()}" for line in report.generate_report().splitlines()
                if line.strip() and not line.startswith("Invalid number of parameters")]
