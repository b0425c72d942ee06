"""Proves a packaged Lambda zip is self-contained and works.

Usage: ``python3 -m emulator.bundle_check dist/pid-mode-rule-linux-x86_64.zip``

Unzips the artifact into a fresh folder, starts its ``bootstrap`` with an empty environment apart from the Lambda
variables (``env -i`` style), drives it through the emulator with a real host event, and checks: the invocation is
answered with one NON_COMPLIANT evaluation accepted by the fake Config, and every file the running process has mapped
(``/proc/<pid>/maps``: the executable and any shared library) comes from the unzipped bundle. Two layouts:

- ``bootstrap`` alone, a static executable (no ELF interpreter): it must map no file but itself;
- the fallback bundle (``bootstrap`` launcher, ``bin/``, ``lib/`` with the loader and glibc): the bundled glibc must be
  the one mapped.

Prints ``N passed, M failed`` and exits 0/1.
"""

import os
import subprocess
import sys
import tempfile
import zipfile

from .app import Emulator
from .artifact_run import Checklist, expect_host_event_delivered, lambda_environment, stop

ELF_MAGIC = b"\x7fELF"
PT_INTERP = 3


def is_static_elf(path):
    """True for a 64-bit little-endian ELF file without a PT_INTERP program header (no dynamic loader)."""
    with open(path, "rb") as handle:
        header = handle.read(64)
        if len(header) < 64 or header[:4] != ELF_MAGIC or header[4] != 2 or header[5] != 1:
            return False
        phoff = int.from_bytes(header[32:40], "little")
        phentsize = int.from_bytes(header[54:56], "little")
        phnum = int.from_bytes(header[56:58], "little")
        handle.seek(phoff)
        table = handle.read(phentsize * phnum)
    return all(int.from_bytes(table[i * phentsize:i * phentsize + 4], "little") != PT_INTERP for i in range(phnum))


def mapped_files(pid):
    """Paths of the files mapped into process ``pid`` (``/proc/<pid>/maps``), without pseudo-mappings."""
    with open(f"/proc/{pid}/maps", encoding="utf-8", errors="replace") as handle:
        fields = (line.split(maxsplit=5) for line in handle)
        return sorted({f[5].strip() for f in fields if len(f) == 6 and f[5].startswith("/")})


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    checklist = Checklist()
    check = checklist.check
    with tempfile.TemporaryDirectory(prefix="pid-mode-rule-bundle-") as work:
        task_root = os.path.join(work, "task")
        with zipfile.ZipFile(argv[0]) as archive:
            for member in archive.infolist():
                archive.extract(member, task_root)
                mode = member.external_attr >> 16
                if mode:
                    os.chmod(os.path.join(task_root, member.filename), mode & 0o7777)
        bootstrap = os.path.join(task_root, "bootstrap")
        check("zip has bootstrap at its root", os.access(bootstrap, os.X_OK))
        static = is_static_elf(bootstrap)
        print(f"layout: {'one static executable' if static else 'launcher + bin/ + lib/ (bundled glibc)'}")
        emu = Emulator(log=None)
        info = emu.start()
        proc = subprocess.Popen([bootstrap], cwd=task_root, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                env=lambda_environment(info, task_root))
        mapped = []
        try:
            expect_host_event_delivered(emu, checklist)
            mapped = mapped_files(proc.pid)
        finally:
            stop(proc)
            emu.stop()
        root = os.path.realpath(task_root) + os.sep
        outside = [path for path in mapped if not os.path.realpath(path).startswith(root)]
        check("every file the process maps comes from the bundle", mapped and not outside, ", ".join(outside))
        if static:
            check("a static executable maps no shared library", not any(".so" in path for path in mapped),
                  ", ".join(mapped))
        else:
            check("the bundled glibc is the one mapped", any(path.endswith("/lib/libc.so.6") for path in mapped),
                  ", ".join(mapped))
    return checklist.finish()


if __name__ == "__main__":
    sys.exit(main())
