"""The runner: discover inputs, load and parse each once, gather network facts, then judge.

sources -> Campaign (loaders) -> variants rendered and parsed (templating)
        -> Facts for the whole batch (net; skipped offline) -> rules -> findings
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from mailcheck.config import Config, campaign_config, has_own_config
from mailcheck.facts import Facts
from mailcheck.i18n import t
from mailcheck.loaders import (
    HTML_SUFFIXES,
    MANIFEST,
    MESSAGE_SUFFIXES,
    NOT_READ,
    html_of_text,
    is_mailbox,
    is_outlook_file,
    is_saved_message,
    load,
)
from mailcheck.model import Campaign, CampaignResult, Finding, Severity
from mailcheck.progress import Progress
from mailcheck.text import printable

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

    from mailcheck.rules import Context, Rule

FILE_SUFFIXES = (*MESSAGE_SUFFIXES, *HTML_SUFFIXES)  # what a campaign is when it is one file
# what a directory walk picks up: campaigns, and mail files it will say it does not read
WALKED_SUFFIXES = (*FILE_SUFFIXES, *NOT_READ)
# what stays an input of its own beside a campaign.toml: a test send of the campaign is
# checked as sent, not passed over as one of the campaign's files
OWN_INPUT_SUFFIXES = (*MESSAGE_SUFFIXES, *NOT_READ)
INPUT_RULES = ("INP001", "INP002")  # the rules that judge an input that was not read
SKIP_DIRS = {".git", ".mailcheck", "node_modules", "__pycache__", ".venv", "venv", ".tox"}

T = TypeVar("T")
# What a caller keeps of each result (:func:`lightened`, the report's ``for_report``): applied
# where the campaign is judged, in the worker, so that what is dropped never travels back.
Keep = Callable[[CampaignResult], CampaignResult]


class UsageError(Exception):
    """A problem with how mailcheck was called (exit code 2)."""


@dataclass(frozen=True)
class Source:
    path: Path  # the file to load (campaign.toml, .eml, .html)
    # the path as the user gave it, or as found below a given directory; printable (a name's
    # bytes that are not UTF-8 shown as "�"): the campaign's source in every output and record
    shown: str
    # Found below a directory: its reads stay inside this one (None: named by the user).
    root: Path | None = None
    error: str | None = None  # a directory that could not be walked: INP001 on it


def discover(paths: Sequence[str]) -> list[Source]:
    """Every campaign below ``paths``; a directory with campaign.toml is one campaign.

    A file whose name has no extension is found too when it is a saved message (it starts with
    a mail header block: a test suite's ``m0129``).

    Nothing is skipped silently: a directory that cannot be read is a :class:`Source` with an
    ``error`` (INP001), a mail file mailcheck does not read (Outlook, mbox) is a source that
    says so (INP002), symlinked directories are followed (each real directory once, so a
    loop ends), and a PATH with no campaign below it is a :class:`UsageError` (exit 2): a CI
    job pointed at the wrong folder must go red, not pass on nothing.
    """
    found: list[Source] = []
    for given in paths:
        p = Path(given)
        if not p.exists():
            raise UsageError(f"{given}: no such file or directory")
        manifest = owning_campaign(p)
        if manifest is not None:
            shown = campaign_shown(given, manifest)
            _note(
                f"mailcheck: note: {printable(given)} is a file of the campaign "
                f"{os.path.dirname(shown) or '.'} ({MANIFEST}): checking that campaign"
            )
            found.append(Source(manifest, shown, root=manifest.parent))
            continue
        if (html := html_of_text(p)) is not None:  # content.txt beside content.html
            shown = printable(os.path.join(os.path.dirname(given), html.name))
            _note(
                f"mailcheck: note: {printable(given)} is the text part of {shown}: checking "
                "that campaign"
            )
            found.append(Source(html, shown))
            continue
        if not p.is_dir():  # a FIFO or device too: the loader refuses it with the reason
            found.append(Source(p, printable(given)))
            continue
        walked = _walk(given, p)
        if all(is_outlook_file(s.path) or is_mailbox(s.path) for s in walked):
            # a folder of Outlook files and mailboxes only: a CI job must go red, not pass on
            # warnings
            files = "file or mbox mailbox" if len(walked) == 1 else "files or mbox mailboxes"
            unread = (
                f"; {len(walked)} Outlook .msg/.oft {files}, not read: save test sends as .eml"
                if walked
                else ""
            )
            raise UsageError(
                f"{given}: no campaign found (no campaign.toml, .eml, .emlx, .html or .htm, and no "
                f"saved message without an extension below it{unread})"
            )
        found.extend(walked)
    return _each_once(found)


def owning_campaign(path: Path) -> Path | None:
    """The campaign.toml of the campaign directory the file ``path`` belongs to, or None.

    As a directory walk counts them: every file in a campaign's directory, its sub-directories
    too, is the campaign's own (its html, text, samples, partials), up to the nearest directory
    with a campaign.toml. Named on its own, such a file was checked (and launched, and logged)
    as a bare HTML without the campaign's subject, UTM expectations, client and id: a pass
    that checked something else than what is sent. A saved message stays an input of its own
    (a test send is checked as sent), as does campaign.toml itself and what is no regular file.
    """
    if path.name == MANIFEST or not path.is_file():
        return None
    if path.suffix.lower() in OWN_INPUT_SUFFIXES or is_saved_message(path):
        return None
    return _enclosing_campaign(path)


def campaign_of_test_send(path: Path) -> Path | None:
    """The campaign.toml of the campaign directory the saved message ``path`` (or a mail file
    mailcheck does not read, an Outlook .msg) is in, as :func:`owning_campaign` walks up, or
    None: a test send of that campaign, which ``check`` checks as sent and ``launch`` does not
    launch (the campaign is what goes out)."""
    if not path.is_file() or not (
        path.suffix.lower() in OWN_INPUT_SUFFIXES or is_saved_message(path)
    ):
        return None
    return _enclosing_campaign(path)


def _enclosing_campaign(path: Path) -> Path | None:
    here = Path(os.path.abspath(path)).parent
    for directory in [here, *here.parents]:
        if directory.name in SKIP_DIRS:
            return None  # a tool's or a dependency's file: never a campaign's
        if (directory / MANIFEST).is_file():
            return directory / MANIFEST
        if (directory / ".git").exists():
            return None  # the repository's top: campaigns live below it
    return None


def campaign_shown(given: str, manifest: Path) -> str:
    """How the campaign of the file named ``given`` is shown: its campaign.toml, spelt from
    the directory the user named the file from (``campaigns/x/email.html`` ->
    ``campaigns/x/campaign.toml``)."""
    named_in = Path(os.path.abspath(given)).parent
    relative = os.path.relpath(manifest, named_in)
    return printable(os.path.normpath(os.path.join(os.path.dirname(given), relative)))


# What discovery said on stderr in this process: a command that discovers its PATHs twice
# (launch counts them, then checks them) says it once.
_SAID: set[str] = set()


def _note(message: str) -> None:
    import sys

    if message not in _SAID:
        _SAID.add(message)
        print(message, file=sys.stderr)


def _each_once(sources: list[Source]) -> list[Source]:
    """Each file once, as first found: PATHs that overlap (``campaigns campaigns/bf``, a
    directory and its campaign.toml, ``./c`` and ``c/``) would check, count and log it twice."""
    seen: set[object] = set()
    kept = []
    for source in sources:
        identity = (
            None if source.error else (_identity(source.path) or os.path.realpath(source.path))
        )
        if identity is None or identity not in seen:
            seen.add(identity)
            kept.append(source)
    return kept


def _walk(given: str, top: Path) -> list[Source]:
    found: list[Source] = []

    def unreadable(exc: OSError) -> None:
        where = Path(exc.filename) if exc.filename else top
        reason = (exc.strerror or str(exc)).lower()
        error = t("cannot read directory: {why}", why=reason)
        found.append(Source(where, _shown(given, top, where), error=error))

    seen = {_identity(top)}
    # Directories inside a campaign's: their files are the campaign's own (partials, a build's
    # output, archived proofs), but a campaign.toml there is a campaign of its own.
    in_campaign: set[Path] = set()
    named_like: list[Path] = []  # directories named as an input file (:func:`_named_as_input`)
    for dirpath, dirnames, filenames in os.walk(top, onerror=unreadable, followlinks=True):
        here = Path(dirpath)
        kept = []
        for name in sorted(dirnames):
            if name in SKIP_DIRS:
                continue
            identity = _identity(here / name)
            if identity is not None and identity in seen:
                continue  # a symlink back up (a loop) or to a directory already walked
            seen.add(identity)
            kept.append(name)
        dirnames[:] = kept
        suffixes: tuple[str, ...] = () if here in in_campaign else WALKED_SUFFIXES
        # (a campaign's own folders are its files, whatever their names: its build.html/)
        if suffixes and MANIFEST not in filenames:
            named_like.extend(here / n for n in kept if _named_as_input(n))
        if MANIFEST in filenames:
            manifest = here / MANIFEST
            found.append(Source(manifest, _shown(given, top, manifest), root=here))
            suffixes = OWN_INPUT_SUFFIXES  # a test send saved beside it is checked too
        if MANIFEST in filenames or here in in_campaign:
            in_campaign.update(here / name for name in dirnames)
        for name in sorted(filenames):
            path = here / name
            # a saved message without an extension is one too (not inside a campaign's
            # folders: its files are its own)
            if path.suffix.lower() in suffixes or (suffixes and is_saved_message(path)):
                found.append(Source(path, _shown(given, top, path), root=here))
    for directory in named_like:
        if not any(s.path.is_relative_to(directory) for s in found):
            # the loader refuses it as it refuses any input that is no regular file (INP001)
            found.append(Source(directory, _shown(given, top, directory), root=directory.parent))
    return found


def _named_as_input(name: str) -> bool:
    """Whether a directory is named as a file the walk reads ("email.html", "send.eml",
    "campaign.toml"): an archive unpacked into a folder of the file's name, a file saved as a
    folder. Where nothing below it is a campaign, it was meant as one, and is said unread."""
    return name == MANIFEST or Path(name).suffix.lower() in FILE_SUFFIXES


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None  # os.walk reports it when it tries to list it
    return st.st_dev, st.st_ino


def _shown(given: str, root: Path, path: Path) -> str:
    return printable(os.path.join(given, os.path.relpath(path, root)))


def prepare(source: Source, config: Config) -> Campaign:
    """Load one input and render its variants. Never raises: problems become INP001/PER004."""
    from mailcheck.config import config_for
    from mailcheck.templating import render_campaign

    if source.error is not None:
        return Campaign(
            id=source.path.name or source.shown,
            source=source.shown,
            kind="toml",
            client=config.client,
            load_error=source.error,
        )
    own = config_for(config, source.path)
    campaign = load(source.path, source.shown, own, source.root)
    if own is not config:
        campaign.base_config = own
    if campaign.load_error is None and campaign.not_read is None:
        try:
            render_campaign(campaign, campaign_config(campaign, config))
        except Exception as exc:  # a template engine bug must not lose the batch
            campaign.template_error = f"could not render the template: {exc}"
    return campaign


def check_campaign_settings(campaign: Campaign, config: Config) -> None:
    """:func:`check_rule_settings` for one campaign: its own config (its ``strict-plugins``
    too: a plugin problem fails the campaigns whose config is strict) and its suppression
    comments (a comment not understood, or naming no rule, is a configuration error: exit 2,
    as DESIGN.md §4's Contract says)."""
    from mailcheck.suppression import check_comments, code_refs

    own = campaign_config(campaign, config)
    if has_own_config(campaign):
        check_rule_settings(own, plugins=False)
    if own.strict_plugins:
        check_strict_plugins(own)
    check_comments(campaign)
    refs = code_refs(campaign)
    if refs:
        from mailcheck.registry import load_registry

        load_registry().check_codes(refs)


def check_rule_settings(config: Config, *, plugins: bool = True) -> None:
    """Raise ConfigError for a rule code the user wrote that no rule has (a typo in
    ``select`` must fail the run, not turn every rule off), and, when ``plugins``, for a
    plugin problem under ``strict-plugins``. Loads the rules only when there is something to
    check."""
    written = any(c.strip().upper() != "ALL" for _, codes in config.code_refs for c in codes)
    if written:
        from mailcheck.registry import load_registry

        load_registry().check_codes(config.code_refs)
    if plugins and config.strict_plugins:
        check_strict_plugins(config)


def check_strict_plugins(config: Config) -> None:
    """``strict-plugins`` of ``config``: a plugin problem is a configuration error naming the
    plugin and where strictness was asked for (``--strict-plugins`` or the config file)."""
    from mailcheck.registry import check_plugins, load_registry

    check_plugins(load_registry(), strict_from(config))


def strict_from(config: Config) -> str:
    """Where ``strict-plugins`` of ``config`` was set: the flag, or the config file."""
    if dict(config.cli_overrides).get("strict-plugins"):
        return "--strict-plugins"
    return f"strict-plugins in {config.path}" if config.path is not None else "strict-plugins"


def is_offline(campaign: Campaign, config: Config) -> bool:
    """Whether ``campaign`` is checked without the network: ``[links] offline`` of its own
    (closest) config, which ``--offline`` sets for every config."""
    return campaign_config(campaign, config).links.offline


def _source_offline(source: Source, config: Config) -> bool:
    """:func:`is_offline` before the campaign is loaded (a campaign.toml cannot set it)."""
    from mailcheck.config import config_for

    if source.error is not None:
        return config.links.offline
    return config_for(config, source.path).links.offline


# Below this much input one process is quicker than starting workers and shipping results
# back (measured with bench/bench_offline.py: a pool costs ~30 ms; one source ~2.5 ms).
PARALLEL_MIN_SOURCES = 32
PARALLEL_MIN_BYTES = 1_000_000
CHUNKS_PER_WORKER = 16  # many chunks each: a slow input does not leave the other core idle
MAX_CHUNK = 64  # inputs per chunk at most


def usable_cpus() -> int:
    """CPUs this process may run on (a CI job pinned to 2 of 64 cores gets 2)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on this platform (macOS, Windows)
        return os.cpu_count() or 1


def _worth_parallel(sources: list[Source], jobs: int) -> bool:
    if jobs <= 1 or len(sources) < 2:
        return False
    if len(sources) >= PARALLEL_MIN_SOURCES:
        return True
    return sum(_size(s) for s in sources) >= PARALLEL_MIN_BYTES


def _size(source: Source) -> int:
    try:
        return source.path.stat().st_size
    except OSError:
        return 0


def _pool(jobs: int) -> ProcessPoolExecutor:
    # Forked workers start at once with mailcheck and the rules already imported; a spawned
    # one imports them again (~0.3 s). Forking is only safe while no other thread runs (one
    # could hold a lock the child then waits for forever): otherwise a fork server.
    import multiprocessing  # here: importing it costs start-up time every command pays
    import threading
    from concurrent.futures import ProcessPoolExecutor

    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        method = "fork"
    else:
        method = "forkserver" if "forkserver" in methods else "spawn"
    return ProcessPoolExecutor(
        max_workers=jobs, mp_context=multiprocessing.get_context(method), initializer=_in_worker
    )


def _in_worker() -> None:
    # A forked worker inherits cli.main's SIGTERM handler (raise SystemExit), which the pool
    # would catch as a task's failure: in a worker, SIGTERM ends the process. Ctrl-C reaches
    # the whole process group: the parent stops the workers, which would otherwise each print
    # "Process ForkProcess-1:" and a traceback under its one line "mailcheck: interrupted".
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextlib.contextmanager
def _ctrl_c_held_while_forking() -> Iterator[None]:
    """Forked while this holds, workers are born with Ctrl-C (SIGINT) blocked: one pressed
    before their initializer ran raised KeyboardInterrupt in them. The parent's own Ctrl-C
    waits, pending, and arrives as this ends: it is never lost."""
    import signal

    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _chunks(sources: list[Source], jobs: int) -> list[list[int]]:
    """Indices of ``sources`` in chunks of about equal size in bytes, the largest first.

    Time goes with size (a message with attachments is parsed line by line), so the largest
    inputs travel alone or in small chunks and the workers finish together; the many small
    ones go in larger chunks, which keeps the cost per chunk low.
    """
    sizes = [_size(s) for s in sources]
    order = sorted(range(len(sources)), key=lambda i: -sizes[i])
    target = sum(sizes) / (jobs * CHUNKS_PER_WORKER)
    chunks: list[list[int]] = []
    current: list[int] = []
    filled = 0
    for i in order:
        current.append(i)
        filled += sizes[i]
        if filled >= target or len(current) >= MAX_CHUNK:
            chunks.append(current)
            current, filled = [], 0
    if current:
        chunks.append(current)
    return chunks


def _in_workers(
    work: Callable[..., list[T]],
    sources: list[Source],
    jobs: int,
    *args: object,
    done: Callable[[int], object] = lambda n: None,
) -> list[T]:
    """``work(chunk_of_sources, *args)`` in worker processes; results in the order of sources.

    A worker that dies (killed for memory, a crash in a C library) loses nothing: the chunks
    it left undone are done here. Interrupted (Ctrl-C), the chunks not started are dropped
    rather than waited for.
    """
    from concurrent.futures.process import BrokenProcessPool

    out: dict[int, T] = {}
    chunks = _chunks(sources, jobs)
    pool = _pool(min(jobs, len(chunks)))
    # What exists now (modules, rules, compiled patterns) lives as long as the workers: kept
    # out of the garbage collector's passes here and in the workers (forked at the first
    # submit), which otherwise walk it on every full collection and copy each page it touches.
    freezing = gc.get_freeze_count() == 0  # a host program's own freeze is left alone
    if freezing:
        gc.freeze()
    try:
        with _ctrl_c_held_while_forking():  # the workers are forked at the first submit
            futures = [(c, pool.submit(work, [sources[i] for i in c], *args)) for c in chunks]
        for chunk, future in futures:
            try:
                results = future.result()
            except BrokenProcessPool:
                results = work([sources[i] for i in chunk], *args)
            out.update(zip(chunk, results, strict=True))
            done(len(chunk))
    except BaseException:  # Ctrl-C, SIGTERM (cli.main), a bug: no worker outlives the run
        pool.shutdown(wait=False, cancel_futures=True)
        _stop_workers()
        # the pool's manager thread ends once its workers are gone: joined here, it cannot
        # race the interpreter's exit hook for its wake-up pipe, which printed "Exception
        # ignored … OSError: [Errno 9] Bad file descriptor" under "mailcheck: interrupted"
        pool.shutdown(wait=True)
        raise
    finally:
        if freezing:
            gc.unfreeze()  # a long-lived caller (the pytest plugin) collects as before
    pool.shutdown()
    return [out[i] for i in range(len(sources))]


def _stop_workers() -> None:
    import multiprocessing

    for child in multiprocessing.active_children():
        child.terminate()
    for child in multiprocessing.active_children():
        child.join(5)


def _load_before_forking() -> None:
    """Load here, once, what preparing and judging any campaign loads: the rules, the
    template renderer (with the HTML parser and lxml), the judging's last steps, the Public
    Suffix List. Forked workers inherit it all; loaded lazily, each worker imported and read
    it again (0.18 x 10^9 instructions each, callgrind). What only some campaigns need (a
    template language, ftfy for BRF003) stays with the worker that needs it.
    """
    import mailcheck.rootcause
    import mailcheck.suppression
    import mailcheck.templating.render  # noqa: F401
    from mailcheck.domains import org_domain
    from mailcheck.registry import load_registry

    load_registry()
    org_domain("example.com")  # reads the Public Suffix List


def _prepare_chunk(sources: list[Source], config: Config) -> list[Campaign]:
    return [prepare(s, config) for s in sources]


def _prepare_all(
    sources: list[Source], config: Config, jobs: int, done: Callable[[int], object]
) -> list[Campaign]:
    if not _worth_parallel(sources, jobs):
        campaigns = []
        for s in sources:
            campaigns.append(prepare(s, config))
            done(1)
        return campaigns
    return _in_workers(_prepare_chunk, sources, jobs, config, done=done)


def _check_offline(
    sources: list[Source],
    config: Config,
    keep: Keep | None,
    done: Callable[[int], object] = lambda n: None,
) -> list[CampaignResult]:
    """Prepare and judge, one campaign at a time: offline nothing needs the whole batch."""
    results = []
    for source in sources:
        result = judge(prepare(source, config), config, Facts(), offline=True)
        results.append(keep(result) if keep else result)
        done(1)
    return results


def lightened(result: CampaignResult) -> CampaignResult:
    """The result without the campaign's bodies and parsed documents.

    Output writers that only name campaigns (text, json, sarif, junit, github) need none of
    them; dropping them keeps memory flat and makes results cheap to send between processes.
    Gone: ``html``, ``text``, ``raw_message``, ``static``, and each render's ``html``, ``text``
    and ``document`` (so ``all_links()`` is empty). Everything else stays.
    """
    c = result.campaign
    renders = [
        replace(r, html=None, text=None, document=None, text_links=[], text_lines={})
        for r in c.renders
    ]
    light = replace(c, html=None, text=None, raw_message=None, static=None, renders=renders)
    return CampaignResult(light, result.findings, result.suppressed)


_active: dict[tuple[object, ...], tuple[object, list[Rule]]] = {}


def active_rules(config: Config, *, offline: bool) -> list[Rule]:
    from mailcheck.registry import load_registry, selected

    registry = load_registry()
    # Asked once per campaign; the answer only changes with select/ignore (and the registry).
    key = (id(registry), config.code_refs, tuple(config.select), tuple(config.ignore), offline)
    cached = _active.get(key)
    if cached is not None and cached[0] is registry:
        return list(cached[1])
    registry.check_codes(config.code_refs)
    chosen = selected(registry.rules, list(config.select), list(config.ignore))
    if not chosen:  # a gate that runs no rule passes everything, as an empty select would
        from mailcheck.config import ConfigError

        written = "; ".join(f"{where} = {list(codes)}" for where, codes in config.code_refs)
        raise ConfigError(
            f"select and ignore leave no rule to run ({written or 'ignore = ALL'}): "
            "every campaign would pass unchecked"
        )
    # An input that cannot be read is never passed over: INP001 runs whatever is ignored
    # (its severity can still be set in [severity]); no other rule judges such an input.
    chosen |= {"INP001"} & set(registry.rules)
    rules = [r for r in registry.sorted() if r.code in chosen and not (offline and r.network)]
    _active[key] = (registry, rules)
    return list(rules)


def judge(campaign: Campaign, config: Config, facts: Facts, *, offline: bool) -> CampaignResult:
    check_campaign_settings(campaign, config)
    own = campaign_config(campaign, config)
    rules = active_rules(own, offline=offline)
    return _result(campaign, _findings(campaign, own, facts, rules), own, facts, rules)


def _result(
    campaign: Campaign, findings: list[Finding], cfg: Config, facts: Facts, rules: list[Rule]
) -> CampaignResult:
    """The result with the campaign's suppression comments applied (and kept, to be shown),
    and what one cause outside the campaign explains said once (:mod:`mailcheck.rootcause`).

    A finding a comment hid at some of its places is judged again by its rule without what
    the comments hid of its code (:func:`mailcheck.suppression.without_hidden`): its message
    counts and names only what is left ("1 plain http:// URL", not the 2 it had)."""
    from mailcheck.rootcause import fold
    from mailcheck.rules import Context
    from mailcheck.suppression import apply, partly_hidden, without_hidden

    kept, suppressed = apply(campaign, findings)
    again = partly_hidden(kept, suppressed)
    if again:
        recounted: dict[str, list[Finding]] = {}
        for r in rules:
            if r.code in again and not r.after:
                ctx = Context(campaign=without_hidden(campaign, r.code), config=cfg, facts=facts)
                found, ran = _run(r, ctx, cfg)
                if ran:
                    recounted[r.code] = apply(campaign, found)[0]
        first = {f.code: i for i, f in reversed(list(enumerate(kept)))}
        listed: list[Finding] = []
        for i, f in enumerate(kept):
            if f.code not in recounted:
                listed.append(f)
            elif first[f.code] == i:
                listed += recounted[f.code]  # the code judged again, where its first one was
        kept = listed
    if not campaign.file_lines:
        return CampaignResult(campaign, fold(kept), suppressed)
    return CampaignResult(
        campaign,
        [_in_file(campaign, f) for f in fold(kept)],
        [(s, [_in_file(campaign, f) for f in hidden]) for s, hidden in suppressed],
    )


def _in_file(campaign: Campaign, finding: Finding) -> Finding:
    """``finding`` with each line of a saved message's part it names said as the line of the
    file a QA person opens (:meth:`Campaign.in_file`): judged, hidden and folded at the
    part's lines, as its rules and comments read them."""
    places = tuple(campaign.in_file(place) for place in finding.locations)
    return replace(
        finding,
        location=campaign.in_file(finding.location),
        locations=places,
        folded=tuple(_in_file(campaign, f) for f in finding.folded),
    )


def _findings(
    campaign: Campaign, cfg: Config, facts: Facts, rules: Iterable[Rule]
) -> list[Finding]:
    """The findings of ``rules`` with ``cfg``, the campaign's own configuration: those declared
    ``after`` run last, with what the others found (and which of them could judge) to read."""
    from mailcheck.rules import Context, Judged

    ctx = Context(campaign=campaign, config=cfg, facts=facts)
    rules = list(rules)
    findings: list[Finding] = []
    judged: set[str] = set()
    unread = (campaign.load_error or campaign.not_read) is not None
    for r in rules:
        if r.after or (unread and r.code not in INPUT_RULES):
            continue  # nothing else can be judged about an input that was not read
        found, ran = _run(r, ctx, cfg)
        findings.extend(found)
        if ran and _can_judge(r, ctx):
            judged.add(r.code)
    later = [r for r in rules if r.after and not unread]
    if later:
        from mailcheck.registry import load_registry

        seen = Judged(
            findings=tuple(findings),
            judged=frozenset(judged),
            network=frozenset(r.code for r in rules if r.network),
            codes=frozenset(load_registry().rules),
        )
        for r in later:
            findings.extend(_run(r, replace(ctx, judged=seen), cfg)[0])
    return findings


def _run(r: Rule, ctx: Context, cfg: Config) -> tuple[list[Finding], bool]:
    """One rule's findings, at the severity the configuration gives the rule, and whether it
    ran to its end (a rule that failed judged nothing)."""
    try:
        found = r.run(ctx)
        level = cfg.severity_for(r.code)
        if level is not None:  # the agency's block/warn choice for this rule
            found = [replace(f, severity=Severity(level)) for f in found]
        return found, True
    except Exception as exc:  # report, never hide: a crashed rule must not pass a launch
        failed = Finding(r.code, r.name, Severity.ERROR, f"rule failed: {exc!r} (please report)")
        return [failed], False


def _can_judge(r: Rule, ctx: Context) -> bool:
    """Whether ``r`` could judge the campaign: what it reads is there (``applies``), and for a
    rule that needs the network, DNS answered this run."""
    if r.network and ctx.facts.dns_silent:
        return False
    try:
        return r.applies is None or r.applies(ctx)
    except Exception:  # a predicate that fails says nothing about the campaign
        return False


@dataclass
class Batch:
    """The outcome of one run: every campaign's findings and the facts they were judged on."""

    results: list[CampaignResult]
    facts: Facts
    offline: bool  # every campaign was checked without the network


def run(
    paths: Sequence[str],
    config: Config,
    *,
    offline: bool | None = None,
    use_cache: bool = True,
    cached_links: bool = True,
    progress: bool = False,
    jobs: int | None = None,
    keep: Keep | None = None,
    sources: Sequence[Source] | None = None,
) -> Batch:
    """Check every campaign below ``paths``; the whole batch's network facts are fetched once.

    ``offline``: True checks every campaign without the network, False every one with it;
    None (the command line's way) asks each campaign's closest config (``[links] offline``,
    which ``--offline`` sets in all of them). ``jobs`` worker processes load, render and
    (offline) judge the campaigns; default: one per core, and none for a small batch.
    ``keep`` trims each result to what the caller reads (:func:`lightened` for callers that
    only print findings); None keeps whole campaigns. ``cached_links=False`` asks every link
    again while DNS answers may still come from the cache (the launch gate). ``sources``: what
    :func:`discover` found below ``paths``, chosen from by the caller (the launch gate takes a
    directory's campaign, not its test sends).
    """
    check_rule_settings(config, plugins=False)  # before anything is read or requested
    if dict(config.cli_overrides).get("strict-plugins"):
        check_strict_plugins(config)  # --strict-plugins: every config is strict
    sources = discover(paths) if sources is None else list(sources)
    all_offline = (
        offline if offline is not None else all(_source_offline(s, config) for s in sources)
    )
    jobs = jobs or usable_cpus()
    bar = Progress(
        len(sources),
        "checking campaigns" if all_offline else "reading campaigns",
        enabled=progress and len(sources) > 1,
        unit="campaigns",
    )
    try:
        if all_offline:
            # Each worker judges what it prepared and sends back findings and what ``keep``
            # leaves of the campaign: shipping whole campaigns back cost more than it saved,
            # and holding them all here is what a large batch's memory went to.
            if _worth_parallel(sources, jobs):
                _load_before_forking()
                results = _in_workers(_check_offline, sources, jobs, config, keep, done=bar.advance)
            else:
                results = _check_offline(sources, config, keep, bar.advance)
            return Batch(results, Facts(), True)
        campaigns = _prepare_all(sources, config, jobs, bar.advance)
    finally:
        bar.close()
    batch = check_campaigns(
        campaigns,
        config,
        offline=offline,
        use_cache=use_cache,
        cached_links=cached_links,
        progress=progress,
    )
    if keep is not None:
        batch.results = [keep(r) for r in batch.results]
    return batch


def check_campaigns(
    campaigns: Iterable[Campaign],
    config: Config,
    *,
    offline: bool | None = None,
    use_cache: bool = True,
    cached_links: bool = True,
    progress: bool = False,
) -> Batch:
    """Judge prepared campaigns: the network facts of those checked online first, then rules.

    ``offline`` as :func:`run`'s: None asks each campaign's own config. The campaigns online
    are gathered together, each unique URL and DNS name once; campaigns whose configs differ
    in how the network is asked (``[links]``/``[dns]`` settings, the cache's directory) are
    gathered in turn, each group with its own settings."""
    campaigns = list(campaigns)
    check_rule_settings(config, plugins=False)
    offline_of = [offline if offline is not None else is_offline(c, config) for c in campaigns]
    online = [c for c, off in zip(campaigns, offline_of, strict=True) if not off]
    for campaign in online:  # a campaign's typo fails the run before any request
        check_campaign_settings(campaign, config)
    facts_of: dict[int, Facts] = {}
    gathered: list[Facts] = []
    if online:
        from mailcheck.net import gather

        for group_config, members in network_groups(online, config):
            facts = gather(
                members,
                group_config,
                use_cache=use_cache,
                cached_links=cached_links,
                progress=progress,
            )
            gathered.append(facts)
            facts_of.update((id(c), facts) for c in members)
    results = [
        judge(c, config, facts_of.get(id(c), Facts()), offline=off)
        for c, off in zip(campaigns, offline_of, strict=True)
    ]
    return Batch(results, _joined(gathered), all(offline_of))


def _network_key(cfg: Config) -> tuple[object, ...]:
    """What decides how the network is asked (a campaign's own ``exclude``, DKIM selectors
    and sending IPs are read per campaign, and do not)."""
    return (
        replace(cfg.links, exclude=()),
        replace(cfg.dns, dkim_selectors=(), sending_ips=()),
        cfg.spam,
        cfg.state_dir,
    )


def network_groups(
    campaigns: list[Campaign], config: Config
) -> list[tuple[Config, list[Campaign]]]:
    """The campaigns by the network settings of their configs, each group with a config that
    has them: the run's when a campaign of the group uses it (a campaign's own config wins over
    the one it is gathered with, :func:`mailcheck.config.campaign_config`)."""
    groups: dict[tuple[object, ...], list[Campaign]] = {}
    for campaign in campaigns:
        groups.setdefault(_network_key(campaign_config(campaign, config)), []).append(campaign)
    return [
        (
            config
            if any(c.base_config is None for c in members)
            else members[0].base_config or config,
            members,
        )
        for members in groups.values()
    ]


def _joined(gathered: list[Facts]) -> Facts:
    """The facts of every group gathered, as one (what a report lists): each campaign was
    judged on its own group's."""
    if len(gathered) == 1:
        return gathered[0]
    joined = Facts(gathered=bool(gathered))
    for facts in gathered:
        joined.links.update(facts.links)
        joined.auth.update(facts.auth)
        joined.spam.update(facts.spam)
        joined.dns_silent = joined.dns_silent or facts.dns_silent
        joined.nxdomain_unproven = joined.nxdomain_unproven or facts.nxdomain_unproven
        joined.gathered_at = min(joined.gathered_at or facts.gathered_at, facts.gathered_at)
    return joined
