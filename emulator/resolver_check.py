"""Proves how the static ``bootstrap`` resolves AWS host names: through ``/etc/hosts`` and DNS only, never through an
NSS module of the host, whatever ``/etc/nsswitch.conf`` lists.

Usage: ``python3 -m emulator.resolver_check PATH/TO/bootstrap``

A static glibc can reach NSS services other than the built-in ``files`` and ``dns`` only by ``dlopen()``-ing the
host's ``libnss_<name>.so.2``, which loads a second libc into the process (a ``myhostname`` module loaded that way was
seen to crash it). The bootstrap therefore pins host lookups to ``files dns`` at start-up (CCurl's shim.h).

The check runs the bootstrap in a private mount namespace (``unshare -m``) whose ``/etc/nsswitch.conf`` puts other
services first (``hosts: myhostname resolve [!UNAVAIL=return] files dns``) and whose ``/etc/hosts`` maps a name under
the reserved ``.test`` domain to 127.0.0.1, under ``strace``. The Config endpoint is given by that name, so the
evaluation reaches the emulator only if the name was resolved through ``/etc/hosts``. It checks: the host event's
NON_COMPLIANT evaluation is accepted; the process read ``/etc/hosts``; it tried to open no ``libnss_*`` module and no
shared object at all. Without the pin, glibc would try ``libnss_myhostname.so.2`` first (and, where the module exists,
load it). The machine's own files are untouched (the bind mounts live and die with the namespace).

Needs root (or CAP_SYS_ADMIN), ``unshare`` and ``strace``; prints ``SKIP`` and exits 0 when the namespace cannot be
made. Prints ``N passed, M failed`` and exits 0/1.
"""

import os
import subprocess
import sys
import tempfile

from .app import Emulator
from .artifact_run import Checklist, expect_host_event_delivered, lambda_environment, stop

TEST_HOST = "config.pidmode-resolver.test"
HOSTILE_NSSWITCH = "hosts: myhostname resolve [!UNAVAIL=return] files dns\n"
# Bind-mounts the test files over the real ones inside the new mount namespace, then runs the bootstrap under strace.
NAMESPACE_SCRIPT = ('mount --bind "$1" /etc/hosts && mount --bind "$2" /etc/nsswitch.conf && '
                    'exec strace -f -qq -e trace=open,openat -o "$3" "$4"')


def namespace_available():
    """True when this process may make a mount namespace and bind-mount in it, and strace exists."""
    probe = subprocess.run(["unshare", "-m", "sh", "-c", "mount --bind /etc/hosts /etc/hosts && command -v strace"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return probe.returncode == 0


def opened_paths(trace_file):
    """Every path the traced process tried to open (succeeded or not), from strace's output."""
    paths = []
    with open(trace_file, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            start = line.find('"')
            end = line.find('"', start + 1)
            if start >= 0 and end > start:
                paths.append(line[start + 1:end])
    return paths


def brief(paths, limit=5):
    """The first ``limit`` paths and how many more, for a failure line."""
    more = f" (+{len(paths) - limit} more)" if len(paths) > limit else ""
    return ", ".join(paths[:limit]) + more


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print(__doc__.strip().splitlines()[3], file=sys.stderr)
        return 2
    bootstrap = os.path.abspath(argv[0])
    if not namespace_available():
        print("SKIP resolver check: no mount namespace here (needs root, unshare and strace)")
        return 0
    checklist = Checklist()
    check = checklist.check
    with tempfile.TemporaryDirectory(prefix="pid-mode-rule-resolver-") as work:
        hosts, nsswitch, trace = (os.path.join(work, name) for name in ("hosts", "nsswitch.conf", "strace.out"))
        with open(hosts, "w", encoding="ascii") as handle:
            handle.write(f"127.0.0.1 localhost\n127.0.0.1 {TEST_HOST}\n")
        with open(nsswitch, "w", encoding="ascii") as handle:
            handle.write(HOSTILE_NSSWITCH)
        emu = Emulator(log=None)
        info = emu.start()
        port = info["configEndpoint"].rsplit(":", 1)[1]
        env = lambda_environment(info, os.path.dirname(bootstrap))
        env["AWS_ENDPOINT_URL_CONFIG_SERVICE"] = f"http://{TEST_HOST}:{port}"
        env["PATH"] = os.environ.get("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
        proc = subprocess.Popen(["unshare", "-m", "sh", "-c", NAMESPACE_SCRIPT, "sh", hosts, nsswitch, trace, bootstrap],
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        try:
            expect_host_event_delivered(emu, checklist, f" (Config endpoint http://{TEST_HOST})")
        finally:
            stop(proc)
            emu.stop()
        paths = opened_paths(trace)
        modules = [path for path in paths if "libnss_" in path]
        shared_objects = [path for path in paths if ".so" in os.path.basename(path)]
        check("the name was looked up in /etc/hosts", "/etc/hosts" in paths, brief(paths, 20))
        check("no NSS module was looked for, despite the hosts line", not modules, brief(modules))
        check("no shared object was opened at all", not shared_objects, brief(shared_objects))
    return checklist.finish()


if __name__ == "__main__":
    sys.exit(main())
