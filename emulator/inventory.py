"""The fake Config inventory: configuration items in the API shape, for ListDiscoveredResources and
BatchGetResourceConfig.

Items are ``BaseConfigurationItem`` dicts (``configuration`` is a JSON *string*, timestamps are epoch
seconds), keyed by ``(resourceType, resourceId)`` and kept in insertion order per resource type.
Every stored item is immutable once stored (an update replaces the record), so replies can reference
it without copying, and the ``configuration`` string is serialised once, when the item is stored.

Two kinds of marks simulate races and partial answers of the real service:

- *deleted between calls*: ListDiscoveredResources still lists the key, BatchGetResourceConfig no
  longer returns it;
- *unprocessed*: BatchGetResourceConfig reports the key in ``unprocessedResourceKeys`` for the first
  ``rounds`` calls that include it, then processes it.
"""

import copy
import datetime
import json
import os

TASKDEF = "AWS::ECS::TaskDefinition"
DEFAULT_ACCOUNT = "111111111111"
# ListDiscoveredResources leaves these out unless includeDeletedResources; BatchGetResourceConfig
# never returns them ("The API does not return results for deleted resources").
DELETED_STATUSES = frozenset({"ResourceDeleted", "ResourceDeletedNotRecorded"})
ITEM_STATUSES = ("OK", "ResourceDiscovered", "ResourceNotRecorded", "ResourceDeleted",
                 "ResourceDeletedNotRecorded")
# Members of the model's BaseConfigurationItem, in the model's order.
BASE_ITEM_MEMBERS = ("version", "accountId", "configurationItemCaptureTime",
                     "configurationItemStatus", "configurationStateId", "arn", "resourceType",
                     "resourceId", "resourceName", "awsRegion", "availabilityZone",
                     "resourceCreationTime", "configuration", "supplementaryConfiguration",
                     "recordingFrequency", "configurationItemDeliveryTime")
TIMESTAMP_MEMBERS = ("configurationItemCaptureTime", "resourceCreationTime",
                     "configurationItemDeliveryTime")
RDK_EXAMPLE = "payloads/rdk-example-ci_ecs-taskdefinition_api-shape.json"
COMPACT = (",", ":")


class InventoryError(ValueError):
    """An item or request given through the control API is not acceptable."""


# ====================================================================== items

def epoch_seconds(value, where):
    """A timestamp given as epoch seconds (number) or ISO-8601 text -> float/int epoch seconds."""
    if isinstance(value, bool):
        raise InventoryError(f"{where}: not a timestamp: {value!r}")
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        text = value.strip().replace("Z", "+00:00")
        try:
            stamp = datetime.datetime.fromisoformat(text)
        except ValueError:
            raise InventoryError(f"{where}: not an ISO-8601 timestamp: {value!r}") from None
        if stamp.tzinfo is None:
            stamp = stamp.replace(tzinfo=datetime.timezone.utc)
        return round(stamp.timestamp(), 3)
    raise InventoryError(f"{where}: not a timestamp: {value!r}")


def normalize_item(raw, region, account=DEFAULT_ACCOUNT, now=None, where="item"):
    """An API-shape BaseConfigurationItem built from ``raw`` (API or console/event naming).

    ``configuration`` given as an object is serialised compactly (a string is kept verbatim);
    ``configurationStateId`` numbers become strings; ISO timestamps become epoch seconds; members
    that are not in BaseConfigurationItem (``tags``, ``relationships``, ``configurationItemMD5Hash``,
    ...) are dropped, as BatchGetResourceConfig does. Missing ``version``, ``accountId``,
    ``awsRegion``, ``configurationItemStatus`` (``OK``), ``configurationItemCaptureTime`` (now) and
    ``supplementaryConfiguration`` ({}) are filled in.
    """
    if not isinstance(raw, dict):
        raise InventoryError(f"{where}: not a JSON object")
    for name in ("resourceType", "resourceId"):
        if not isinstance(raw.get(name), str) or not raw[name]:
            raise InventoryError(f"{where}: {name} must be a non-empty string")
    item = {}
    for name in BASE_ITEM_MEMBERS:
        value = raw.get(name)
        if value is None:
            continue
        if name in TIMESTAMP_MEMBERS:
            value = epoch_seconds(value, f"{where}.{name}")
        elif name == "configuration" and not isinstance(value, str):
            value = json.dumps(value, separators=COMPACT)
        elif name == "configurationStateId" and not isinstance(value, str):
            value = str(value)
        elif name == "configurationItemStatus" and value not in ITEM_STATUSES:
            raise InventoryError(f"{where}: configurationItemStatus {value!r} not in {ITEM_STATUSES}")
        item[name] = copy.deepcopy(value)
    item.setdefault("version", "1.3")
    item.setdefault("accountId", account)
    item.setdefault("awsRegion", region)
    item.setdefault("configurationItemStatus", "OK")
    if "configurationItemCaptureTime" not in item:
        item["configurationItemCaptureTime"] = now if now is not None else round(
            datetime.datetime.now(datetime.timezone.utc).timestamp(), 3)
    item.setdefault("supplementaryConfiguration", {})
    return {name: item[name] for name in BASE_ITEM_MEMBERS if name in item}


def load_rdk_configuration(testdata_dir):
    """The RDK example ECS task definition's ``configuration`` object (PascalCase, no PidMode)."""
    with open(os.path.join(testdata_dir, RDK_EXAMPLE), "r", encoding="utf-8") as handle:
        return json.load(handle)["configuration"]


def taskdef_item(template, family, revision=1, pid_mode=None, status="OK", td_status="ACTIVE",
                 capture_time=1705614431.981, region="us-west-2", account=DEFAULT_ACCOUNT,
                 resource_type=TASKDEF):
    """A realistic ECS task-definition BaseConfigurationItem derived from the RDK example.

    ``pid_mode`` None leaves the ``PidMode`` key out; statuses in DELETED_STATUSES and
    ``ResourceNotRecorded`` carry no configuration (as Config records them).
    """
    arn = f"arn:aws:ecs:{region}:{account}:task-definition/{family}:{revision}"
    item = {
        "version": "1.3", "accountId": account,
        "configurationItemCaptureTime": capture_time,
        "configurationItemStatus": status,
        "configurationStateId": str(int(round(capture_time * 1000))),
        "arn": arn, "resourceType": resource_type, "resourceId": family,
        "resourceName": f"{family}:{revision}", "awsRegion": region,
        "availabilityZone": "Regional",
        "resourceCreationTime": capture_time,
        "supplementaryConfiguration": {},
    }
    if status not in DELETED_STATUSES and status != "ResourceNotRecorded":
        config = copy.deepcopy(template)
        container = config["ContainerDefinitions"][0]
        container["Name"] = family[:255]
        container["LogConfiguration"]["Options"]["awslogs-group"] = f"/ecs/{family}"
        container["LogConfiguration"]["Options"]["awslogs-region"] = region
        config["ExecutionRoleArn"] = f"arn:aws:iam::{account}:role/ecsTaskExecutionRole"
        config["Family"] = family
        config["Status"] = td_status
        config["TaskDefinitionArn"] = arn
        if pid_mode is not None:
            config["PidMode"] = pid_mode
        text = json.dumps(config, separators=COMPACT)
        item["configuration"] = text
    return {name: item[name] for name in BASE_ITEM_MEMBERS if name in item}


def padded_template(template, configuration_bytes):
    """A copy of ``template`` whose first container has ``Environment`` entries making a generated
    configuration about ``configuration_bytes`` long (real task definitions: 1-10 KB, mostly
    environment)."""
    padded = copy.deepcopy(template)
    environment = padded["ContainerDefinitions"][0].setdefault("Environment", [])
    # Family, ARN and role members are filled in per item (about 20 bytes more than the template).
    size = len(json.dumps(padded, separators=COMPACT)) + 20
    index = 0
    while size < configuration_bytes:
        entry = {"Name": f"SETTING_{index}",
                 "Value": f"value-{index}-" + "x" * max(1, min(200, configuration_bytes - size - 40))}
        environment.append(entry)
        size += len(json.dumps(entry, separators=COMPACT)) + 1
        index += 1
    return padded


def generate_items(template, count, host_every=7, resource_type=TASKDEF, id_prefix="family-",
                   statuses=None, inactive_every=0, region="us-west-2", account=DEFAULT_ACCOUNT,
                   start_time=1705000000.0, configuration_bytes=0):
    """``count`` ECS task-definition items and a summary of what they contain.

    Item ``i`` (1-based) is family ``<idPrefix><i, zero-padded>``, revision 1. ``PidMode`` is
    ``"host"`` when ``hostEvery`` divides ``i``, else ``"task"`` for even ``i`` and absent for odd
    ``i``. ``statuses`` maps a configurationItemStatus to "every N-th" (the first listed status whose
    N divides ``i`` wins; else ``OK``). ``inactiveEvery`` N > 0 makes every N-th revision
    ``Status: INACTIVE``. Capture times start at ``start_time`` and grow by 37.123 s per item.
    ``configuration_bytes`` pads each configuration to about that size (see ``taskdef_item``).
    """
    statuses = statuses or {}
    if configuration_bytes:
        template = padded_template(template, configuration_bytes)
    width = max(5, len(str(count)))
    items = []
    # byPidMode/inactive count the items that have a configuration (not deleted, not
    # ResourceNotRecorded); "listed" is what ListDiscoveredResources returns by default.
    summary = {"generated": count, "listed": 0, "byStatus": {}, "inactive": 0,
               "byPidMode": {"host": 0, "task": 0, "absent": 0}}
    for i in range(1, count + 1):
        pid_mode = "host" if host_every and i % host_every == 0 else ("task" if i % 2 == 0 else None)
        status = next((s for s, every in statuses.items() if every and i % every == 0), "OK")
        inactive = bool(inactive_every) and i % inactive_every == 0
        capture = round(start_time + i * 37.123, 3)
        item = taskdef_item(template, f"{id_prefix}{i:0{width}d}", 1, pid_mode, status,
                            "INACTIVE" if inactive else "ACTIVE", capture, region, account,
                            resource_type)
        items.append(item)
        summary["byStatus"][status] = summary["byStatus"].get(status, 0) + 1
        summary["listed"] += status not in DELETED_STATUSES
        if "configuration" in item:
            summary["byPidMode"][pid_mode or "absent"] += 1
            summary["inactive"] += inactive
    return items, summary


# ====================================================================== store

class Record:
    """One stored item plus what the operations need, precomputed (never mutated once stored)."""

    __slots__ = ("item", "identifier", "deleted")

    def __init__(self, item):
        self.item = item
        self.identifier = {"resourceType": item["resourceType"], "resourceId": item["resourceId"]}
        if item.get("resourceName") is not None:
            self.identifier["resourceName"] = item["resourceName"]
        self.deleted = item.get("configurationItemStatus") in DELETED_STATUSES
        if self.deleted:  # shown when includeDeletedResources is true
            self.identifier["resourceDeletionTime"] = item.get("configurationItemCaptureTime")


class InventoryStore:
    """Items keyed by ``(resourceType, resourceId)``, insertion-ordered per type; thread-safe.

    ``generation`` changes whenever the inventory is replaced or reset; page tokens remember it, so a
    token issued before a replacement is rejected rather than silently pointing elsewhere.
    """

    def __init__(self, lock, defaults=()):
        """``defaults``: normalised items restored by ``reset``."""
        self._lock = lock
        self._defaults = [copy.deepcopy(item) for item in defaults]
        self.generation = 0
        self._reset_locked()

    def _reset_locked(self):
        self._records = {}
        self._order = {}  # resourceType -> [resourceId, ...]
        self._position = {}  # (type, id) -> index in self._order[type]
        self._deleted_between = set()
        self._unprocessed = {}  # (type, id) -> rounds left
        self.generation += 1
        self._put_locked(copy.deepcopy(self._defaults))

    def _put_locked(self, items):
        for item in items:
            key = (item["resourceType"], item["resourceId"])
            if key not in self._records:
                order = self._order.setdefault(key[0], [])
                self._position[key] = len(order)
                order.append(key[1])
            self._records[key] = Record(item)

    # ------------------------------------------------------------------ control side

    def put(self, items, replace=False):
        """Add or update normalised items (an update keeps the item's place); ``replace`` first
        forgets every item and mark. Returns the number of items stored now."""
        records_built = [Record(item) for item in items]  # outside the lock: the costly part
        with self._lock:
            if replace:
                self._records, self._order, self._position = {}, {}, {}
                self._deleted_between.clear()
                self._unprocessed.clear()
                self.generation += 1
            for record in records_built:
                key = (record.item["resourceType"], record.item["resourceId"])
                if key not in self._records:
                    order = self._order.setdefault(key[0], [])
                    self._position[key] = len(order)
                    order.append(key[1])
                self._records[key] = record
            return len(self._records)

    def reset(self):
        """Forget everything set at run time; restore the default items; clear all marks."""
        with self._lock:
            self._reset_locked()

    def mark_deleted_between_calls(self, keys, replace=False):
        """Keys that stay listed but that BatchGetResourceConfig no longer returns."""
        with self._lock:
            if replace:
                self._deleted_between.clear()
            self._deleted_between.update(keys)
            return sorted(self._deleted_between)

    def mark_unprocessed(self, keys, rounds):
        """Keys reported unprocessed by the next ``rounds`` BatchGetResourceConfig calls that
        include them (0 removes the mark)."""
        with self._lock:
            for key in keys:
                if rounds > 0:
                    self._unprocessed[key] = rounds
                else:
                    self._unprocessed.pop(key, None)
            return dict(self._unprocessed)

    def known(self, key):
        with self._lock:
            return key in self._records

    def get(self, key):
        """The stored item (a copy), or None."""
        with self._lock:
            record = self._records.get(key)
            return copy.deepcopy(record.item) if record else None

    def summary(self):
        """Counts per type and status, plus the marks."""
        with self._lock:
            by_type = {}
            for (rtype, _), record in self._records.items():
                entry = by_type.setdefault(rtype, {"total": 0, "listed": 0, "byStatus": {}})
                status = record.item.get("configurationItemStatus")
                entry["total"] += 1
                entry["listed"] += not record.deleted
                entry["byStatus"][status] = entry["byStatus"].get(status, 0) + 1
            return {"total": len(self._records), "byType": by_type, "generation": self.generation,
                    "deletedBetweenCalls": [{"resourceType": t, "resourceId": i}
                                            for t, i in sorted(self._deleted_between)],
                    "unprocessed": [{"resourceType": t, "resourceId": i, "roundsLeft": n}
                                    for (t, i), n in sorted(self._unprocessed.items())]}

    # ------------------------------------------------------------------ operations

    def list_page(self, resource_type, start, limit, include_deleted=False, resource_ids=None,
                  resource_name=None):
        """One ListDiscoveredResources page: ``(identifiers, next start index or None)``.

        ``start`` is an index into the type's insertion order. Cost: the page plus the scan to the
        next match (a lookup per id when ``resource_ids`` is given).
        """
        with self._lock:
            order = self._order.get(resource_type, [])
            if resource_ids is not None:
                positions = sorted({self._position[(resource_type, rid)] for rid in resource_ids
                                    if (resource_type, rid) in self._position})
                candidates = (p for p in positions if p >= start)
            else:
                candidates = iter(range(start, len(order)))
            page = []
            for index in candidates:
                record = self._records[(resource_type, order[index])]
                if record.deleted and not include_deleted:
                    continue
                if resource_name is not None and record.item.get("resourceName") != resource_name:
                    continue
                if len(page) == limit:
                    return page, index  # there is at least one more match: resume here
                page.append(record.identifier)
            return page, None

    def batch_get(self, keys):
        """One BatchGetResourceConfig round: ``(items, unprocessed keys, info)``.

        Keys marked unprocessed (rounds left) are reported and their count goes down; keys marked
        deleted-between-calls, deleted items and unknown keys are simply absent. Each key counts
        once per call even if repeated.
        """
        items, unprocessed = [], []
        info = {"requested": len(keys), "returned": 0, "unprocessed": 0, "deletedBetweenCalls": 0,
                "deleted": 0, "unknown": 0}
        seen = set()
        with self._lock:
            for key in keys:
                if key in seen:
                    continue
                seen.add(key)
                left = self._unprocessed.get(key, 0)
                if left > 0:
                    if left == 1:
                        del self._unprocessed[key]
                    else:
                        self._unprocessed[key] = left - 1
                    unprocessed.append({"resourceType": key[0], "resourceId": key[1]})
                    continue
                record = self._records.get(key)
                if record is None:
                    info["unknown"] += 1
                elif key in self._deleted_between:
                    info["deletedBetweenCalls"] += 1
                elif record.deleted:
                    info["deleted"] += 1
                else:
                    items.append(record.item)
        info["returned"], info["unprocessed"] = len(items), len(unprocessed)
        return items, unprocessed, info
