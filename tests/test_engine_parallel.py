"""The engine's speed paths change nothing: workers, light results, cached rule lists.

A mixed batch (Jinja with samples, Handlebars, Mailchimp, plain HTML, saved messages in
windows-1251, an unreadable input) is checked in one process and in worker processes; the
findings must be the same, in the same order, campaign by campaign.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

import mailcheck.engine as engine
from mailcheck.config import Config
from mailcheck.engine import active_rules, lightened, run
from mailcheck.model import CampaignResult
from mailcheck.templating.breakage import visible_text
from tests.helpers import write_campaign

JINJA_BODY = """<p>Привет, {{ first_name | default('друг') }}!</p>
<p><a href="https://shop.test/sale?utm_source=email&utm_medium=email&utm_campaign=bf">Купить</a></p>
<p><a href="{{ unsubscribe_url }}">Отписаться</a></p>"""

HANDLEBARS_HTML = """<html><head><title>Hi {{name}}</title></head><body>
<div style="display:none">Your order {{order}} is on its way</div>
<p>Hello {{name}}, thanks!</p>{{#if coupon}}<p>Code: {{coupon}}</p>{{/if}}
<p><a href="https://example.com/track/{{order}}">Track</a> <a href="#">Help</a></p>
<p><a href="{{{ pm:unsubscribe }}}">Unsubscribe</a></p></body></html>"""

MAILCHIMP_HTML = """<html><head><title>*|MC:SUBJECT|*</title></head><body>
<p>Hi *|FNAME|*,</p><p><a href="http://shop.test/new">New</a></p>
<p><img src="https://cdn.shop.test/x.png"></p><p><a href="*|UNSUB|*">unsubscribe</a></p>
</body></html>"""

EML = (
    "Received: from mx.shop.test by mx.b.test; Fri, 4 Dec 2026 05:00:00 +0000\r\n"
    "From: Shop <news@shop.test>\r\nTo: a@b.test\r\nSubject: =?windows-1251?B?z/Do4uXyLCAh?=\r\n"
    "MIME-Version: 1.0\r\nContent-Type: text/html; charset=windows-1251\r\n"
    "Content-Transfer-Encoding: 8bit\r\n\r\n"
).encode("ascii") + "<p>Здравствуйте, !</p><p>{{ name }}</p>".encode("cp1251")


def mixed_batch(root: Path, copies: int) -> Path:
    batch = root / "batch"
    for i in range(copies):
        write_campaign(
            batch,
            f"jinja-{i}",
            body=JINJA_BODY,
            subject="{{ first_name }}, скидка " + str(i) + "%",
            samples="recipients.json",
            files={
                "recipients.json": json.dumps(
                    [{"first_name": "Анна"}, {"first_name": ""}, {"first_name": "None"}],
                    ensure_ascii=False,
                )
            },
        )
        (batch / f"hb-{i}.html").write_text(HANDLEBARS_HTML, encoding="utf-8")
        (batch / f"mc-{i}.html").write_text(MAILCHIMP_HTML, encoding="utf-8")
        (batch / f"send-{i}.eml").write_bytes(EML)
        if i % 5 == 0:
            (batch / f"garbage-{i}.eml").write_bytes(b"\x00\x01\x02 not a message")
    return batch


def as_data(batch: engine.Batch) -> list[tuple[str, str, list[dict[str, object]]]]:
    return [
        (r.campaign.source, r.campaign.id, [f.to_json() for f in r.findings]) for r in batch.results
    ]


def test_workers_find_exactly_what_one_process_finds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    batch = mixed_batch(tmp_path, 10)
    config = Config(root=tmp_path)
    pools: list[int] = []
    real_pool = engine._pool

    def counting_pool(jobs: int) -> object:
        pools.append(jobs)
        return real_pool(jobs)

    monkeypatch.setattr(engine, "_pool", counting_pool)
    serial = run([str(batch)], config, offline=True, jobs=1)
    assert pools == []
    parallel = run([str(batch)], config, offline=True, jobs=2)
    assert pools == [2]  # the batch is large enough: worker processes did the work
    assert len(serial.results) == 42
    assert as_data(parallel) == as_data(serial)
    found = {f["code"] for _, _, fs in as_data(serial) for f in fs}
    # the batch exercises rendering, blanking, leftovers, links and unreadable input
    assert {"PER002", "PER003", "LNK003", "LNK004", "IMG001", "INP001"} <= found
    # workers hand back full campaigns unless told otherwise
    jinja = next(r for r in parallel.results if r.campaign.id == "jinja-0")
    assert jinja.campaign.renders and jinja.campaign.renders[0].document is not None


def test_small_batch_stays_in_one_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    batch = mixed_batch(tmp_path, 1)
    monkeypatch.setattr(engine, "_pool", lambda jobs: pytest.fail("a pool for 5 inputs"))
    assert len(run([str(batch)], Config(root=tmp_path), offline=True, jobs=2).results) == 5


def test_light_results_keep_findings_and_names(tmp_path: Path) -> None:
    batch = mixed_batch(tmp_path, 10)
    config = Config(root=tmp_path)
    full = run([str(batch)], config, offline=True, jobs=1)
    for jobs in (1, 2):
        light = run([str(batch)], config, offline=True, jobs=jobs, keep=lightened)
        assert as_data(light) == as_data(full)
        for r, f in zip(light.results, full.results, strict=True):
            c = r.campaign
            assert (c.id, c.source, c.client, c.kind) == (
                f.campaign.id,
                f.campaign.source,
                f.campaign.client,
                f.campaign.kind,
            )
            assert c.html is None and c.static is None and c.raw_message is None
            assert all(x.document is None and x.html is None for x in c.renders)
            assert [x.subject for x in c.renders] == [x.subject for x in f.campaign.renders]


def test_lightened_leaves_the_original_alone(tmp_path: Path) -> None:
    batch = mixed_batch(tmp_path, 1)
    result = run([str(batch / "hb-0.html")], Config(root=tmp_path), offline=True).results[0]
    light = lightened(result)
    assert light.findings == result.findings
    assert light.campaign.renders[0].document is None
    assert result.campaign.renders[0].document is not None and result.campaign.html


def test_every_output_format_reads_light_results(tmp_path: Path) -> None:
    # `mailcheck check` writes every format from light results gathered by workers: the
    # output is the one full results in one process give
    from mailcheck.reports import WRITERS, render

    batch = mixed_batch(tmp_path, 10)
    config = Config(root=tmp_path)
    full = run([str(batch)], config, offline=True, jobs=1).results
    light = run([str(batch)], config, offline=True, jobs=2, keep=lightened).results
    for fmt in WRITERS:
        if fmt == "html":  # the client report: `mailcheck report` keeps what it reads
            continue
        assert render(fmt, light) == render(fmt, full), fmt


def test_rule_list_follows_select_and_ignore() -> None:
    everything = {r.code for r in active_rules(Config(), offline=True)}
    only_sub = {r.code for r in active_rules(Config(select=("SUB",)), offline=True)}
    no_sub = {r.code for r in active_rules(Config(ignore=("SUB",)), offline=True)}
    subject_rules = {c for c in everything if c.startswith("SUB")}
    # an input that cannot be read is judged whatever is selected (INP001 always runs)
    assert only_sub == subject_rules | {"INP001"} and subject_rules
    assert no_sub == everything - subject_rules
    online = {r.code for r in active_rules(Config(), offline=False)}
    assert everything < online  # network rules only online
    # the cached list is a copy: a caller changing it changes nothing for the next
    rules = active_rules(Config(), offline=True)
    rules.clear()
    assert {r.code for r in active_rules(Config(), offline=True)} == everything


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>a \t  b</p>\n\n<p>  c\r\n  d </p>", "a b\nc\nd"),
        ("<td>Привет,\u00a0\u00a0Анна</td><td>\t</td>", "Привет,\u00a0\u00a0Анна"),
        ("x\u200b\u00ady<br>  \f\v z", "xy\nz"),
        ("<style>p{}</style><!-- c -->Hello &amp;  <b>world</b>", "Hello & world"),
        ("   ", ""),
    ],
)
def test_visible_text_collapses_blanks_per_line(html: str, text: str) -> None:
    # runs of space, tab, CR, FF, VT become one space; no-break spaces stay; empty lines go
    assert visible_text(html) == text


def test_workers_without_fork_while_another_thread_runs(tmp_path: Path) -> None:
    # A thread is alive (as in an embedding application): workers come from a fork server
    # and import mailcheck themselves; the findings are the same.
    import threading

    batch = mixed_batch(tmp_path, 8)
    config = Config(root=tmp_path)
    serial = run([str(batch)], config, offline=True, jobs=1)
    stop = threading.Event()
    waiter = threading.Thread(target=stop.wait, daemon=True)
    waiter.start()
    try:
        pool = engine._pool(2)
        pool.shutdown()
        assert pool._mp_context is not None
        assert pool._mp_context.get_start_method() != "fork"
        parallel = run([str(batch)], config, offline=True, jobs=2, keep=lightened)
    finally:
        stop.set()
        waiter.join()
    assert as_data(parallel) == as_data(serial)


def check_or_die(
    sources: list[engine.Source], config: Config, keep: engine.Keep | None
) -> list[CampaignResult]:
    """As the engine's offline work, but a worker process dies at its first chunk."""
    import multiprocessing

    if multiprocessing.parent_process() is not None:  # a pool worker (forked or spawned)
        os._exit(3)
    DONE_IN_PARENT.append(len(sources))
    return REAL_CHECK(sources, config, keep)


REAL_CHECK = engine._check_offline
DONE_IN_PARENT: list[int] = []


def test_a_dead_worker_loses_no_campaign(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    batch = mixed_batch(tmp_path, 8)
    config = Config(root=tmp_path)
    serial = run([str(batch)], config, offline=True, jobs=1)
    monkeypatch.setattr(engine, "_check_offline", check_or_die)
    DONE_IN_PARENT.clear()
    parallel = run([str(batch)], config, offline=True, jobs=2)
    assert sum(DONE_IN_PARENT) == len(serial.results)  # every chunk, after the workers died
    assert as_data(parallel) == as_data(serial)


def test_usable_cpus_follow_the_affinity_mask() -> None:
    # a process pinned to one CPU (taskset, a CI runner's cgroup) starts no second worker
    import subprocess
    import sys

    code = (
        "import os; os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]}); "
        "from mailcheck.engine import usable_cpus; print(usable_cpus())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "1", out.stderr
    assert engine.usable_cpus() == len(os.sched_getaffinity(0))


def test_workers_start_with_the_parent_frozen_and_the_parent_thaws(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What exists when the workers fork is out of the collector's way (gc.freeze); after the
    run the caller collects as before, and a host program's own freeze is left alone."""
    import gc

    batch = mixed_batch(tmp_path, 10)
    frozen_at_fork: list[int] = []
    real_pool = engine._pool

    def watching_pool(jobs: int) -> object:
        pool = real_pool(jobs)
        submit = pool.submit

        def watching_submit(*args: Any, **kwargs: Any) -> Any:  # workers fork at the first
            frozen_at_fork.append(gc.get_freeze_count())
            return submit(*args, **kwargs)

        pool.submit = watching_submit  # type: ignore[method-assign]
        return pool

    monkeypatch.setattr(engine, "_pool", watching_pool)
    run([str(batch)], Config(root=tmp_path), offline=True, jobs=2)
    assert frozen_at_fork and min(frozen_at_fork) > 1000  # modules, rules, patterns
    assert gc.get_freeze_count() == 0

    def failing_pool(jobs: int) -> object:
        raise OSError("no semaphores here")  # a platform without sem_open

    monkeypatch.setattr(engine, "_pool", failing_pool)
    with pytest.raises(OSError):
        run([str(batch)], Config(root=tmp_path), offline=True, jobs=2)
    assert gc.get_freeze_count() == 0  # a pool that cannot start leaves nothing frozen
    monkeypatch.setattr(engine, "_pool", real_pool)

    gc.freeze()  # a host program that froze its own start-up state
    host = gc.get_freeze_count()
    try:
        run([str(batch)], Config(root=tmp_path), offline=True, jobs=2)
        # frozen objects that die leave the count (it may fall by a few); a thaw empties it
        assert host - 100 < gc.get_freeze_count() <= host
    finally:
        gc.unfreeze()


def test_workers_inherit_what_every_campaign_loads(tmp_path: Path) -> None:
    """The renderer (with the HTML parser) and the Public Suffix List are loaded once, in the
    parent, before the workers fork: loaded lazily, each worker imported and read them again.
    A fresh interpreter, so that nothing an earlier test loaded hides a lazy load."""
    import subprocess
    import sys

    batch = mixed_batch(tmp_path, 10)
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "import mailcheck.engine as engine\n"
        "from mailcheck import domains\n"
        "from mailcheck.config import Config\n"
        "seen = []\n"
        "real_pool = engine._pool\n"
        "def watching_pool(jobs):\n"
        "    seen.append(('mailcheck.templating.render' in sys.modules,\n"
        "                 'mailcheck.htmlparse' in sys.modules,\n"
        "                 'mailcheck.suppression' in sys.modules,\n"
        "                 'mailcheck.rootcause' in sys.modules,\n"
        "                 domains._psl.cache_info().currsize))\n"
        "    return real_pool(jobs)\n"
        "engine._pool = watching_pool\n"
        f"batch = engine.run([{str(batch)!r}], Config(root=Path({str(tmp_path)!r})),\n"
        "                   offline=True, jobs=2)\n"
        "print(len(batch.results), seen)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.stdout.strip() == "42 [(True, True, True, True, 1)]", out.stderr
