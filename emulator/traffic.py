"""Traffic model of the fake Config endpoint: per-operation latency and throttling, so sweep timings
are measured under AWS-like conditions instead of loopback speed.

A model is a dict of per-operation settings (key: an operation name, or ``"*"`` for every
operation without its own entry)::

    {"latencyMs": 100,            total service time of a call (the emulator's own work included)
     "jitterMs": 0,               + uniform random 0..jitterMs
     "ratePerSecond": 0,          token bucket: sustained calls per second (0 = unlimited) ...
     "burst": 0,                  ... and its capacity (default: ratePerSecond)
     "throttleProbability": 0.0,  each call throttled with this probability
     "storm": {"everyMs": 0, "durationMs": 0}}   every everyMs, throttle all calls for durationMs

A throttled call is answered 400 ``ThrottlingException`` "Rate exceeded" (after its latency), exactly
like the ``throttle`` fault; explicitly queued faults are consumed first. Presets (``PRESETS``) are
selected with ``--traffic NAME`` on the CLI or ``POST /traffic {"preset": NAME}``.
"""

import copy
import random
import threading
import time

_MID = {
    "ListDiscoveredResources": {"latencyMs": 100},
    "BatchGetResourceConfig": {"latencyMs": 250},
    "PutEvaluations": {"latencyMs": 100},
    "GetComplianceDetailsByConfigRule": {"latencyMs": 100},
    "GetResourceConfigHistory": {"latencyMs": 100},
}

PRESETS = {
    # Loopback speed: no added latency, no throttling (the default).
    "none": {},
    # AWS-like latencies (issue 14): list/put 100 ms, batch read 250 ms.
    "mid": _MID,
    # Slow APIs: twice the mid latencies.
    "slow": {op: {"latencyMs": s["latencyMs"] * 2} for op, s in _MID.items()},
    # Mid latencies plus a throttling storm: 10 % of all calls throttled at random, and every
    # 3 s all calls throttled for 400 ms.
    "storm": {**{op: dict(s) for op, s in _MID.items()},
              "*": {"throttleProbability": 0.1, "storm": {"everyMs": 3000, "durationMs": 400}}},
}

SETTING_KEYS = {"latencyMs", "jitterMs", "ratePerSecond", "burst", "throttleProbability", "storm"}


class TrafficModelError(ValueError):
    """A traffic model given through the CLI or the control API is not understood."""


def normalize_model(spec):
    """A validated deep copy of ``spec``: a preset name, ``{"preset": name, "operations": {...}}``,
    or a bare ``{operation: settings}`` dict. Unknown keys or bad values raise TrafficModelError."""
    if isinstance(spec, str):
        if spec not in PRESETS:
            raise TrafficModelError(f"unknown traffic preset {spec!r}; presets: {sorted(PRESETS)}")
        return copy.deepcopy(PRESETS[spec])
    if not isinstance(spec, dict):
        raise TrafficModelError(f"traffic model must be a preset name or an object, got {spec!r}")
    if "preset" in spec or "operations" in spec:
        model = normalize_model(spec.get("preset", "none"))
        for operation, settings in (spec.get("operations") or {}).items():
            model[operation] = {**model.get(operation, {}), **_settings(operation, settings)}
        return model
    return {operation: _settings(operation, settings) for operation, settings in spec.items()}


def _settings(operation, settings):
    if not isinstance(settings, dict) or not set(settings) <= SETTING_KEYS:
        raise TrafficModelError(f"settings of {operation!r} must be an object with keys among "
                                f"{sorted(SETTING_KEYS)}, got {settings!r}")
    result = copy.deepcopy(settings)
    for key in ("latencyMs", "jitterMs", "ratePerSecond", "burst"):
        value = result.get(key, 0)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise TrafficModelError(f"{operation}.{key} must be a non-negative number, got {value!r}")
    probability = result.get("throttleProbability", 0)
    if isinstance(probability, bool) or not isinstance(probability, (int, float)) or not 0 <= probability <= 1:
        raise TrafficModelError(f"{operation}.throttleProbability must be within 0..1, got {probability!r}")
    storm = result.get("storm", {})
    if not isinstance(storm, dict) or not set(storm) <= {"everyMs", "durationMs"} or any(
            isinstance(v, bool) or not isinstance(v, (int, float)) or v < 0 for v in storm.values()):
        raise TrafficModelError(f"{operation}.storm must be {{everyMs, durationMs}} (non-negative), got {storm!r}")
    return result


class TrafficModel:
    """The active model plus its token buckets and counters; thread-safe."""

    def __init__(self, spec="none", seed=None):
        self._lock = threading.Lock()
        self._default = normalize_model(spec)
        self._random = random.Random(seed)
        self.set(self._default)

    def set(self, spec):
        """Replace the model (buckets start full, counters at zero)."""
        model = normalize_model(spec)
        with self._lock:
            self._model = model
            self._buckets = {}
            self._started = time.monotonic()
            self._counters = {}

    def reset(self):
        """Back to the model the emulator was started with."""
        self.set(self._default)

    def snapshot(self):
        """``{"operations": model, "counters": {op: {"calls", "throttled"}}}``."""
        with self._lock:
            return {"operations": copy.deepcopy(self._model), "counters": copy.deepcopy(self._counters)}

    def _settings(self, operation):
        return self._model.get(operation) or self._model.get("*") or {}

    def _merged(self, operation):
        """The operation's own settings over the ``"*"`` ones."""
        return {**self._model.get("*", {}), **self._model.get(operation, {})}

    def admit(self, operation):
        """Decide one call: return ``(throttled, latency_seconds)``."""
        with self._lock:
            settings = self._merged(operation)
            counters = self._counters.setdefault(operation or "?", {"calls": 0, "throttled": 0})
            counters["calls"] += 1
            now = time.monotonic()
            throttled = self._storming(settings, now) or self._random.random() < settings.get("throttleProbability", 0)
            if not throttled and settings.get("ratePerSecond", 0) > 0:
                throttled = not self._take_token(operation, settings, now)
            if throttled:
                counters["throttled"] += 1
            latency = settings.get("latencyMs", 0) + self._random.uniform(0, settings.get("jitterMs", 0))
            return throttled, latency / 1000.0

    def _storming(self, settings, now):
        storm = settings.get("storm") or {}
        every, duration = storm.get("everyMs", 0), storm.get("durationMs", 0)
        if every <= 0 or duration <= 0:
            return False
        return ((now - self._started) * 1000.0) % every >= every - duration

    def _take_token(self, operation, settings, now):
        rate = settings["ratePerSecond"]
        capacity = settings.get("burst") or rate
        tokens, last = self._buckets.get(operation, (capacity, now))
        tokens = min(capacity, tokens + (now - last) * rate)
        if tokens >= 1:
            self._buckets[operation] = (tokens - 1, now)
            return True
        self._buckets[operation] = (tokens, now)
        return False
