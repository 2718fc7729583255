"""Dialects as plugins: the catalogue, detection by tags, template/esp settings, PER007,
tags in HTML comments, built-ins and platform names never asked for a fallback."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import Any

import pytest
import regex

from mailcheck.config import Config, ConfigError, load_config
from mailcheck.model import Campaign
from mailcheck.templating import catalogue as catalogue_module
from mailcheck.templating import leftover_tags, render_campaign
from mailcheck.templating.catalogue import GROUP, load_catalogue
from mailcheck.templating.core import IsSystem, Use
from mailcheck.templating.detect import explain_dialect
from mailcheck.templating.dialect import Dialect
from tests.helpers import check, codes, only, write_campaign

BUILT_IN = {"jinja", "liquid", "handlebars", "mailchimp"}


def analyse(html: str, config: Config | None = None, **kw: Any) -> Campaign:
    c = Campaign(id="c", source="c", kind="toml", html=html, **kw)
    render_campaign(c, config or Config())
    return c


def unsafe(c: Campaign) -> list[str]:
    """Names PER001 would report."""
    return sorted({v.name for v in c.variables if not (v.system or v.has_fallback or v.guarded)})


# --- the catalogue -------------------------------------------------------------------------


def test_built_in_dialects_register_through_the_entry_point_group() -> None:
    from importlib.metadata import entry_points

    registered = {ep.name for ep in entry_points(group=GROUP)}
    assert registered >= BUILT_IN
    catalogue = load_catalogue(refresh=True)
    assert set(catalogue.names()) >= BUILT_IN and not catalogue.problems
    assert catalogue.for_platform("Klaviyo") == (catalogue.get("liquid"), "klaviyo")


class _Shout:
    """A toy in-house language: ~NAME~ and ~NAME|fallback~."""

    _TAG = regex.compile(r"~([A-Z_]+)(?:\|([^~]*))?~")

    def __init__(self, source: str, is_system: IsSystem) -> None:
        self.source = source
        self.uses = [
            Use(m.group(1), source.count("\n", 0, m.start()) + 1, m.group(2) is not None)
            for m in self._TAG.finditer(source)
        ]

    def render(self, values: Mapping[str, object]) -> str:
        return self._TAG.sub(lambda m: str(values.get(m.group(1)) or m.group(2) or ""), self.source)


SHOUT = Dialect(
    name="shout",
    summary="ACME's in-house ESP: ~NAME~",
    parser=_Shout,
    markers=regex.compile(r"~[A-Z_]+(?:\|[^~]*)?~"),
    tags=regex.compile(r"~[A-Z_]+~"),
    needles=("~",),
    system_variables=frozenset({"UNSUB_URL"}),
)


def test_a_third_party_dialect_plugin_is_detected_and_rendered_and_a_broken_one_is_loud(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from importlib.metadata import entry_points

    real = list(entry_points(group=GROUP))
    fake = [
        EntryPoint("shout", f"{__name__}:SHOUT", GROUP),
        EntryPoint("broken", "no_such_module_for_mailcheck:DIALECT", GROUP),
        EntryPoint("notadialect", f"{__name__}:BUILT_IN", GROUP),
        EntryPoint("jinja2", "mailcheck.templating.dialects.jinja:DIALECT", GROUP),
    ]
    monkeypatch.setattr(catalogue_module, "declared", lambda group, rescan=False: [*real, *fake])
    try:
        catalogue = load_catalogue(refresh=True)
        assert catalogue.get("shout") is SHOUT
        problems = "\n".join(catalogue.problems)
        assert "'broken'" in problems and "failed to load" in problems
        assert "'notadialect'" in problems and "is not a mailcheck Dialect" in problems
        assert "'jinja' is already taken" in problems
        assert len(catalogue.problems) == 3

        c = analyse("<p>Привет, ~NAME~! ~CITY|Москва~ <a href='~UNSUB_URL~'>Отписаться</a></p>")
        assert c.dialect == "shout"
        assert unsafe(c) == ["NAME"]
        doc = c.renders[0].document
        assert doc is not None and "Привет, ! Москва" in doc.text  # no samples: fallbacks
        assert doc.links[0].href == "https://esp-system.mailcheck.invalid/unsub-url"
    finally:
        monkeypatch.undo()
        load_catalogue(refresh=True)


# --- choosing the dialect -------------------------------------------------------------------


def test_esp_setting_picks_the_dialect_and_its_platform_names(tmp_path: Path) -> None:
    html = "<p>{{ organization.name }}: {{ first_name | default: 'друг' }}</p>"
    klaviyo = analyse(html, Config(esp="klaviyo"))
    assert klaviyo.dialect == "liquid" and 'esp = "klaviyo"' in klaviyo.dialect_reason
    assert unsafe(klaviyo) == []
    braze = analyse(html, Config(esp="braze"))
    assert unsafe(braze) == ["organization.name"]  # Klaviyo's name is Braze's recipient data


def test_config_template_and_esp_must_name_known_ones(tmp_path: Path) -> None:
    (tmp_path / "mailcheck.toml").write_text('esp = "klaviyo"\n', encoding="utf-8")
    assert load_config(tmp_path).esp == "klaviyo"
    (tmp_path / "mailcheck.toml").write_text('template = "quokka"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"template must be one of none, .*jinja.*'quokka'"):
        load_config(tmp_path)
    (tmp_path / "mailcheck.toml").write_text('esp = "unknown-esp"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"esp must be one of .*klaviyo"):
        load_config(tmp_path)


def test_esp_unione_is_unisender_go(tmp_path: Path) -> None:
    """UniOne is Unisender Go's international brand: esp = "unione" was an INP001 "esp must be
    one of …" error; it is Unisender Go, its engines and its system names ({{unsubscribe_url}})."""
    body = '<p>Здравствуйте, {{Name}}!</p>\n<p><a href="{{unsubscribe_url}}">Отписаться</a></p>'
    result = check(write_campaign(tmp_path, body=body, esp="unione"))
    assert only(result, "INP001") == []
    assert result.campaign.dialect == "unisender"
    [per001] = only(result, "PER001")  # Name needs a fallback; unsubscribe_url is Unisender Go's
    assert (per001.location, per001.message.split(" has ")[0]) == ("email.html:5", "“Name”")
    velocity = (
        '<p>#if($name)Здравствуйте, $name!#end</p>\n<p><a href="$unsubscribe">Отписаться</a></p>'
    )
    vel = check(write_campaign(tmp_path, "vel", body=velocity, esp="unione"))
    assert vel.campaign.dialect == "velocity"
    assert [f.code for f in vel.findings if f.code.startswith(("INP", "PER"))] == []
    (tmp_path / "mailcheck.toml").write_text('esp = "UniOne"\n', encoding="utf-8")
    assert load_config(tmp_path).esp == "UniOne"


def test_campaign_toml_esp_and_unknown_template(tmp_path: Path) -> None:
    good = write_campaign(
        tmp_path,
        "good",
        body="<p>{{ organization.name }}, {{ first_name | default: 'друг' }}</p>",
        esp="klaviyo",
    )
    assert not only(check(good), "PER001")
    bad = write_campaign(tmp_path, "bad", template="quokka")
    result = check(bad)
    assert codes(result) == ["INP001"]
    assert "template must be one of" in result.findings[0].message


@pytest.mark.parametrize(
    ("text", "dialect", "unclear"),
    [
        ("*|FNAME|* *|LNAME|*, {{#if city}}{{city}}{{/if}}", "none", True),  # mixed
        ("*|FNAME|* *|LNAME|* *|UNSUB|* *|ARCHIVE|*, {{ x }}", "mailchimp", False),  # 4 vs 1
        ("Цена 30% — до 50% скидки, #ХЕШТЕГ и $5", "none", False),  # prose is no tag
        ("<!-- {{ first_name }} --> Привет", "none", False),
    ],
)
def test_detection_reads_tags_only(text: str, dialect: str, unclear: bool) -> None:
    found = explain_dialect([text])
    assert (found.dialect, found.unclear) == (dialect, unclear), found


@pytest.mark.parametrize(
    ("text", "dialect", "platform"),
    [
        ("Привет, %FIRSTNAME|%!", "velocity", "esputnik"),  # what Stripo inserts
        ("%FIRSTNAME|Друг%, %CITY% и %EMAIL%", "velocity", "esputnik"),  # its fields too
        ("Привет, %FIRSTNAME%!", "dashamail", None),  # no fallback: DashaMail's as before
        # percent-escapes and prose are no tag
        ("https://shop.test/?q=%D0%9F%D1%80|%20 и 50%|30%", "none", None),
    ],
)
def test_esputniks_fallback_form_is_read_as_esputniks(
    text: str, dialect: str, platform: str | None
) -> None:
    found = explain_dialect([text])
    assert (found.dialect, found.platform, found.unclear) == (dialect, platform, False), found


def test_mixed_template_is_one_warning_not_errors(tmp_path: Path) -> None:
    d = write_campaign(
        tmp_path, body="<p>Привет, *|FNAME|* *|LNAME|*! {{#if city}}{{city}}{{/if}}</p>"
    )
    result = check(d)
    per = [f for f in result.findings if f.code.startswith("PER")]
    assert [f.code for f in per] == ["PER007"]
    assert per[0].severity.value == "warning"
    assert per[0].message.startswith(
        "template language not understood: personalisation not checked"
    )
    assert "mailchimp 2" in per[0].message


@pytest.mark.parametrize(
    ("tag", "said"),
    [
        ('{% extends "base.html" %}{% block body %}<p>Hi</p>{% endblock %}', "extends “base.html”"),
        ('{% include "footer.html" %}', "includes “footer.html”"),
        ('{% import "macros.html" as m %}{{ m.button() }}', "imports “macros.html”"),
        ('{% from "macros.html" import button %}{{ button() }}', "imports from “macros.html”"),
        ("{% include partial_name %}", "includes another template"),
    ],
)
def test_a_jinja_template_that_pulls_in_another_file_is_not_understood(
    tmp_path: Path, tag: str, said: str
) -> None:
    """jinja2 failed with "no loader for this environment specified": a PER004 error for a
    file that only the agency's build or the ESP has. It is PER007: not checked, said so."""
    d = write_campaign(tmp_path, body=f"<p>Привет, {{{{ name }}}}!</p>\n{tag}", template="jinja")
    result = check(d)
    per = [(f.code, f.severity.value, f.message) for f in result.findings if f.code[:3] == "PER"]
    line = 1 + (d / "email.html").read_text(encoding="utf-8").splitlines().index(tag)
    # at the tag's line (it was "template"), then the body UNS001 folded into it
    [per007] = only(result, "PER007")
    assert per007.locations == (f"email.html:{line}", "email.html")
    assert per == [
        (
            "PER007",
            "warning",
            # the language is recognised: the construct is what is not read, and the place
            # names the line (the message said "jinja: html: line 6:" again)
            f"not understood: it {said}, a template file mailcheck does not read — "
            "personalisation not checked"
            # the body has no unsubscribe link: the file not read may hold it
            "; not reported as missing, since what mailcheck did not read may hold it: "
            "the unsubscribe link (UNS001)",
        )
    ]
    assert only(result, "UNS001") == []


# --- issue 10 item 3: what is not a recipient variable ---------------------------------------


def test_tags_inside_html_comments_are_not_variables_but_conditional_comments_are() -> None:
    c = analyse(
        "<!-- Привет, {{ first_name }}: UA {{ tracking_id }} -->\n"
        "<!--[if mso]><p>Привет, {{ mso_name }}!</p><![endif]-->\n"
        "<!--[if !mso]><!--><p>{{ city }}</p><!--<![endif]-->\n"
        "<p>{{ last_name | default('друг', true) }}</p>",
        dialect="jinja",
        dialect_explicit=True,
    )
    assert unsafe(c) == ["city", "mso_name"]
    assert {v.line for v in c.variables if v.name == "mso_name"} == {2}  # lines kept


def test_builtins_and_layout_slots_are_never_asked_for_a_fallback() -> None:
    keila = analyse(
        "{% render 'content' %}<div>{{ main_content }}</div>{{ signature_content }}"
        "<p>{{ now | date: '%Y' }} {% for i in (1..3) %}{{ forloop.index }}{% endfor %}</p>"
        "<p>Привет, {{ first_name }}</p>",
        dialect="liquid",
        dialect_explicit=True,
    )
    assert keila.template_error is None
    assert unsafe(keila) == ["first_name"]
    assert keila.renders[0].document is not None
    assert str(__import__("datetime").date.today().year) in keila.renders[0].document.text


# --- what the user sees ----------------------------------------------------------------------

ALL = [
    "bitrix",
    "campaignmonitor",
    "dashamail",
    "go",
    "handlebars",
    "jinja",
    "liquid",
    "mailchimp",
    "mailerlite",
    "mautic",
    "mindbox",
    "php",
    "sendsay",
    "unisender",
    "velocity",
]


def test_rules_and_dialects_list_every_dialect_one_line_each(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from mailcheck.cli import main

    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    listed = out.split("template dialects", 1)[1].strip().splitlines()[1:]
    assert [line.split()[0] for line in listed] == ALL
    assert main(["dialects"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert [line.split()[0] for line in lines] == ALL
    assert "[esp: braze, customerio, keila, klaviyo, shopify]" in next(
        x for x in lines if x.startswith("liquid")
    )


def test_dialects_command_says_what_was_detected_and_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from mailcheck.cli import main

    sendsay = write_campaign(tmp_path, "sendsay", body="<p>[% anketa.base.firstName %]</p>")
    told = write_campaign(tmp_path, "told", body="<p>{{ x }}</p>", template="jinja")
    mixed = write_campaign(
        tmp_path, "mixed", body="<p>*|FNAME|* *|LNAME|* {{#if a}}{{a}}{{/if}}</p>"
    )
    # a file found below a directory that mailcheck does not check says why (it said "none — "
    # with nothing after it)
    (tmp_path / "unread").mkdir()
    mbox = tmp_path / "unread" / "sends.mbox"
    mbox.write_text("From a@b Mon Jan  1 00:00:00 2026\nSubject: x\n\nbody\n" * 2)
    # (beside a campaign: a directory of mailboxes alone is no campaign, exit 2)
    (tmp_path / "unread" / "zz.html").write_text("<p>Привет</p>")
    assert main(["dialects", str(sendsay), str(told), str(mixed), str(mbox.parent)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].endswith("sendsay — 1 tag only sendsay writes")
    assert out[1].endswith('jinja — template = "jinja" in campaign.toml')
    assert "not understood — tags of several dialects (handlebars 3, mailchimp 2)" in out[2]
    assert out[3] == (
        f"{mbox}: not read (an mbox file of 2 messages is not read: save each test send as .eml)"
    )
    assert out[4].endswith("zz.html: none — no tag of any known dialect")


def test_velocity_renders_with_airspeed_fallbacks_cover_empty_values() -> None:
    html = "<p>Здравствуйте, ${firstName|Друг}! Заказ $!data.get('orderId')</p>"
    c = analyse(html, dialect="velocity", dialect_explicit=True, samples=[{"firstName": ""}])
    texts = [r.document.text for r in c.renders if r.document is not None]
    assert "Здравствуйте, Друг! Заказ" in texts[1]  # the sample with an empty first name
    assert all(not r.probe and not r.breakage for r in c.renders)
    named = analyse(
        html,
        dialect="velocity",
        dialect_explicit=True,
        samples=[{"firstName": "Иван", "data": {"orderId": "42"}}],
    )
    assert "Здравствуйте, Иван! Заказ 42" in named.renders[1].document.text  # type: ignore[union-attr]


def test_velocity_syntax_errors_are_the_engines() -> None:
    c = analyse("<p>Привет!</p>\n#set($discount = )\n", dialect="velocity", dialect_explicit=True)
    assert c.template_error is not None and c.template_error.startswith("line 2: velocity:")
    assert c.template_error_line == 2


def test_a_text_no_tag_pattern_matches_is_scanned_once_not_dialect_by_dialect(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # leftover_tags asks one pattern of every dialect's tags first (most texts hold no tag):
    # the dialects' own scans run only for a text where some tag may be
    asked: list[str] = []
    scan = Dialect.leftovers

    def counted(self: Dialect, text: str) -> list[tuple[int, str]]:
        asked.append(self.name)
        return scan(self, text)

    monkeypatch.setattr(Dialect, "leftovers", counted)
    dialects = len(load_catalogue().dialects)
    assert leftover_tags("−30% on #1 picks, {curly} [square] *bold* $5 @home") == []
    assert asked == []
    assert leftover_tags("Hi *|FNAME|*, 50% off") == ["*|FNAME|*"]
    assert len(asked) == dialects


def test_a_dialect_whose_tags_cannot_join_the_first_pattern_is_scanned_on_its_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # a backreference (<==NAME==>: as many "=" after as before) cannot be a branch of
    # the one pattern (its group number changes there); nor can a plugin's own leftovers()
    echo = dataclasses.replace(
        SHOUT, name="echo", tags=regex.compile(r"<(=+)[A-Z_]+\1>"), needles=("<=",)
    )

    class Own(Dialect):
        def leftovers(self, text: str) -> list[tuple[int, str]]:
            return [(text.index("§"), "§")] if "§" in text else []

    own = Own(name="own", summary="a tag of one character, found by its own code", parser=_Shout)
    real = list(entry_points(group=GROUP))
    fake = [
        EntryPoint("echo", f"{__name__}:ECHO", GROUP),
        EntryPoint("own", f"{__name__}:OWN", GROUP),
    ]
    monkeypatch.setitem(globals(), "ECHO", echo)
    monkeypatch.setitem(globals(), "OWN", own)
    monkeypatch.setattr(catalogue_module, "declared", lambda group, rescan=False: [*real, *fake])
    try:
        load_catalogue(refresh=True)
        assert leftover_tags("Привет, <==NAME==> и <=CITY==>") == ["<==NAME==>"]
        assert leftover_tags("Привет, § и <=CITY==>") == ["§"]
        assert leftover_tags("Привет, <=CITY==> и <==NAME=>") == []
    finally:
        monkeypatch.undo()
        load_catalogue(refresh=True)
    assert leftover_tags("Привет, <==NAME==> и §") == []  # the catalogue without them again


def test_needles_guard_the_patterns_only_where_a_dialect_scans_them_first() -> None:
    # The needles are a filter, not a rule: a dialect whose needles are skipped finds its tags
    # by the pattern alone. A wrong needle ("~~") shows which of the two ran.
    guarded = dataclasses.replace(SHOUT, needles=("~~",))
    unguarded = dataclasses.replace(guarded, scan_needles_first=False)
    text = "Привет, ~NAME~ и ~CITY~"
    assert guarded.marker_count(text) == 0
    assert guarded.leftovers(text) == []
    assert unguarded.marker_count(text) == 2
    assert unguarded.leftovers(text) == [(8, "~NAME~"), (17, "~CITY~")]
