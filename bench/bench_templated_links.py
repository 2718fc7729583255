"""Offline cost of one campaign with N templated links (issue 11: it must grow linearly).

    python bench/bench_templated_links.py [--sizes 1000 2000 4000 5000]

Writes one Jinja campaign per size (two variable uses a link, two sample recipients) into a
temporary folder and times a fresh `mailcheck check --offline` of each: wall, CPU, peak RSS.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def write(directory: Path, links: int) -> None:
    directory.mkdir(parents=True)
    body = "\n".join(
        f'<p><a href="https://shop.test/p/{i}?uid={{{{ uid }}}}&utm_source=email&utm_medium=email'
        f'&utm_campaign=bf">Товар {i} для {{{{ first_name | default("вас", true) }}}}</a></p>'
        for i in range(links)
    )
    (directory / "email.html").write_text(
        f"<html lang=ru><body><p>Привет!</p>{body}"
        "<p><a href='https://shop.test/unsub'>Отписаться</a></p></body></html>",
        encoding="utf-8",
    )
    (directory / "campaign.toml").write_text(
        'subject = "Скидки"\nfrom = "Shop <news@shop.test>"\ntemplate = "jinja"\n'
        'samples = "r.csv"\nsystem-variables = ["uid"]\n',
        encoding="utf-8",
    )
    (directory / "r.csv").write_text("first_name,uid\nАнна,1\nОльга,2\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 2000, 4000, 5000])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for links in args.sizes:
            campaign = Path(tmp) / f"c{links}"
            write(campaign, links)
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            command = [sys.executable, "-m", "mailcheck", "check", "--offline", str(campaign)]
            subprocess.run(command, capture_output=True, check=False)
            wall = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            print(
                f"{links:6d} links: wall {wall:6.2f} s, CPU {cpu:6.2f} s "
                f"({cpu / links * 1000:.2f} ms a link), peak {after.ru_maxrss / 1024:.0f} MB"
            )


if __name__ == "__main__":
    main()
