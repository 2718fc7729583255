"""The launch gate cannot be passed by what it does not see: a changed partial, a retry whose
check now fails, an output that would overwrite the log, a database that keeps nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import write_campaign
from test_launch_cli import mc

from mailcheck.store import open_store

FOOTER = '<p><a href="https://shop.test/unsub">Отписаться</a></p>\n'


def launch_json(tmp_path: Path, db: str, *args: str) -> tuple[int, dict[str, object]]:
    proc = mc("launch", "--offline", "--format", "json", *args, cwd=tmp_path, db=db)
    assert proc.returncode in (0, 1), proc.stderr
    launch: dict[str, object] = json.loads(proc.stdout)["launch"]
    return proc.returncode, launch


def test_a_changed_partial_is_new_content(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path}/log.db"
    body = '<p>Скидки</p>\n{% include "footer.html" %}'
    d = write_campaign(tmp_path, "bf", body=body, template="jinja", files={"footer.html": FOOTER})
    assert launch_json(tmp_path, db, "bf")[1]["status"] == "launched"
    assert launch_json(tmp_path, db, "bf")[1]["status"] == "already-launched"
    # the footer loses its unsubscribe link: the template file is unchanged, the campaign not
    (d / "footer.html").write_text("<p>© ACME</p>\n", encoding="utf-8")
    code, launch = launch_json(tmp_path, db, "bf")
    assert (code, launch["status"]) == (1, "refused")  # was "already launched as #1", exit 0
    with open_store(db) as st:
        assert [r.status for r in st.launches()] == ["launched", "refused"]


def test_a_retry_whose_check_now_fails_is_refused(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path}/log.db"
    write_campaign(tmp_path, "bf", subject="Ж" * 60)
    (tmp_path / "mailcheck.toml").write_text("subject-max = 90\n", encoding="utf-8")
    assert launch_json(tmp_path, db, "bf")[1]["status"] == "launched"
    # the same files, checked as strictly as the agency now wants
    (tmp_path / "mailcheck.toml").unlink()
    code, launch = launch_json(tmp_path, db, "bf")
    assert (code, launch["status"]) == (1, "refused")


@pytest.mark.parametrize("suffix", ["", "-wal"])
def test_the_output_is_never_the_incident_log(tmp_path: Path, suffix: str) -> None:
    log = tmp_path / "log.db"
    db = f"sqlite:///{log}"
    write_campaign(tmp_path, "bf")
    assert launch_json(tmp_path, db, "bf")[1]["status"] == "launched"
    for command in (["launch", "--offline", "bf"], ["kpi"], ["check", "--offline", "bf"]):
        proc = mc(*command, "-o", f"{log}{suffix}", cwd=tmp_path, db=db)
        assert proc.returncode == 2, proc.stderr
        assert "is the incident database; refusing to overwrite it" in proc.stderr
    with open_store(db) as st:
        assert len(st.launches()) == 1


def test_an_output_that_cannot_be_written_stops_the_launch_before_it_is_recorded(
    tmp_path: Path,
) -> None:
    db = f"sqlite:///{tmp_path}/log.db"
    write_campaign(tmp_path, "bf")
    (tmp_path / "out").mkdir()
    for output, said in (("out", "is a directory"), ("missing/x.txt", "no such file")):
        proc = mc("launch", "--offline", "-o", output, "bf", cwd=tmp_path, db=db)
        assert proc.returncode == 2 and said in proc.stderr, proc.stderr
    with open_store(db) as st:
        assert st.launches() == []


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("sqlite://", "names no file: an in-memory database keeps nothing"),
        ("sqlite:///:memory:", "names no file"),
        ("postgresql://u:secret@h:abc/db", "is not valid: invalid literal for int()"),
        ("sqlite:///log%00.db", "a NUL byte in the file name"),
        ("sqlite+aiosqlite:///log.db", "only sqlite:/// and postgresql:// are supported"),
    ],
)
def test_a_database_url_that_cannot_work_is_a_usage_error(
    tmp_path: Path, url: str, said: str
) -> None:
    write_campaign(tmp_path, "bf")
    proc = mc("launch", "--offline", "bf", cwd=tmp_path, db=url)
    assert proc.returncode == 2
    assert said in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    assert "secret" not in proc.stderr


def test_a_log_that_cannot_show_a_character_escapes_it(tmp_path: Path) -> None:
    # an ASCII CI log: the launch was recorded, then the command failed printing "ё" (exit 2)
    db = f"sqlite:///{tmp_path}/log.db"
    write_campaign(tmp_path, "bf", id="ёлка")
    proc = mc("launch", "--offline", "bf", cwd=tmp_path, db=db, env={"PYTHONIOENCODING": "ascii"})
    assert proc.returncode == 0, proc.stderr
    assert "launch 1 recorded: \\u0451\\u043b\\u043a\\u0430" in proc.stdout


def test_the_launch_asks_the_links_again_whatever_the_cache_holds(tmp_path: Path) -> None:
    # was "ready to send" with no request at all: the morning's `check` had cached the page's
    # 200, and the launch gate trusted it although the page answered 404 since
    from tests.http_server import running_server

    db = f"sqlite:///{tmp_path}/log.db"
    utm = "utm_source=email&utm_medium=email&utm_campaign=bf"
    with running_server() as server:
        path = f"/slow-then-404/0/launch-cache?{utm}"  # 200 to the first request, then 404
        page = server.url(path)
        body = f'<p><a href="{page}">Купить</a></p>\n' + FOOTER
        write_campaign(tmp_path, "bf", body=body)
        (tmp_path / "mailcheck.toml").write_text(
            'ignore = ["SPF", "DKIM", "DMARC"]\n[links]\nallow-private = true\nretries = 0\n'
            '[dns]\nnameservers = ["127.0.0.1:9"]\ntimeout = 1\n',
            encoding="utf-8",
        )
        checked = mc("check", "--format", "json", "bf", cwd=tmp_path, db=db)
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert server.count(path) == 1
        # a warm `check` stays instant: the cached answer, no request
        assert mc("check", "bf", cwd=tmp_path, db=db).returncode == 0
        assert server.count(path) == 1

        proc = mc("launch", "--format", "json", "bf", cwd=tmp_path, db=db)
        assert server.count(path) == 2  # the gate asked again
    assert proc.returncode == 1, proc.stdout + proc.stderr
    data = json.loads(proc.stdout)
    assert data["launch"]["status"] == "refused"
    broken = [f for f in data["findings"] if f["code"] == "LNK001"]
    assert [(f["url"], f["location"], f["message"]) for f in broken] == [
        (page, "email.html:5", "link is broken: 404 Not Found")
    ]
