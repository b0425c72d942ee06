"""Shared state primitives: one lock, one condition variable, one global sequence counter.

Every component (Runtime API, fake Config, control API) synchronises on ``Journal.lock`` and
waits on ``Journal.changed``. The sequence counter orders Config calls and Runtime API answers
on one axis, so a test can prove "no AWS call after the answer" by comparing sequence numbers.
"""

import threading
import time


def wall_ms():
    """Return the current wall-clock time as integer epoch milliseconds."""
    return int(time.time() * 1000)


class Journal:
    """A thread-safe, append-only event log with a monotonically increasing sequence number.

    ``lock`` is re-entrant so that components holding it may call each other.
    ``changed`` is notified (notify_all) on every record; waiters re-check their predicate.
    Sequence numbers start at 1, are never reused, and survive ``clear()``.
    """

    MAX_EVENTS = 100_000

    def __init__(self):
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self._seq = 0
        self._events = []

    def record(self, kind, **fields):
        """Append an event ``{seq, kind, atMs, **fields}``, wake all waiters, return its seq."""
        with self.lock:
            self._seq += 1
            event = {"seq": self._seq, "kind": kind, "atMs": wall_ms()}
            event.update(fields)
            self._events.append(event)
            if len(self._events) > self.MAX_EVENTS:
                del self._events[: len(self._events) - self.MAX_EVENTS]
            self.changed.notify_all()
            return self._seq

    def notify(self):
        """Wake every thread waiting on ``changed`` (after a state change that is not an event)."""
        with self.lock:
            self.changed.notify_all()

    def events(self, since=0):
        """Return a copy of the events whose seq is greater than ``since``, oldest first."""
        with self.lock:
            return [dict(e) for e in self._events if e["seq"] > since]

    @property
    def last_seq(self):
        """The most recently issued sequence number (0 if none)."""
        with self.lock:
            return self._seq

    def clear(self):
        """Forget all events; the sequence counter keeps counting."""
        with self.lock:
            self._events.clear()
            self.changed.notify_all()

    def wait_for(self, predicate, timeout=None):
        """Block until ``predicate()`` (evaluated under the lock) is truthy or ``timeout`` s pass.

        Returns the predicate's last value.
        """
        with self.lock:
            return self.changed.wait_for(predicate, timeout)
