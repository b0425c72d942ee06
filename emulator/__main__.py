"""CLI: ``python3 -m emulator [options]``.

Prints exactly one JSON line on stdout (endpoints, region, credentials), then serves until
SIGTERM/SIGINT or until stdin reaches EOF (so it dies with its parent). Logs go to stderr.
"""

import argparse
import json
import os
import signal
import sys
import threading

from .app import (DEFAULT_ACCESS_KEY_ID, DEFAULT_REGION, DEFAULT_SECRET_ACCESS_KEY,
                  DEFAULT_SESSION_TOKEN, Emulator, default_testdata_dir, stderr_log)
from .tls_certs import CertificateError
from .traffic import PRESETS


def parse_args(argv):
    """Parse the command line (see ``--help``)."""
    parser = argparse.ArgumentParser(prog="python3 -m emulator",
                                     description="Loopback Lambda Runtime API + fake AWS Config + fake STS.")
    parser.add_argument("--access-key-id", default=DEFAULT_ACCESS_KEY_ID)
    parser.add_argument("--secret-access-key", default=DEFAULT_SECRET_ACCESS_KEY)
    parser.add_argument("--session-token", default=DEFAULT_SESSION_TOKEN,
                        help='session token the client must send; "" = none (default: a fake '
                             'token containing + / =)')
    parser.add_argument("--region", default=DEFAULT_REGION)
    parser.add_argument("--testdata", default=None,
                        help="shared testdata dir (default: $PIDMODE_SHARED_TESTDATA or "
                             "<repo>/../shared/testdata)")
    parser.add_argument("--models", default=None,
                        help="aws-models dir (default: <testdata>/aws-models)")
    parser.add_argument("--tls", action="store_true",
                        help="also serve Config and STS over HTTPS on https://localhost:<port>, "
                             "with a throw-away CA (the start-up JSON's \"tls\" object)")
    parser.add_argument("--traffic", default="none", choices=sorted(PRESETS),
                        help="Config latency/throttling preset (emulator/traffic.py; default none); "
                             "POST /traffic changes it, /reset restores it")
    parser.add_argument("--ignore-stdin", action="store_true",
                        help="do not exit on stdin EOF (e.g. when started with </dev/null)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no per-request log lines")
    return parser.parse_args(argv)


def watch_stdin(stop_event):
    """Daemon thread body: set ``stop_event`` when stdin reaches EOF (or fails)."""
    try:
        stream = sys.stdin.buffer
        while stream.read1(65536):
            pass
    except (AttributeError, OSError, ValueError):  # stdin closed or absent
        pass
    stop_event.set()


def main(argv=None):
    """Run the emulator until told to stop; return the process exit code."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    emulator = Emulator(args.access_key_id, args.secret_access_key, args.session_token,
                        args.region, models_dir=args.models,
                        testdata_dir=args.testdata or default_testdata_dir(),
                        log=None if args.quiet else stderr_log, tls=args.tls, traffic=args.traffic)
    try:
        info = emulator.start()
    except CertificateError as exc:
        emulator.stop()
        stderr_log(f"cannot serve HTTPS: {exc}")
        return 2
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    if not args.ignore_stdin:
        threading.Thread(target=watch_stdin, args=(stop,), name="stdin-watch", daemon=True).start()
    sys.stdout.write(json.dumps(info) + "\n")
    sys.stdout.flush()
    stderr_log(f"serving runtime={info['runtimeAPI']} config={info['configEndpoint']} "
               f"control={info['control']} sts={info['stsEndpoint']} (pid {os.getpid()})")
    if "tls" in info:
        stderr_log(f"serving https config={info['tls'].get('configEndpoint')} "
                   f"sts={info['tls'].get('stsEndpoint')} ca={info['tls']['caFile']}")
    while not stop.wait(0.5):
        pass
    emulator.stop()
    stderr_log("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
