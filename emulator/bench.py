"""Cost of a sweep-sized workload: ``python3 -m emulator.bench [--count 10000]``.

Starts the emulator in-process, generates ``count`` task definitions, then with botocore as the
client: all ListDiscoveredResources pages (limit 100), BatchGetResourceConfig per 100 ids,
PutEvaluations per 100 (token mapped to a rule) and all GetComplianceDetailsByConfigRule pages
(Limit 100). Prints, per operation, calls, wall time per call as botocore sees it, and the time
spent in the emulator's handler (checks + operation; JSON encoding of the reply not included).
"""

import argparse
import collections
import datetime
import json
import sys
import time
import urllib.request

import botocore.session
from botocore.config import Config

from . import fake_config
from .app import Emulator
from .inventory import TASKDEF

RULE = "bench-rule"


def main(argv=None):
    """Run the workload and print one line per operation; return 0."""
    parser = argparse.ArgumentParser(prog="python3 -m emulator.bench")
    parser.add_argument("--count", type=int, default=10000)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    server = collections.defaultdict(float)
    original = fake_config.ConfigService.handle

    def timed(self, request):
        started = time.perf_counter()
        call, reply = original(self, request)
        server[call["operation"]] += time.perf_counter() - started
        return call, reply

    fake_config.ConfigService.handle = timed
    emu = Emulator(log=None)
    info = emu.start()
    try:
        started = time.perf_counter()
        request = urllib.request.Request(
            info["control"] + "/inventory/generate", method="POST",
            data=json.dumps({"count": args.count, "hostEvery": 7}).encode())
        with urllib.request.urlopen(request) as reply:
            summary = json.loads(reply.read())
        print(f"generate {summary['generated']} items: {time.perf_counter() - started:.2f} s")
        emu.config.data.compliance.map_token("bench-token", RULE)
        client = botocore.session.get_session().create_client(
            "config", region_name=info["region"], endpoint_url=info["configEndpoint"],
            aws_access_key_id=info["accessKeyID"], aws_secret_access_key=info["secretAccessKey"],
            aws_session_token=info["sessionToken"],
            config=Config(retries={"total_max_attempts": 1}))
        wall, calls = collections.defaultdict(float), collections.Counter()

        def call(operation, method, **params):
            started = time.perf_counter()
            reply = getattr(client, method)(**params)
            wall[operation] += time.perf_counter() - started
            calls[operation] += 1
            return reply

        ids, token = [], None
        while True:
            params = {"resourceType": TASKDEF, "limit": 100, **({"nextToken": token} if token else {})}
            page = call("ListDiscoveredResources", "list_discovered_resources", **params)
            ids += [r["resourceId"] for r in page["resourceIdentifiers"]]
            token = page.get("nextToken")
            if not token:
                break
        items = []
        for start in range(0, len(ids), 100):
            items += call("BatchGetResourceConfig", "batch_get_resource_config", resourceKeys=[
                {"resourceType": TASKDEF, "resourceId": i} for i in ids[start:start + 100]])[
                "baseConfigurationItems"]
        when = datetime.datetime(2024, 1, 19, tzinfo=datetime.timezone.utc)
        for start in range(0, len(items), 100):
            call("PutEvaluations", "put_evaluations", ResultToken="bench-token", Evaluations=[{
                "ComplianceResourceType": TASKDEF, "ComplianceResourceId": item["resourceId"],
                "ComplianceType": ("NON_COMPLIANT" if '"PidMode":"host"' in item["configuration"]
                                   else "COMPLIANT"),
                "OrderingTimestamp": when} for item in items[start:start + 100]])
        token = None
        while True:
            params = {"ConfigRuleName": RULE, "ComplianceTypes": ["COMPLIANT", "NON_COMPLIANT"],
                      "Limit": 100, **({"NextToken": token} if token else {})}
            token = call("GetComplianceDetailsByConfigRule", "get_compliance_details_by_config_rule",
                         **params).get("NextToken")
            if not token:
                break
        for operation, count in calls.items():
            print(f"{operation}: {count} calls, {wall[operation] / count * 1000:.2f} ms/call with "
                  f"botocore, {server[operation] / count * 1000:.2f} ms/call in the emulator")
        print(f"total {sum(wall.values()):.2f} s for {sum(calls.values())} calls")
    finally:
        fake_config.ConfigService.handle = original
        emu.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
