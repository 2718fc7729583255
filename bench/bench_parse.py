"""Input side speed: load() + HTML parse against a bare lxml parse of the same bodies.

Usage: python bench/bench_parse.py [CORPUS] [--runs 5]

For every .eml/.html/.htm below CORPUS the "body" is the HTML a checker must parse: the file
itself for .html/.htm, the decoded text/html part for .eml (extracted once, outside the timing).

* bare lxml: ``lxml.html.document_fromstring`` of each body (the floor; no file reading, no
  MIME, no charset work);
* bare lxml + email: reading each file, ``email`` (default policy) for messages, then lxml:
  the least any checker does from the files;
* parse_html: mailcheck's parse of the same bodies (one parse, title, links, images,
  preheader, visible text);
* load(): mailcheck's whole input side from the files (read, MIME, charsets, headers, parse).

Prints medians of ``--runs`` runs and the ratios to the bare parse.
"""

from __future__ import annotations

import argparse
import contextlib
import email
import email.policy
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from mailcheck.config import Config  # noqa: E402
from mailcheck.htmlparse import parse_html  # noqa: E402
from mailcheck.loaders import load  # noqa: E402
from tests.shared_data import shared_root  # noqa: E402  (../shared, or above a worktree)


def default_corpus() -> Path:
    for directory in REPO.parents:
        candidate = directory / "shared" / "corpus"
        if candidate.is_dir():
            return candidate
    return shared_root() / "corpus"


def corpus_files(root: Path) -> list[Path]:
    return sorted(
        p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in (".eml", ".html", ".htm")
    )


def bodies(files: list[Path], config: Config) -> list[str]:
    found = []
    for path in files:
        html = load(path, str(path), config).html
        if html and html.strip():
            found.append(html)
    return found


def bare_lxml(html_bodies: list[str]) -> None:
    import lxml.html

    for html in html_bodies:
        try:
            lxml.html.document_fromstring(html)
        except Exception:  # an encoding declaration in a str, or nothing to parse
            with contextlib.suppress(Exception):
                lxml.html.document_fromstring(html.encode("utf-8"))


def bare_from_files(files: list[Path]) -> None:
    import lxml.html

    for path in files:
        data = path.read_bytes()
        if path.suffix.lower() == ".eml":
            msg = email.message_from_bytes(data, policy=email.policy.default)
            try:
                part = msg.get_body(("html",))
                html = part.get_content() if part is not None else ""
            except Exception:
                html = ""
            data = html.encode("utf-8") if isinstance(html, str) else b""
        if data.strip():
            with contextlib.suppress(Exception):
                lxml.html.document_fromstring(data)


def timed(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", nargs="?", default=str(default_corpus()))
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    root = Path(args.corpus)
    files = corpus_files(root)
    config = Config(root=root)
    html_bodies = bodies(files, config)

    def load_all() -> None:
        for path in files:
            load(path, str(path), config)

    def parse_all() -> None:
        for html in html_bodies:
            parse_html(html)

    for warm in (lambda: bare_lxml(html_bodies), parse_all, load_all):
        warm()
    base = timed(lambda: bare_lxml(html_bodies), args.runs)
    parsed = timed(parse_all, args.runs)
    loaded = timed(load_all, args.runs)
    from_files = timed(lambda: bare_from_files(files), args.runs)
    size = sum(len(h) for h in html_bodies) / 1e6
    print(f"files: {len(files)} ({root}); HTML bodies: {len(html_bodies)}, {size:.1f} M chars")
    print(f"bare lxml parse of the bodies:      {base:.3f} s (median of {args.runs})")
    print(f"bare lxml + email from the files:   {from_files:.3f} s  {from_files / base:.2f}x")
    print(f"parse_html of the bodies:           {parsed:.3f} s  {parsed / base:.2f}x")
    print(
        f"load() of the files (incl. parse):  {loaded:.3f} s  {loaded / base:.2f}x"
        f"  ({loaded / from_files:.2f}x the bare lxml + email)"
    )


if __name__ == "__main__":
    main()
