"""The pytest plugin: ``pytest --mailcheck`` checks every campaign below the test paths.

Each campaign is one test item (``campaigns/bf/campaign.toml::mailcheck``; an ``.eml`` or
``.html`` file on its own is one too, as ``mailcheck check`` discovers them). Gather, then
judge: the first item that runs prepares every collected campaign and checks them in ONE
engine batch, so each URL and DNS name is fetched once per session; later items only look up
their result. Under pytest-xdist the first worker to get there checks the batch for all of
them (the others wait on a file lock, then read its results), so each URL is requested once
whatever ``-n`` is, as pytest-mypy runs its tool once per session.

Passes are remembered in ``.mailcheck/pytest-pass.json``, keyed by the campaign's content,
the configuration and the mailcheck version, so unchanged campaigns are not re-checked. A pass
that relied on the network is trusted for ``links.cache_ttl`` seconds only: links die without
the campaign changing; one with a network rule's warning ("could not verify": DNS down, a link
that timed out) is not remembered. Under xdist the workers hand their passes to the controller,
which is the only writer; the file is replaced atomically, so a reader never sees half of it.

This module is imported by every pytest run in an environment where mailcheck is installed:
it imports nothing heavy until ``--mailcheck`` is in use.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from mailcheck.config import Config
    from mailcheck.engine import Batch
    from mailcheck.model import CampaignResult

PASS_FILE = "pytest-pass.json"
PASS_FILE_VERSION = 1
PASS_MAX_AGE = 30 * 86400.0  # forget passes of campaigns not seen for a month
WORKER_OUTPUT_KEY = "mailcheck_passes"
WORKER_COLLECTED_KEY = "mailcheck_collected"  # how many campaign items a worker collected
SHARED_DIR = "pytest-xdist"  # below .mailcheck/: one checked batch per xdist run
SHARED_MAX_AGE = 86400.0  # leftovers of runs that were killed are removed after a day


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mailcheck", "e-mail campaign checks (mailcheck)")
    group.addoption(
        "--mailcheck",
        action="store_true",
        default=False,
        help="check every campaign (campaign.toml dirs, .eml, .html) below the test paths",
    )
    group.addoption(
        "--mailcheck-offline",
        action="store_true",
        default=False,
        help="mailcheck without the network: skip link and DNS rules",
    )
    group.addoption(
        "--mailcheck-strict",
        action="store_true",
        default=False,
        help="a campaign with warnings fails too",
    )
    parser.addini("mailcheck", type="bool", default=False, help="same as --mailcheck")
    parser.addini(
        "mailcheck_offline", type="bool", default=False, help="same as --mailcheck-offline"
    )
    parser.addini("mailcheck_strict", type="bool", default=False, help="same as --mailcheck-strict")


def _enabled(config: pytest.Config) -> bool:
    return bool(config.getoption("mailcheck") or config.getini("mailcheck"))


def _explicit(config: pytest.Config) -> bool:
    """``--mailcheck`` was given (on the command line or in ``addopts``), not only the ini."""
    return bool(config.getoption("mailcheck"))


def pytest_configure(config: pytest.Config) -> None:
    if _enabled(config):
        config.stash[_SESSION] = MailcheckSession(config)


def pytest_report_header(config: pytest.Config) -> str | None:
    session = config.stash.get(_SESSION, None)
    if session is None:
        return None
    # whether each campaign is checked with the network is its own config's choice: said
    # once the campaigns are collected (pytest_report_collectionfinish), unless forced here
    mode = "offline; " if session.offline else ""
    return f"mailcheck: checking campaigns ({mode}passes cached in {session.pass_file})"


def pytest_report_collectionfinish(
    config: pytest.Config, items: Sequence[pytest.Item]
) -> str | None:
    """What will happen to the campaigns collected: offline, with network checks, or both
    (each campaign as its closest config's ``[links] offline`` says)."""
    session = config.stash.get(_SESSION, None)
    campaigns = [i for i in items if isinstance(i, CampaignItem)]
    if session is None or not campaigns:
        return None
    offline = sum(session.item_offline(i) for i in campaigns)
    if offline == len(campaigns):
        mode = "offline"
    elif not offline:
        mode = "with network checks"
    else:
        online = len(campaigns) - offline
        whose = "its config's" if offline == 1 else "their configs'"
        mode = (
            f"with network checks for {online} of {len(campaigns)} campaigns, offline for "
            f"{offline} ({whose} [links] offline)"
        )
    from mailcheck.i18n import DEFAULT_LANGUAGE
    from mailcheck.reports.text import said_checked

    # in English, as pytest's other header lines
    return f"mailcheck: {said_checked(len(campaigns), DEFAULT_LANGUAGE)} {mode}"


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if _SESSION not in parent.config.stash:
        return None
    from mailcheck.engine import OWN_INPUT_SUFFIXES, WALKED_SUFFIXES
    from mailcheck.loaders import MANIFEST, is_saved_message

    if parent.session.isinitpath(file_path):
        from mailcheck.engine import owning_campaign

        # named on the command line, a campaign's own file (its email.html) stands for its
        # campaign, as in `mailcheck check`: checked bare it would pass without the campaign's
        # subject, UTM expectations and client; passed over it said "no campaign found"
        manifest = owning_campaign(file_path)
        if manifest is not None:
            owned: CampaignFile = CampaignFile.from_parent(
                parent, path=file_path, nodeid=_storable_nodeid(file_path, parent.config.rootpath)
            )
            owned.manifest = manifest
            return owned
    is_manifest = file_path.name == MANIFEST
    suffix = file_path.suffix.lower()
    if not is_manifest and suffix not in WALKED_SUFFIXES and not is_saved_message(file_path):
        return None
    # As mailcheck's discovery: a campaign directory's files (in its sub-directories too)
    # belong to that campaign, but a campaign nested in it and a test send saved beside its
    # campaign.toml are inputs of their own; tool and dependency directories are skipped.
    root = parent.config.rootpath
    if is_manifest:
        claimed = _claimed(file_path.parent, root, by_campaigns=False)
    elif (suffix in OWN_INPUT_SUFFIXES or not suffix) and (file_path.parent / MANIFEST).is_file():
        claimed = _claimed(file_path.parent.parent, root, by_campaigns=True)
    else:
        claimed = _claimed(file_path.parent, root, by_campaigns=True)
    if claimed:
        return None
    found: CampaignFile = CampaignFile.from_parent(
        parent, path=file_path, nodeid=_storable_nodeid(file_path, parent.config.rootpath)
    )
    return found


def _storable_nodeid(path: Path, root: Path) -> str | None:
    """The node id of a file whose name is not UTF-8 (a Windows ZIP's CP866 bytes), its bytes
    written as ``\\xcf``; None (pytest's own id) for every other file.

    pytest keeps node ids in UTF-8 files (its cache, JUnit XML): a name's undecodable bytes,
    surrogates in Python, made it fail at the end of the run with UnicodeEncodeError. Escaping
    keeps two names apart that "�" would make equal.
    """
    try:
        relative = path.relative_to(root).as_posix()
    except ValueError:
        return None  # outside the rootdir: pytest names it its own way
    try:
        relative.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(relative).decode("utf-8", "backslashreplace")
    return None


def _claimed(directory: Path, root: Path, *, by_campaigns: bool) -> bool:
    """True when ``directory`` or one above it (up to the rootdir) is skipped, or (with
    ``by_campaigns``) is a campaign's."""
    from mailcheck.engine import SKIP_DIRS
    from mailcheck.loaders import MANIFEST

    for d in [directory, *directory.parents]:
        if d.name in SKIP_DIRS or (by_campaigns and (d / MANIFEST).is_file()):
            return True
        if d == root or d == d.parent:
            break
    return False


def pytest_itemcollected(item: pytest.Item) -> None:
    """Count the campaigns collected (before ``-k``/``-m`` deselect any): none is a warning."""
    session = item.config.stash.get(_SESSION, None)
    if session is not None and isinstance(item, CampaignItem):
        session.collected += 1


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    """xdist controller: collect the passes a worker recorded (the controller writes the file)."""
    session = node.config.stash.get(_SESSION, None)
    output = getattr(node, "workeroutput", None) or {}
    if session is not None and isinstance(output.get(WORKER_OUTPUT_KEY), dict):
        session.new_passes.update(output[WORKER_OUTPUT_KEY])
    if session is not None and isinstance(output.get(WORKER_COLLECTED_KEY), int):
        # every worker collects the whole session: the largest count is the session's
        seen = session.workers_collected
        session.workers_collected = max(seen or 0, output[WORKER_COLLECTED_KEY])
    run_id = (getattr(node, "workerinput", None) or {}).get("testrunuid")
    if session is not None and isinstance(run_id, str):
        session.run_ids.add(run_id)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    state = session.config.stash.get(_SESSION, None)
    if state is None:
        return
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: hand the passes over, never write
        workeroutput[WORKER_OUTPUT_KEY] = dict(state.new_passes)
        workeroutput[WORKER_COLLECTED_KEY] = state.collected
        return
    state.save_passes()
    state.remove_shared_batches()
    if state.nothing_collected() and _explicit(session.config) and exitstatus == 0:
        # `pytest --mailcheck` that checked no campaign must not pass as if all were clean
        # (as `mailcheck check` exits 2 on "no campaign found"); with the ini option only,
        # a run of some test files is legitimate and the summary warns.
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Rule plugins that failed to load or were refused, and a run that collected no
    campaign at all: said in every run that checks."""
    state = terminalreporter.config.stash.get(_SESSION, None)
    if state is None:
        return
    from mailcheck.engine import SKIP_DIRS
    from mailcheck.registry import load_registry

    problems = load_registry().problems
    if problems:
        # an error where a campaign's config (or the rootdir's) is strict: those items failed
        strict = state.strict_plugins or (state.config is not None and state.config.strict_plugins)
        terminalreporter.write_sep("=", "mailcheck plugin problems", red=strict, yellow=not strict)
        for problem in problems:
            terminalreporter.write_line(f"mailcheck: {'error' if strict else 'warning'}: {problem}")
        if strict:
            terminalreporter.write_line(
                "mailcheck: the campaigns whose config sets strict-plugins failed; the others "
                "were checked without the plugin"
            )
    if state.nothing_collected():
        config = terminalreporter.config
        explicit = _explicit(config)
        terminalreporter.write_sep(
            "=", "mailcheck: no campaign collected", red=explicit, yellow=not explicit
        )
        searched = " ".join(str(a) for a in config.args) or "."
        kind = "error" if explicit else "warning"
        named = [config.invocation_params.dir / str(a).split("::")[0] for a in config.args]
        if named and all(path.is_file() for path in named):
            # files named (an .html among them, maybe): "no .html below" them says nothing
            said = (
                f"mailcheck: {kind}: no campaign in {searched}: not a campaign file (campaign."
                "toml, .eml, .emlx, .html, .htm, a saved message) or in a directory mailcheck "
                f"skips ({', '.join(sorted(SKIP_DIRS))}): nothing was checked."
            )
        else:
            said = (
                f"mailcheck: {kind}: no campaign found below {searched} (no campaign.toml, "
                ".eml, .emlx, .html or .htm file, no saved message without an extension): "
                "nothing was checked. Campaigns are collected from the paths pytest collects: "
                "add the campaigns directory to testpaths or pass it (pytest --mailcheck "
                "campaigns/)."
            )
        terminalreporter.write_line(said)
        if explicit:
            terminalreporter.write_line("mailcheck: the run fails: --mailcheck checked nothing")


class MailcheckFailure(Exception):
    """A campaign with errors (or warnings in strict mode): shown as findings, no traceback."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


class CampaignFile(pytest.File):
    # the campaign.toml checked for a campaign's own file named on the command line (pytest
    # matches what it collects to the path named, so the node keeps that file's path)
    manifest: Path | None = None

    def collect(self) -> Iterator[pytest.Item]:
        yield CampaignItem.from_parent(self, name="mailcheck")


class CampaignItem(pytest.Item):
    def runtest(self) -> None:
        self.config.stash[_SESSION].run_item(self)

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: Any = None,
    ) -> str | Any:
        if isinstance(excinfo.value, MailcheckFailure):
            return excinfo.value.text
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"mailcheck {self.shown}"

    @property
    def campaign_path(self) -> Path:
        """The input checked: the item's file, or the campaign.toml of the campaign whose own
        file (its email.html) was named."""
        manifest = getattr(self.parent, "manifest", None)
        return manifest if isinstance(manifest, Path) else self.path

    @property
    def relative(self) -> str:
        """The input's path relative to the rootdir (as the file system spells it)."""
        try:
            return self.campaign_path.relative_to(self.config.rootpath).as_posix()
        except ValueError:
            return str(self.campaign_path)

    @property
    def shown(self) -> str:
        """The path as ``mailcheck check`` would show it: relative to the rootdir, printable."""
        from mailcheck.text import printable

        return printable(self.relative)


class MailcheckSession:
    """State of one pytest session (one per xdist worker): config, batch results, passes."""

    def __init__(self, config: pytest.Config) -> None:
        self.pytest_config = config
        # --mailcheck-offline: every campaign offline; otherwise each as its config says
        self.offline = bool(
            config.getoption("mailcheck_offline") or config.getini("mailcheck_offline")
        )
        self.strict = bool(
            config.getoption("mailcheck_strict") or config.getini("mailcheck_strict")
        )
        self._config: Config | None = None
        self._config_error: str | None = None
        self._config_loaded = False
        self.results: dict[Path, CampaignResult] = {}
        self.batch_error: str | None = None
        self.item_errors: dict[Path, str] = {}  # a campaign's own settings that are wrong
        self.checked = False
        self.new_passes: dict[str, dict[str, Any]] = {}
        self._old_passes: dict[str, dict[str, Any]] | None = None
        self._fingerprint: str | None = None
        self._keys: dict[Path, str] = {}
        self.run_ids: set[str] = set()  # xdist runs whose shared batch the controller removes
        self.strict_plugins = False  # a campaign checked here has a strict-plugins config
        self.collected = 0  # campaign items collected in this process
        self.workers_collected: int | None = None  # xdist controller: what the workers did

    def nothing_collected(self) -> bool:
        """True when the session collected no campaign. An xdist controller collects nothing
        itself and knows only what its workers reported (no report: it cannot tell)."""
        if getattr(self.pytest_config, "workerinput", None) is not None:
            return False  # a worker: the controller says it, once
        if self.pytest_config.pluginmanager.has_plugin("dsession"):
            return self.workers_collected == 0
        return self.collected == 0

    # --- configuration ---------------------------------------------------------------------

    @property
    def config(self) -> Config | None:
        if not self._config_loaded:
            self._config_loaded = True
            from mailcheck.config import ConfigError, load_config

            try:
                # --mailcheck-offline applies to every config found below the rootdir too
                overrides = {"links": {"offline": True}} if self.offline else None
                cfg = load_config(start=self.pytest_config.rootpath, overrides=overrides)
                self._config = cfg
            except ConfigError as exc:
                self._config_error = f"mailcheck: configuration error: {exc}"
        return self._config

    @property
    def pass_file(self) -> Path:
        cfg = self.config
        root = cfg.state_dir if cfg is not None else self.pytest_config.rootpath / ".mailcheck"
        return root / PASS_FILE

    def fingerprint(self) -> str:
        """What else decides a verdict: configuration, rules and their versions, mailcheck."""
        if self._fingerprint is None:
            import dataclasses
            from importlib.metadata import entry_points

            from mailcheck import __version__
            from mailcheck.registry import GROUP

            cfg = self.config
            plugins = sorted(
                (ep.name, ep.value, ep.dist.version if ep.dist else "", _source_digest(ep.value))
                for ep in entry_points(group=GROUP)
            )
            data = {
                "mailcheck": __version__,
                "config": dataclasses.asdict(cfg) if cfg is not None else None,
                "offline": self.offline,
                "strict": self.strict,
                "plugins": plugins,
            }
            blob = json.dumps(data, sort_keys=True, default=str).encode("utf-8")
            self._fingerprint = hashlib.sha256(blob).hexdigest()
        return self._fingerprint

    # --- the pass cache --------------------------------------------------------------------

    def pass_key(self, item: CampaignItem) -> str:
        if item.campaign_path not in self._keys:
            self._keys[item.campaign_path] = self._pass_key(item)
        return self._keys[item.campaign_path]

    def _pass_key(self, item: CampaignItem) -> str:
        digest = hashlib.sha256()
        digest.update(self.fingerprint().encode())
        digest.update(self.own_config_fingerprint(item).encode())
        digest.update(os.fsencode(item.relative))  # a name's own bytes, UTF-8 or not
        for name, data in campaign_files(item.campaign_path):
            digest.update(b"\0" + os.fsencode(name) + b"\0")
            digest.update(hashlib.sha256(data).digest())
        return digest.hexdigest()

    def own_config_fingerprint(self, item: CampaignItem) -> str:
        """The configuration that applies to the campaign when it is not the rootdir's: the
        closest mailcheck.toml or pyproject.toml above it (hierarchical discovery, as the
        engine reads it). A stricter limit written there must check the campaign again."""
        from mailcheck.config import ConfigError, config_for

        cfg = self.config
        if cfg is None:
            return ""
        try:
            own = config_for(cfg, item.campaign_path)
        except ConfigError as exc:  # never matches a pass: the check says what is wrong
            return f"config error: {exc}"
        if own is cfg:
            return ""
        blob = json.dumps(dataclasses.asdict(own), sort_keys=True, default=str)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def item_config(self, item: CampaignItem) -> Config | None:
        """The config that applies to the item's campaign: its closest (None: not readable)."""
        from mailcheck.config import ConfigError, config_for

        cfg = self.config
        if cfg is None:
            return None
        try:
            return config_for(cfg, item.campaign_path)
        except ConfigError:
            return None

    def item_offline(self, item: CampaignItem) -> bool:
        """Whether the item's campaign is checked without the network (its config says)."""
        own = self.item_config(item)
        return self.offline if own is None else own.links.offline

    def old_passes(self) -> dict[str, dict[str, Any]]:
        if self._old_passes is None:
            self._old_passes = read_passes(self.pass_file)
        return self._old_passes

    def cached_pass(self, key: str) -> bool:
        entry = self.old_passes().get(key)
        if not isinstance(entry, dict):
            return False
        if not entry.get("network"):
            return True
        cfg = self.config
        ttl = cfg.links.cache_ttl if cfg is not None else 0.0
        checked = entry.get("checked_at")
        return isinstance(checked, int | float) and time.time() - checked < ttl

    def save_passes(self) -> None:
        if not self.new_passes:
            return
        write_passes(self.pass_file, self.new_passes)

    # --- running ---------------------------------------------------------------------------

    def run_item(self, item: CampaignItem) -> None:
        if self.config is None:
            raise MailcheckFailure(self._config_error or "mailcheck: no configuration")
        key = self.pass_key(item)
        if self.cached_pass(key):  # unchanged since it last passed: not checked again
            entry = self.old_passes()[key]
            checked = entry.get("checked_at")
            stamp = checked if isinstance(checked, int | float) else 0
            when = time.strftime("%Y-%m-%d %H:%M", time.localtime(stamp))
            text = f"unchanged since it passed on {when}: not checked again"
            if isinstance(entry.get("warnings"), str) and entry["warnings"]:
                text += f"\n{entry['warnings']}"
            item.add_report_section("call", "mailcheck", text)
            return
        if not self.checked:
            self.check_batch(item.session)
        if self.batch_error:
            raise MailcheckFailure(self.batch_error)
        if item.campaign_path not in self.results and item.campaign_path not in self.item_errors:
            self.check_items([item])  # not part of the batch (collected late): on its own
        if item.campaign_path in self.item_errors:
            raise MailcheckFailure(self.item_errors[item.campaign_path])
        result = self.results[item.campaign_path]
        self.judge(item, result, key)

    def judge(self, item: CampaignItem, result: CampaignResult, key: str) -> None:
        from mailcheck.reports.text import format_campaign

        # in the language `mailcheck check` speaks for it: its own config's [report] language
        own = self.item_config(item)
        language = own.report.language if own is not None else "en"
        if result.errors or (self.strict and result.warnings):
            colour = item.config.get_terminal_writer().hasmarkup
            shown = format_campaign(result, colour=colour, language=language)
            # first the finding itself: pytest's short summary (-q, -rf) shows the first line
            raise MailcheckFailure(f"{_first_finding(result, language)}\n{shown}")
        shown = format_campaign(result, language=language) if result.findings else ""
        if shown:  # warnings: visible with -rP (or -rA) without failing the item
            item.add_report_section("call", "mailcheck", shown)
        offline = self.item_offline(item)
        if not offline and _network_warnings(result):
            # "could not verify" (DNS down, a link that timed out) is no pass to trust for a
            # day: the next run asks again, as the link and DNS caches do for such answers
            return
        self.new_passes[key] = {
            "path": item.shown,
            "checked_at": time.time(),
            "network": not offline,
            "warnings": shown,
        }

    def check_batch(self, session: pytest.Session) -> None:
        """Gather, then judge: one engine run over every collected campaign not known to pass."""
        self.checked = True
        items = [
            i
            for i in session.items
            if isinstance(i, CampaignItem) and not self.cached_pass(self.pass_key(i))
        ]
        shared = self.shared_batch_file()
        if shared is None:
            self.check_items(items)
            return
        try:
            self.check_items_once(items, shared)
        except OSError:  # the shared file cannot be used (read-only checkout): check here
            self.check_items(items)

    def shared_batch_file(self) -> Path | None:
        """Under xdist, where this run's batch results are shared between the workers."""
        workerinput = getattr(self.pytest_config, "workerinput", None)
        run_id = workerinput.get("testrunuid") if workerinput else None
        if not isinstance(run_id, str) or self.config is None:
            return None
        try:
            import fcntl  # noqa: F401  (POSIX: elsewhere each worker checks its own batch)
        except ImportError:
            return None
        return self.config.state_dir / SHARED_DIR / f"{run_id}.pickle"

    def check_items_once(self, items: Sequence[CampaignItem], shared: Path) -> None:
        """The first worker here checks the batch and writes the results; each other worker
        waits on the lock, then reads them. A worker that dies while checking releases the
        lock with no results written: the next one checks instead."""
        import fcntl
        import pickle

        from mailcheck.engine import lightened

        shared.parent.mkdir(parents=True, exist_ok=True)
        with (shared.parent / (shared.name + ".lock")).open("a+b") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if shared.exists():
                # written by a worker of this same run, in this project's .mailcheck/
                with shared.open("rb") as fh:
                    results, self.batch_error, errors = pickle.load(fh)
                self.results.update({Path(p): r for p, r in results.items()})
                self.item_errors.update({Path(p): e for p, e in errors.items()})
                return
            self.check_items(items)
            results = {str(p): lightened(r) for p, r in self.results.items()}
            fd, tmp = tempfile.mkstemp(prefix=".batch.", suffix=".tmp", dir=shared.parent)
            with os.fdopen(fd, "wb") as fh:
                errors = {str(p): e for p, e in self.item_errors.items()}
                pickle.dump((results, self.batch_error, errors), fh)
            os.replace(tmp, shared)

    def remove_shared_batches(self) -> None:
        """The controller, at the end: this run's shared batch, and any left by killed runs."""
        cfg = self.config
        directory = cfg.state_dir / SHARED_DIR if cfg is not None else None
        if directory is None or not directory.is_dir():
            return
        import contextlib

        now = time.time()
        for path in directory.iterdir():
            with contextlib.suppress(OSError):  # another process removed it first
                ours = path.name.split(".")[0] in self.run_ids
                if ours or now - path.stat().st_mtime > SHARED_MAX_AGE:
                    path.unlink()
        with contextlib.suppress(OSError):  # another run's files are still there
            directory.rmdir()

    def check_items(self, items: Sequence[CampaignItem]) -> None:
        from mailcheck.config import ConfigError
        from mailcheck.engine import (
            Source,
            UsageError,
            check_campaign_settings,
            check_campaigns,
            prepare,
        )

        cfg = self.config
        assert cfg is not None
        # A mistake in one campaign's own settings (its campaign.toml, a suppression comment
        # naming no rule) fails that item, with its message; the others are checked
        campaigns, checked = [], []
        for item in items:
            own = self.item_config(item)
            self.strict_plugins |= own is not None and own.strict_plugins
            try:
                campaign = prepare(
                    Source(item.campaign_path, item.shown, item.campaign_path.parent), cfg
                )
                check_campaign_settings(campaign, cfg)
            except ConfigError as exc:
                self.item_errors[item.campaign_path] = f"mailcheck: configuration error: {exc}"
                continue
            campaigns.append(campaign)
            checked.append(item)
        try:
            # each campaign online or not as its own config says (--mailcheck-offline: all
            # of them offline, through the configuration's override)
            batch: Batch = check_campaigns(campaigns, cfg)
        except UsageError as exc:
            self.batch_error = f"mailcheck: {exc}"
            return
        except ConfigError as exc:
            self.batch_error = f"mailcheck: configuration error: {exc}"
            return
        except Exception as exc:  # a mailcheck bug: fail the items, do not hide it
            self.batch_error = f"mailcheck failed: {exc!r} (please report this)"
            return
        for item, result in zip(checked, batch.results, strict=True):
            self.results[item.campaign_path] = result


_SESSION = pytest.StashKey[MailcheckSession]()


def campaign_files(path: Path) -> list[tuple[str, bytes]]:
    """The files whose content decides a campaign's verdict, with stable names.

    A campaign directory is every file below it (HTML, text, samples, images): a campaign
    reads nothing outside it (:mod:`mailcheck.confined`); a bare HTML is itself and the .txt
    of its stem beside it (its text part). Files are read as the loader reads
    them: a symlink out, a FIFO or an oversized file counts by its refusal, never its bytes.
    """
    from mailcheck.engine import SKIP_DIRS
    from mailcheck.loaders import HTML_SUFFIXES, MANIFEST, same_stem_text

    if path.name != MANIFEST:
        alone = [(path.name, _read(path, path.parent))]
        # a bare HTML's text part beside it (content.txt): an edit to it, or a new one, is
        # another campaign, never the cached pass of the HTML alone
        if path.suffix.lower() in HTML_SUFFIXES and (text := same_stem_text(path)) is not None:
            alone.append((text.name, _read(text, path.parent)))
        return alone

    root = path.parent
    files: list[tuple[str, bytes]] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        for name in sorted(filenames):
            full = Path(dirpath) / name
            files.append((full.relative_to(root).as_posix(), _read(full, root)))
    return files


def _read(path: Path, root: Path) -> bytes:
    from mailcheck.config import LimitsConfig
    from mailcheck.confined import RefusedInput, read_file

    try:
        return read_file(path, root=root, limit=LimitsConfig().message_bytes)
    except RefusedInput as exc:
        return f"<refused: {exc}>".encode()


def _source_digest(value: str) -> str:
    """A digest of the source of an entry point's module (a package: every .py file in it).
    An agency's own rules are often a local package whose version never changes: an edit
    to them must check the campaigns again. The module is found, not imported."""
    from importlib.util import find_spec

    try:
        spec = find_spec(value.partition(":")[0].strip())
    except (ImportError, ValueError):
        return ""  # the registry says why when it loads the plugin
    if spec is None or not spec.origin or not spec.has_location:
        return ""
    if spec.submodule_search_locations:
        files = sorted(f for d in spec.submodule_search_locations for f in Path(d).rglob("*.py"))
    else:
        files = [Path(spec.origin)]
    digest = hashlib.sha256()
    for file in files:
        try:
            digest.update(file.read_bytes())
        except OSError:
            continue
    return digest.hexdigest()


def _first_finding(result: CampaignResult, language: str) -> str:
    """The first error (in strict mode, warning) of a failed campaign, in one line."""
    from mailcheck.i18n import translate, translations
    from mailcheck.model import Severity
    from mailcheck.reports.text import said_places

    errors = [f for f in result.findings if f.severity is Severity.ERROR]
    first, *others = errors or result.findings
    said = " ".join(str(translate(first.message, translations(language))).split())
    # where, as the finding's own line below says it (the campaign's parts translated)
    where = " ".join(said_places(first, language).split())
    line = f"{first.code} {where}: {said}" if where else f"{first.code} {said}"
    return f"{line} (+{len(others)})" if others else line


def _network_warnings(result: CampaignResult) -> bool:
    """Whether a network rule warned: what the network said may change by the next run."""
    from mailcheck.model import Severity
    from mailcheck.registry import load_registry

    rules = load_registry().rules
    return any(
        f.severity is Severity.WARNING and f.code in rules and rules[f.code].network
        for f in result.findings
    )


def read_passes(path: Path) -> dict[str, dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != PASS_FILE_VERSION:
        return {}
    passes = data.get("passes")
    return passes if isinstance(passes, dict) else {}


def write_passes(path: Path, new: dict[str, dict[str, Any]]) -> None:
    """Merge ``new`` into the pass file and replace it atomically (no lock needed: last writer
    wins, and losing a pass only means checking a campaign once more)."""
    now = time.time()
    passes = {
        k: v
        for k, v in read_passes(path).items()
        if isinstance(v, dict) and now - float(v.get("checked_at") or 0) < PASS_MAX_AGE
    }
    passes.update(new)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".pytest-pass.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump({"version": PASS_FILE_VERSION, "passes": passes}, fh, indent=1)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only checkout: the cache is an optimisation, never a failure


class MailcheckAPI:
    """What the ``mailcheck`` fixture gives a custom test: the engine with the project's config."""

    def __init__(self, config: Config) -> None:
        self.config = config

    def check(
        self, *paths: str | os.PathLike[str], offline: bool = True, use_cache: bool = True
    ) -> list[CampaignResult]:
        """Check campaigns as ``mailcheck check`` does; offline unless asked otherwise."""
        return self.run(*paths, offline=offline, use_cache=use_cache).results

    def run(
        self, *paths: str | os.PathLike[str], offline: bool = True, use_cache: bool = True
    ) -> Batch:
        """The whole batch: results and the network facts they were judged on."""
        from mailcheck.engine import run

        return run([os.fspath(p) for p in paths], self.config, offline=offline, use_cache=use_cache)

    def format(self, results: list[CampaignResult]) -> str:
        """The results as the CLI prints them."""
        from mailcheck.reports.text import render

        return render(results)


@pytest.fixture
def mailcheck(pytestconfig: pytest.Config) -> MailcheckAPI:
    """mailcheck's engine configured from the project (mailcheck.toml / [tool.mailcheck])."""
    from mailcheck.config import load_config

    return MailcheckAPI(load_config(start=pytestconfig.rootpath))
