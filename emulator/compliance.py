"""Per-rule compliance results (what GetComplianceDetailsByConfigRule reports) and page tokens.

PutEvaluations carries no rule name, only a ResultToken, so the store maps result tokens to rules:
through the control API (``POST /result-tokens``) or automatically when ``/invoke`` queues an event
that has both ``configRuleName`` and ``resultToken``. A non-TestMode PutEvaluations whose token is
mapped upserts each accepted evaluation into that rule's results: the entry with the newer (or equal)
OrderingTimestamp wins. NOT_APPLICABLE results are kept as such, so a ComplianceTypes filter of
[COMPLIANT, NON_COMPLIANT] no longer returns them.
"""

import base64
import collections
import copy
import secrets
import time

COMPLIANCE_TYPES = ("COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE", "INSUFFICIENT_DATA")


def now_seconds():
    """Wall-clock epoch seconds with millisecond precision."""
    return round(time.time(), 3)


class ComplianceError(ValueError):
    """A bad control request about compliance results."""


def normalize_result(raw, where="result"):
    """A seeded result ``{resourceType, resourceId, complianceType, orderingTimestamp,
    annotation?, resultRecordedTime?, configRuleInvokedTime?}`` checked and copied."""
    if not isinstance(raw, dict):
        raise ComplianceError(f"{where}: not a JSON object")
    for name in ("resourceType", "resourceId"):
        if not isinstance(raw.get(name), str) or not raw[name]:
            raise ComplianceError(f"{where}: {name} must be a non-empty string")
    if raw.get("complianceType") not in COMPLIANCE_TYPES:
        raise ComplianceError(f"{where}: complianceType must be one of {COMPLIANCE_TYPES}")
    result = {"resourceType": raw["resourceType"], "resourceId": raw["resourceId"],
              "complianceType": raw["complianceType"]}
    for name in ("orderingTimestamp", "resultRecordedTime", "configRuleInvokedTime"):
        value = raw.get(name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ComplianceError(f"{where}: {name} must be epoch seconds (a number)")
        result[name] = value
    result.setdefault("orderingTimestamp", now_seconds())
    result.setdefault("resultRecordedTime", result["orderingTimestamp"])
    result.setdefault("configRuleInvokedTime", result["orderingTimestamp"])
    if raw.get("annotation") is not None:
        result["annotation"] = str(raw["annotation"])
    result["source"] = "seed"
    return result


class RuleResults:
    """One rule's results: latest per ``(resourceType, resourceId)``, in first-seen order."""

    __slots__ = ("entries", "order", "generation")

    def __init__(self, generation):
        self.entries = {}
        self.order = []
        self.generation = generation

    def set(self, entry):
        key = (entry["resourceType"], entry["resourceId"])
        if key not in self.entries:
            self.order.append(key)
        self.entries[key] = entry


class ComplianceStore:
    """Results per rule name plus the result-token -> rule map; thread-safe (shared lock)."""

    def __init__(self, lock, defaults=None):
        """``defaults``: ``{ruleName: [results]}`` restored by ``reset`` (token maps are cleared)."""
        self._lock = lock
        self._defaults = {rule: [normalize_result(r) for r in results]
                          for rule, results in (defaults or {}).items()}
        self._generation = 0
        self._reset_locked()

    def _reset_locked(self):
        self._rules = {}
        self._tokens = {}
        for rule, results in self._defaults.items():
            store = self._rule_locked(rule, create=True)
            for result in results:
                store.set(dict(result))

    def _rule_locked(self, rule, create=False):
        store = self._rules.get(rule)
        if store is None and create:
            self._generation += 1
            store = self._rules[rule] = RuleResults(self._generation)
        return store

    def reset(self):
        """Restore the default results; forget every token mapping."""
        with self._lock:
            self._reset_locked()

    # ------------------------------------------------------------------ control side

    def map_token(self, result_token, rule, invoked_at_ms=None):
        """Results of PutEvaluations with ``result_token`` go to ``rule`` (created, empty, if new)."""
        with self._lock:
            self._tokens[result_token] = {"configRuleName": rule, "invokedAtMs": invoked_at_ms}
            self._rule_locked(rule, create=True)

    def token_map(self):
        with self._lock:
            return {token: dict(value) for token, value in self._tokens.items()}

    def rule_for_token(self, result_token):
        """``(rule name, invoked-at ms or None)`` for a mapped token, else ``(None, None)``."""
        with self._lock:
            value = self._tokens.get(result_token)
            return (value["configRuleName"], value["invokedAtMs"]) if value else (None, None)

    def seed(self, rule, results, replace=False):
        """Set results verbatim (no timestamp comparison); ``replace`` forgets the rule's others."""
        with self._lock:
            if replace and rule in self._rules:
                del self._rules[rule]
            store = self._rule_locked(rule, create=True)
            for result in results:
                store.set(dict(result))
            return len(store.entries)

    def snapshot(self, rule=None):
        """``{ruleName: [entries in order]}`` (one rule, or all)."""
        with self._lock:
            names = [rule] if rule is not None else list(self._rules)
            return {name: [copy.deepcopy(self._rules[name].entries[key])
                           for key in self._rules[name].order]
                    for name in names if name in self._rules}

    # ------------------------------------------------------------------ operations

    def upsert(self, rule, entry):
        """Record one evaluation result unless a stored one has a newer OrderingTimestamp.

        Returns True if stored.
        """
        with self._lock:
            store = self._rule_locked(rule, create=True)
            key = (entry["resourceType"], entry["resourceId"])
            current = store.entries.get(key)
            if current is not None and current["orderingTimestamp"] > entry["orderingTimestamp"]:
                return False
            store.set(entry)
            return True

    def page(self, rule, types, start, limit):
        """One page: ``(entries, next start or None, rule generation)``; KeyError if no such rule.

        ``start`` is an index into the rule's first-seen order (stable while results are updated).
        """
        wanted = set(types)
        with self._lock:
            store = self._rules[rule]
            page = []
            for index in range(start, len(store.order)):
                entry = store.entries[store.order[index]]
                if entry["complianceType"] not in wanted:
                    continue
                if len(page) == limit:
                    return page, index, store.generation
                page.append(entry)
            return page, None, store.generation

    def generation(self, rule):
        with self._lock:
            store = self._rules.get(rule)
            return store.generation if store else None


class PageTokens:
    """Opaque next tokens, each bound to the request parameters it was issued for.

    A token resolves only with an equal binding (operation, filters, page size, data generation);
    anything else is an InvalidNextTokenException. Tokens are reusable until reset.
    """

    MAX_TOKENS = 200_000

    def __init__(self, lock):
        self._lock = lock
        self._tokens = collections.OrderedDict()

    def issue(self, binding, position):
        """A new token for resuming at ``position`` under ``binding`` (a hashable tuple)."""
        # Like real tokens: long base64 that includes '+', '/' or '=' now and then.
        token = base64.b64encode(secrets.token_bytes(94)).decode("ascii")
        with self._lock:
            self._tokens[token] = (binding, position)
            while len(self._tokens) > self.MAX_TOKENS:
                self._tokens.popitem(last=False)
        return token

    def resolve(self, token, binding):
        """``(position, None)`` or ``(None, reason)``."""
        with self._lock:
            found = self._tokens.get(token)
        if found is None:
            return None, "unknown token"
        issued_for, position = found
        if issued_for != binding:
            differences = [f"{name} {want!r} vs {got!r}" for (name, want), (_, got)
                           in zip(issued_for, binding) if want != got]
            return None, "issued for other parameters: " + "; ".join(differences)
        return position, None

    def clear(self):
        with self._lock:
            self._tokens.clear()
