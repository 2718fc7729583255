"""The runner: discover inputs, load and parse each once, gather network facts, then judge.

sources -> Campaign (loaders) -> variants rendered and parsed (templating)
        -> Facts for the whole batch (net; skipped offline) -> rules -> findings
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from mailcheck.config import Config
from mailcheck.facts import Facts
from mailcheck.model import Campaign, CampaignResult, Finding, Severity
from mailcheck.registry import load_registry, selected
from mailcheck.rules import Context, Rule

CAMPAIGN_FILE = "campaign.toml"
FILE_SUFFIXES = {".eml": "eml", ".html": "html", ".htm": "html"}
SKIP_DIRS = {".git", ".mailcheck", "node_modules", "__pycache__", ".venv", "venv", ".tox"}


class UsageError(Exception):
    """A problem with how mailcheck was called (exit code 2)."""


@dataclass(frozen=True)
class Source:
    path: Path  # the file to load (campaign.toml, .eml, .html)
    shown: str  # the path as the user gave it, or as found below a given directory


def discover(paths: Sequence[str]) -> list[Source]:
    """Every campaign below ``paths``; a directory with campaign.toml is one campaign."""
    found: list[Source] = []
    for given in paths:
        p = Path(given)
        if not p.exists():
            raise UsageError(f"{given}: no such file or directory")
        if p.is_file():
            found.append(Source(p, given))
            continue
        for dirpath, dirnames, filenames in os.walk(p):
            dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
            here = Path(dirpath)
            if CAMPAIGN_FILE in filenames:
                dirnames[:] = []  # its files belong to the campaign
                found.append(Source(here / CAMPAIGN_FILE, _shown(given, p, here / CAMPAIGN_FILE)))
                continue
            for name in sorted(filenames):
                if Path(name).suffix.lower() in FILE_SUFFIXES:
                    found.append(Source(here / name, _shown(given, p, here / name)))
    return found


def _shown(given: str, root: Path, path: Path) -> str:
    return os.path.join(given, os.path.relpath(path, root))


def prepare(source: Source, config: Config) -> Campaign:
    """Load one input and render its variants. Never raises: problems become INP001/PER004."""
    from mailcheck.loaders import load
    from mailcheck.templating import render_campaign

    campaign = load(source.path, source.shown, config)
    if campaign.load_error is None:
        try:
            render_campaign(campaign, campaign_config(campaign, config))
        except Exception as exc:  # a template engine bug must not lose the batch
            campaign.template_error = f"could not render the template: {exc}"
    return campaign


def campaign_config(campaign: Campaign, config: Config) -> Config:
    return config.merged(campaign.config_overrides) if campaign.config_overrides else config


def _prepare_all(sources: list[Source], config: Config, jobs: int) -> list[Campaign]:
    if jobs <= 1 or len(sources) < 64:
        return [prepare(s, config) for s in sources]
    # Parsing is CPU-bound: use the cores. Campaigns are plain dataclasses and pickle cheaply.
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(prepare, sources, [config] * len(sources), chunksize=16))


def active_rules(config: Config, *, offline: bool) -> list[Rule]:
    registry = load_registry()
    chosen = selected(registry.rules, list(config.select), list(config.ignore))
    return [r for r in registry.sorted() if r.code in chosen and not (offline and r.network)]


def judge(campaign: Campaign, config: Config, facts: Facts, *, offline: bool) -> CampaignResult:
    cfg = campaign_config(campaign, config)
    ctx = Context(campaign=campaign, config=cfg, facts=facts)
    findings: list[Finding] = []
    for r in active_rules(cfg, offline=offline):
        if campaign.load_error is not None and r.code != "INP001":
            continue  # nothing else can be judged about an input that could not be read
        try:
            findings.extend(r.run(ctx))
        except Exception as exc:  # report, never hide: a crashed rule must not pass a launch
            findings.append(
                Finding(r.code, r.name, Severity.ERROR, f"rule failed: {exc!r} (please report)")
            )
    return CampaignResult(campaign, findings)


@dataclass
class Batch:
    """The outcome of one run: every campaign's findings and the facts they were judged on."""

    results: list[CampaignResult]
    facts: Facts
    offline: bool


def run(
    paths: Sequence[str],
    config: Config,
    *,
    offline: bool | None = None,
    use_cache: bool = True,
    progress: bool = False,
    jobs: int | None = None,
) -> Batch:
    """Check every campaign below ``paths``; the whole batch's network facts are fetched once."""
    offline = config.links.offline if offline is None else offline
    campaigns = _prepare_all(discover(paths), config, jobs or os.cpu_count() or 1)
    return check_campaigns(
        campaigns, config, offline=offline, use_cache=use_cache, progress=progress
    )


def check_campaigns(
    campaigns: Iterable[Campaign],
    config: Config,
    *,
    offline: bool,
    use_cache: bool = True,
    progress: bool = False,
) -> Batch:
    campaigns = list(campaigns)
    facts = Facts()
    if not offline:
        from mailcheck.net import gather

        facts = gather(campaigns, config, use_cache=use_cache, progress=progress)
    results = [judge(c, config, facts, offline=offline) for c in campaigns]
    return Batch(results, facts, offline)
