"""Measures the time from process start to the first Runtime API ``/next`` of a bootstrap binary.

Usage: ``python3 -m emulator.startup_time --bootstrap PATH [--runs 20]``. A measurement, not a test: it prints the
samples' min/median/p90/max in milliseconds as one JSON line. The clock is ``time.monotonic_ns`` taken right before
``fork/exec`` and by the emulator when the first ``/next`` arrives, in the same process.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

from .app import Emulator
from .run_local import bootstrap_env


def measure_once(emu, bootstrap, env):
    """Start ``bootstrap`` once; return milliseconds until its first ``/next`` (None if it never came)."""
    emu.reset()
    started = time.monotonic_ns()
    proc = subprocess.Popen([bootstrap], env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            first = emu.runtime.state()["firstNextMonotonicNs"]
            if first is not None:
                return (first - started) / 1e6
            time.sleep(0.0005)
        return None
    finally:
        proc.kill()
        proc.wait()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args(argv)
    emu = Emulator(log=None)
    info = emu.start()
    try:
        env = bootstrap_env(info, os.path.abspath(args.bootstrap),
                            argparse.Namespace(log_format="JSON", log_level=None, env=[]))
        samples = [measure_once(emu, os.path.abspath(args.bootstrap), env) for _ in range(args.runs)]
    finally:
        emu.stop()
    if any(sample is None for sample in samples):
        print("startup_time: the bootstrap never polled /next", file=sys.stderr)
        return 1
    samples.sort()
    print(json.dumps({
        "metric": "process start to first /next (ms)", "runs": len(samples),
        "min": round(samples[0], 2), "median": round(statistics.median(samples), 2),
        "p90": round(samples[int(0.9 * (len(samples) - 1))], 2), "max": round(samples[-1], 2),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
