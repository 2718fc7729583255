"""Reports in the client's language: complete catalogues, Russian and English in a real browser."""

from __future__ import annotations

import gettext
import json
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from mailcheck.reports.kpi_html import render_kpi_html
from test_report_html import (
    HOSTILE_SUBJECT,
    KPI,
    campaign,
    findings,
    hostile_campaign,
    report,
)

from mailcheck.config import Config, ConfigError, ReportConfig, load_config
from mailcheck.facts import LinkVerdict
from mailcheck.i18n import (
    LANGUAGES,
    Joined,
    Message,
    catalogue_path,
    placeholders,
    t,
    translate,
    translations,
)
from mailcheck.model import CampaignResult, Link
from tests import browser

ROOT = Path(__file__).resolve().parent.parent
MAPPING = ROOT / "mailcheck" / "locale" / "babel.cfg"


def extracted() -> dict[tuple[str | None, str | tuple[str, str]], str]:
    """Every marked string of the sources as the catalogue tools see them now, by its
    context and msgid (a string with a context is an entry of its own)."""
    with MAPPING.open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    found: dict[tuple[str | None, str | tuple[str, str]], str] = {}
    keywords = {
        "_": None,
        "gettext": None,
        "ngettext": (1, 2),
        "pgettext": ((1, "c"), 2),
        "t": None,
        "tn": (1, 2),
        "N_": None,
    }
    for filename, _lineno, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=keywords
    ):
        msgid = message if isinstance(message, str) else (message[0], message[1])
        found[(context, msgid)] = filename
    return found


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_every_string_has_a_translation(lang: str) -> None:
    with catalogue_path(lang).open("rb") as fh:
        catalogue = read_po(fh, locale=lang)
    translated = {}
    for m in catalogue:
        if m.id:
            translated[(m.context, m.id if isinstance(m.id, str) else tuple(m.id))] = m
    sources = extracted()
    assert len(sources) > 100
    missing = [f"{where}: {key!r}" for key, where in sources.items() if key not in translated]
    assert not missing, "run scripts/i18n and translate:\n" + "\n".join(missing)
    assert any(context for context, _msgid in sources), "strings with a context were not read"
    for key in sources:
        m = translated[key]
        msgid = key[1]
        strings = [m.string] if isinstance(m.string, str) else list(m.string or ())
        assert all(strings) and "fuzzy" not in m.flags, f"{msgid!r} is not translated"
        ids = [msgid] if isinstance(msgid, str) else list(msgid)
        fields = set().union(*(re.findall(r"%\((\w+)\)s", i) for i in ids))
        # a rule's documentation is printed as written, never formatted: its braces are
        # template code ("@{ if x != "" }"), not fields
        documentation = "rule documentation" in m.auto_comments
        braces = set() if documentation else set().union(*(placeholders(i) for i in ids))
        for s in strings:  # a translation keeps every placeholder, and invents none
            assert set(re.findall(r"%\((\w+)\)s", s)) <= fields | {"count"}, (msgid, s)
            if len(strings) == 1:
                assert set(re.findall(r"%\((\w+)\)s", s)) == fields, (msgid, s)
            if braces:  # a rule message: str.format fields
                assert placeholders(s) == braces, (msgid, s)


def test_a_message_is_english_text_that_translates() -> None:
    m = t("{n} launches, {who}", n=3, who=t("client"))
    assert m == "3 launches, client" and isinstance(m, str)
    assert placeholders(m.template) == {"n", "who"}
    ru = translations("ru")
    assert m.in_language(ru) == "3 launches, клиент"  # the template itself is not in the catalogue
    import pickle

    listed = t("missing: {items}", items=Joined(", ", ["erid", t("client")]))
    assert listed == "missing: erid, client"
    assert listed.in_language(ru) == "missing: erid, клиент"
    again = pickle.loads(pickle.dumps(m))
    assert isinstance(again, Message) and again.in_language(ru) == m.in_language(ru)


def test_language_comes_from_config_and_is_checked(tmp_path: Path) -> None:
    (tmp_path / "mailcheck.toml").write_text('[report]\nlanguage = "RU"\n')
    assert load_config(tmp_path).report.language == "ru"
    (tmp_path / "mailcheck.toml").write_text('[report]\nlanguage = "fr"\n')
    with pytest.raises(ConfigError, match="'fr' is not available; choose one of: en, ru"):
        load_config(tmp_path)


RU = Config(report=ReportConfig(language="ru", agency="Агентство"))

# Words of the English report that must not show in the Russian one.
ENGLISH_LEFTOVERS = (
    "Ready to send",
    "not ready to send",
    "Findings",
    "How to fix",
    "Sender authentication",
    "Preview",
    "characters",
    "Generated by",
    "Links and DNS",
    "warnings",
)


def test_the_russian_report_says_everything_in_russian() -> None:
    html = report([CampaignResult(campaign(), findings())], RU)
    for text in ("<html lang=\"ru\">", "2 ошибки: отправлять нельзя", "Замечания",
                 "Как исправить", "Подлинность отправителя", "Предпросмотр", "символов",
                 "Сформировано mailcheck"):  # fmt: skip
        assert text in html, text
    visible = re.sub(r'<script type="application/json".*?</script>', "", html, flags=re.S)
    for text in ENGLISH_LEFTOVERS:
        assert text not in visible, text
    english = report([CampaignResult(campaign(), findings())])
    assert "2 errors: not ready to send" in english and '<html lang="en">' in english


def test_russian_plurals() -> None:
    one = report([CampaignResult(campaign(), findings()[:1])], RU)
    assert "1 ошибка: отправлять нельзя" in one


def test_the_russian_kpi_page() -> None:
    html = render_kpi_html(KPI, RU)
    for text in ("Доля запусков без ошибок по месяцам", "Плановые показатели", "Факт ÷ план",
                 "Доля запусков без ошибок</td>"):  # fmt: skip
        assert text in html, text
    assert "error_free_rate</td>" not in html  # targets by their human names
    visible = re.sub(r'<script type="application/json".*?</script>', "", html, flags=re.S)
    assert "By month" not in visible and "Targets" not in visible
    # decimals with a comma; tile captions that read right under any number ("1 запусков"
    # did not)
    assert ">96 %<" in visible and ">5,50 ч<" in visible and "5.50" not in visible
    assert '<div class="label">запуски</div>' in visible
    assert "mailcheck kpi --target" not in visible  # no command line in the client's page


@pytest.mark.browser
@pytest.mark.parametrize("lang", LANGUAGES)
def test_browser_renders_the_report_in_each_language(tmp_path: Path, lang: str) -> None:
    config = Config(report=ReportConfig(language=lang))
    hostile = hostile_campaign("http://127.0.0.1:9")
    page = tmp_path / "report.html"
    page.write_text(
        report([CampaignResult(campaign(), findings()), CampaignResult(hostile, [])], config),
        encoding="utf-8",
    )
    shot = browser.Image(browser.screenshot(page, tmp_path, (900, 1400)))
    assert shot.distinct_colours() > 50  # not blank
    dom = browser.dump_dom(page, tmp_path)
    expected = {"en": "2 errors: not ready to send", "ru": "2 ошибки: отправлять нельзя"}
    assert expected[lang] in dom
    assert '<mark id="pwn3d">' not in dom and 'href="javascript:' not in dom
    assert "PWNED" not in (re.search(r"<title>(.*?)</title>", dom, re.S) or [""])[0][:60]
    assert HOSTILE_SUBJECT[:10] not in dom  # shown escaped, never as markup
    kpi = tmp_path / "kpi.html"
    kpi.write_text(render_kpi_html(KPI, config), encoding="utf-8")
    dom = browser.dump_dom(kpi, tmp_path)
    assert {"en": "Error-free launch rate by month", "ru": "Доля запусков без ошибок по месяцам"}[
        lang
    ] in dom
    assert browser.Image(browser.screenshot(kpi, tmp_path, (900, 1200))).distinct_colours() > 30


def _real_auth() -> object:
    from mailcheck.auth_model import DkimKey, DmarcFacts, DomainAuth, SpfFacts

    return DomainAuth(
        "acme.example",
        "acme.example",
        spf=SpfFacts(
            "acme.example",
            "ok",
            ("v=spf1 include:_spf.esp.example -all",),
            lookups=4,
            all_qualifier="-",
        ),
        dmarc=DmarcFacts(
            "acme.example",
            "acme.example",
            "ok",
            record="v=DMARC1; p=quarantine",
            policy="quarantine",
            policy_tag="p",
        ),
        dkim={
            "k1": DkimKey("k1", "acme.example", "config", "ok", key_type="rsa", bits=2048),
            "k2": DkimKey("k2", "acme.example", "config", "missing"),
        },
    )


@pytest.mark.parametrize(
    ("lang", "lines"),
    [
        ("ru", [
            "<b>SPF:</b> разрешённые серверы перечислены; 4 DNS-запроса из 10; письма с других "
            "серверов отклоняются",
            "<b>DKIM:</b> ключ подписи «k1» найден (RSA, 2048 бит)",
            "<b>DKIM:</b> нет ключа для селектора «k2»: подпись не пройдёт проверку",
            "<b>DMARC:</b> p=quarantine — письма, не прошедшие проверку, попадут в спам",
        ]),
        ("en", [
            "<b>SPF:</b> sending servers are listed; 4 DNS lookups of 10; other servers are "
            "rejected",
            "<b>DMARC:</b> p=quarantine — mail that fails the checks goes to spam",
        ]),
    ],
)  # fmt: skip
def test_authentication_in_words_a_client_understands(lang: str, lines: list[str]) -> None:
    from mailcheck.reports.html import render_report

    from mailcheck.facts import Facts

    c = campaign()
    c.html = "<p>Привет!</p>"
    unsubscribe = "https://esp-system.mailcheck.invalid/unsubscribe-url"
    c.renders[0].document.links.append(Link(unsubscribe, "a", "Отписаться", 9))
    facts = Facts(gathered=True, auth={"acme.example": _real_auth()})
    html = render_report([CampaignResult(c, [])], facts,
                         Config(report=ReportConfig(language=lang)))  # fmt: skip
    auth = html[html.index('<div class="auth-domain">') : html.index('<div class="preview-box">')]
    for line in lines:
        assert line in auth, line
    # the internals stay folded below, for the technician
    summary = auth.index('<ul class="auth-summary">')
    assert auth.index('<details class="raw">') > summary and "void_lookups" not in auth[:summary]
    # the ESP's placeholder is said as what it is, not as a made-up address
    label = {"ru": "ссылка отписки ESP", "en": "the ESP&#39;s unsubscribe link"}[lang]
    assert f'<span class="esp">{label}</span>' in html
    assert f">{unsubscribe}<" not in html


def test_the_preview_takes_the_e_mail_width_and_a_phone_toggle() -> None:
    from mailcheck.reports.html import preview_size

    table = '<table width="640" align="center"><tr><td>' + "<p>Текст письма</p>" * 30 + "</td></tr>"
    width, height = preview_size(table + '<img src="a.png" height="300">', "Текст письма " * 30)
    # 30 paragraphs and a 300 px image lay out about 1,350 px tall in Chromium
    assert width == 642 and 1350 < height < 2000
    assert preview_size("<p>hi</p>", "hi") == (602, 240)  # no width said: the usual 600 px
    c = campaign(html=table)
    html = report([CampaignResult(c, [])])
    assert re.search(r'<iframe class="preview" sandbox="" [^>]*style="--email-width: 642px;', html)
    assert 'class="width-mobile"' in html and "Phone (375 px)" in html


# Offline campaigns that set off most rules: every message they produce must be translatable.
DEFECTS = {
    "long": {
        "subject": "Ж" * 60,
        "body": '<p><a href="#">Купить</a> <a href="http://shop.test/x">x</a></p>',
    },
    "personal": {
        "subject": "{{ first_name }}, скидка",
        "body": "<p>Привет, {{ name | default('друг') }}!</p><img src='https://cdn.shop.test/a.png'>"
        "<a href='https://shop.test/p?utm_source=Email'>Магазин</a>",
        "template": "jinja",
    },
}


def _translated_ids(lang: str) -> set[str]:
    with catalogue_path(lang).open("rb") as fh:
        return {
            m.id if isinstance(m.id, str) else m.id[0]  # a plural by its singular
            for m in read_po(fh, locale=lang)
            if m.id and m.string
        }


def _templates(message: object) -> list[str]:
    """The templates of a message and of the messages among its values."""
    if not isinstance(message, Message):
        return []
    return [message.template, *(t for v in message.values.values() for t in _templates(v))]


def test_every_rule_message_is_marked_for_translation(tmp_path: Path) -> None:
    from helpers import check, write_campaign

    known = _translated_ids("ru")
    seen: set[str] = set()
    for name, spec in DEFECTS.items():
        d = write_campaign(tmp_path, name, **spec)
        result = check(d)
        for f in result.findings:
            seen.add(f.code)
            assert isinstance(f.message, Message), f"{f.code}: {f.message!r} is not t(…)"
            for template in _templates(f.message):
                assert template in known, f"{f.code}: {template!r} has no Russian"
    assert {"SUB002", "LNK003", "LNK004", "UNS001", "IMG001", "PER001", "PER006"} <= seen, seen


def test_a_russian_report_of_real_findings(tmp_path: Path) -> None:
    from helpers import check, write_campaign
    from mailcheck.reports.html import render_report

    from mailcheck.facts import Facts

    result = check(write_campaign(tmp_path, "long", subject="Ж" * 60))
    html = render_report([result], Facts(), RU, offline=True)
    assert "в теме 60 симв. при ограничении 50: «" in html  # the message
    # the title (reworded without the config key "subject-max": its Russian is the lead's to add)
    (title,) = re.findall(r'<span class="rule">([^<]*50[^<]*)</span>', html)
    assert "subject-max" not in title
    assert "Сократите тему: сначала предложение" in html  # how to fix
    assert "subject is 60 characters" not in html.split('id="mailcheck-results"')[0]
    # the text output speaks it too, its summary line included
    from mailcheck.reports.text import render

    text = render([result], language="ru")
    assert "SUB002   тема: в теме 60 симв. при ограничении 50" in text
    assert re.search(
        r"проверена 1 кампания: из них с ошибками — 1; 1 ошибка, \d+ предупреждени", text
    )
    assert "subject is 60 characters, limit 50" in render([result])  # English by default


def test_listed_items_are_translated_one_by_one(tmp_path: Path) -> None:
    from helpers import check, write_campaign
    from mailcheck.reports.text import render

    body = '<p><a href="https://bank.example/card">Карта</a></p>'
    result = check(write_campaign(tmp_path, "partner", profile="ru", body=body))
    [ru001] = [f for f in result.findings if f.code == "RU001"]
    assert "the advertiser (name or ИНН)" in ru001.message
    text = render([result], language="ru")
    assert "без «Реклама», рекламодателя (название или ИНН), erid (ст. 18.1 38-ФЗ)" in text


def test_listed_contrasts_and_heading_jumps_are_translated_one_by_one(tmp_path: Path) -> None:
    """A11Y006 and A11Y007 list one item per text or jump: each one in the report's language
    (they were joined as plain text, so "on", "line" stayed English in a Russian report)."""
    from helpers import check, write_campaign
    from mailcheck.reports.text import render

    body = (
        "<h1>Распродажа</h1><h3>Только сегодня</h3>"
        '<p style="color:#999999;background-color:#ffffff">Серый текст на белом</p>'
    )
    result = check(write_campaign(tmp_path, "a11y", body=body))
    text = render([result], language="ru")
    assert "«Серый текст на белом» #999999 на #ffffff 2.8:1 (строки:" in text
    assert "h1 → h3 (строка" in text
    assert " on #ffffff" not in text and "(line " not in text


def test_parts_of_a_campaign_are_named_in_the_readers_language(tmp_path: Path) -> None:
    """ "subject", "preheader", "headers" … name places in the text output and the report in
    the reader's language; machine outputs (JSON) keep them as they are."""
    from helpers import check, write_campaign
    from mailcheck.reports import jsonout
    from mailcheck.reports.html import render_report
    from mailcheck.reports.locations import compact
    from mailcheck.reports.text import render

    from mailcheck.facts import Facts

    ru = translations("ru")
    places = ("subject", "text/html part:5", "text/html part:9", "headers", "email.html:3")
    assert compact(places, ru) == "тема, HTML-часть:5, 9, заголовки, email.html:3"
    assert compact(places) == "subject, text/html part:5, 9, headers, email.html:3"
    # the places of a test send's text part, a header, a sample recipient: English in a
    # Russian report until a QA probe found them
    parts = ("text/html part:4", "text/plain part:3", "List-Unsubscribe header", "text part")
    assert compact(parts, ru) == (
        "HTML-часть:4, текстовая часть:3, заголовок List-Unsubscribe, текстовая часть"
    )
    samples = ("sample 2 (anna@shop.test)", "sample 3", "email.html:5")
    assert compact(samples, ru) == "получатель 2 (anna@shop.test), получатель 3, email.html:5"
    assert compact(samples) == "sample 2 (anna@shop.test), sample 3, email.html:5"

    result = check(write_campaign(tmp_path, "long", subject="Ж" * 60))
    assert "  error   SUB002   тема: в теме 60 симв." in render([result], language="ru")
    html = render_report([result], Facts(), RU, offline=True)
    assert '<span class="where">тема</span>' in html
    data = json.loads(jsonout.render([result]))
    (sub,) = [f for f in data["campaigns"][0]["findings"] if f["code"] == "SUB002"]
    assert sub["location"] == "subject"


def test_placeholder_copy_names_its_places_in_the_readers_language(tmp_path: Path) -> None:
    from helpers import check, write_campaign
    from mailcheck.reports.text import render

    result = check(write_campaign(tmp_path, "lorem", subject="Lorem ipsum для всех"))
    (brf,) = [f for f in result.findings if f.code == "BRF001"]
    assert "“Lorem ipsum” (subject)" in str(brf.message)
    assert "текст-заглушка: «Lorem ipsum» (тема)" in render([result], language="ru")


@pytest.mark.parametrize(
    ("manifest", "files", "russian"),
    [
        (
            'subjet = "Hi"\n',
            None,
            "неизвестный ключ 'subjet' (может быть, 'subject'?)",
        ),
        ('html = "nope.html"\n', None, "не удалось найти HTML-файл 'nope.html'"),
        (
            'samples = "r.csv"\n',
            {"email.html": "<p>x</p>", "r.csv": "name\n"},
            "файл тестовых получателей 'r.csv': нет ни одного получателя",
        ),
        ("subject = 42\n", None, "'subject' должен быть строкой, а здесь число"),
    ],
)
def test_input_errors_are_said_in_the_readers_language(
    tmp_path: Path, manifest: str, files: dict[str, str] | None, russian: str
) -> None:
    """INP001's reasons were English in a Russian report and text output."""
    from helpers import check
    from mailcheck.reports.text import render

    d = tmp_path / "c"
    d.mkdir()
    (d / "campaign.toml").write_text(manifest, encoding="utf-8")
    for name, text in (files or {"email.html": "<p>x</p>"}).items():
        (d / name).write_text(text, encoding="utf-8")
    result = check(d)
    assert [f.code for f in result.findings] == ["INP001"]  # nothing else of an unread input
    assert russian in render([result], language="ru")
    assert russian not in render([result])  # English by default


class _Marking(gettext.NullTranslations):
    """Marks ⟦so⟧ every message said through a catalogue: a word shows its mark, never bare
    English (whether the Russian catalogue holds it is test_every_string_has_a_translation's)."""

    def gettext(self, message: str) -> str:
        return f"⟦{message}⟧"


@pytest.mark.parametrize(
    ("manifest", "marked"),
    [
        (
            'ignore = ["LNK04"]\n',
            "⟦⟦ignore: unknown rule code or prefix 'LNK04' (did you mean LNK004?)⟧; "
            "`mailcheck rules` lists them⟧",
        ),
        (
            'select = ["XYZ999", " "]\n',
            "⟦⟦select: unknown rule code or prefix 'XYZ999'⟧; ⟦select: an empty rule code⟧; "
            "`mailcheck rules` lists them⟧",
        ),
        ('subject-max = "fifty"\n', "⟦'subject-max' must be a number⟧"),
        ("subject-max = -3\n", "⟦'subject-max' must not be negative⟧"),
        ("subject-max = inf\n", "⟦'subject-max' must be a finite number, not inf⟧"),
        ("subject-max = 1.5\n", "⟦'subject-max' must be a whole number, not 1.5⟧"),
        ("required-utm = 3\n", "⟦'required-utm' must be a list of strings⟧"),
        ("profile = 3\n", "⟦'profile' must be a string⟧"),
        ("links = 3\n", "⟦'links' must be a table⟧"),
        ("select = []\n", "⟦'select' is empty: no rule would run (use 'ignore')⟧"),
        ("[links]\nexclude = ['(']\n", "⟦[links]: 'exclude': '(' is not a valid regular expr"),
        ("severity = 3\n", '⟦[severity] must be a table of CODE = "error" | "warning"⟧'),
        ('[severity]\nLNK004 = "fatal"\n', '⟦[severity]: LNK004 must be "error" or "warning"'),
        ('profile = "de"\n', "⟦profile must be one of '', 'ru'⟧"),
        ('ignore = ["ALL"]\n', "⟦select and ignore leave no rule to run (ignore = ['ALL'])"),
    ],
)
def test_a_campaign_tomls_settings_are_said_through_the_catalogue(
    tmp_path: Path, manifest: str, marked: str
) -> None:
    """A QA probe: under language = "ru" a campaign.toml's unknown rule code and its number
    settings ('subject-max' must be a number …) stayed English in INP001 while its unknown
    keys were Russian: config's own words did not go through the catalogue."""
    from helpers import check

    d = tmp_path / "c"
    d.mkdir()
    (d / "campaign.toml").write_text('subject = "Hi"\n' + manifest, encoding="utf-8")
    (d / "email.html").write_text("<p>x</p>", encoding="utf-8")
    result = check(d)
    (finding,) = result.findings
    assert finding.code == "INP001" and finding.location == "campaign.toml"
    said = str(translate(finding.message, _Marking()))
    # the configuration's own words, through the catalogue, and the file named once: by
    # the finding's location (it was "campaign.toml: campaign.toml: …" in the text output)
    assert said.startswith(marked[:2]) and "campaign.toml" not in said, said
    assert marked in said, said


def test_a_message_kept_as_json_data_still_translates() -> None:
    from mailcheck.i18n import from_data, to_data

    reason = t(
        "could not verify: DNS lookup of {host} failed ({why})",
        host="shop.test",
        why=Joined("; ", [t("no answer within {seconds} s", seconds="5"), "SERVFAIL"]),
    )
    again = from_data(json.loads(json.dumps(to_data(reason))))
    assert isinstance(again, Message) and again == reason
    assert again.in_language(translations("ru")) == (
        "не удалось проверить: DNS-запрос shop.test не удался (нет ответа за 5 с; SERVFAIL)"
    )
    assert from_data(to_data("404 Not Found")) == "404 Not Found"  # plain text stays plain


def test_network_reasons_are_said_in_the_readers_language(tmp_path: Path) -> None:
    """What the link checker found (a refused host, a redirect loop) is part of the finding:
    a Russian report said «хост ссылки недоступен: 127.0.0.1 refused the connection»."""
    import socket

    from test_links_network import a, campaign, config, findings, gather

    from mailcheck.i18n import translate
    from mailcheck.net.linkcache import _decode, _encode
    from tests.http_server import running_server

    ru = translations("ru")
    with socket.socket() as s, running_server() as server:
        s.bind(("127.0.0.1", 0))
        refused = f"http://127.0.0.1:{s.getsockname()[1]}/sale"
        c = campaign(a(refused, line=3), a(server.url("/loop/a/x"), line=4))
        cfg = config(tmp_path, retries=0)
        results = gather([c], cfg)
        found = {f.code: f for f in findings(c, results, cfg)}
    assert sorted(found) == ["LNK002", "LNK005"]
    said = translate(found["LNK002"].message, ru)
    assert said == "хост ссылки недоступен: 127.0.0.1 отказал в соединении", said
    assert translate(found["LNK005"].message, ru) == "петля перенаправлений после 2 переходов"
    # a result read back from the link cache is said in Russian too
    [looped] = [r for r in results.values() if r.verdict == "loop"]
    cached = _decode(looped.url, _encode(looped))
    assert str(translate(cached.reason, ru)).startswith("петля перенаправлений: ")


def test_template_problems_are_said_in_the_readers_language(tmp_path: Path) -> None:
    """PER007's "why" and PER004 from mailcheck's own parsers were English in a Russian report
    («… не проверена (jinja: html: line 1: it extends “base.html”, …)»)."""
    from mailcheck.i18n import translate
    from tests.helpers import check, only, write_campaign

    ru = translations("ru")
    extends = write_campaign(
        tmp_path,
        "extends",
        html='{% extends "base.html" %}{% block body %}<p>Привет!</p>{% endblock %}',
        template="jinja",
    )
    [unclear] = only(check(extends), "PER007")
    assert str(translate(unclear.message, ru)) == (
        # (the language is recognised: the construct is what is not read, and the place names
        # the line; the msgid "not understood: {why} — personalisation not checked" is the
        # lead's to translate)
        "не понято: он расширяет “base.html” — файл шаблона, который mailcheck не читает — "
        "персонализация не проверена; не считается "
        "отсутствующим, ведь то, что mailcheck не прочитал, может это содержать: прехедер "
        "(PRE001), ссылка отписки (UNS001)"
    )
    unclosed = write_campaign(
        tmp_path, "unclosed", body="<p>{{#if name}}Привет, {{name}}!</p>", template="handlebars"
    )
    [syntax] = only(check(unclosed), "PER004")
    said = str(translate(syntax.message, ru))
    # (then "; nothing was rendered, so what recipients would read is not checked…", a msgid
    # the lead translates: the variables around the block are read now, PER001 says them)
    assert said.startswith("'{{#if}}', открытый здесь, нигде не закрыт тегом '{{/if}}'; "), said


def link_table_reason(verdict: LinkVerdict, reason: str, language: str) -> str:
    """The "why" the report's link table shows for a campaign of one link with this result."""
    from mailcheck.reports.html import link_rows

    from mailcheck.facts import Facts, LinkResult
    from mailcheck.model import Campaign, Document, Rendered

    url = "https://acme.example/sale"
    c = Campaign(id="c", source="c.html", kind="html")
    link = Link(url, "a", "Купить", line=3, raw=url)
    c.renders = [Rendered({}, "fallbacks", "Тема", None, "", None, Document(links=[link]))]
    facts = Facts(gathered=True, links={url: LinkResult(url, verdict, reason=reason)})
    [row] = link_rows(c, facts, offline=False, language=language)
    return row.reason


def test_the_link_table_says_why_in_the_readers_language() -> None:
    reason = t("{host} refused the connection", host="acme.example")
    assert link_table_reason("unreachable", reason, "ru") == "acme.example отказал в соединении"
    assert link_table_reason("unreachable", reason, "en") == "acme.example refused the connection"


def test_an_authentication_line_says_a_dns_failure_in_the_readers_language() -> None:
    from types import SimpleNamespace

    from mailcheck.reports.auth_lines import spf_line
    from mailcheck.reports.html import gettext_for

    failed = SimpleNamespace(
        status="error", dns_error=t("TXT lookup failed: {why}", why=t("no nameserver could answer"))
    )
    line = spf_line(failed, gettext_for("ru"))
    assert line.text.endswith("(TXT-запрос не удался: ни один DNS-сервер не смог ответить)")
    assert "TXT lookup failed" in spf_line(failed, gettext_for("en")).text


def test_the_link_table_does_not_say_could_not_verify_twice() -> None:
    hung = t(
        "could not verify (not requested: {host} answered none of this run's requests in time)",
        host="a",
    )
    dns = t("could not verify: DNS lookup of {host} failed ({why})", host="a", why="SERVFAIL")
    for reason, en, ru in [
        (hung, "not requested: a answered none of this run's requests in time", "не запрошено: "),
        (dns, "DNS lookup of a failed (SERVFAIL)", "DNS-запрос a не удался (SERVFAIL)"),
    ]:
        assert link_table_reason("unverified", reason, "en") == en
        assert link_table_reason("unverified", reason, "ru").startswith(ru)


def test_samples_statistics_and_lengths_are_said_in_russian(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The variant's label ("longest values", "sample 2 (Bob)") and `--statistics` were English
    in a Russian run, and "в теме 74 символов" had the wrong plural for 74."""
    from mailcheck.cli import main
    from tests.helpers import write_campaign

    d = write_campaign(
        tmp_path,
        "c",
        subject="{{ first_name }}, вот ваша скидка 15% на первый заказ в нашем магазине!",
        samples="recipients.csv",
        files={"recipients.csv": "email,first_name\na@x.test,Анна\nb@x.test,\n"},
        body="<p>Привет, {{ first_name }}!</p><p><a href='https://x.test/u'>Отписаться</a></p>",
    )
    assert main(["check", "--offline", "--lang", "ru", str(d)]) == 1
    out = capsys.readouterr().out
    assert "в теме 59 симв. при ограничении 50 (подстановка: самые длинные значения)" in out
    # a CSV's recipient by its line: no word to translate
    assert "это получат: recipients.csv:3" in out
    assert "longest values" not in out and "sample 2" not in out
    main(["check", "--offline", "--lang", "ru", "--statistics", str(d)])
    stats = capsys.readouterr().out.splitlines()
    assert stats[0].endswith("(в 1 кампании)")
    assert stats[-1].startswith("проверена 1 кампания: ")


def test_quoted_texts_take_the_readers_quotes(tmp_path: Path) -> None:
    """Texts a rule quotes in a list were put in English quotes by the code (“Купить”) inside
    a Russian message that quotes with «…» everywhere else."""
    from mailcheck.i18n import translate
    from tests.helpers import check, only, write_campaign

    body = '<p><a href="#">Купить</a> <a href="#">Корзина</a></p><p>Lorem ipsum</p>'
    result = check(write_campaign(tmp_path, body=body))
    ru = translations("ru")
    [placeholder] = only(result, "LNK003")
    assert str(translate(placeholder.message, ru)).startswith("ссылки (2) — «Купить», «Корзина»:")
    assert "(“Купить”, “Корзина”)" in placeholder.message  # English keeps its own
    [copy] = only(result, "BRF001")
    assert str(translate(copy.message, ru)).endswith(": «Lorem ipsum» (email.html)")


def test_every_part_a_leftover_tag_is_in_is_said_in_the_readers_language(tmp_path: Path) -> None:
    """PER003 said «… в тема и body, text part»: only the first part was translated."""
    from tests.helpers import check, only, write_test_send

    send = write_test_send(
        tmp_path / "send.eml", subject=b"{{Name}}, sale", text=b"Hi {{Name}}",
        html=b"<p>Hi {{Name}}</p>",
    )  # fmt: skip
    [per003] = only(check(send), "PER003")
    assert per003.message.endswith("in the subject, body and text part")
    said = str(translate(per003.message, translations("ru")))
    assert said.endswith("{{Name}} (тема, тело письма и текстовая часть)"), said


def test_a_template_engines_own_words_are_framed_in_the_readers_language(tmp_path: Path) -> None:
    """PER004 quoted jinja2's English alone («expected token …») in a Russian report."""
    from tests.helpers import check, only, write_campaign

    d = write_campaign(tmp_path, body="<p>{% if x %}Привет{% endif %%}</p>", template="jinja")
    [per004] = only(check(d), "PER004")
    said = str(translate(per004.message, translations("ru")))
    # (then "; personalisation was not checked further…", a msgid still to translate)
    assert said.startswith(
        "движок шаблонов сообщает: expected token 'end of statement block', got '%';"
    ), said


def _visible(html: str) -> str:
    """What a reader of the report sees: no scripts, styles or the preview's srcdoc."""
    for pattern in (r"<script.*?</script>", r"<style.*?</style>", r'srcdoc="[^"]*"'):
        html = re.sub(pattern, "", html, flags=re.S)
    return html


@pytest.fixture
def unanswered_sender(tmp_path: Path) -> Path:
    """A campaign whose From domain no resolver answers for (the nameserver is a loopback port
    nothing listens on), with a planned send time; the QA probe's setup."""
    from tests.helpers import write_campaign
    from tests.ports import free_port

    (tmp_path / "mailcheck.toml").write_text(
        f'[dns]\nnameservers = ["127.0.0.1:{free_port()}"]\ntimeout = 1\n[links]\ntimeout = 1\n',
        encoding="utf-8",
    )
    manifest: dict[str, object] = {"from": "Daisy <news@daisy.example>"}
    write_campaign(tmp_path / "campaigns", "daisy", send_at="2026-12-20T09:00:00Z", **manifest)  # type: ignore[arg-type]
    return tmp_path


def _russian_report(root: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    from mailcheck.cli import main

    monkeypatch.chdir(root)
    assert main(["report", "campaigns", "--lang", "ru", "-o", "r.html"]) == 0
    return _visible((root / "r.html").read_text(encoding="utf-8"))


RAW_KEYS = ("status", "dns_error", "org_domain", "domain_exists", "void_lookups", "has_redirect")


def test_a_russian_report_says_mailchecks_own_words_through_the_catalogue(
    unanswered_sender: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A QA probe: the records' tables of a Russian report showed internal keys (dns_error,
    void_lookups …) with error/yes/no, English captions ("— Notes", "— blocklists") and
    mailcheck's own notes in English. Every such word now goes through the catalogue: with a
    catalogue that marks what it lacks ⟦so⟧, none of them is left bare."""
    from mailcheck.reports.html import environment

    real = translations("ru")
    # the catalogue as it is, less the words this test follows (it translates them all now)
    followed = {
        "Lookup result",
        "DNS error",
        "Organisational domain",
        "Domain exists",
        "Lookups with no answer (at most 2)",
        "Uses redirect=",
        "no",
        "Notes",
        "Blocklists",
        "DKIM not verified: no selector is known (no DKIM-Signature, no dkim-selectors configured)",
        "DNS timeout: {error}",
    }
    assert followed <= set(real._catalog)  # type: ignore[attr-defined]
    known = {k: v for k, v in real._catalog.items() if k not in followed}  # type: ignore[attr-defined]

    def marking(message: str) -> str:
        return str(known.get(message, f"⟦{message}⟧"))

    monkeypatch.setattr(real, "gettext", marking)
    environment.cache_clear()  # its templates took the catalogue's gettext when made
    try:
        html = _russian_report(unanswered_sender, monkeypatch)
    finally:
        monkeypatch.undo()
        environment.cache_clear()
    for key in RAW_KEYS:
        assert f"<th>{key}</th>" not in html, key
    for value in ("error", "yes", "no"):
        assert f"<code>{value}</code>" not in html, value
    for label in ("Lookup result", "DNS error", "Organisational domain", "Domain exists"):
        assert f"<th>⟦{label}⟧</th>" in html, label
    assert "<th>⟦Lookups with no answer (at most 2)⟧</th><td><code>0</code>" in html
    assert "<th>⟦Uses redirect=⟧</th><td><code>⟦no⟧</code>" in html
    assert "<caption>daisy.example — ⟦Notes⟧</caption>" in html
    assert "<caption>daisy.example — ⟦Blocklists⟧</caption>" in html
    note = (
        "DKIM not verified: no selector is known (no DKIM-Signature, no dkim-selectors configured)"
    )
    assert html.count(f"<code>⟦{note}⟧</code>") == 1
    assert html.replace(f"⟦{note}⟧", "").count(note) == 0
    # the blocklists' "unverified DNS timeout: …": the list's verdict and the failure, each said
    # by the catalogue (in the visible lines and the records alike)
    assert "unverified" not in re.sub(r'class="[^"]*"', "", html)
    assert html.count("⟦DNS timeout: {error}⟧") == 0  # the values are in the said text
    said = "⟦DNS timeout: нет ответа за 1 с"
    assert html.count(f"<code>не удалось проверить: {said}") == 3  # DBL, SURBL, URIBL
    assert "DNS timeout" not in html.replace(said, "")


def test_a_russian_report_of_an_unanswered_sender_reads_russian(
    unanswered_sender: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the catalogue as it is: what it translates is translated in the records' tables
    too (they printed the English of a DNS error shown in Russian above them), and dates are
    written as Russian writes them (Babel), with their time zone."""
    html = _russian_report(unanswered_sender, monkeypatch)
    records = html[html.index('<details class="raw">') :]
    assert records.count("<code>TXT-запрос не удался: нет ответа за 1 с</code>") == 1  # SPF
    assert records.count("<code>_dmarc.daisy.example: нет ответа за 1 с</code>") == 1  # DMARC
    assert "no answer within" not in html
    # Babel's Russian pattern: a narrow no-break space before "г."
    assert "плановая отправка 20 декабря 2026\u202fг., 09:00 UTC" in html
    assert "+0000" not in html and not re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d", html)
    generated = re.findall(r"\d{1,2} [а-я]+ \d{4}\sг\., \d\d:\d\d UTC", html)
    assert len(generated) == 3, generated  # the header, the footer, the planned send


def test_dates_are_written_in_the_readers_language_with_their_zone() -> None:
    from datetime import UTC, datetime, timedelta, timezone

    from mailcheck.i18n import format_moment

    utc = datetime(2026, 12, 20, 9, 0, tzinfo=UTC)
    moscow = datetime(2026, 11, 27, 10, 0, tzinfo=timezone(timedelta(hours=3)))
    assert format_moment(utc, "ru") == "20 декабря 2026\u202fг., 09:00 UTC"
    assert format_moment(moscow, "ru") == "27 ноября 2026\u202fг., 10:00 UTC+03:00"
    assert format_moment(moscow, "en").startswith("November 27, 2026, 10:00")
    assert format_moment(moscow, "en").endswith("AM UTC+03:00")
