"""CPU work done on another core while this process waits on the network.

A link check keeps one core busy with its event loop (parsing answers, starting the next
requests); CPU work run in a thread beside it only takes turns with the loop under the GIL
and slows the requests down by as much as it does. ``Aside(work)`` forks instead: the child
runs ``work()`` on its own core, on the same data (copied on write, nothing is pickled on the
way there), and sends back the pickled result through a pipe.

Where forking is not safe (not Linux, or threads already running: a fork copies only the
calling thread, and a lock another thread held stays held forever) or the child fails in any
way, :meth:`Aside.result` runs ``work()`` here instead: the same answer, only not in parallel.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Generic, TypeVar

T = TypeVar("T")


class Aside(Generic[T]):
    def __init__(self, work: Callable[[], T]) -> None:
        self._work = work
        self._pid: int | None = None
        self._pipe: int | None = None
        if sys.platform == "linux" and threading.active_count() == 1:
            self._fork()

    @property
    def forked(self) -> bool:
        return self._pid is not None

    def _fork(self) -> None:
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns, never runs the parent's clean-up
            code = 1
            try:
                os.close(read)
                with os.fdopen(write, "wb") as out:
                    pickle.dump(self._work(), out, protocol=pickle.HIGHEST_PROTOCOL)
                code = 0
            finally:
                os._exit(code)
        os.close(write)
        self._pid, self._pipe = pid, read

    def result(self) -> T:
        """The work's result: the child's, or computed here if there is no (healthy) child."""
        if self._pid is None or self._pipe is None:
            return self._work()
        try:
            source, self._pipe = os.fdopen(self._pipe, "rb"), None
            with source:
                data = source.read()
            code = self._reap()
        except BaseException:  # Ctrl-C while waiting: the child's work is not wanted any more
            self.close()
            raise
        if code == 0 and data:
            try:
                value: T = pickle.loads(data)
                return value
            except Exception:  # a result that does not unpickle: do it here
                pass
        return self._work()

    def close(self) -> None:
        """Stop the child if its result is not wanted (the run failed or was interrupted)."""
        if self._pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
            self._reap()
        if self._pipe is not None:
            os.close(self._pipe)
            self._pipe = None

    def _reap(self) -> int:
        assert self._pid is not None
        _, status = os.waitpid(self._pid, 0)
        self._pid = None
        return os.waitstatus_to_exitcode(status)

    def __enter__(self) -> Aside[T]:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
