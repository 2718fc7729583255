"""Configuration: ``mailcheck.toml`` or ``[tool.mailcheck]`` in ``pyproject.toml``.

Hierarchical, as ruff's: each checked path gets the closest config walking up from it
(:func:`config_for`); commands without a path walk up from the working directory. A
``mailcheck.toml`` wins over a ``pyproject.toml`` in the same directory. Relative paths (the
database too) are relative to the config file. CLI flags override every config found; a
campaign's ``campaign.toml`` overrides it for that campaign.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, is_dataclass, replace
from datetime import tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mailcheck.i18n import t

if TYPE_CHECKING:
    from mailcheck.model import Campaign


class ConfigError(Exception):
    """A configuration the user must fix (exit code 2)."""


# Nameservers for SPF/DKIM/DMARC lookups when ``[dns] nameservers`` is empty (tests, CI).
NAMESERVERS_ENV = "MAILCHECK_NAMESERVERS"


PROFILES = ("", "ru")  # "" judges no country's law


@dataclass(frozen=True)
class LinksConfig:
    offline: bool = False
    timeout: float = 10.0
    concurrency: int = 128  # measured: docs/benchmarks.md, link checking
    per_host: int = 16  # halved for a host that answers 429 or 503 (net/http.py)
    retries: int = 2  # on 429 and 5xx; a timeout is retried once at most (timeout-retry)
    timeout_retry: bool = True  # a timed-out request is tried once more, on a shorter budget
    deadline: float = 300.0  # seconds for all link checking of a run (0: none)
    allow_private: bool = False
    allow_metadata: bool = False  # cloud-metadata addresses stay refused even with allow-private
    proxy: str = ""  # e.g. "http://proxy.corp:3128"; empty: HTTP(S)_PROXY / NO_PROXY
    exclude: tuple[str, ...] = ()
    cache_ttl: float = 86400.0  # seconds a cached link result stays fresh
    unsubscribe_get: bool = False  # opt in to GET for unsubscribe links that refuse HEAD
    user_agent: str = "mailcheck-qa link checker (+pre-send QA; one request per URL)"


@dataclass(frozen=True)
class DnsConfig:
    nameservers: tuple[str, ...] = ()
    dkim_selectors: tuple[str, ...] = ()
    sending_ips: tuple[str, ...] = ()
    timeout: float = 5.0
    # seconds an answer stays in the DNS cache at most (its TTL, if shorter), and a document a
    # domain publishes (MTA-STS policy, BIMI logo, certificate) in the document cache; 0: none
    cache_max_ttl: float = 3600.0
    blocklists: bool = True  # look sending IPs and sender/link domains up on DNS blocklists
    ip_blocklists: tuple[str, ...] = ()  # zones; empty: the built-in lists (domain_health)
    domain_blocklists: tuple[str, ...] = ()
    spamhaus_dqs_key: str = ""  # Spamhaus Data Query Service key: ZEN/DBL asked through DQS


@dataclass(frozen=True)
class LimitsConfig:
    """What one campaign may cost: a campaign is untrusted input (CI runs edits by others).

    Set in the config only: a campaign.toml cannot raise its own limits.
    """

    file_bytes: int = 5_000_000  # each file a campaign reads (html, text, samples, campaign.toml)
    message_bytes: int = 30_000_000  # a saved test send (.eml), attachments included
    sample_rows: int = 50_000  # sample recipients per campaign
    render_seconds: float = 2.0  # one render of one part for one set of values
    campaign_render_seconds: float = 20.0  # all renders of one campaign together
    render_bytes: int = 5_000_000  # output of one render (and any string it builds)
    loop_iterations: int = 100_000  # loop iterations of one render, nested loops together
    recursion_depth: int = 64  # nested macro / partial / include calls in one render


@dataclass(frozen=True)
class SpamConfig:
    """The local spam scanner SPAM001 asks: a SpamAssassin spamd or an rspamd, not both."""

    spamd: str = ""  # "host:port" of a SpamAssassin spamd to score each campaign; "" = off
    rspamd: str = ""  # "http://host:port" of an rspamd normal worker (/checkv2); "" = off
    warn: float = 5.0  # score from which SPAM001 warns
    error: float = 10.0  # score from which SPAM001 is an error
    timeout: float = 30.0  # seconds to score one message


@dataclass(frozen=True)
class ReportConfig:
    agency: str = ""
    logo: str = ""  # path to an image file, inlined as a data: URI
    language: str = "en"  # of everything the client reads: "en" | "ru" (mailcheck.i18n)


@dataclass(frozen=True)
class LaunchConfig:
    """The launch gate and the incident log."""

    # The team's time zone, an IANA name ("Europe/Moscow"): a time written without a UTC
    # offset (incident --at and --detected-at, a campaign's send_at) is read in it. "": in this
    # machine's zone (a CI runner's is usually UTC).
    time_zone: str = ""

    def zone(self) -> tzinfo | None:
        """The team's zone; None: this machine's."""
        return _zone(self.time_zone) if self.time_zone else None


def _zone(name: str) -> tzinfo:
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def _check_time_zone(launch: LaunchConfig, where: str) -> None:
    """An unknown zone would read every time an hour or more off: said when the config is read."""
    from zoneinfo import ZoneInfoNotFoundError

    if not launch.time_zone:
        return
    try:
        _zone(launch.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"{where}: time-zone {launch.time_zone!r} is no time zone of the IANA database "
            'this system has: use a name such as "Europe/Moscow" or "UTC" (a zone\'s name, '
            "not an offset: the offset changes with daylight saving time)"
        ) from None


@dataclass(frozen=True)
class Config:
    select: tuple[str, ...] = ("ALL",)
    ignore: tuple[str, ...] = ()
    subject_max: int = 50
    preheader_max: int = 90
    required_utm: tuple[str, ...] = ("utm_source", "utm_medium", "utm_campaign")
    tracked_domains: tuple[str, ...] = ()
    system_variables: tuple[str, ...] = ()
    template: str = ""  # the dialect every campaign is written in ("" = detect from its tags)
    esp: str = ""  # the sending platform: picks its dialect and its system variables
    profile: str = ""  # "ru": also judge Russian law and mailbox providers' rules (RU rules)
    db: str = "sqlite:///.mailcheck/mailcheck.db"
    client: str = "default"
    # hosts the client runs (site, landing pages): a link there that dies after launch is the
    # client's incident, not the agency's (mailcheck.owners)
    client_domains: tuple[str, ...] = ()
    strict_plugins: bool = False  # a broken or refused plugin is a configuration error (exit 2)
    links: LinksConfig = field(default_factory=LinksConfig)
    dns: DnsConfig = field(default_factory=DnsConfig)
    report: ReportConfig = field(default_factory=ReportConfig)
    spam: SpamConfig = field(default_factory=SpamConfig)
    limits: LimitsConfig = field(default_factory=LimitsConfig)
    launch: LaunchConfig = field(default_factory=LaunchConfig)
    # per-rule severity ("error" | "warning") by code or prefix, the most specific wins
    severity: tuple[tuple[str, str], ...] = ()
    root: Path = field(default_factory=Path.cwd)  # directory of the config file (or cwd)
    path: Path | None = None  # the config file, when one was found
    # Every rule code the user wrote and where (``"pyproject.toml: select"``): checked against
    # the registry when rules are chosen (mailcheck.registry.check_codes), not here, so that
    # loading a config never loads the plugins.
    code_refs: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # The levels whose select/ignore made ``select``/``ignore`` (``--show-settings`` says them):
    # from the last level that had a ``select`` on (the ones before it no longer count).
    selection_from: tuple[str, ...] = ()
    # The directory of the config at the root of an ``extend`` chain (None: no extend): where
    # the link/DNS caches and the default database live, one for the whole repository.
    state_root: Path | None = None
    # Hierarchical discovery (False with --config, or for a Config built in code): the config
    # of another path is the closest one above it, with these command-line overrides applied.
    discover: bool = False
    cli_overrides: tuple[tuple[str, Any], ...] = ()

    def __post_init__(self) -> None:
        if self.profile not in PROFILES:
            choices = ", ".join(map(repr, PROFILES))
            raise ConfigError(t("profile must be one of {choices}", choices=choices))

    @property
    def state_dir(self) -> Path:
        """Where the link and DNS caches and the default database live: beside the config at
        the root of an ``extend`` chain, so that a folder's config that extends the
        repository's shares its caches (the CI cache step keeps one ``.mailcheck/``)."""
        return (self.state_root or self.root) / ".mailcheck"

    @property
    def db_url(self) -> str:
        # relative SQLite paths are relative to the config file's directory
        return sqlite_from(os.environ.get("MAILCHECK_DB") or self.db, self.root)

    @property
    def db_source(self) -> str:
        """Where the database URL comes from, for messages."""
        if os.environ.get("MAILCHECK_DB"):
            return "$MAILCHECK_DB"
        return str(self.path) if self.path is not None else "the default, no config file found"

    def merged(self, overrides: dict[str, Any], where: str = "") -> Config:
        """A copy with keys from a campaign.toml or the CLI (kebab- or snake-case) applied.

        ``where`` names the source in error messages (``"--"``: command-line flags; ``""``:
        none, the caller says it, as a campaign.toml's INP001 does).
        """
        return _apply(self, overrides, where=where)

    def selects(self, code: str) -> bool:
        """Whether ``select`` and ``ignore`` choose the rule ``code``: a rule leaves a cause
        to another only when that one runs."""
        from mailcheck.registry import selected

        return bool(selected([code], list(self.select), list(self.ignore)))

    def severity_for(self, code: str) -> str | None:
        """The configured severity of ``code`` (the longest matching code or prefix), if any."""
        best = max((p for p, _ in self.severity if code.startswith(p)), key=len, default=None)
        return dict(self.severity)[best] if best is not None else None


def sqlite_from(url: str, directory: Path) -> str:
    """A database URL with a relative SQLite path made absolute from ``directory``."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith((prefix + "/", prefix + ":memory:")):
        return prefix + str(directory / url[len(prefix) :])
    return url


SEVERITIES = ("error", "warning")
# The largest whole number a setting takes: limits and counts far beyond any real need, and
# within what Python's own sizes (islice, ranges) accept.
MAX_SETTING = 2**53
_NOT_SETTABLE = (
    "root",
    "path",
    "code_refs",
    "selection_from",
    "state_root",
    "discover",
    "cli_overrides",
)


def _label(where: str, key: str) -> str:
    if where == "--":
        return f"--{key}"
    return f"{where}: {key}" if where else key


def _setting(where: str, key: str) -> str:
    """A key as error messages name it: ``pyproject.toml: 'subject-max'``."""
    return f"{where}: {key!r}" if where else repr(key)


def campaign_config(campaign: Campaign, config: Config) -> Config:
    """The campaign's settings: its closest config file's (the run's ``config`` unless another
    applies), with its campaign.toml's keys applied, and the command line's rule selection on
    top of them all (as ruff's: ``--ignore LNK004`` ignores LNK004 in every campaign)."""
    base = campaign.base_config or config
    if not campaign.config_overrides:
        return base
    own = base.merged(campaign.config_overrides, where=campaign.source)
    if not any(key in campaign.config_overrides for key in ("select", "ignore")):
        return own  # the base already has the command line's selection on top
    # the command line's level comes after the campaign.toml's: said once, in its place
    files_only = tuple(s for s in own.selection_from if not s.startswith("--"))
    return command_line_selection(replace(own, selection_from=files_only), dict(base.cli_overrides))


def command_line_selection(cfg: Config, flags: dict[str, Any]) -> Config:
    """``cfg`` with the command line's ``--select``/``--ignore`` applied as the last level of
    the rule selection (:func:`selection_level`): ``--select`` replaces the set the
    configuration files and a campaign.toml chose, ``--ignore`` removes from it."""
    select, ignore = flags.get("select"), flags.get("ignore")
    return selection_level(
        cfg,
        tuple(select) if select else None,
        tuple(ignore) if ignore else None,
        "--",
    )


def selection_level(
    cfg: Config, select: tuple[str, ...] | None, ignore: tuple[str, ...] | None, where: str
) -> Config:
    """The rules ``cfg`` runs after one more level of the chain (repository config, the files
    it extends, a campaign.toml, the command line), as ruff's: a level's ``select`` replaces
    the running set (its own ``ignore`` then removes from it, the more specific entry winning
    within the level); a level with only ``ignore`` removes those rules from the set it got.
    So a campaign's ``ignore`` adds to the repository's, and a campaign's ``select = ["ALL"]``
    brings back what the repository ignored.

    The set is kept as one ``select``/``ignore`` pair that :func:`mailcheck.registry.selected`
    reads: an ``ignore`` level joins the ignore list and drops the select entries it covers (a
    more specific entry would otherwise win over it), which chooses exactly the rules left."""
    if select is None and not ignore:
        return cfg
    said = tuple(
        f"--{key} {','.join(codes)}" if where == "--" else f"{where}: {key} = {_toml(list(codes))}"
        for key, codes in (("select", select), ("ignore", ignore))
        if codes is not None and (codes or key == "select")
    )
    if select is not None:
        return replace(cfg, select=select, ignore=ignore or (), selection_from=said)
    assert ignore is not None
    chosen = tuple(p for p in cfg.select if not _covered(p, ignore))
    skipped = tuple(dict.fromkeys((*cfg.ignore, *ignore)))
    return replace(cfg, select=chosen, ignore=skipped, selection_from=(*cfg.selection_from, *said))


def _covered(pattern: str, ignored: list[str] | tuple[str, ...]) -> bool:
    """Whether every code ``pattern`` selects starts with one of ``ignored`` (``ALL`` is
    covered by ``ALL`` only)."""
    wanted = pattern.strip().upper()
    for entry in (i.strip().upper() for i in ignored):
        if entry == "ALL" or (wanted != "ALL" and wanted.startswith(entry)):
            return True
    return False


def has_own_config(campaign: Campaign) -> bool:
    """True when the campaign is not judged with the run's configuration as it is."""
    return campaign.base_config is not None or bool(campaign.config_overrides)


def _apply(cfg: Any, data: dict[str, Any], where: str) -> Any:
    known = {f.name: f for f in fields(cfg)}
    changes: dict[str, Any] = {}
    for key, value in data.items():
        name = key.replace("-", "_")
        if name not in known or name in _NOT_SETTABLE:
            raise ConfigError(f"{where}: unknown key {key!r}{_closest_key(cfg, key)}")
        current = getattr(cfg, name)
        if name == "severity":
            label = _label(where, "[severity]")
            changes[name] = _severity(current, value, label)
            changes["code_refs"] = (*changes.get("code_refs", cfg.code_refs), (label, tuple(value)))
            continue
        if isinstance(
            current,
            LinksConfig | DnsConfig | ReportConfig | LimitsConfig | SpamConfig | LaunchConfig,
        ):
            if not isinstance(value, dict):
                raise ConfigError(t("{setting} must be a table", setting=_setting(where, key)))
            inner = _table_label(where, key)
            changes[name] = _apply(current, value, inner)
            if isinstance(current, SpamConfig):
                _check_one_scanner(changes[name], inner)
            if isinstance(current, LaunchConfig):
                _check_time_zone(changes[name], inner)
            continue
        changes[name] = _coerce(current, value, _setting(where, key))
        if isinstance(cfg, LinksConfig) and name == "exclude":
            _check_patterns(changes[name], _setting(where, key))
        if name == "select" and not changes[name]:
            # a gate that runs no rule passes everything
            if where == "--":  # `--select ,`: no "--: 'select'"
                raise ConfigError("--select names no rule: no rule would run (use --ignore)")
            raise ConfigError(
                t(
                    "{setting} is empty: no rule would run (use 'ignore')",
                    setting=_setting(where, "select"),
                )
            )
        if name in ("select", "ignore"):
            refs = changes.get("code_refs", cfg.code_refs)
            changes["code_refs"] = (*refs, (_label(where, key), changes[name]))
    if isinstance(cfg, Config) and ("select" in changes or "ignore" in changes):
        # a level of the rule selection: on top of the one before, not in place of it
        level_select, level_ignore = changes.pop("select", None), changes.pop("ignore", None)
        return selection_level(replace(cfg, **changes), level_select, level_ignore, where)
    return replace(cfg, **changes)


def _table_label(where: str, key: str) -> str:
    """Where a sub-table's keys were written, as the user wrote its header: ``[links]`` in a
    mailcheck.toml or a campaign.toml, ``[tool.mailcheck.links]`` in a pyproject.toml."""
    if where == "--":
        return where
    header = f"tool.mailcheck.{key}" if Path(where).name == "pyproject.toml" else key
    return f"{where}: [{header}]" if where else f"[{header}]"


def _closest_key(cfg: Any, key: str) -> str:
    """`` (did you mean …?)`` for a misspelt key (``subjet-max``), or for a key of a sub-table
    written outside it (``offline`` at the top: ``[links] offline``); "" when nothing is close."""
    wanted = key.replace("_", "-").lower()
    own = [f.name.replace("_", "-") for f in fields(cfg) if f.name not in _NOT_SETTABLE]
    if isinstance(cfg, Config) and wanted == "tool":  # pyproject.toml's tables copied over
        return " (outside pyproject.toml the tables are [links], [dns] …, not [tool.mailcheck.…])"
    if isinstance(cfg, Config):
        tables = [
            f"[{table}] {wanted}"
            for table in own
            if is_dataclass(inner := getattr(cfg, table.replace("-", "_")))
            and wanted in (f.name.replace("_", "-") for f in fields(inner))
        ]
        if tables:  # `timeout` is a key of [links], [dns] and [spam]
            return f" (did you mean {' or '.join(tables)}?)"
    import difflib  # only for a key that is wrong

    hint = difflib.get_close_matches(wanted, own, n=1)
    return f" (did you mean {hint[0]!r}?)" if hint else ""


def _check_patterns(patterns: tuple[str, ...], what: str) -> None:
    """Regular expressions the user wrote, each compiled once here: a broken one fails the
    run with its reason rather than later, mid-way through the links."""
    for pattern in patterns:
        try:
            re.compile(pattern)
        except (re.error, OverflowError, RecursionError) as exc:
            raise ConfigError(
                t(
                    "{what}: {pattern} is not a valid regular expression ({why})",
                    what=what,
                    pattern=repr(pattern),
                    why=str(exc),
                )
            ) from None


def _check_one_scanner(spam: SpamConfig, where: str) -> None:
    """Two scanners would give two scores for one campaign, and SPAM001 judges one."""
    if spam.spamd and spam.rspamd:
        raise ConfigError(
            f"{where}: spamd ({spam.spamd!r}) and rspamd ({spam.rspamd!r}) are both set; "
            'SPAM001 scores with one scanner: set the other to ""'
        )
    scheme, _, host = spam.rspamd.partition("://")
    if spam.rspamd and (scheme.lower() not in ("http", "https") or not host.strip("/")):
        raise ConfigError(
            f"{where}: rspamd must be the URL of rspamd's normal worker, "
            f'e.g. "http://127.0.0.1:11333", not {spam.rspamd!r}'
        )


def _severity(
    current: tuple[tuple[str, str], ...], value: Any, what: str
) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, dict):
        raise ConfigError(t('{what} must be a table of CODE = "error" | "warning"', what=what))
    table = dict(current)
    for code, level in value.items():
        if level not in SEVERITIES:
            raise ConfigError(
                t(
                    '{what}: {code} must be "error" or "warning", not {level}',
                    what=what,
                    code=code,
                    level=repr(level),
                )
            )
        table[code.strip().upper()] = level
    return tuple(table.items())


def _coerce(current: Any, value: Any, what: str) -> Any:
    if isinstance(current, bool):
        if not isinstance(value, bool):
            raise ConfigError(t("{what} must be true or false", what=what))
        return value
    if isinstance(current, int | float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(t("{what} must be a number", what=what))
        if not math.isfinite(value):
            raise ConfigError(
                t("{what} must be a finite number, not {value}", what=what, value=str(value))
            )
        if value < 0:
            raise ConfigError(t("{what} must not be negative", what=what))
        if isinstance(current, int):
            if value != int(value):
                raise ConfigError(
                    t("{what} must be a whole number, not {value}", what=what, value=str(value))
                )
            if value > MAX_SETTING:
                raise ConfigError(
                    t(
                        "{what} is too large ({value}; at most {most})",
                        what=what,
                        value=str(value),
                        most=str(MAX_SETTING),
                    )
                )
        return type(current)(value)
    if isinstance(current, tuple):
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(t("{what} must be a list of strings", what=what))
        return tuple(value)
    if isinstance(current, str):
        if not isinstance(value, str):
            raise ConfigError(t("{what} must be a string", what=what))
        return value
    return value


def find_config(start: Path) -> tuple[Path, dict[str, Any]] | None:
    """The nearest config file at or above ``start`` and its mailcheck table."""
    if start not in _nearest:
        _nearest[start] = _find_config(start)
    return _nearest[start]


# Asked for every campaign of a batch, mostly for the same few directories.
_nearest: dict[Path, tuple[Path, dict[str, Any]] | None] = {}


def _find_config(start: Path) -> tuple[Path, dict[str, Any]] | None:
    # exists(), not is_file(): a directory or unreadable entry of that name is a config
    # that would not apply, which _read says (exit 2) rather than check without it
    own = start / "mailcheck.toml"
    if own.exists():
        return own, _read(own)
    pyproject = start / "pyproject.toml"
    if pyproject.exists():
        table = _tool_table(pyproject, _read(pyproject))
        if table is not None:
            return pyproject, table
    # the parent's answer, asked through the cache: each campaign folder of a batch shares
    # the directories above it, which are looked at once per run, not once per campaign
    parent = start.parent
    return None if parent == start else find_config(parent)


def _tool_table(path: Path, data: dict[str, Any]) -> dict[str, Any] | None:
    """``[tool.mailcheck]`` of a pyproject.toml, None when it has none."""
    tool = data.get("tool", {})
    if not isinstance(tool, dict):
        raise ConfigError(f"{path}: 'tool' must be a table")
    table = tool.get("mailcheck")
    if table is not None and not isinstance(table, dict):
        raise ConfigError(f"{path}: 'tool.mailcheck' must be a table ([tool.mailcheck])")
    return table


def _read(path: Path) -> dict[str, Any]:
    """A TOML file, or ConfigError saying why it cannot be read (never a traceback: a broken
    pyproject.toml of another project above the campaigns must not crash the run)."""
    data = b""
    try:
        data = path.read_bytes()
        return tomllib.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        from mailcheck.charsets import not_utf8

        line, utf16 = not_utf8(data, exc)
        if utf16:
            raise ConfigError(
                f"{path}: UTF-16 text (Notepad's “Unicode”): save it as UTF-8"
            ) from None
        raise ConfigError(f"{path}: not UTF-8 text (line {line}): save it as UTF-8") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: a directory, not a configuration file") from None
    except RecursionError:
        raise ConfigError(f"{path}: nested too deeply to read") from None
    except OSError as exc:  # "no such file or directory", not "[Errno 2] …: 'path'" again
        raise ConfigError(f"{path}: {(exc.strerror or str(exc)).lower()}") from None
    except ValueError as exc:  # TOMLDecodeError, an integer of 5,000 digits …
        raise ConfigError(f"{path}: {exc}") from None


def load_config(
    start: Path | None = None,
    explicit: Path | None = None,
    overrides: dict[str, Any] | None = None,
) -> Config:
    """The configuration for ``start`` (a directory or a file; default: the cwd).

    ``explicit`` (``--config``) is used for every path; otherwise each path checked later
    finds its own (:func:`config_for`). ``overrides`` are the command line's, applied on top
    of every config found.
    """
    start = (start or Path.cwd()).resolve()
    if start.is_file():
        start = start.parent
    _nearest.clear()  # a new command: config files may have changed since the last one
    _for_file.clear()
    if explicit is not None:
        table = _read(explicit)
        if explicit.name == "pyproject.toml":
            tool = _tool_table(explicit, table)
            if tool is None:  # named to be used: its defaults would be taken silently
                raise ConfigError(f"{explicit}: no [tool.mailcheck] table")
            table = tool
        found: tuple[Path, dict[str, Any]] | None = (explicit, table)
    else:
        found = find_config(start)
    cfg = _loaded(found, root=Path.cwd().resolve() if found is None else None)
    cfg = replace(cfg, discover=explicit is None, cli_overrides=tuple((overrides or {}).items()))
    return cfg.merged(overrides, where="--") if overrides else cfg


def _loaded(found: tuple[Path, dict[str, Any]] | None, root: Path | None) -> Config:
    if found is None:
        return Config(root=root or Path.cwd().resolve())
    path, table = found
    cfg = Config(root=path.parent.resolve(), path=path)
    chain = _extended(path, table)
    if len(chain) > 1:
        # one state directory per repository: the extended config's, at the chain's root
        # (and the default database in it, unless a file of the chain names one)
        state_root = chain[0][0].parent.resolve()
        cfg = replace(cfg, state_root=state_root, db=sqlite_from(cfg.db, state_root))
    for file, settings in chain:  # the extended files first, then this one
        cfg = _apply(cfg, settings, where=str(file))
    assert isinstance(cfg, Config)
    _check_language(cfg, str(path))
    _resolve_paths(cfg)
    check_dialect_settings(cfg, str(path))
    return cfg


def _extended(path: Path, table: dict[str, Any]) -> list[tuple[Path, dict[str, Any]]]:
    """The config files ``extend`` chains from ``path``, each with its settings, the farthest
    first (as ruff's ``extend``): a folder's mailcheck.toml that extends the repository's
    keeps its database, client and rules, and changes what it names. A relative path in an
    extended file (``db``, ``[report] logo``) stays relative to that file."""
    chain: list[tuple[Path, dict[str, Any]]] = []
    seen: set[Path] = set()
    file: Path | None = path
    while file is not None:
        resolved = file.resolve()
        if resolved in seen:
            raise ConfigError(f"{path}: 'extend' comes back to {file}: a loop")
        seen.add(resolved)
        settings = dict(table)
        target = settings.pop("extend", None)
        if file != path:
            settings = _anchored(settings, file.parent.resolve())
        chain.append((file, settings))
        if target is None:
            break
        if not isinstance(target, str) or not target.strip():
            raise ConfigError(f"{file}: 'extend' must name a configuration file")
        file = (file.parent / target).resolve()
        if not file.exists():
            raise ConfigError(f"{chain[-1][0]}: 'extend' names {file}, which does not exist")
        table = _read(file)
        if file.name == "pyproject.toml":
            tool = _tool_table(file, table)
            if tool is None:
                raise ConfigError(f"{file}: no [tool.mailcheck] table (named by 'extend')")
            table = tool
    return chain[::-1]


def _anchored(settings: dict[str, Any], directory: Path) -> dict[str, Any]:
    """An extended file's settings with its relative paths made absolute from its directory."""
    out = dict(settings)
    if isinstance(out.get("db"), str):
        out["db"] = sqlite_from(out["db"], directory)
    report = out.get("report")
    if isinstance(report, dict) and isinstance(report.get("logo"), str):
        logo = report["logo"]
        if logo and not Path(logo).is_absolute():
            out["report"] = {**report, "logo": str(directory / logo)}
    return out


def _check_language(cfg: Config, where: str) -> None:
    from mailcheck.i18n import LanguageError, check_language

    try:
        object.__setattr__(
            cfg, "report", replace(cfg.report, language=check_language(cfg.report.language))
        )
    except LanguageError as exc:
        raise ConfigError(f"{where}: [report] {exc}") from None


def check_dialect_settings(cfg: Config, where: str) -> None:
    """``template``/``esp`` must name a known dialect/platform (ConfigError names the choices)."""
    if not cfg.template and not cfg.esp:
        return
    from mailcheck.templating.catalogue import load_catalogue  # entry points: only when used

    problem = load_catalogue().choice_problem(cfg.template, cfg.esp)
    if problem:
        raise ConfigError(f"{where}: {problem}")


_for_file: dict[tuple[Path | None, str], Config] = {}


def config_for(base: Config, path: Path) -> Config:
    """The configuration that applies to ``path``: the closest config file above it, with
    ``base``'s command-line overrides; ``base`` itself when that is the same file (or when
    discovery is off). Each config file is read once per process."""
    if not base.discover:
        return base
    try:
        directory = path.resolve()
    except (OSError, RuntimeError):  # a symlink loop: its loader says so (INP001)
        directory = path.absolute()
    if not directory.is_dir():
        directory = directory.parent
    found = find_config(directory)
    file = found[0] if found else None
    if file == base.path:
        return base
    key = (file, repr(base.cli_overrides))
    cached = _for_file.get(key)
    if cached is None:
        overrides = dict(base.cli_overrides)
        cfg = replace(_loaded(found, None), discover=True, cli_overrides=base.cli_overrides)
        cached = _for_file[key] = cfg.merged(overrides, where="--") if overrides else cfg
    return cached


def _resolve_paths(cfg: Config) -> None:
    # only the logo is a file path; db URLs are resolved in Config.db_url
    if cfg.report.logo and not Path(cfg.report.logo).is_absolute():
        object.__setattr__(cfg, "report", replace(cfg.report, logo=str(cfg.root / cfg.report.logo)))


def shown_url(url: str) -> str:
    """A database URL fit to print: the password replaced by ``***``."""
    import re

    return re.sub(r"^([a-z0-9+.-]+://[^:/@]*):[^@/]*@", r"\1:***@", url, flags=re.I)


def settings_text(cfg: Config) -> str:
    """``--show-settings``: every resolved setting, the config file and the database."""
    lines = [
        f"config file: {cfg.path if cfg.path is not None else 'none (defaults)'}",
        f"database: {shown_url(cfg.db_url)} (from {cfg.db_source})",
        f"state directory (link cache): {cfg.state_dir}"
        + (f" (shared with the config it extends, in {cfg.state_root})" if cfg.state_root else ""),
        "",
    ]
    hidden = {"db", *_NOT_SETTABLE}

    def table(obj: Any, title: str | None) -> None:
        if title:
            lines.append(f"\n[{title}]")
        for f in fields(obj):
            value = getattr(obj, f.name)
            if f.name in hidden or isinstance(
                value,
                LinksConfig | DnsConfig | ReportConfig | LimitsConfig | SpamConfig | LaunchConfig,
            ):
                continue
            if f.name == "severity":
                value = dict(value)
            if isinstance(value, tuple):
                value = list(value)
            lines.append(f"{f.name.replace('_', '-')} = {_toml(value)}")
            if f.name == "ignore" and isinstance(obj, Config) and obj.selection_from:
                # the levels that made select/ignore, in order (ruff's model: a level's select
                # starts over, its ignore removes; the defaults before the first select)
                lines.append(f"# rules chosen by: {'; then '.join(obj.selection_from)}")

    table(cfg, None)
    table(cfg.links, "links")
    table(cfg.dns, "dns")
    table(cfg.report, "report")
    table(cfg.limits, "limits")
    table(cfg.spam, "spam")
    table(cfg.launch, "launch")
    return "\n".join(lines) + "\n"


def _toml(value: Any) -> str:
    import json

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def parse_nameserver(text: str) -> tuple[str, int]:
    """``"1.2.3.4"``, ``"1.2.3.4:5353"``, ``"::1"``, ``"[::1]:5353"`` → (address, port)."""
    import ipaddress  # here: every command loads the config, few need this

    value = text.strip()
    host, port = value, 53
    if value.startswith("["):
        close = value.find("]")
        if close < 0:
            raise ValueError(f"nameserver {text!r}: missing ']'")
        host, rest = value[1:close], value[close + 1 :]
        if rest:
            if not rest.startswith(":"):
                raise ValueError(f"nameserver {text!r}: expected ':port' after ']'")
            port = _port(rest[1:], text)
    elif value.count(":") == 1:
        host, port_text = value.split(":")
        port = _port(port_text, text)
    try:
        ipaddress.ip_address(host)
    except ValueError:
        raise ValueError(f"nameserver {text!r}: {host!r} is not an IP address") from None
    return host, port


def _port(text: str, whole: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise ValueError(f"nameserver {whole!r}: bad port {text!r}")
    return int(text)


def check_dns_settings(configs: Iterable[Config]) -> None:
    """Raise ConfigError (exit 2) for ``[dns]`` settings that cannot work.

    Checked for every batch, whether or not it needs DNS: a broken setting is reported when it
    is written, not on the first campaign that happens to have a sender domain.
    """
    import ipaddress

    from_env = [ns for ns in os.environ.get(NAMESERVERS_ENV, "").split(",") if ns.strip()]
    for cfg in configs:
        for ns in cfg.dns.nameservers or from_env:
            try:
                parse_nameserver(ns)
            except ValueError as exc:
                raise ConfigError(f"[dns] nameservers (or ${NAMESERVERS_ENV}): {exc}") from None
        for value in cfg.dns.sending_ips:
            try:
                ipaddress.ip_network(value.strip(), strict=False)
            except ValueError:
                raise ConfigError(
                    f"[dns] sending-ips: {value!r} is not an IP address or CIDR"
                ) from None
