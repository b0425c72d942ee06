"""Proves a packaged Lambda zip is self-contained and works.

Usage: ``python3 -m emulator.bundle_check dist/pid-mode-rule-linux-x86_64.zip``

Unzips the artifact into a fresh folder, starts its ``bootstrap`` with an empty environment apart from the Lambda
variables (``env -i`` style) and ``LD_DEBUG=libs``, drives it through the emulator with a real host event, and checks:
the invocation is answered with one NON_COMPLIANT evaluation accepted by the fake Config, and every shared library
the executable loaded (after the ``/bin/sh`` launcher handed over) came from the bundle's ``lib/``.
Prints ``N passed, M failed`` and exits 0/1.
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import time
import zipfile

from .app import Emulator

EVENT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "events", "host.json")


def lambda_environment(info, task_root, debug_prefix):
    """Only what Lambda itself provides (plus the endpoint override and the loader's debug switches)."""
    return {
        "AWS_LAMBDA_RUNTIME_API": info["runtimeAPI"], "AWS_REGION": info["region"],
        "AWS_DEFAULT_REGION": info["region"], "AWS_ACCESS_KEY_ID": info["accessKeyID"],
        "AWS_SECRET_ACCESS_KEY": info["secretAccessKey"], "AWS_SESSION_TOKEN": info["sessionToken"] or "",
        "AWS_ENDPOINT_URL_CONFIG_SERVICE": info["configEndpoint"], "AWS_LAMBDA_FUNCTION_NAME": "pid-mode-rule",
        "LAMBDA_TASK_ROOT": task_root, "_HANDLER": "bootstrap", "AWS_LAMBDA_LOG_FORMAT": "JSON",
        "LD_DEBUG": "libs", "LD_DEBUG_OUTPUT": debug_prefix,
    }


def loaded_libraries(debug_prefix):
    """Libraries initialised by the program the launcher exec'd (lines after /bin/sh transferred control)."""
    directory, stem = os.path.split(debug_prefix)
    lines = []
    for name in sorted(os.listdir(directory)):
        if name.startswith(stem + "."):
            with open(os.path.join(directory, name), encoding="utf-8", errors="replace") as handle:
                lines += handle.read().splitlines()
    handover = max((i for i, line in enumerate(lines) if "transferring control:" in line and line.rstrip().endswith("/sh")),
                   default=-1)
    return [m.group(1) for line in lines[handover + 1:] if (m := re.search(r"calling init: (\S+)", line))]


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    results = []

    def check(name, ok, detail=""):
        results.append(ok)
        print(f"{'PASS' if ok else 'FAIL'} {name}{': ' + detail if detail and not ok else ''}")

    with tempfile.TemporaryDirectory(prefix="pid-mode-rule-bundle-") as work:
        task_root = os.path.join(work, "task")
        with zipfile.ZipFile(argv[0]) as archive:
            for member in archive.infolist():
                archive.extract(member, task_root)
                mode = member.external_attr >> 16
                if mode:
                    os.chmod(os.path.join(task_root, member.filename), mode & 0o7777)
        check("zip has bootstrap at its root", os.access(os.path.join(task_root, "bootstrap"), os.X_OK))
        emu = Emulator(log=None)
        info = emu.start()
        debug_prefix = os.path.join(work, "ld-debug")
        proc = subprocess.Popen([os.path.join(task_root, "bootstrap")], cwd=task_root, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                env=lambda_environment(info, task_root, debug_prefix))
        try:
            with open(EVENT, "rb") as handle:
                invocation = emu.control.invoke({}, {"event": json.loads(handle.read())})
            outcome = emu.runtime.wait_answered(invocation["requestId"], 20)
            check("host event answered with /response", outcome and outcome["state"] == "response",
                  json.dumps(outcome)[:300])
            evaluations = [e for e in emu.control.evaluations({}, None) if e.get("complianceResourceId") == "testtaskdef"]
            check("one NON_COMPLIANT evaluation accepted",
                  len(evaluations) == 1 and evaluations[0]["complianceType"] == "NON_COMPLIANT", json.dumps(evaluations))
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
            emu.stop()
        libraries = loaded_libraries(debug_prefix)
        lib_dir = os.path.join(task_root, "lib") + os.sep
        outside = [lib for lib in libraries if not os.path.abspath(os.path.join(task_root, lib)).startswith(lib_dir)]
        check("the executable loaded shared libraries", len(libraries) > 3, f"{len(libraries)} found")
        check("every loaded library comes from the bundle's lib/", not outside, ", ".join(outside))
        check("the bundled glibc was loaded", any(lib.endswith("/lib/libc.so.6") for lib in libraries))
    failed = results.count(False)
    print(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
