"""The KPI report for a client: the month's figures, the error-free rate by month as an inline
SVG chart, incidents by rule code, and contract targets (plan, fact, ratio).

Input is the ``mailcheck kpi --format json`` dict (design §8); values may be missing or null
(a month without launches has no rate), so everything here reads it defensively.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Any

from mailcheck.reports.html import environment, gettext_for, json_for_html, logo_data_uri

from mailcheck.config import Config
from mailcheck.i18n import format_moment

# Every key the template reads; a store that omits one still gets a report ("—").
EMPTY_PERIOD: dict[str, Any] = dict.fromkeys(
    (
        "client",
        "period",
        "launches",
        "error_free",
        "error_free_rate",
        "error_free_rate_all",
        "escaped_defect_rate",
        "by_owner",
        "by_class",
        "incidents",
        "caught_before_launch",
        "on_time_rate",
        "mttr_hours",
        "open_incidents",
        "refused",
        "refused_then_forced",
        "forced",
        "launched_with_errors",
        "by_code",
        "targets",
        "bonus_coefficient",
    )
)
CHART_WIDTH = 720
CHART_HEIGHT = 260
PLOT = {"left": 48, "right": 16, "top": 16, "bottom": 40}


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str  # the period, e.g. 2026-11
    value: str  # the rate as shown, e.g. 95 %
    low: bool  # below the target (or below 100 % when there is no target)
    label_x: float


@dataclass
class Chart:
    width: int
    height: int
    bars: list[Bar]
    gridlines: list[tuple[float, str]]  # (y, label)
    baseline: float
    left: float
    right: float
    target_y: float | None
    target_label: str  # the plan as shown beside its line, e.g. 95 %


@dataclass
class ClientView:
    client: str
    latest: dict[str, Any]
    periods: list[dict[str, Any]]
    chart: Chart
    codes: list[tuple[str, str]]  # (code, what it means) of every code with incidents
    targets: list[tuple[str, Any, Any, Any]]  # (name, plan, fact, ratio) of the latest period
    # the summary line's verdict on the error-free rate: ok / warning / error by fact ÷ plan,
    # "" without a plan (the period chip beside the name stays neutral: a month is no error)
    status: str = ""
    status_text: str = ""
    summary: str = ""
    owners: list[tuple[str, int]] = field(default_factory=list)
    classes: list[tuple[str, int]] = field(default_factory=list)
    extra: list[tuple[str, str]] = field(default_factory=list)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def decimal_sign(language: str) -> str:
    """The language's decimal sign (CLDR via Babel): "33,3 %" in Russian, "33.3 %" in English."""
    from babel.numbers import get_decimal_symbol

    return str(get_decimal_symbol(language))


def percent(value: Any, decimal: str = ".") -> str:
    number = _number(value)
    if number is None:
        return "—"
    return f"{number * 100:.1f} %".replace(".0 %", " %").replace(".", decimal)


def figure(value: Any, decimal: str = ".") -> str:
    number = _number(value)
    if number is None:
        return "—" if value is None else str(value)
    shown = f"{number:.0f}" if number == int(number) else f"{number:.2f}"
    return shown.replace(".", decimal)


def target_value(name: str, value: Any, decimal: str = ".") -> str:
    """A plan or fact as the contract states it: rates as percentages, counts as numbers."""
    number = _number(value)
    if name.endswith("_rate") and number is not None and number <= 1:
        return percent(number, decimal)
    return figure(value, decimal)


def chart(periods: list[dict[str, Any]], target: float | None, decimal: str = ".") -> Chart:
    left, top = PLOT["left"], PLOT["top"]
    plot_w = CHART_WIDTH - PLOT["left"] - PLOT["right"]
    plot_h = CHART_HEIGHT - PLOT["top"] - PLOT["bottom"]
    baseline = top + plot_h
    slot = plot_w / max(len(periods), 1)
    width = min(slot * 0.6, 64)
    bars = []
    for i, p in enumerate(periods):
        rate = _number(p.get("error_free_rate"))
        shown = max(0.0, min(1.0, rate)) if rate is not None else 0.0
        height = plot_h * shown
        x = left + i * slot + (slot - width) / 2
        threshold = target if target is not None else 1.0
        bars.append(
            Bar(
                x=round(x, 1),
                y=round(baseline - height, 1),
                width=round(width, 1),
                height=round(height, 1),
                label=str(p.get("period", "")),
                value=percent(rate, decimal),
                low=rate is not None and rate < threshold,
                label_x=round(x + width / 2, 1),
            )
        )
    gridlines = [(round(baseline - plot_h * f, 1), f"{int(f * 100)} %") for f in (0, 0.5, 0.9, 1)]
    target_y = round(baseline - plot_h * target, 1) if target is not None else None
    return Chart(
        width=CHART_WIDTH,
        height=CHART_HEIGHT,
        bars=bars,
        gridlines=gridlines,
        baseline=baseline,
        left=left,
        right=CHART_WIDTH - PLOT["right"],
        target_y=target_y,
        target_label=percent(target, decimal) if target is not None else "",
    )


def _targets(period: dict[str, Any]) -> list[tuple[str, Any, Any, Any]]:
    raw = period.get("targets")
    if not isinstance(raw, dict):
        return []
    rows = []
    for name, value in raw.items():
        if isinstance(value, dict):
            rows.append((str(name), value.get("plan"), value.get("fact"), value.get("ratio")))
        else:
            rows.append((str(name), value, None, None))
    return rows


def _rate_target(period: dict[str, Any]) -> float | None:
    """The plan for the error-free rate when the contract sets one (as a fraction)."""
    targets = period.get("targets")
    if not isinstance(targets, dict):
        return None
    for name, value in targets.items():
        if "error_free" in str(name) and isinstance(value, dict):
            plan = _number(value.get("plan"))
            if plan is not None:
                return plan / 100 if plan > 1 else plan
    return None


# A plan met is green; within 5 % of it amber; further below red. Without a plan for the rate
# there is no verdict: a colour the contract does not define would mislead.
BADGE_WARNING_RATIO = 0.95


def verdict(period: dict[str, Any], _: Any, decimal: str = ".") -> tuple[str, str, str]:
    """The one line a client reads first: the period's error-free launch rate against its
    plan, and the verdict's colour and words ("", "" without a plan)."""
    month = str(period.get("period") or "")
    rate = _number(period.get("error_free_rate"))
    if rate is None:
        return "", "", _("No launches in %(period)s.", period=month)
    target = (period.get("targets") or {}).get("error_free_rate")
    ratio = _number(target.get("ratio")) if isinstance(target, dict) else None
    plan = _number(target.get("plan")) if isinstance(target, dict) else None
    if ratio is None or plan is None:
        line = _(
            "Error-free launch rate in %(period)s: %(rate)s (no target set).",
            period=month,
            rate=percent(rate, decimal),
        )
        return "", "", line
    line = _(
        "Error-free launch rate in %(period)s: %(rate)s against a target of %(plan)s.",
        period=month,
        rate=percent(rate, decimal),
        plan=target_value("error_free_rate", plan, decimal),
    )
    if ratio >= 1:
        return "ok", _("target met"), line
    colour = "warning" if ratio >= BADGE_WARNING_RATIO else "error"
    return colour, _("below target"), line


def target_names(_: Any) -> dict[str, str]:
    return {
        "error_free_rate": _("Error-free launch rate"),
        "on_time_rate": _("On-time launch rate"),
        "error_free": _("Error-free launches"),
        "launches": _("Launches"),
    }


def _counts(value: Any, labels: dict[str, str]) -> list[tuple[str, int]]:
    if not isinstance(value, dict):
        return []
    return [(labels.get(str(k), str(k)), int(n)) for k, n in value.items() if n]


def code_titles(
    codes: list[str], language: str, notes: Mapping[str, Sequence[str]] | None = None
) -> list[tuple[str, str]]:
    """Each incident code with what it means to the client: a rule's title in ``language``; a
    code of the team's own (``incident add --code WRONG-PRICE``) by the notes logged with it,
    else by itself ("")."""
    from mailcheck.i18n import translations
    from mailcheck.registry import load_registry

    registry = load_registry()
    tr = translations(language)
    titled = []
    for code in codes:
        rule = registry.get(code)
        if rule is not None and rule.oneliner:
            titled.append((code, tr.gettext(rule.oneliner)))
        else:
            own = list(dict.fromkeys(n.strip() for n in (notes or {}).get(code, ()) if n.strip()))
            titled.append((code, "; ".join(own)))
    return titled


def client_views(
    data: dict[str, Any],
    language: str = "en",
    notes: Mapping[str, Sequence[str]] | None = None,
) -> list[ClientView]:
    _ = gettext_for(language)
    owner_names = {
        "agency": _("agency"),
        "client": _("client"),
        "esp": _("ESP"),
        "unknown": _("not attributed"),
    }
    class_names = {"critical": _("critical"), "major": _("major"), "minor": _("minor")}
    decimal = decimal_sign(language)
    periods = [{**EMPTY_PERIOD, **p} for p in data.get("periods") or [] if isinstance(p, dict)]
    by_client: dict[str, list[dict[str, Any]]] = {}
    for p in periods:
        by_client.setdefault(str(p.get("client") or "default"), []).append(p)
    views = []
    for client in sorted(by_client):
        months = sorted(by_client[client], key=lambda p: str(p.get("period", "")))
        latest = months[-1]
        codes = sorted({str(code) for p in months for code in (p.get("by_code") or {})})
        status, status_text, summary = verdict(latest, _, decimal)
        views.append(
            ClientView(
                client=client,
                latest=latest,
                periods=months,
                chart=chart(months, _rate_target(latest), decimal),
                codes=code_titles(codes, language, notes),
                targets=_targets(latest),
                status=status,
                status_text=status_text,
                summary=summary,
                owners=_counts(latest.get("by_owner"), owner_names),
                classes=_counts(latest.get("by_class"), class_names),
            )
        )
    return views


def render_kpi_html(
    data: dict[str, Any],
    config: Config,
    *,
    generated: datetime | None = None,
    language: str | None = None,
    notes: Mapping[str, Sequence[str]] | None = None,
) -> str:
    """The KPI report (design §8 JSON in, one self-contained HTML document out), in
    ``language`` (default: the config's ``[report] language``). ``notes``: the texts logged
    with incidents by code, which name the codes of a team's own (no rule says what they are)."""
    language = language or config.report.language
    names = target_names(gettext_for(language))
    logo, _ = logo_data_uri(config.report.logo)
    template = environment(language).get_template("kpi.html")
    decimal = decimal_sign(language)
    return template.render(
        clients=client_views(data, language, notes),
        target_name=lambda name: names.get(name, name.replace("_", " ")),
        agency=config.report.agency,
        logo=logo,
        percent=partial(percent, decimal=decimal),
        figure=partial(figure, decimal=decimal),
        target_value=partial(target_value, decimal=decimal),
        generated=format_moment(generated or datetime.now(UTC), language),
        data_json=json_for_html(data),
    )
