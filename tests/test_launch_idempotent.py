"""A retried ``mailcheck launch`` is one launch: the KPI must not move because a job was retried."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import CLEAN_BODY, write_campaign
from pg_server import pg_server, pg_url  # noqa: F401  (fixtures)
from test_launch_cli import mc

from mailcheck.store import open_store


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/state/log.db"
    url: str = request.getfixturevalue("pg_url")
    return url


def _launch_at_once(tmp_path: Path, db: str, *args: str, times: int = 8) -> list[dict]:
    env = {**os.environ, "NO_COLOR": "1", "MAILCHECK_DB": db}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "mailcheck", "launch", "--offline", "--format", "json", *args],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(times)
    ]
    outs = [p.communicate(timeout=180) for p in procs]
    # a process that failed otherwise says why on stderr: shown whole, one per line, so that a
    # rare failure under load can be read from the CI log (pytest shortens a long repr)
    failed = [
        f"exit {p.returncode}: {err.strip() or out.strip()}"
        for p, (out, err) in zip(procs, outs, strict=True)
        if p.returncode not in (0, 1)
    ]
    assert not failed, "\n".join(failed)
    return [json.loads(out) for out, _ in outs]


def test_eight_parallel_retries_of_one_launch_record_exactly_one_row(
    tmp_path: Path, db: str
) -> None:
    write_campaign(tmp_path, "bf", id="acme-bf", client="acme")
    results = _launch_at_once(tmp_path, db, "bf")
    statuses = sorted(r["launch"]["status"] for r in results)
    assert statuses == ["already-launched"] * 7 + ["launched"]
    assert len({r["launch"]["id"] for r in results}) == 1
    with open_store(db) as st:
        rows = st.launches()
    assert [(r.campaign, r.status) for r in rows] == [("acme-bf", "launched")]
    kpi = json.loads(mc("kpi", "--format", "json", cwd=tmp_path, db=db).stdout)["periods"]
    assert [(p["client"], p["launches"]) for p in kpi] == [("acme", 1)]


def test_eight_parallel_retries_of_a_refusal_are_one_caught_decision(
    tmp_path: Path, db: str
) -> None:
    write_campaign(tmp_path, "bad", id="acme-bad", client="acme", subject="Ж" * 60)
    results = _launch_at_once(tmp_path, db, "bad")
    assert {r["launch"]["status"] for r in results} == {"refused"}
    assert len({r["launch"]["id"] for r in results}) == 1
    with open_store(db) as st:
        assert len(st.launches()) == 1
    kpi = json.loads(mc("kpi", "--format", "json", cwd=tmp_path, db=db).stdout)["periods"][0]
    assert (kpi["launches"], kpi["refused"], kpi["caught_before_launch"]) == (0, 1, 1)


def test_a_retry_says_already_launched_and_relaunch_counts_a_real_second_send(
    tmp_path: Path, db: str
) -> None:
    d = write_campaign(tmp_path, "bf", id="acme-bf", client="acme")
    first = mc("launch", "--offline", "bf", cwd=tmp_path, db=db)
    assert first.returncode == 0 and "launch 1 recorded" in first.stdout, first.stderr
    retry = mc("launch", "--offline", "bf", cwd=tmp_path, db=db)
    assert retry.returncode == 0, retry.stderr
    assert "already launched as #1" in retry.stdout and "--relaunch" in retry.stdout
    again = json.loads(
        mc("launch", "--offline", "--relaunch", "--format", "json", "bf", cwd=tmp_path,
           db=db).stdout
    )  # fmt: skip
    assert again["launch"]["status"] == "launched" and again["launch"]["relaunch"] is True
    # an edited campaign is new content: launched, not "already launched"
    (d / "email.html").write_text((d / "email.html").read_text() + "<!-- v2 -->")
    edited = json.loads(mc("launch", "--offline", "--format", "json", "bf", cwd=tmp_path,
                           db=db).stdout)  # fmt: skip
    assert edited["launch"]["status"] == "launched"
    # a retry after the resend points at the latest send of that content
    (d / "email.html").write_text((d / "email.html").read_text().replace("<!-- v2 -->", ""))
    retry = json.loads(mc("launch", "--offline", "--format", "json", "bf", cwd=tmp_path,
                          db=db).stdout)  # fmt: skip
    assert retry["launch"]["status"] == "already-launched"
    assert retry["launch"]["id"] == again["launch"]["id"]
    with open_store(db) as st:
        assert [r.relaunch for r in st.launches()] == [False, True, False]
    kpi = json.loads(mc("kpi", "--format", "json", cwd=tmp_path, db=db).stdout)["periods"][0]
    assert kpi["launches"] == 3


def test_a_retried_ci_job_that_relaunches_is_one_second_send(tmp_path: Path, db: str) -> None:
    # `GITHUB_RUN_ID=555 mailcheck launch bf --relaunch` run twice (the job retried) gave two
    # launches: the KPI counted one send twice
    write_campaign(tmp_path, "bf", id="acme-bf", client="acme")
    first = json.loads(mc("launch", "--offline", "--format", "json", "bf", cwd=tmp_path,
                          db=db).stdout)  # fmt: skip

    def relaunch(**env: str) -> dict:
        proc = mc("launch", "--offline", "--relaunch", "--format", "json", "bf", cwd=tmp_path,
                  db=db, env={"GITHUB_REPOSITORY": "acme/mail", **env})  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        return json.loads(proc.stdout)["launch"]

    sent = relaunch(GITHUB_RUN_ID="555")
    assert (sent["status"], sent["relaunch"]) == ("launched", True)
    # the job retried, and re-run (GitHub's attempt 2 of run 555): the same second send
    for retried in (relaunch(GITHUB_RUN_ID="555"), relaunch(GITHUB_RUN_ID="555",
                                                             GITHUB_RUN_ATTEMPT="2")):  # fmt: skip
        assert (retried["status"], retried["id"]) == ("already-launched", sent["id"])
    text = mc("launch", "--offline", "--relaunch", "bf", cwd=tmp_path, db=db,
              env={"GITHUB_RUN_ID": "555", "GITHUB_REPOSITORY": "acme/mail"}).stdout  # fmt: skip
    assert f"already launched as #{sent['id']}: this CI job relaunched acme-bf" in text
    assert "A real second send" not in text  # what this job did already
    # another run is another send
    third = relaunch(GITHUB_RUN_ID="556")
    assert third["status"] == "launched" and third["id"] not in (first["launch"]["id"], sent["id"])
    with open_store(db) as st:
        assert [r.relaunch for r in st.launches()] == [False, True, True]
    kpi = json.loads(mc("kpi", "--format", "json", cwd=tmp_path, db=db).stdout)["periods"][0]
    assert kpi["launches"] == 3


def test_relaunch_of_a_campaign_never_launched_is_its_first_launch(tmp_path: Path, db: str) -> None:
    # listed with verdict "relaunch" although nothing had gone out before
    write_campaign(tmp_path, "bf", id="acme-bf", client="acme")
    proc = mc("launch", "--offline", "--relaunch", "--format", "json", "bf", cwd=tmp_path, db=db)
    assert proc.returncode == 0, proc.stderr
    launch = json.loads(proc.stdout)["launch"]
    assert (launch["status"], launch["relaunch"]) == ("launched", False)
    assert proc.stderr.count("was never launched before; recorded as its first launch") == 1
    listed = json.loads(mc("launches", "--format", "json", cwd=tmp_path, db=db).stdout)
    assert [r["verdict"] for r in listed["launches"]] == ["launched"]
    # and a retry of it is "already launched", as of any first launch
    retry = json.loads(mc("launch", "--offline", "--format", "json", "bf", cwd=tmp_path,
                          db=db).stdout)  # fmt: skip
    assert (retry["launch"]["status"], retry["launch"]["id"]) == ("already-launched", launch["id"])


GITHUB_RETRIES = [
    {"GITHUB_REPOSITORY": "acme/mail", "GITHUB_RUN_ID": "900"},
    {"GITHUB_REPOSITORY": "acme/mail", "GITHUB_RUN_ID": "900", "GITHUB_RUN_ATTEMPT": "2"},
]
# a GitLab retry is a new job of the same pipeline, with the same name
GITLAB_RETRIES = [
    {"CI_PROJECT_PATH": "acme/mail", "CI_PIPELINE_ID": "77", "CI_JOB_NAME": "launch",
     "CI_JOB_ID": job}
    for job in ("501", "502")
]  # fmt: skip


@pytest.mark.parametrize("runs", [GITHUB_RETRIES, GITLAB_RETRIES], ids=["github", "gitlab"])
def test_a_retried_ci_job_whose_relaunch_was_the_first_launch_records_it_once(
    tmp_path: Path, db: str, runs: list[dict[str, str]]
) -> None:
    # `--relaunch` of content never launched, from a CI job then retried: the first launch was
    # recorded without the job, so the retry took it for an earlier send and recorded a second
    # one — two launches of one send in the KPI
    write_campaign(tmp_path, "bf", id="acme-bf", client="acme")

    def relaunch(env: dict[str, str], *flags: str) -> subprocess.CompletedProcess[str]:
        proc = mc("launch", "--offline", "--relaunch", *flags, "bf", cwd=tmp_path, db=db, env=env)
        assert proc.returncode == 0, proc.stderr
        return proc

    first = json.loads(relaunch(runs[0], "--format", "json").stdout)["launch"]
    assert (first["status"], first["relaunch"]) == ("launched", False)
    for env in runs:
        retried = json.loads(relaunch(env, "--format", "json").stdout)["launch"]
        assert (retried["status"], retried["id"]) == ("already-launched", first["id"])
    text = relaunch(runs[-1]).stdout
    with open_store(db) as st:
        rows = st.launches()
        assert st.incidents() == []
    assert [(r.id, r.status, r.relaunch) for r in rows] == [(first["id"], "launched", False)]
    when = rows[0].attempted_at.isoformat(timespec="seconds")
    assert text.splitlines()[-2] == (
        f"already launched as #{first['id']}: this CI job launched acme-bf (client acme) at "
        f"{when} (by {rows[0].launched_by}), the first launch of this content; a retried job is "
        "the same send, allowed as that launch: nothing recorded, not counted again"
    )
    assert "A real second send" not in text
    kpi = json.loads(mc("kpi", "--format", "json", cwd=tmp_path, db=db).stdout)["periods"][0]
    assert kpi["launches"] == 1
    # another run's --relaunch is a real second send
    run = "GITHUB_RUN_ID" if "GITHUB_RUN_ID" in runs[0] else "CI_PIPELINE_ID"
    other = {**runs[0], run: "901", "CI_JOB_ID": "601"}
    second = json.loads(relaunch(other, "--format", "json").stdout)["launch"]
    assert (second["status"], second["relaunch"]) == ("launched", True)
    with open_store(db) as st:
        assert [r.relaunch for r in st.launches()] == [False, True]
    kpi = json.loads(mc("kpi", "--format", "json", cwd=tmp_path, db=db).stdout)["periods"][0]
    assert kpi["launches"] == 2


def test_launches_lists_ids_verdicts_reasons_and_incidents(tmp_path: Path, db: str) -> None:
    write_campaign(tmp_path, "ok", id="acme-ok", client="acme")
    write_campaign(tmp_path, "bad", id="acme-bad", client="acme", subject="Ж" * 60)
    write_campaign(tmp_path, "other", id="romashka-1", client="Ромашка")
    assert mc("launch", "--offline", "ok", cwd=tmp_path, db=db).returncode == 0
    assert mc("launch", "--offline", "bad", cwd=tmp_path, db=db).returncode == 1
    forced = mc("launch", "--offline", "--force", "--reason", "клиент настоял", "bad",
                cwd=tmp_path, db=db)  # fmt: skip
    assert forced.returncode == 0, forced.stderr
    assert mc("launch", "--offline", "other", cwd=tmp_path, db=db).returncode == 0

    data = json.loads(mc("launches", "--client", "acme", "--format", "json", cwd=tmp_path,
                         db=db).stdout)  # fmt: skip
    rows = [(r["id"], r["campaign"], r["verdict"], r["reason"], r["incidents"])
            for r in data["launches"]]  # fmt: skip
    assert rows == [
        (1, "acme-ok", "launched", None, 0),
        (2, "acme-bad", "refused", None, 0),
        (3, "acme-bad", "forced", "клиент настоял", 1),
    ]
    assert data["version"] == 1 and data["launches"][0]["launched_at"].endswith("+00:00")

    text = mc("launches", cwd=tmp_path, db=db)
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    assert lines[0].split()[:3] == ["id", "launched", "at"]
    assert [line.split()[0] for line in lines[1:] if line.startswith("#")] == [
        "#1", "#2", "#3", "#4",
    ]  # fmt: skip
    assert "reason: клиент настоял" in text.stdout and "Ромашка" in text.stdout
    assert "4 launch attempts." in text.stdout

    month = json.loads(mc("launches", "--period", "2000-01", "--format", "json", cwd=tmp_path,
                          db=db).stdout)  # fmt: skip
    assert month["launches"] == []
    bad = mc("launches", "--period", "2026-13", cwd=tmp_path, db=db)
    assert bad.returncode == 2 and "YYYY-MM" in bad.stderr


def test_a_relaunch_that_loses_the_race_to_record_the_first_launch_does_not_say_it_recorded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # two jobs `--relaunch` content never launched: both saw no launch before and both said
    # "recorded as its first launch" on stderr; the one whose row the other had written first
    # also said "already launched as #1 … nothing recorded"
    from mailcheck.cli import main
    from mailcheck.store.db import Store

    write_campaign(tmp_path, "bf", id="acme-bf", client="acme")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MAILCHECK_DB", f"sqlite:///{tmp_path}/log.db")
    for key in ("GITHUB_RUN_ID", "CI_JOB_ID", "CI_PIPELINE_ID", "BUILD_TAG"):
        monkeypatch.delenv(key, raising=False)
    note = "--relaunch: this content of the campaign was never launched before"
    assert main(["launch", "--offline", "--relaunch", "bf"]) == 0
    first = capsys.readouterr()
    assert first.err.count(note) == 1 and "launch 1 recorded: acme-bf" in first.out
    # the second job looked before the first had written its row
    monkeypatch.setattr(Store, "last_launched", lambda *_args: None)
    assert main(["launch", "--offline", "--relaunch", "bf"]) == 0
    second = capsys.readouterr()
    assert "already launched as #1: acme-bf (client acme)" in second.out
    # it said "A real second send of it: --relaunch" to a launch given --relaunch
    assert "while this --relaunch checked it — the first launch of this content" in second.out
    assert "A real second send" not in second.out
    assert note not in second.err
    with open_store(f"sqlite:///{tmp_path}/log.db") as st:
        assert len(st.launches()) == 1


def _rows(db: str) -> list[tuple[int, str, bool, str | None]]:
    with open_store(db) as st:
        return [(r.id, r.status, r.forced, r.reason) for r in st.launches()]


def _kpi(tmp_path: Path, db: str) -> dict:
    proc = mc("kpi", "--format", "json", cwd=tmp_path, db=db)
    assert proc.returncode == 0, proc.stderr
    (period,) = json.loads(proc.stdout)["periods"]
    return period


def test_the_same_files_launched_with_other_select_ignore_flags_are_the_same_send(
    tmp_path: Path, db: str
) -> None:
    # a review probe: `--ignore UTM001` on unchanged files was "launch 2 recorded … error-free
    # in the KPI"; a campaign whose only error is SUB002 went out with `--ignore SUB002` and
    # again with `--select UTM`, its SUB002 counted twice
    write_campaign(tmp_path, "good", id="acme-good", client="acme")
    write_campaign(tmp_path, "bad", id="acme-bad", client="acme", subject="Ж" * 60)
    assert mc("launch", "--offline", "good", cwd=tmp_path, db=db).returncode == 0
    same = mc("launch", "--offline", "--ignore", "UTM001", "--reason", "x", "good",
              cwd=tmp_path, db=db)  # fmt: skip
    assert same.returncode == 0, same.stderr
    assert "already launched as #1: acme-good (client acme)" in same.stdout
    assert "recorded" not in same.stdout.replace("nothing recorded", "")
    narrowed = mc("launch", "--offline", "--ignore", "SUB002", "--reason", "a", "bad",
                  cwd=tmp_path, db=db)  # fmt: skip
    assert narrowed.returncode == 0 and "launch 2 recorded: acme-bad" in narrowed.stdout
    again = json.loads(
        mc("launch", "--offline", "--select", "UTM", "--reason", "b", "--format", "json", "bad",
           cwd=tmp_path, db=db).stdout
    )  # fmt: skip
    assert (again["launch"]["status"], again["launch"]["id"]) == ("already-launched", 2)
    assert again["skipped_errors"] == []  # nothing recorded as incidents by this run
    assert _rows(db) == [
        (1, "launched", False, None), (2, "launched", False, "a [--ignore SUB002]"),
    ]  # fmt: skip
    kpi = _kpi(tmp_path, db)
    assert (kpi["launches"], kpi["error_free"], kpi["incidents"]) == (2, 1, 1)
    assert kpi["by_code"] == {"SUB002": 1}
    # a resend is still a resend: --relaunch records it, whatever the flags
    resend = mc("launch", "--offline", "--relaunch", "--ignore", "UTM001", "--reason", "r",
                "good", cwd=tmp_path, db=db)  # fmt: skip
    assert resend.returncode == 0 and "launch 3 recorded: acme-good" in resend.stdout
    assert _kpi(tmp_path, db)["launches"] == 3


def test_a_refusal_of_content_that_went_out_with_its_errors_names_that_launch(
    tmp_path: Path, db: str
) -> None:
    # a review probe: refused #1, forced #2, then a plain launch said "already refused as #1 …
    # its 1 error counts once as caught before launch" while the KPI caught none (they are
    # #2's incidents), and never said the content went out as #2
    write_campaign(tmp_path, "bad", id="acme-bad", client="acme", subject="Ж" * 60)
    assert mc("launch", "--offline", "bad", cwd=tmp_path, db=db).returncode == 1
    forced = mc("launch", "--offline", "--force", "--reason", "client approved", "bad",
                cwd=tmp_path, db=db)  # fmt: skip
    assert forced.returncode == 0 and "launch 2 recorded" in forced.stdout
    plain = mc("launch", "--offline", "bad", cwd=tmp_path, db=db)
    assert plain.returncode == 1, plain.stderr  # errors without --force: refused (DESIGN §8)
    with open_store(db) as st:
        when = st.launches()[1].attempted_at.isoformat(timespec="seconds")
    assert plain.stdout.splitlines()[-2] == (
        "launch REFUSED: do not send it again as it is. acme-bad (client acme) has 1 error, "
        f"and the same content already went out as #2 at {when}, FORCED past it "
        "(reason: client approved): it is an incident of #2, not caught before launch; "
        "nothing recorded. Fix it, or send it again anyway with --force --relaunch --reason "
        "TEXT (a new launch)"
    )
    assert "already refused" not in plain.stdout and "caught before launch)" not in plain.stdout
    data = mc("launch", "--offline", "--format", "json", "bad", cwd=tmp_path, db=db)
    assert data.returncode == 1
    launch = json.loads(data.stdout)["launch"]
    assert (launch["status"], launch["sent_as"], launch["errors"]) == ("refused", 2, 1)
    # forced again: the same send
    retry = mc("launch", "--offline", "--force", "--reason", "again", "bad", cwd=tmp_path, db=db)
    assert retry.returncode == 0 and "already launched as #2" in retry.stdout
    assert _rows(db) == [
        (1, "refused", False, None), (2, "launched", True, "client approved"),
    ]  # fmt: skip
    kpi = _kpi(tmp_path, db)
    assert (kpi["launches"], kpi["incidents"], kpi["caught_before_launch"]) == (1, 1, 0)
    assert (kpi["refused"], kpi["refused_then_forced"]) == (1, 1)


def test_a_refusal_of_content_that_went_out_narrowed_names_that_launch(
    tmp_path: Path, db: str
) -> None:
    # no refusal before: the files went out past --ignore SUB002 first, then a full check
    write_campaign(tmp_path, "bad", id="acme-bad", client="acme", subject="Ж" * 60)
    first = mc("launch", "--offline", "--ignore", "SUB002", "--reason", "ESP cuts it", "bad",
               cwd=tmp_path, db=db)  # fmt: skip
    assert first.returncode == 0, first.stderr
    plain = mc("launch", "--offline", "bad", cwd=tmp_path, db=db)
    assert plain.returncode == 1, plain.stderr
    assert plain.stdout.splitlines()[-2].startswith(
        "launch REFUSED: do not send it again as it is. acme-bad (client acme) has 1 error, "
        "and the same content already went out as #1 at "
    )
    assert (
        "past the checks its --select/--ignore left out (reason: ESP cuts it [--ignore SUB002]): "
        "the error is an incident of #1, not caught before launch; nothing recorded"
    ) in plain.stdout
    assert _rows(db) == [(1, "launched", False, "ESP cuts it [--ignore SUB002]")]
    kpi = _kpi(tmp_path, db)
    assert (kpi["launches"], kpi["incidents"], kpi["caught_before_launch"]) == (1, 1, 0)
    assert kpi["refused"] == 0


def test_a_relaunch_says_it_resends_the_earlier_launch_and_counts_as_new(
    tmp_path: Path, db: str
) -> None:
    write_campaign(tmp_path, "good", id="acme-good", client="acme")
    assert mc("launch", "--offline", "good", cwd=tmp_path, db=db).returncode == 0
    resend = mc("launch", "--offline", "--relaunch", "good", cwd=tmp_path, db=db)
    assert resend.returncode == 0, resend.stderr
    said = resend.stdout.splitlines()
    at = said.index(
        "launch 2 recorded: acme-good (client acme) — ready to send as far as checked offline; "
        "error-free in the KPI unless an error is logged against it later"
    )
    assert said[at + 1] == (
        "--relaunch: a resend of launch #1 (the same content), recorded and counted in the KPI "
        "as a new launch"
    )
    third = mc("launch", "--offline", "--relaunch", "good", cwd=tmp_path, db=db)
    assert "--relaunch: a resend of launch #2 (the same content)" in third.stdout
    # a first launch given --relaunch is no resend
    write_campaign(tmp_path, "new", id="acme-new", client="acme")
    first = mc("launch", "--offline", "--relaunch", "new", cwd=tmp_path, db=db)
    assert "launch 4 recorded" in first.stdout and "a resend" not in first.stdout
    assert _kpi(tmp_path, db)["launches"] == 4


NO_UNSUBSCRIBE = CLEAN_BODY.replace(
    '<p><a href="https://shop.test/unsubscribe">Unsubscribe</a></p>', ""
)


def test_refusals_of_the_same_files_with_other_select_ignore_are_one_refusal(
    tmp_path: Path, db: str
) -> None:
    # a QA probe: two defects (SUB002, UNS001), the same files refused again with --ignore
    # SUB002, then --ignore UNS001: caught before launch 2 → 3 → 4, refused 1 → 3, and after
    # --force refused_then_forced 3 — one refusal of one set of files counted three times
    write_campaign(tmp_path, "bad", id="acme-bad", client="acme", subject="Ж" * 60,
                   body=NO_UNSUBSCRIBE)  # fmt: skip
    assert mc("launch", "--offline", "bad", cwd=tmp_path, db=db).returncode == 1
    with open_store(db) as st:
        when = st.launches()[0].attempted_at.isoformat(timespec="seconds")
    for n, flags in enumerate(
        (["--ignore", "SUB002"], ["--ignore", "UNS001"], ["--select", "SUB"]), start=2
    ):
        again = mc("launch", "--offline", *flags, "--reason", "x", "bad", cwd=tmp_path, db=db)
        assert again.returncode == 1, again.stderr
        assert again.stdout.splitlines()[-1] == (
            f"launch {n} REFUSED: do not send. acme-bad (client acme) has 1 error. The same "
            f"files were refused as #1 at {when}, checked with other --select/--ignore: this "
            "attempt is recorded, but the KPI counts it as that one refusal, and the defect "
            "once as caught before launch. Fix it, or launch anyway with --force --reason "
            "TEXT (the error becomes an incident)"
        )
        kpi = _kpi(tmp_path, db)
        assert (kpi["refused"], kpi["caught_before_launch"], kpi["launches"]) == (1, 2, 0)
    # every attempt stays in the log
    assert [r[1] for r in _rows(db)] == ["refused"] * 4
    forced = mc("launch", "--offline", "--force", "--reason", "ok", "bad", cwd=tmp_path, db=db)
    assert forced.returncode == 0 and "launch 5 recorded" in forced.stdout
    kpi = _kpi(tmp_path, db)
    assert (kpi["refused"], kpi["refused_then_forced"], kpi["caught_before_launch"]) == (1, 1, 0)
    assert (kpi["launches"], kpi["incidents"], kpi["by_code"]) == (
        1, 2, {"SUB002": 1, "UNS001": 1},
    )  # fmt: skip


def test_a_refusal_of_the_same_files_adds_only_the_defects_not_caught_before(
    tmp_path: Path, db: str
) -> None:
    # narrowed to SUB first (SUB002 caught), then checked whole (SUB002 and UNS001): the
    # defects caught are the two of the files, not 1 (the first check's) nor 3 (the sum)
    write_campaign(tmp_path, "bad", id="acme-bad", client="acme", subject="Ж" * 60,
                   body=NO_UNSUBSCRIBE)  # fmt: skip
    first = mc("launch", "--offline", "--select", "SUB", "--reason", "x", "bad", cwd=tmp_path,
               db=db)  # fmt: skip
    assert first.returncode == 1
    assert "launch 1 REFUSED: do not send. acme-bad (client acme) has 1 error, recorded" in (
        first.stdout
    )
    assert mc("launch", "--offline", "bad", cwd=tmp_path, db=db).returncode == 1
    kpi = _kpi(tmp_path, db)
    assert (kpi["refused"], kpi["caught_before_launch"]) == (1, 2)
    # other files are another refusal
    write_campaign(tmp_path, "bad", id="acme-bad", client="acme", subject="Ж" * 61,
                   body=NO_UNSUBSCRIBE)  # fmt: skip
    other = mc("launch", "--offline", "bad", cwd=tmp_path, db=db)
    assert other.returncode == 1 and "The same files were refused" not in other.stdout
    kpi = _kpi(tmp_path, db)
    assert (kpi["refused"], kpi["caught_before_launch"]) == (2, 4)
