"""Shared by the artifact checks (``bundle_check``, ``resolver_check``): run the shipped ``bootstrap`` the way Lambda
does, with only Lambda's variables, feed it the host sample event through the emulator, and report PASS/FAIL lines."""

import json
import os
import subprocess

EVENT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "events", "host.json")
HOST_EVENT_RESOURCE_ID = "testtaskdef"


class Checklist:
    """Collects named checks, prints one ``PASS``/``FAIL`` line per check and a closing ``N passed, M failed``."""

    def __init__(self):
        self.results = []

    def check(self, name, ok, detail=""):
        """Records one check; ``detail`` is printed only when it failed."""
        self.results.append(bool(ok))
        print(f"{'PASS' if ok else 'FAIL'} {name}{': ' + detail if detail and not ok else ''}")

    def finish(self):
        """Prints the totals and returns the exit status (0 when every check passed)."""
        failed = self.results.count(False)
        print(f"{len(self.results) - failed} passed, {failed} failed")
        return 1 if failed else 0


def lambda_environment(info, task_root):
    """Only what Lambda itself provides (plus the endpoint override)."""
    return {
        "AWS_LAMBDA_RUNTIME_API": info["runtimeAPI"], "AWS_REGION": info["region"],
        "AWS_DEFAULT_REGION": info["region"], "AWS_ACCESS_KEY_ID": info["accessKeyID"],
        "AWS_SECRET_ACCESS_KEY": info["secretAccessKey"], "AWS_SESSION_TOKEN": info["sessionToken"] or "",
        "AWS_ENDPOINT_URL_CONFIG_SERVICE": info["configEndpoint"], "AWS_LAMBDA_FUNCTION_NAME": "pid-mode-rule",
        "LAMBDA_TASK_ROOT": task_root, "_HANDLER": "bootstrap", "AWS_LAMBDA_LOG_FORMAT": "JSON",
    }


def expect_host_event_delivered(emu, checklist, endpoint_label=""):
    """Invokes events/host.json and checks it is answered with /response and its one NON_COMPLIANT evaluation was
    accepted by the fake Config. Blocks until answered (20 s at most)."""
    with open(EVENT, "rb") as handle:
        invocation = emu.control.invoke({}, {"event": json.loads(handle.read())})
    outcome = emu.runtime.wait_answered(invocation["requestId"], 20)
    checklist.check(f"host event answered with /response{endpoint_label}", outcome and outcome["state"] == "response",
                    json.dumps(outcome)[:300])
    evaluations = [e for e in emu.control.evaluations({}, None)
                   if e.get("complianceResourceId") == HOST_EVENT_RESOURCE_ID]
    checklist.check("one NON_COMPLIANT evaluation accepted",
                    len(evaluations) == 1 and evaluations[0]["complianceType"] == "NON_COMPLIANT",
                    json.dumps(evaluations))


def stop(proc):
    """SIGTERM, then SIGKILL after 5 s."""
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
