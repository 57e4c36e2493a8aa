"""Work that outlives the page that asked for it.

A phone that reloads, sleeps or drops off the Wi-Fi takes its Gradio connection with it,
and Gradio stops a streaming handler whose page is gone: the copy half written, nothing
saved. So the page's long steps run here, in a thread of their own, keyed by her shelf.
The handler only *follows* the job, and a page that comes back follows it again: it sees
the work still being written, or finished and filed in her 历史.
"""

from __future__ import annotations

import contextlib
import contextvars
import ctypes
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

KEEP_S = 30 * 60  # a finished job nobody saw is offered again for half an hour, then let go
# A page may have been shown a job's end just as it reloaded (a 1-second poster, a tap and a
# reload): for these seconds after, a page that comes back is shown it again.
SEEN_GRACE_S = 20.0


@dataclass
class Job:
    """One step's updates, merged: ``state`` is always the whole page as the step has made it."""

    kind: str
    context: dict = field(default_factory=dict)  # what it was made from (her form), for a page that comes back
    state: dict = field(default_factory=dict)
    started_at: float = field(default_factory=time.monotonic)
    finished_at: float | None = None
    failed: BaseException | None = None
    seen_at: float | None = None  # when a page followed it to the end
    _changed: threading.Condition = field(default_factory=threading.Condition)
    _version: int = 0

    @property
    def running(self) -> bool:
        return self.finished_at is None

    @property
    def seen(self) -> bool:
        """A page followed it to the end, long enough ago that it surely got there."""
        return self.seen_at is not None and time.monotonic() - self.seen_at >= SEEN_GRACE_S

    def _update(self, updates: dict) -> None:
        with self._changed:
            self.state = {**self.state, **updates}
            self._version += 1
            self._changed.notify_all()

    def _finish(self, failed: BaseException | None = None) -> None:
        with self._changed:
            self.failed, self.finished_at = failed, time.monotonic()
            self._version += 1
            self._changed.notify_all()

    def follow(self, poll_s: float = 1.0) -> Iterator[dict]:
        """The merged state at every change, until the job ends; then its failure, if any, is raised.

        A follower that lags sees the latest state, never a stale one: each update holds
        everything the step has made so far."""
        seen_version = -1
        while True:
            with self._changed:
                while self._version == seen_version and self.running:
                    self._changed.wait(poll_s)
                seen_version, state, running = self._version, dict(self.state), self.running
            if state:
                yield state
            if not running:
                break
        if self.seen_at is None:
            self.seen_at = time.monotonic()
        if self.failed is not None:
            raise self.failed


def release_freed_memory() -> None:
    """Give the memory a finished job freed back to the system. glibc keeps it otherwise:
    after a video the app stayed 250 MB larger (bench/memory.py --trim), and a 4 GB laptop
    runs the browser beside it."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):  # musl or another libc: nothing to trim
            ctypes.CDLL("libc.so.6").malloc_trim(0)


class Jobs:
    """At most one running job per shelf and kind; the latest of each is kept for a while."""

    def __init__(self):
        self._jobs: dict[tuple[str, str], Job] = {}
        self._lock = threading.Lock()

    def start(self, shelf: str, kind: str, steps: Callable[[], Iterator[dict]], context: dict | None = None) -> Job:
        """Run ``steps()`` in a thread of its own; each dict it yields updates the job's state.

        If the same shelf already has this kind of job running, that one is returned instead:
        a double tap, or a second tab, does not write the copy twice."""
        with self._lock:
            self._forget_old()
            current = self._jobs.get((shelf, kind))
            if current is not None and current.running:
                return current
            job = Job(kind, dict(context or {}))
            self._jobs[(shelf, kind)] = job

        def run() -> None:
            try:
                for updates in steps():
                    job._update(updates)
            except BaseException as exc:  # carried to the follower, who shows it
                if not isinstance(exc, Exception):
                    traceback.print_exception(exc)
                job._finish(exc)
            else:
                job._finish()
            finally:
                release_freed_memory()

        # In a copy of the starter's context: Gradio finds a request's progress bar there, so
        # the bar moves while the page is there, and the calls are no-ops once it is gone.
        threading.Thread(target=contextvars.copy_context().run, args=(run,), daemon=True, name=f"job-{kind}").start()
        return job

    def waiting(self, shelf: str) -> Job | None:
        """A job of this shelf's that a page should show: still running, or finished unseen."""
        return max(self.all_waiting(shelf), key=lambda j: j.running, default=None)

    def all_waiting(self, shelf: str) -> list[Job]:
        """Every job of this shelf's a page should show (copy, posters, video), oldest first."""
        with self._lock:
            self._forget_old()
            jobs = [j for (s, _), j in self._jobs.items() if s == shelf and (j.running or not j.seen)]
        return sorted(jobs, key=lambda j: j.started_at)

    def _forget_old(self) -> None:
        now = time.monotonic()
        for key, job in list(self._jobs.items()):
            if job.finished_at is not None and (job.seen or now - job.finished_at > KEEP_S):
                del self._jobs[key]
