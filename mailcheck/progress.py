"""Progress on stderr while campaigns are read and links are checked (only on a terminal).

Drawn by tqdm (count, rate and time left), imported only when a bar is shown: a run in CI or
through a pipe does not pay for it. ``TERM=dumb`` gets no bar at all.
"""

from __future__ import annotations

import os
import sys
from typing import Any, TextIO

REDRAW_EVERY = 0.1  # seconds: redrawing on every completed request would cost more than it shows


def show_progress(stream: TextIO | None = None) -> bool:
    """Whether a progress bar belongs on ``stream`` (stderr): a terminal that can redraw."""
    stream = stream if stream is not None else sys.stderr
    return stream.isatty() and os.environ.get("TERM") != "dumb"


class Progress:
    """``checking links  45%|████▌     | 460/1024 [00:03<00:04, 130 links/s]``, erased when done."""

    def __init__(
        self,
        total: int,
        label: str,
        *,
        stream: TextIO | None = None,
        enabled: bool = True,
        unit: str = "links",
    ) -> None:
        self.total = total
        self.done = 0
        self._bar: Any = None
        if enabled and total > 0:
            from tqdm import tqdm

            self._bar = tqdm(
                total=total,
                desc=label,
                unit=f" {unit}",
                file=stream if stream is not None else sys.stderr,
                leave=False,  # the report follows on a clean line
                mininterval=REDRAW_EVERY,
                dynamic_ncols=True,
            )

    @property
    def enabled(self) -> bool:
        return self._bar is not None

    def advance(self, n: int = 1) -> None:
        self.done += n
        if self._bar is not None:
            self._bar.update(n)
            if self.done >= self.total:
                self._bar.refresh()  # the last count is shown even within the redraw interval

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
