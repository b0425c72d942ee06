"""Loopback emulator for the pid-mode-rule Lambda: Runtime API, fake AWS Config, fake STS,
control API.

Python 3 standard library plus botocore only. Entry points:

* ``python3 -m emulator``            -- serve until SIGTERM/SIGINT or stdin EOF (see ``__main__``)
* ``python3 -m emulator.run_local``  -- run a bootstrap binary against ``events/`` (see ``run_local``)
* ``python3 -m emulator.selftest``   -- prove the emulator with botocore as the client

In-process use: ``from emulator.app import Emulator``.
"""
