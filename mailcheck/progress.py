"""A one-line progress bar on stderr while network checks run (only on a terminal)."""

from __future__ import annotations

import sys
import time
from typing import TextIO

BAR_WIDTH = 24
REDRAW_EVERY = 0.1  # seconds: redrawing on every completed request would cost more than it shows


class Progress:
    """``links [#######.........]  123/1024``, redrawn in place, erased when done."""

    def __init__(
        self, total: int, label: str, *, stream: TextIO | None = None, enabled: bool = True
    ) -> None:
        self.total = total
        self.done = 0
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled and total > 0
        self._drawn_at = 0.0
        if self.enabled:
            self._draw()

    def advance(self, n: int = 1) -> None:
        self.done += n
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._drawn_at >= REDRAW_EVERY or self.done >= self.total:
            self._draw()

    def _draw(self) -> None:
        self._drawn_at = time.monotonic()
        filled = BAR_WIDTH * self.done // self.total if self.total else BAR_WIDTH
        bar = "#" * filled + "." * (BAR_WIDTH - filled)
        self.stream.write(f"\r{self.label} [{bar}] {self.done}/{self.total}")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\r\033[K")  # erase the line: the report follows
            self.stream.flush()
            self.enabled = False
