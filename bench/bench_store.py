"""Incident log figures: launches recorded per second, and the KPI over a year of launches.

    python bench/bench_store.py [N] [DB_URL]     (default: 5000 launches into a temp SQLite)

Prints figures; asserts nothing.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from mailcheck.kpi import compute
from mailcheck.model import Finding, Severity
from mailcheck.store import LaunchAttempt, LaunchedLink, NewIncident, open_store


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    url = sys.argv[2] if len(sys.argv) > 2 else None
    with tempfile.TemporaryDirectory() as tmp:
        url = url or f"sqlite:///{Path(tmp) / 'log.db'}"
        rnd = random.Random(7)
        start = datetime(2026, 1, 1, tzinfo=UTC)
        err = Finding("LNK001", "link-broken", Severity.ERROR, "404", "email.html:3", "https://a/x")
        warn = Finding("IMG001", "image-alt", Severity.WARNING, "no alt", "email.html:9")
        with open_store(url) as st:
            t0 = time.perf_counter()
            ids: list[int] = []
            for i in range(n):
                bad = rnd.random() < 0.1
                row = st.record_launch(
                    LaunchAttempt(
                        campaign=f"campaign-{i}",
                        client=f"client-{i % 12}",
                        source="campaigns/x",
                        content_hash="0" * 64,
                        status="refused" if bad and rnd.random() < 0.5 else "launched",
                        attempted_at=start + timedelta(minutes=105 * i),
                        launched_by="bench",
                        send_at=start + timedelta(minutes=105 * i + rnd.randint(-30, 60)),
                        forced=bad,
                        reason="bench" if bad else None,
                        findings=(err, warn) if bad else (warn,),
                        links=tuple(
                            LaunchedLink(f"https://shop.example/p/{i}/{k}", "a", "link", "ok", 200)
                            for k in range(10)
                        ),
                    )
                )
                if row.status == "launched":
                    ids.append(row.id)
            t1 = time.perf_counter()
            for i in rnd.sample(ids, min(len(ids), n // 20)):
                st.add_incident(NewIncident(i, "PER002", "warning", "complaint", "manual"))
            t2 = time.perf_counter()
            launches = st.launches()
            incidents = st.incidents()
            t3 = time.perf_counter()
            data = compute(launches, incidents)
            t4 = time.perf_counter()
        periods = data["periods"]
        assert isinstance(periods, list)
        print(f"database: {url.split(':')[0]}")
        print(f"record_launch: {n} launches (10 links each) in {t1 - t0:.2f} s "
              f"= {n / (t1 - t0):.0f}/s")  # fmt: skip
        print(f"add_incident: {n // 20} in {t2 - t1:.2f} s")
        print(f"read {len(launches)} launches + {len(incidents)} incidents: {t3 - t2:.3f} s")
        print(f"KPI over {len(periods)} client-months: {t4 - t3:.3f} s")


if __name__ == "__main__":
    main()
