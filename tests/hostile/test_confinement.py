"""A campaign reads only regular files inside its own directory, of a bounded size.

Each case once pulled a file of the CI machine into the client's report (or hung the job).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from mailcheck.config import Config, LimitsConfig
from tests.helpers import check, count_resolves, only, write_campaign
from tests.hostile.cli import mailcheck

SECRET = "SECRET-b1f0c3-do-not-leak"
SECRET_HTML = f"<html><body><p>{SECRET}</p></body></html>"


def _campaign(root: Path, name: str, html: str = "email.html", **manifest: Any) -> Path:
    """A campaign whose campaign.toml names ``html`` (the helper's html= is the content)."""
    d = write_campaign(root, name, **manifest)
    toml = d / "campaign.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace(
            'html = "email.html"', f"html = {json.dumps(html)}"
        ),
        encoding="utf-8",
    )
    return d


def _outside(tmp_path: Path) -> Path:
    """A secret file outside every campaign directory."""
    secrets = tmp_path / "ci-secrets"
    secrets.mkdir(exist_ok=True)
    target = secrets / "secret.html"
    target.write_text(SECRET_HTML, encoding="utf-8")
    (secrets / "secret.csv").write_text(f"first_name\n{SECRET}\n", encoding="utf-8")
    return target


def _hostile_batch(root: Path, secret: Path) -> dict[str, str]:
    """Campaigns below ``root/campaigns``, each trying one way out; name -> expected reason."""
    base = root / "campaigns"
    _campaign(base, "environ", "/proc/self/environ")
    _campaign(base, "dotdot", "../../ci-secrets/secret.html")
    _campaign(base, "absolute", str(secret))
    link = _campaign(base, "symlink-out")
    (link / "email.html").unlink()
    (link / "email.html").symlink_to(secret)
    _campaign(base, "dev-zero", "/dev/zero")
    fifo = _campaign(base, "fifo", "pipe.html")
    os.mkfifo(fifo / "pipe.html")
    (_campaign(base, "directory", "sub") / "sub").mkdir()
    _campaign(base, "samples-out", samples="../../ci-secrets/secret.csv")
    _campaign(base, "text-out", text=str(secret))
    return {
        "environ": "outside the campaign's directory",
        "dotdot": "outside the campaign's directory",
        "absolute": "outside the campaign's directory",
        "symlink-out": "outside the campaign's directory",
        "dev-zero": "outside the campaign's directory",
        "fifo": "is a FIFO (named pipe), not a regular file",
        # was "could not read campaign.toml: IsADirectoryError … (please report)"
        "directory": "html file 'sub' is a directory, not a regular file",
        "samples-out": "samples file '../../ci-secrets/secret.csv' is outside",
        "text-out": "outside the campaign's directory",
    }


def test_every_way_out_is_inp001_and_nothing_is_read(tmp_path: Path) -> None:
    secret = _outside(tmp_path)
    expected = _hostile_batch(tmp_path, secret)
    env = {"MAILCHECK_TEST_SECRET": SECRET}  # what /proc/self/environ would show
    proc = mailcheck("check", "--offline", "--format", "json", "campaigns", cwd=tmp_path, env=env)
    assert proc.returncode == 1, proc.stderr
    assert SECRET not in proc.stdout
    data = json.loads(proc.stdout)
    by_id = {c["id"]: c for c in data["campaigns"]}
    assert sorted(by_id) == sorted(expected)
    for name, reason in expected.items():
        findings = by_id[name]["findings"]
        assert [f["code"] for f in findings] == ["INP001"], (name, findings)
        assert reason in findings[0]["message"], (name, findings[0]["message"])


def test_the_report_of_such_campaigns_holds_none_of_the_targets_bytes(tmp_path: Path) -> None:
    secret = _outside(tmp_path)
    _hostile_batch(tmp_path, secret)
    env = {"MAILCHECK_TEST_SECRET": SECRET}
    proc = mailcheck("report", "--offline", "campaigns", "-o", "report.html", cwd=tmp_path, env=env)
    assert proc.returncode == 1, proc.stderr
    report = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "INP001" in report
    assert SECRET not in report
    assert "root:x:0:0" not in report


def test_a_fifo_named_on_the_command_line_is_refused_not_waited_for(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.html")
    proc = mailcheck("check", "--offline", "--format", "json", "pipe.html", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    [campaign] = json.loads(proc.stdout)["campaigns"]
    [finding] = campaign["findings"]
    assert finding["code"] == "INP001"
    assert "is a FIFO (named pipe), not a regular file" in finding["message"]


def test_a_device_named_on_the_command_line_is_refused(tmp_path: Path) -> None:
    proc = mailcheck("check", "--offline", "--format", "json", "/dev/zero", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    [campaign] = json.loads(proc.stdout)["campaigns"]
    assert [f["code"] for f in campaign["findings"]] == ["INP001"]
    assert "is a device, not a regular file" in campaign["findings"][0]["message"]


def test_a_symlinked_html_file_found_by_the_walk_may_not_lead_out(tmp_path: Path) -> None:
    secret = _outside(tmp_path)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "promo.html").symlink_to(secret)
    result = check(inbox)
    [finding] = only(result, "INP001")
    assert "'promo.html' is outside the campaign's directory" in finding.message
    assert result.campaign.html is None


def test_a_symlinked_campaign_toml_may_not_lead_out(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "campaign.toml").write_text('subject = "x"\n', encoding="utf-8")
    d = write_campaign(tmp_path / "campaigns", "c")
    (d / "campaign.toml").unlink()
    (d / "campaign.toml").symlink_to(outside / "campaign.toml")
    [finding] = only(check(d), "INP001")
    assert "file 'campaign.toml' is outside the campaign's directory" in finding.message


def test_a_symlink_inside_the_campaign_directory_is_read(tmp_path: Path) -> None:
    d = _campaign(tmp_path, "c", "current.html")
    (d / "current.html").symlink_to(d / "email.html")
    result = check(d)
    assert only(result, "INP001") == []
    assert result.campaign.html is not None and "Hello!" in result.campaign.html


def test_a_file_over_the_size_cap_is_refused_unread(tmp_path: Path) -> None:
    d = write_campaign(tmp_path, "c")
    config = Config(root=tmp_path, limits=LimitsConfig(file_bytes=100))
    [finding] = only(check(d, config), "INP001")
    assert finding.message == (
        "html file 'email.html' is larger than 100 bytes (the limit of [limits] file-bytes); "
        "nothing was read"
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("samples.csv", "first_name\n" + "Иван\n" * 4),
        ("samples.json", json.dumps([{"first_name": "Ann"}] * 4)),
    ],
)
def test_more_sample_rows_than_the_cap_is_inp001(tmp_path: Path, name: str, content: str) -> None:
    d = write_campaign(tmp_path, "c", samples=name, files={name: content})
    config = Config(root=tmp_path, limits=LimitsConfig(sample_rows=3))
    [finding] = only(check(d, config), "INP001")
    assert finding.message == (
        f"samples file '{name}' has more than 3 recipients (the limit of [limits] sample-rows)"
    )
    config = Config(root=tmp_path, limits=LimitsConfig(sample_rows=4))
    assert only(check(d, config), "INP001") == []


def test_a_root_named_through_a_symlink_or_dots_still_confines_its_files(tmp_path: Path) -> None:
    from mailcheck.confined import RefusedInput, read_file

    real = tmp_path / "real"
    real.mkdir()
    (real / "a.html").write_bytes(b"<p>a</p>")
    link = tmp_path / "link"
    link.symlink_to(real)
    (real / "out.html").symlink_to(_outside(tmp_path))
    dotted = tmp_path / "elsewhere" / ".." / "real"
    (tmp_path / "elsewhere").mkdir()
    for root in (link, dotted, real):
        assert read_file(root / "a.html", root=root, limit=100) == b"<p>a</p>"
        with pytest.raises(RefusedInput, match="outside the campaign's directory"):
            read_file(root / "out.html", root=root, limit=100)


def test_a_root_that_is_a_real_directory_is_not_resolved_again_for_each_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file's real path lies below the root as written: the root is real already (a
    realpath costs a system call per component, for each of a campaign's files)."""
    from mailcheck.confined import read_file

    root = tmp_path.resolve() / "c"
    root.mkdir()
    (root / "a.html").write_bytes(b"<p>a</p>")
    resolved = count_resolves(monkeypatch)
    assert read_file(root / "a.html", root=root, limit=100) == b"<p>a</p>"
    assert resolved == [root / "a.html"]
