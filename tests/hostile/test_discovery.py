"""Nothing checked is never a pass: every PATH yields campaigns or a loud error."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from mailcheck.config import Config
from mailcheck.engine import UsageError, discover, run
from tests.helpers import write_campaign
from tests.hostile.cli import mailcheck


def test_an_empty_tree_exits_2_and_says_so(tmp_path: Path) -> None:
    (tmp_path / "campaigns" / "drafts").mkdir(parents=True)
    (tmp_path / "campaigns" / "notes.txt").write_text("todo", encoding="utf-8")
    proc = mailcheck("check", "--offline", "campaigns", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr == (
        "mailcheck: error: campaigns: no campaign found "
        "(no campaign.toml, .eml, .emlx, .html or .htm, and no saved message without an "
        "extension below it)\n"
    )
    assert proc.stdout == ""


def test_one_empty_path_among_good_ones_still_exits_2(tmp_path: Path) -> None:
    write_campaign(tmp_path / "campaigns", "ok")
    (tmp_path / "typo").mkdir()
    proc = mailcheck("check", "--offline", "campaigns", "typo", cwd=tmp_path)
    assert proc.returncode == 2
    assert "typo: no campaign found" in proc.stderr


def test_a_symlinked_campaign_directory_is_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = write_campaign(tmp_path / "shared", "bf", subject="x" * 60)
    (tmp_path / "campaigns").mkdir()
    (tmp_path / "campaigns" / "bf").symlink_to(shared, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    [result] = run(["campaigns"], Config(root=tmp_path), offline=True).results
    assert result.campaign.source == os.path.join("campaigns", "bf", "campaign.toml")
    assert [f.code for f in result.findings if f.code == "SUB002"] == ["SUB002"]


def test_a_symlink_loop_ends_and_each_campaign_is_found_once(tmp_path: Path) -> None:
    root = tmp_path / "campaigns"
    write_campaign(root / "a", "c1")
    (root / "a" / "back").symlink_to(root, target_is_directory=True)  # a loop
    (root / "again").symlink_to(root / "a", target_is_directory=True)  # the same dir twice
    found = discover([str(root)])
    assert [s.shown for s in found] == [os.path.join(str(root), "a", "c1", "campaign.toml")]


def test_an_unreadable_directory_is_inp001_not_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "campaigns"
    write_campaign(root, "ok")
    locked = root / "locked"
    write_campaign(locked, "hidden")
    _deny(locked, monkeypatch)
    results = run([str(root)], Config(root=tmp_path), offline=True).results
    by_source = {r.campaign.source: r for r in results}
    unreadable = by_source[os.path.join(str(root), "locked")]
    [finding] = unreadable.findings
    assert finding.code == "INP001"
    assert finding.message == "cannot read directory: permission denied"
    assert os.path.join(str(root), "ok", "campaign.toml") in by_source


def test_a_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="nope: no such file or directory"):
        discover([str(tmp_path / "nope")])


def _deny(directory: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ``directory`` unlistable: chmod 000, or (as root, whom modes do not stop) a
    scandir that fails there as the kernel would."""
    monkeypatch.chdir(directory.parent)
    if os.geteuid() != 0:
        directory.chmod(0)
        monkeypatch.setattr(_Restore, "path", directory)
        return
    real = os.scandir

    def scandir(path: str = ".") -> Iterator[os.DirEntry[str]]:
        if Path(str(path)) == directory:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)


class _Restore:
    path: Path | None = None


@pytest.fixture(autouse=True)
def _restore_modes() -> Iterator[None]:
    yield
    if _Restore.path is not None:
        _Restore.path.chmod(0o755)
        _Restore.path = None


def test_a_named_pipe_or_a_link_out_without_an_extension_is_not_opened(tmp_path: Path) -> None:
    # saved messages without an extension are sniffed: a named pipe would block the walk for
    # ever, and a link leads out of the directory the user named
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret").write_text("From: a@b.example\nSubject: private\n\nbody\n")
    root = tmp_path / "campaigns"
    write_campaign(root, "ok")
    os.mkfifo(root / "pipe")
    (root / "linked").symlink_to(outside / "secret")
    proc = mailcheck("check", str(root), "--offline", "--format", "json", cwd=tmp_path, timeout=30)
    assert proc.returncode in (0, 1), proc.stderr
    sources = [c["source"] for c in json.loads(proc.stdout)["campaigns"]]
    assert sources == [os.path.join(str(root), "ok", "campaign.toml")]


def test_a_named_pipe_called_msg_alone_in_a_directory_is_inp001(tmp_path: Path) -> None:
    # the walk asks whether every file found is an Outlook file: it opened the pipe and waited
    root = tmp_path / "sends"
    root.mkdir()
    os.mkfifo(root / "proof.msg")
    proc = mailcheck("check", str(root), "--offline", cwd=tmp_path, timeout=30)
    assert proc.returncode == 1, proc.stderr
    assert "proof.msg: file 'proof.msg' is a FIFO (named pipe), not a regular file" in proc.stdout


def test_a_directory_named_as_an_input_file_is_inp001_not_skipped(tmp_path: Path) -> None:
    """A folder named email.html, send.eml or campaign.toml (an archive unpacked into a folder
    of the file's name) was walked as any folder: nothing below it to check, and the batch
    passed without a word of it. One holding a campaign is that campaign, as any folder."""
    root = tmp_path / "campaigns"
    write_campaign(root, "ok")
    (root / "a" / "email.html").mkdir(parents=True)
    (root / "a" / "email.html" / "notes.txt").write_text("x", encoding="utf-8")
    (root / "b" / "campaign.toml").mkdir(parents=True)
    (root / "c" / "send.eml").mkdir(parents=True)
    write_campaign(root / "d" / "spring.html", "inner")
    (root / "ok" / "build.html").mkdir()  # a campaign's own folder, as its other files
    results = run([str(root)], Config(root=tmp_path), offline=True).results
    by_source = {r.campaign.source: r for r in results}
    assert set(by_source) == {
        os.path.join(str(root), *parts)
        for parts in (
            ("ok", "campaign.toml"),
            ("a", "email.html"),
            ("b", "campaign.toml"),
            ("c", "send.eml"),
            ("d", "spring.html", "inner", "campaign.toml"),
        )
    }
    said = {"email.html": "file", "campaign.toml": "file", "send.eml": "message"}
    for parts in (("a", "email.html"), ("b", "campaign.toml"), ("c", "send.eml")):
        [finding] = by_source[os.path.join(str(root), *parts)].findings
        assert finding.code == "INP001"
        assert finding.location == parts[-1]
        assert finding.message == (
            f"{said[parts[-1]]} '{parts[-1]}' is a directory, not a regular file; nothing was read"
        )
    inner = by_source[os.path.join(str(root), "d", "spring.html", "inner", "campaign.toml")]
    assert not [f for f in inner.findings if f.code == "INP001"]
