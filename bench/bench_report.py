"""How long headless Chromium takes to open the HTML QA report, by number of campaigns.

Usage: python bench/bench_report.py [CORPUS] [--campaigns 1,200,500] [--runs 3] [--keep DIR]
                                    [--page OLD-REPORT.html ...]

The report is built as ``mailcheck report --offline`` builds it: the first N e-mails of the
corpus (.eml/.html/.htm below CORPUS, sorted; repeated when N is larger than the corpus),
checked by the real engine and rendered by :func:`mailcheck.reports.html.render_report`.
Each report is then opened by headless Chromium and screenshot at 1200×2000
(:func:`tests.browser.render_cost`: the flags of the tests, which keep every request on
loopback). Two figures, medians of ``--runs``, the sizes taking turns run by run: the wall
time of that Chromium process and the CPU time of its whole process tree (browser, renderer,
GPU…), each also shown beyond the same for a blank page (the browser's own start-up). On a
shared machine the CPU time is the steadier figure.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.browser import render_cost  # noqa: E402  (after the path is set)
from tests.shared_data import shared_root  # noqa: E402  (../shared, or above a worktree)


def default_corpus() -> Path:
    """The nearest ``shared/corpus`` beside the repository or above it (worktrees nest)."""
    for directory in REPO.parents:
        if (directory / "shared" / "corpus").is_dir():
            return directory / "shared" / "corpus"
    return shared_root() / "corpus"


def corpus_files(root: Path) -> list[Path]:
    return sorted(
        p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in (".eml", ".html", ".htm")
    )


def build_report(files: list[Path], n: int, workdir: Path) -> Path:
    """The QA report of the first ``n`` corpus e-mails (copied so that each is a campaign)."""
    from mailcheck.reports.html import render_report

    from mailcheck.config import Config
    from mailcheck.engine import run

    campaigns = workdir / f"campaigns-{n}"
    campaigns.mkdir()
    for i in range(n):
        source = files[i % len(files)]
        (campaigns / f"{i:05d}-{source.name}").write_bytes(source.read_bytes())
    batch = run([str(campaigns)], Config(root=workdir), offline=True)
    page = workdir / f"report-{n}.html"
    page.write_text(render_report(batch.results, batch.facts, Config(), offline=True), "utf-8")
    return page


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", default=str(default_corpus()))
    ap.add_argument("--campaigns", default="1,200,500", help="comma-separated report sizes")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--timeout", type=float, default=300.0, help="fail a load that takes longer")
    ap.add_argument("--keep", metavar="DIR", help="write the reports there and keep them")
    ap.add_argument(
        "--page",
        action="append",
        default=[],
        metavar="FILE",
        help="also time this report, already written (e.g. by an older version, to compare)",
    )
    args = ap.parse_args()
    files = corpus_files(Path(args.corpus))
    if not files:
        raise SystemExit(f"no e-mails below {args.corpus}")
    sizes = [int(n) for n in args.campaigns.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(args.keep or tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        blank = workdir / "blank.html"
        blank.write_text("<!doctype html><title>blank</title>", "utf-8")
        pages = {str(n): build_report(files, n, workdir) for n in sizes}
        pages.update({name: Path(name) for name in args.page})
        render_cost(blank, workdir)  # the profile created once, not timed
        costs: dict[str, list[tuple[float, float]]] = {name: [] for name in pages}
        start_up: list[tuple[float, float]] = []
        for _ in range(args.runs):
            start_up.append(render_cost(blank, workdir, timeout=args.timeout))
            for name, page in pages.items():
                costs[name].append(render_cost(page, workdir, timeout=args.timeout))
        base_wall, base_cpu = medians(start_up)
        print(
            f"Chromium start-up (blank page): wall {base_wall:.2f} s, CPU {base_cpu:.2f} s;"
            f" medians of {args.runs}"
        )
        for name, page in pages.items():
            size = page.stat().st_size / 1e6
            wall, cpu = medians(costs[name])
            label = f"{name:>5} campaigns" if name.isdigit() else name
            print(
                f"{label}, {size:5.1f} MB: wall {wall:6.2f} s (+{wall - base_wall:.2f}),"
                f" CPU {cpu:6.2f} s (+{cpu - base_cpu:.2f})"
            )


def medians(rows: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(r[0] for r in rows), statistics.median(r[1] for r in rows)


if __name__ == "__main__":
    main()
