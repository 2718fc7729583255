"""Headless Chromium for the HTML report tests: screenshots, rendered DOM, a PNG reader.

Chromium comes from Debian (scripts/install-system-deps). A missing browser fails the test
with a clear reason: the reports are made for browsers, so they are tested in one.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import time
import zlib
from pathlib import Path

import pytest

CANDIDATES = ("chromium", "chromium-browser", "/usr/bin/chromium")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--mute-audio",
    "--hide-scrollbars",
    # Tests never leave loopback: Chromium resolves no host name but the local ones (it would
    # otherwise ask the system resolver about its own services at start-up) ...
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
    # ... and keeps its DNS-over-HTTPS and network-quality probes off.
    "--disable-features=DnsOverHttps,NetworkQualityEstimator,MediaRouter,OptimizationHints",
)


def chromium() -> str:
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    pytest.fail("headless Chromium not found: install it with scripts/install-system-deps")


def _run(args: list[str], profile: Path, timeout: float = 90) -> subprocess.CompletedProcess[bytes]:
    profile.mkdir(parents=True, exist_ok=True)
    cmd = [chromium(), *FLAGS, f"--user-data-dir={profile}", *args]
    try:
        done = subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail(f"Chromium did not finish in {timeout} s: {' '.join(cmd)}")
    return done


def dump_dom(page: Path, workdir: Path, *, wait_ms: int = 1500, fragment: str = "") -> str:
    """The DOM after the page loaded and its timers ran (``wait_ms`` of virtual time);
    ``fragment`` opens the page scrolled to that anchor, as a link to ``page#fragment`` does."""
    url = page.resolve().as_uri() + (f"#{fragment}" if fragment else "")
    done = _run(
        [f"--virtual-time-budget={wait_ms}", "--dump-dom", url],
        workdir / "profile-dom",
    )
    if done.returncode != 0 or not done.stdout.strip():
        pytest.fail(f"Chromium --dump-dom failed ({done.returncode}): {done.stderr[-2000:]!r}")
    return done.stdout.decode("utf-8", "replace")


def screenshot(
    page: Path, workdir: Path, size: tuple[int, int] = (1200, 2000), *, dark: bool = False
) -> bytes:
    """A PNG of the page; ``dark`` makes the page see ``prefers-color-scheme: dark``."""
    png = workdir / f"{page.stem}{'-dark' if dark else ''}.png"
    args = ["--force-dark-mode"] if dark else []
    # the virtual time lets srcdoc frames paint before the shot (without it one in a few
    # screenshots caught the e-mail preview still blank)
    args += [
        "--virtual-time-budget=1500",
        f"--screenshot={png}",
        f"--window-size={size[0]},{size[1]}",
        page.resolve().as_uri(),
    ]
    done = _run(args, workdir / "profile-shot")
    if not png.is_file():
        pytest.fail(f"Chromium made no screenshot ({done.returncode}): {done.stderr[-2000:]!r}")
    return png.read_bytes()


def render_cost(
    page: Path, workdir: Path, size: tuple[int, int] = (1200, 2000), timeout: float = 300
) -> tuple[float, float]:
    """Wall and CPU seconds of a headless Chromium that opens ``page`` and screenshots it.

    The CPU time is that of the whole process tree (browser, renderer, GPU and utility
    processes), sampled from /proc while it runs: on a shared machine it measures the work a
    page costs far more steadily than the wall time does.
    """
    profile = workdir / "profile-cost"
    profile.mkdir(parents=True, exist_ok=True)
    png = workdir / f"{page.stem}-cost.png"
    cmd = [chromium(), *FLAGS, f"--user-data-dir={profile}", f"--screenshot={png}"]
    cmd += [f"--window-size={size[0]},{size[1]}", page.resolve().as_uri()]
    started = time.perf_counter()
    child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    cpu: dict[int, float] = {}  # the last figure seen for each process of the tree
    while child.poll() is None:
        cpu.update(_tree_cpu(child.pid))
        if time.perf_counter() - started > timeout:
            child.kill()
            child.wait()
            pytest.fail(f"Chromium did not render {page.name} in {timeout} s")
        time.sleep(0.02)
    wall = time.perf_counter() - started
    if not png.is_file():
        pytest.fail(f"Chromium made no screenshot of {page.name} ({child.returncode})")
    return wall, sum(cpu.values())


def _tree_cpu(root: int) -> dict[int, float]:
    """CPU seconds (user + system) of ``root`` and each live process below it, from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    children: dict[int, list[tuple[int, float]]] = {}
    found: dict[int, float] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as f:
                stat = f.read()
        except OSError:  # gone meanwhile
            continue
        fields = stat[stat.rfind(")") + 2 :].split()  # after "pid (name) "
        ppid, utime, stime = int(fields[1]), int(fields[11]), int(fields[12])
        pid, seconds = int(entry.name), (utime + stime) / tick
        children.setdefault(ppid, []).append((pid, seconds))
        if pid == root:
            found[pid] = seconds
    todo = [root]
    while todo:
        for pid, seconds in children.get(todo.pop(), []):
            found[pid] = seconds
            todo.append(pid)
    return found


# --- a tiny PNG reader (8-bit RGB/RGBA, non-interlaced: what Chromium writes) ----------------


def png_pixels(data: bytes) -> tuple[int, int, int, list[bytes]]:
    """(width, height, bytes per pixel, rows of unfiltered pixel bytes)."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, width, height, bpp = 8, bytearray(), 0, 0, 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or colour not in (2, 6) or interlace:
                raise ValueError(f"unsupported PNG: depth {depth}, colour type {colour}")
            bpp = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    raw = zlib.decompress(bytes(idat))
    stride = width * bpp
    rows: list[bytes] = []
    prev = bytes(stride)
    for y in range(height):
        start = y * (stride + 1)
        ftype, line = raw[start], raw[start + 1 : start + 1 + stride]
        rows.append(prev := _unfilter(ftype, line, prev, bpp))
    return width, height, bpp, rows


def _unfilter(ftype: int, line: bytes, prev: bytes, bpp: int) -> bytes:
    if ftype == 0:
        return line
    if ftype == 2:
        return bytes((a + b) & 0xFF for a, b in zip(line, prev, strict=True))
    out = bytearray(line)
    for i in range(len(out)):
        left = out[i - bpp] if i >= bpp else 0
        up = prev[i]
        if ftype == 1:
            out[i] = (out[i] + left) & 0xFF
        elif ftype == 3:
            out[i] = (out[i] + ((left + up) >> 1)) & 0xFF
        elif ftype == 4:
            upleft = prev[i - bpp] if i >= bpp else 0
            p = left + up - upleft
            pa, pb, pc = abs(p - left), abs(p - up), abs(p - upleft)
            pred = left if pa <= pb and pa <= pc else (up if pb <= pc else upleft)
            out[i] = (out[i] + pred) & 0xFF
        else:
            raise ValueError(f"bad PNG filter {ftype}")
    return bytes(out)


class Image:
    """A decoded screenshot."""

    def __init__(self, data: bytes) -> None:
        self.width, self.height, self.bpp, self.rows = png_pixels(data)

    def pixel(self, x: int, y: int) -> tuple[int, ...]:
        return tuple(self.rows[y][x * self.bpp : x * self.bpp + 3])

    def distinct_colours(self) -> int:
        colours: set[bytes] = set()
        step = self.bpp
        for row in self.rows:
            colours.update(row[i : i + step] for i in range(0, len(row), step))
        return len(colours)
