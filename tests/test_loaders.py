"""Loading inputs: campaign.toml, saved messages in every charset, bare HTML, sniffed files."""

from __future__ import annotations

import base64
import json
import textwrap
from datetime import UTC, datetime, timedelta, timezone
from email.charset import BASE64, QP, Charset
from email.header import Header
from email.mime.application import MIMEApplication
from email.mime.message import MIMEMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from pathlib import Path

import pytest

from mailcheck.charsets import decode_bytes, known_charset
from mailcheck.config import Config
from mailcheck.engine import run
from mailcheck.loaders import load
from mailcheck.message import decode_header_value
from mailcheck.model import Campaign, Severity
from tests.helpers import check, count_resolves, only
from tests.test_corpus import corpus_root

MOZILLA = "mozilla+releases-comm-central/mail/components/extensions/test/xpcshell/messages"

HTML_RU = (
    "<html><head><title>Чёрная пятница</title></head><body>"
    '<div style="display:none">Только до воскресенья' + "&zwnj;&nbsp;" * 20 + "</div>"
    '<p>Привет, {{ first_name }}! <a href="https://shop.example.net/?utm_source=email">'
    "Каталог</a></p></body></html>"
)


def load_file(path: Path, config: Config | None = None) -> Campaign:
    return load(path, str(path), config or Config(root=path.parent))


def campaign_dir(
    tmp_path: Path,
    manifest: str,
    files: dict[str, str | bytes] | None = None,
    name: str = "bf-2026",
) -> Path:
    d = tmp_path / name
    d.mkdir()
    (d / "campaign.toml").write_text(textwrap.dedent(manifest), encoding="utf-8")
    for fname, content in (files if files is not None else {"email.html": HTML_RU}).items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        (d / fname).write_bytes(data)
    return d / "campaign.toml"


# --- campaign.toml ---------------------------------------------------------------------------


FULL_MANIFEST = """
id = "acme-2026-11-black-friday"
client = "acme"
subject = "{{ first_name | default('Друг') }}, −30% на всё"
preheader = "Только до воскресенья"
from = "ACME <news@acme.example>"
html = "email.html"
text = "email.txt"
template = "jinja"
samples = "recipients.csv"
send_at = 2026-11-27T10:00:00+03:00
dkim-selectors = ["k1"]
subject-max = 60
required-utm = ["utm_source"]

[utm]
utm_source = "email"
utm_campaign = "black-friday-2026"

[headers]
List-Unsubscribe = "<https://acme.example/u/{{ uid }}>, <mailto:unsub@acme.example>"
List-Unsubscribe-Post = "List-Unsubscribe=One-Click"
"""


def test_full_russian_manifest(tmp_path: Path) -> None:
    path = campaign_dir(
        tmp_path,
        FULL_MANIFEST,
        {
            "email.html": HTML_RU,
            "email.txt": "Привет! Каталог: https://shop.example.net/\n",
            "recipients.csv": "first_name,uid\nАнна,1\n,2\n",
        },
    )
    c = load_file(path, Config(root=tmp_path, client="agency-default"))
    assert c.load_error is None
    assert c.kind == "toml"
    assert c.id == "acme-2026-11-black-friday"
    assert c.client == "acme"
    assert c.subject == "{{ first_name | default('Друг') }}, −30% на всё"
    assert c.preheader == "Только до воскресенья" and c.preheader_explicit
    assert c.from_addr == "ACME <news@acme.example>"
    assert c.from_domain == "acme.example"
    assert c.html == HTML_RU
    assert c.html_bytes == len(HTML_RU.encode("utf-8"))
    assert c.html_label == "email.html"
    assert c.text == "Привет! Каталог: https://shop.example.net/\n" and c.text_known
    assert c.dialect == "jinja" and c.dialect_explicit
    # a whole number is a number, as in the ESP's field
    assert c.samples == [{"first_name": "Анна", "uid": 1}, {"first_name": "", "uid": 2}]
    assert c.send_at == datetime(2026, 11, 27, 10, tzinfo=timezone(timedelta(hours=3)))
    assert c.dkim_selectors == ["k1"]
    assert c.utm == {"utm_source": "email", "utm_campaign": "black-friday-2026"}
    assert c.headers is not None
    assert c.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert c.config_overrides == {"subject-max": 60, "required-utm": ["utm_source"]}
    assert c.static is not None
    assert c.static.title == "Чёрная пятница"
    assert [link.href for link in c.static.links] == ["https://shop.example.net/?utm_source=email"]
    assert c.raw_message is None and c.received_ips == []


def test_subject_and_from_written_in_headers_are_the_campaigns(tmp_path: Path) -> None:
    # [headers] Subject and From were passed over: SUB001 "no subject" beside the Subject
    # given, and the sender domain (SPF, DKIM, DMARC, RU001's own links) unknown
    path = campaign_dir(
        tmp_path,
        """
        [headers]
        Subject = "Скидки недели"
        From = "Shop <news@shop.example.net>"
        List-Unsubscribe = "<https://shop.example.net/u/1>"
        """,
    )
    c = load_file(path)
    assert c.load_error is None
    assert (c.subject, c.from_addr, c.from_domain) == (
        "Скидки недели",
        "Shop <news@shop.example.net>",
        "shop.example.net",
    )
    assert c.headers is not None and c.headers["List-Unsubscribe"].startswith("<https://")
    result = check(path.parent)
    assert [f.code for f in result.findings if f.code.startswith(("SUB", "HDR"))] == []
    # the same value in both places is the same subject
    same = campaign_dir(
        tmp_path, 'subject = "Скидки"\n[headers]\nSubject = "Скидки"\n', name="same"
    )
    assert load_file(same).subject == "Скидки"


def test_subject_or_from_written_twice_differently_is_refused(tmp_path: Path) -> None:
    path = campaign_dir(
        tmp_path,
        'from = "news@shop.example.net"\n[headers]\nFrom = "promo@shop.example.net"\n',
    )
    assert load_file(path).load_error == (
        "from = 'news@shop.example.net' and [headers] From = "
        "'promo@shop.example.net' differ: write it once"
    )
    bad = campaign_dir(tmp_path, '[headers]\nFrom = "not an address"\n', name="bad")
    assert "is not an e-mail address" in (load_file(bad).load_error or "")


def test_a_campaign_is_named_after_its_real_directory_however_the_path_reads_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = campaign_dir(tmp_path, 'subject = "Hi"\n', name="weekly-47")
    (tmp_path / "link").symlink_to(path.parent, target_is_directory=True)
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(path.parent)
    for given in (
        path,
        tmp_path / "link" / "campaign.toml",  # a link's: the directory it leads to
        tmp_path / "sub" / ".." / "weekly-47" / "campaign.toml",
        Path("campaign.toml"),
        Path("..") / "sub" / ".." / "weekly-47" / "campaign.toml",
    ):
        assert load_file(given, Config(root=tmp_path)).id == "weekly-47", given
    monkeypatch.chdir(tmp_path / "sub")
    assert load_file(Path("..") / ".." / tmp_path.name / "weekly-47" / "campaign.toml").id == (
        "weekly-47"
    )


def test_a_real_campaign_directory_is_named_without_resolving_its_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its own name is the real one (a realpath costs a system call per component)."""
    path = campaign_dir(tmp_path, 'subject = "Hi"\n', name="weekly-47")
    resolved = count_resolves(monkeypatch)
    assert load_file(path, Config(root=tmp_path)).id == "weekly-47"
    assert path.parent.absolute() not in resolved


def test_manifest_defaults(tmp_path: Path) -> None:
    path = campaign_dir(tmp_path, 'subject = "Hi"\n', name="weekly-47")
    c = load_file(path, Config(root=tmp_path, client="acme"))
    assert c.load_error is None
    assert c.id == "weekly-47"  # the directory's name
    assert c.client == "acme"  # from the config
    assert c.html_label == "email.html"  # the only *.html
    assert c.preheader == "Только до воскресенья" and not c.preheader_explicit
    assert c.dialect == "none" and not c.dialect_explicit  # templating detects
    assert c.headers is None  # no [headers]: unknown, not empty
    assert not c.text_known and c.text is None
    assert c.send_at is None and c.samples == [] and c.config_overrides == {}


def test_email_html_wins_among_several(tmp_path: Path) -> None:
    path = campaign_dir(tmp_path, "", {"email.html": HTML_RU, "web-version.html": "<p>web</p>"})
    c = load_file(path)
    assert c.load_error is None and c.html_label == "email.html" and c.html == HTML_RU


def test_template_none_is_explicit(tmp_path: Path) -> None:
    c = load_file(campaign_dir(tmp_path, 'template = "none"\n'))
    assert c.dialect == "none" and c.dialect_explicit


def test_utm_keys_analytics_reads_are_accepted(tmp_path: Path) -> None:
    # the five every analytics reads, GA4's newer ones, and a custom utm_ key of one's own
    keys = ["utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term", "utm_id"]
    table = "".join(f"{k} = 'x'\n" for k in [*keys, "utm_source_platform", "utm_agency"])
    c = load_file(campaign_dir(tmp_path, f"[utm]\n{table}"))
    assert c.load_error is None and len(c.utm) == 8


@pytest.mark.parametrize(
    ("manifest", "files", "reason"),
    [
        ('subject = "unterminated\n', None, "invalid TOML at line 1"),
        ('subject = "ok"\n\nfrom = = "x"\n', None, "invalid TOML at line 3"),
        ('subjet = "Hi"\n', None, "unknown key 'subjet' (did you mean 'subject'?)"),
        ("[utms]\nutm_source = 'email'\n", None, "unknown key 'utms'"),
        ('html = "nope.html"\n', None, "html file 'nope.html' not found"),
        ("", {"a.html": "<p>a</p>", "b.html": "<p>b</p>"}, "several HTML files (a.html, b.html)"),
        ("", {"readme.txt": "no html here"}, "no HTML"),
        ('template = "jinja2"\n', None, "template must be one of"),
        ("subject = 42\n", None, "'subject' must be a string, not a number"),
        ('subject-max = "fifty"\n', None, "'subject-max' must be a number"),
        ("select = 5\n", None, "'select' must be a list of strings"),
        ('samples = "people.csv"\n', None, "samples file 'people.csv' not found"),
        ('samples = "r.json"\n', {"email.html": "<p>x</p>", "r.json": "{bad"}, "not valid JSON"),
        (
            'samples = "r.json"\n',
            {"email.html": "<p>x</p>", "r.json": '{"a": 1}'},
            "must be a list of objects",
        ),
        ('text = "email.txt"\n', None, "text file 'email.txt' not found"),
        ("send_at = 2026-11-27\n", None, "send_at must be a date and time"),
        ('send_at = "next friday"\n', None, "send_at 'next friday' is not a date and time"),
        ("[utm]\nutm_source = 1\n", None, "[utm] utm_source must be a string"),
        # a [utm] key no link carries was compared with nothing: its check passed silently
        ("[utm]\nsource = 'email'\n", None, "[utm] has 'source', which is no UTM parameter"),
        ("[utm]\nutm_campain = 'bf'\n", None, "did you mean 'utm_campaign'?"),
        ("[utm]\nUTM_Source = 'email'\n", None, "did you mean 'utm_source'?"),
        ("[utm]\nerid = 'x'\n", None, "[utm] has 'erid': UTM parameters are named utm_…"),
        ('headers = "List-Unsubscribe: x"\n', None, "[headers] must be a table"),
        ('from = "ACME"\n', None, "from = 'ACME' is not an e-mail address"),
        ('from = "news at acme.example"\n', None, "is not an e-mail address"),
        ('from = "news@acme example"\n', None, "is not an e-mail address"),  # read as acmeexample
        ('from = "news@"\n', None, "from = 'news@' is not an e-mail address"),
        ('from = ""\n', None, "from = '' is not an e-mail address"),
        ('from = "a@acme.example, b@acme.example"\n', None, "names 2 addresses"),
    ],
)
def test_manifest_problems_are_load_errors(
    tmp_path: Path, manifest: str, files: dict[str, str | bytes] | None, reason: str
) -> None:
    c = load_file(campaign_dir(tmp_path, manifest, files))
    assert c.load_error is not None
    assert reason in c.load_error
    assert c.id == "bf-2026"  # still named, so the report can say which input failed


@pytest.mark.parametrize(
    ("sender", "domain"),
    [
        ("news@acme.example", "acme.example"),
        ("ACME <news@acme.example>", "acme.example"),
        ('"ACME, Inc." <news@acme.example>', "acme.example"),
        ("Магазин <news@магазин.рф>", "магазин.рф"),
        ("{{ brand }} <news@acme.example>", "acme.example"),
        ("Shop <{{ sender }}>", None),  # the ESP fills it in: not refused, not known
    ],
)
def test_from_that_is_an_address(tmp_path: Path, sender: str, domain: str | None) -> None:
    c = load_file(campaign_dir(tmp_path, f"from = {json.dumps(sender, ensure_ascii=False)}\n"))
    assert c.load_error is None
    assert c.from_addr == sender and c.from_domain == domain


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        # what formataddr(("Shop, Москва", …)) writes: decoded first, the comma split the
        # address in two, "Shop" and the real one, and the sender domain was lost (a QA probe)
        ("=?utf-8?b?U2hvcCwg0JzQvtGB0LrQstCw?= <news@shop.example>",
         '"Shop, Москва" <news@shop.example>'),
        ("=?utf-8?b?0JzQsNCz0LDQt9C40L0=?= <news@shop.example>", "Магазин <news@shop.example>"),
        ('"Shop, Moscow" <news@shop.example>', '"Shop, Moscow" <news@shop.example>'),
    ],
)  # fmt: skip
def test_a_saved_messages_from_keeps_its_one_address(tmp_path: Path, raw: str, shown: str) -> None:
    eml = tmp_path / "send.eml"
    eml.write_bytes(f"From: {raw}\r\nSubject: Hi\r\n\r\nHi\r\n".encode())
    c = load_file(eml)
    assert (c.from_addr, c.from_domain) == (shown, "shop.example")


def test_manifest_not_utf8(tmp_path: Path) -> None:
    path = campaign_dir(tmp_path, "")
    path.write_bytes('subject = "Привет"\n'.encode("cp1251"))
    c = load_file(path)
    assert c.load_error is not None and "not UTF-8" in c.load_error


def test_send_at_forms(tmp_path: Path) -> None:
    iso = load_file(campaign_dir(tmp_path, 'send_at = "2026-11-27T07:00:00Z"\n', name="iso"))
    assert iso.send_at == datetime(2026, 11, 27, 7, tzinfo=UTC)
    naive = load_file(campaign_dir(tmp_path, "send_at = 2026-11-27T10:00:00\n", name="naive"))
    assert naive.send_at is not None and naive.send_at.tzinfo is not None  # local time
    assert naive.send_at.replace(tzinfo=None) == datetime(2026, 11, 27, 10)


def test_samples_csv_encodings_and_separators(tmp_path: Path) -> None:
    variants: dict[str, bytes] = {
        "utf8": "first_name,city\nАнна,Москва\n".encode(),
        "utf8-bom": "\ufefffirst_name,city\nАнна,Москва\n".encode(),
        "cp1251": "first_name,city\nАнна,Москва\n".encode("cp1251"),
        "semicolon": "first_name;city\r\nАнна;Москва\r\n".encode("cp1251"),
        "koi8-r": "first_name,city\nАнна,Москва\n".encode("koi8-r"),
        # the header's own quoted commas are no separators: this is a semicolon file (it was
        # read as a comma one, an INP001 "',' expected after '\"'")
        "quoted-header": '"first_name";"city, region"\nАнна;Москва\n'.encode("cp1251"),
    }
    for name, data in variants.items():
        path = campaign_dir(
            tmp_path, 'samples = "r.csv"\n', {"email.html": "<p>x</p>", "r.csv": data}, name=name
        )
        c = load_file(path)
        assert c.load_error is None, name
        city = "city, region" if name == "quoted-header" else "city"
        assert c.samples == [{"first_name": "Анна", city: "Москва"}], name
    western = "first_name,city\nJürgen,München\n".encode("cp1252")
    path = campaign_dir(
        tmp_path, 'samples = "r.csv"\n', {"email.html": "<p>x</p>", "r.csv": western}, name="de"
    )
    assert load_file(path).samples == [{"first_name": "Jürgen", "city": "München"}]


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("r.csv", b"", "samples file 'r.csv' lists no recipient"),
        ("r.csv", b"first_name,city\n", "samples file 'r.csv' lists no recipient"),
        ("r.csv", b"first_name,city\n,\n", "samples file 'r.csv' lists no recipient"),
        ("r.json", b"[]", "samples file 'r.json' lists no recipient"),
        # every row after an open quote would be one value of the first
        (
            "r.csv",
            'first_name\n"Анна\nОля\nИван\n'.encode(),
            "samples file 'r.csv' is not valid CSV: a quote (\") is never closed",
        ),
        (
            "r.csv",
            'first_name,city\nОля,Казань\n"Анна"x,Москва\n'.encode(),
            "samples file 'r.csv' is not valid CSV: ',' expected after '\"' (line 3)",
        ),
        # a value with the separator in it, unquoted: its tail was dropped without a word
        (
            "r.csv",
            "email,preheader\na@acme.test,Скидки,   ботинки и шапки\nb@acme.test,x\n".encode(),
            "samples file 'r.csv' is not valid CSV: line 2 has more values than the header "
            "has columns (a value with a “,” in it needs quotes)",
        ),
        # csv keeps the last column of a name: the first one's values would be dropped
        (
            "r.csv",
            "first_name,city,first_name\nАнна,Москва,\n".encode(),
            "samples file 'r.csv' names the column 'first_name' twice",
        ),
    ],
)
def test_samples_that_list_nobody_or_lose_values_are_load_errors(
    tmp_path: Path, name: str, data: bytes, reason: str
) -> None:
    path = campaign_dir(tmp_path, f'samples = "{name}"\n', {"email.html": "<p>x</p>", name: data})
    assert (load_file(path).load_error or "").startswith(reason)


def test_empty_cells_past_the_header_are_no_csv_error(tmp_path: Path) -> None:
    data = "first_name;city\nАнна;Москва;;\n".encode()  # Excel pads some rows so
    path = campaign_dir(tmp_path, 'samples = "r.csv"\n', {"email.html": "<p>x</p>", "r.csv": data})
    c = load_file(path)
    assert c.load_error is None and c.samples == [{"first_name": "Анна", "city": "Москва"}]


def test_a_quote_inside_a_value_is_no_csv_error(tmp_path: Path) -> None:
    data = 'product,size\nТелевизор,55"\n'.encode()
    path = campaign_dir(tmp_path, 'samples = "r.csv"\n', {"email.html": "<p>x</p>", "r.csv": data})
    c = load_file(path)
    assert c.load_error is None and c.samples == [{"product": "Телевизор", "size": '55"'}]


def test_samples_json_and_inline(tmp_path: Path) -> None:
    json_path = campaign_dir(
        tmp_path,
        'samples = "r.json"\n',
        {
            "email.html": "<p>x</p>",
            "r.json": '[{"first_name": "Иван", "user": {"city": "Казань"}}, {"first_name": null}]',
        },
        name="json",
    )
    c = load_file(json_path)
    assert c.samples == [{"first_name": "Иван", "user": {"city": "Казань"}}, {"first_name": None}]
    inline = campaign_dir(tmp_path, 'samples = [{ first_name = "Мария" }]\n', name="inline")
    assert load_file(inline).samples == [{"first_name": "Мария"}]


def test_config_overrides_are_validated_with_the_config(tmp_path: Path) -> None:
    good = campaign_dir(tmp_path, 'ignore = ["IMG001"]\n[links]\nexclude = ["^x"]\n', name="good")
    c = load_file(good)
    assert c.load_error is None
    assert c.config_overrides == {"ignore": ["IMG001"], "links": {"exclude": ["^x"]}}
    merged = Config().merged(c.config_overrides)
    assert merged.ignore == ("IMG001",) and merged.links.exclude == ("^x",)
    # a run-wide setting is refused, not silently ignored (tests/hostile/test_small_holes.py)
    run_wide = campaign_dir(tmp_path, "[links]\ntimeout = 3\n", name="run-wide")
    assert "[links] timeout cannot be set per campaign" in (load_file(run_wide).load_error or "")
    bad = campaign_dir(tmp_path, "[links]\ntimeuot = 3\n", name="bad")
    error = load_file(bad).load_error
    assert error is not None and "timeuot" in error


def test_html_file_in_windows_1251(tmp_path: Path) -> None:
    html = (
        '<html><head><meta charset="windows-1251"><title>Скидки</title></head><body>'
        '<span class="preheader">Только сегодня</span><p>Привет</p></body></html>'
    )
    path = campaign_dir(tmp_path, "", {"email.html": html.encode("cp1251")})
    c = load_file(path)
    assert c.load_error is None
    assert c.html == html
    assert c.html_bytes == len(html.encode("cp1251"))
    assert c.preheader == "Только сегодня"


def test_html_files_without_declared_charset(tmp_path: Path) -> None:
    html = "<html><body><p>Привет, друзья! Скидки до воскресенья.</p></body></html>"
    for codec in ("cp1251", "koi8_r"):
        path = campaign_dir(tmp_path, "", {"email.html": html.encode(codec)}, name=codec)
        assert load_file(path).html == html, codec


def test_html_file_in_koi8r_with_meta(tmp_path: Path) -> None:
    html = '<meta http-equiv="Content-Type" content="text/html; charset=koi8-r"><p>Вопрос</p>'
    path = campaign_dir(tmp_path, "", {"email.html": html.encode("koi8_r")})
    c = load_file(path)
    assert c.html == html and c.static is not None and c.static.text == "Вопрос"


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32", "utf-8-sig"])
def test_html_file_with_a_byte_order_mark(tmp_path: Path, codec: str) -> None:
    """Notepad's "Unicode" is UTF-16 with a byte-order mark: read as such, not as 8-bit bytes
    full of NULs (which gave "replacement characters" and lost the preheader)."""
    html = '<meta charset="windows-1251"><span class="preheader">Только сегодня</span><p>Привет</p>'
    data = html.encode(codec)
    if codec == "utf-16-be":
        data = b"\xfe\xff" + data  # Python's own utf-16 writes little-endian
    path = campaign_dir(tmp_path, "", {"email.html": data}, name=codec)
    c = load_file(path)
    assert c.load_error is None
    assert c.html == html and c.preheader == "Только сегодня"


def test_samples_in_excel_unicode_text(tmp_path: Path) -> None:
    """Excel's "Unicode Text": UTF-16 with a byte-order mark, tab-separated."""
    data = "first_name\tcity\r\nАнна\tМосква\r\n".encode("utf-16")
    path = campaign_dir(tmp_path, 'samples = "r.txt"\n', {"email.html": "<p>x</p>", "r.txt": data})
    c = load_file(path)
    assert c.load_error is None
    assert c.samples == [{"first_name": "Анна", "city": "Москва"}]


def test_binary_html_file_is_a_load_error(tmp_path: Path) -> None:
    (tmp_path / "logo.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    c = load_file(tmp_path / "logo.html")
    assert c.load_error == (
        "not HTML: 'logo.html' is binary data (or UTF-16 without a byte-order mark: save it as "
        "UTF-8)"
    )
    path = campaign_dir(tmp_path, 'html = "body.html"\n', {"body.html": b"<p>\x00\x01</p>"})
    assert load_file(path).load_error == (
        "not HTML: 'body.html' is binary data (or UTF-16 without a byte-order mark: save it as "
        "UTF-8)"
    )


def test_an_empty_html_file_is_inp001_not_an_empty_email_passed(tmp_path: Path) -> None:
    # it passed with PRE001/UNS001 warnings and exit 0: an e-mail of nothing on its way out
    blank = campaign_dir(tmp_path, 'subject = "Скидки"\n', {"email.html": "\n  \r\n\t\n"})
    result = check(blank.parent)
    assert [(f.code, f.message, f.location) for f in result.findings] == [
        ("INP001", "email.html is empty: it holds only blank lines and spaces", blank.name)
    ]
    walked = tmp_path / "walked"
    (walked / "sub").mkdir(parents=True)
    (walked / "sub" / "zero.html").write_bytes(b"")
    (walked / "bom.htm").write_bytes(b"\xef\xbb\xbf \n")  # a byte-order mark and a blank
    (walked / "page.html").write_text(HTML_RU, encoding="utf-8")
    # a saved page's comment and nothing else (it passed with two warnings: a QA probe); an
    # Outlook conditional comment holds what Outlook shows, and is no empty file
    (walked / "saved.html").write_text("<!-- saved from url=(0014)about:internet -->\n")
    (walked / "mso.html").write_text("<!--[if mso]><p>Скидки недели</p><![endif]-->\n")
    results = run([str(walked)], Config(root=walked), offline=True).results
    inp001 = [
        (r.campaign.source, f.message) for r in results for f in r.findings if f.code == "INP001"
    ]
    assert inp001 == [
        (str(walked / "bom.htm"), "bom.htm is empty: it holds only blank lines and spaces"),
        (str(walked / "saved.html"), "saved.html is empty: it holds only comments and blank lines"),
        (str(walked / "sub" / "zero.html"), "zero.html is empty (0 bytes)"),
    ]
    named = check(walked / "sub" / "zero.html")
    assert [(f.code, f.message) for f in named.findings] == [
        ("INP001", "zero.html is empty (0 bytes)")
    ]


# --- bare HTML -------------------------------------------------------------------------------


def test_bare_html(tmp_path: Path) -> None:
    path = tmp_path / "promo.html"
    path.write_text(HTML_RU, encoding="utf-8")
    c = load_file(path)
    assert c.load_error is None
    assert (c.id, c.kind, c.html_label) == ("promo", "html", "promo.html")
    assert c.subject == "Чёрная пятница"
    assert c.preheader == "Только до воскресенья"
    assert c.headers is None and not c.text_known
    assert c.html_bytes == len(HTML_RU.encode())
    assert c.static is not None and c.static.preheader == c.preheader


def test_bare_html_empty_and_htm(tmp_path: Path) -> None:
    (tmp_path / "empty.html").write_bytes(b"")
    c = load_file(tmp_path / "empty.html")
    assert c.load_error == "empty.html is empty (0 bytes)"  # nothing to send: not a pass
    (tmp_path / "OLD.HTM").write_text("<title>Old</title><p>x</p>")
    c = load_file(tmp_path / "OLD.HTM")
    assert c.kind == "html" and c.subject == "Old"


def test_missing_file_is_a_load_error(tmp_path: Path) -> None:
    c = load_file(tmp_path / "gone.html")
    assert c.load_error == "file 'gone.html' not found" and c.id == "gone"


# --- saved messages --------------------------------------------------------------------------


def mime_text(text: str, subtype: str, charset: str, encoding: str | None) -> MIMEText:
    """A text part in ``charset`` with the given transfer encoding (None: raw 8bit)."""
    cs = Charset(charset)
    # None (8bit, no transfer encoding) is valid for the email package; its stub says int
    cs.body_encoding = {"qp": QP, "base64": BASE64, None: None}[encoding]  # type: ignore[assignment]
    return MIMEText(text, subtype, _charset=cs)  # type: ignore[arg-type]


HTML_MSG = (
    '<html><head><title>t</title></head><body><div style="display:none">Новинки недели'
    + "&zwnj;&nbsp;" * 5
    + '</div><p>Привет! <a href="https://shop.example.net/w">Смотреть</a>'
    "</p></body></html>"
)
TEXT_MSG = "Привет! Смотреть: https://shop.example.net/w\n"


def subject_for(charset: str) -> str:
    return "Привет, мир! Скидки 🔥" if charset == "utf-8" else "Привет, мир! Скидки"


def russian_message(charset: str, encoding: str | None) -> bytes:
    msg = MIMEMultipart("alternative")
    msg["Return-Path"] = "<bounce@mail.acme.example>"
    msg["Received"] = "from mx-internal.acme.example ([10.0.0.7]) by store.acme.example"
    msg["Received"] = (
        "from mta1.esp.example (mta1.esp.example [203.0.113.25])\r\n"
        "\tby mx.acme.example with ESMTPS id 1"
    )
    msg["Received"] = "from [192.168.1.20] (client.local [192.168.1.20]) by submit.esp.example"
    msg["Subject"] = Header(subject_for(charset), charset).encode()
    msg["From"] = Header("Магазин ACME", "utf-8").encode() + " <shop@acme.example>"
    msg["To"] = "test@acme.example"
    msg["List-Unsubscribe"] = (
        "<https://acme.example/unsubscribe/1003?token=abcdef>,\r\n"
        " <mailto:unsub@acme.example?subject=unsub>"
    )
    msg["DKIM-Signature"] = (
        "v=1; a=rsa-sha256; c=relaxed/relaxed; d=acme.example;\r\n"
        " s=esp2026; h=from:to:subject; bh=abc=; b=def="
    )
    msg.attach(mime_text(TEXT_MSG, "plain", charset, encoding))
    msg.attach(mime_text(HTML_MSG, "html", charset, encoding))
    return msg.as_bytes()


@pytest.mark.parametrize("charset", ["utf-8", "windows-1251", "koi8-r"])
@pytest.mark.parametrize("encoding", ["qp", "base64", None])
def test_message_charsets_and_encodings(tmp_path: Path, charset: str, encoding: str | None) -> None:
    path = tmp_path / f"send-{charset}-{encoding}.eml"
    path.write_bytes(russian_message(charset, encoding))
    c = load_file(path)
    assert c.load_error is None
    assert c.kind == "eml" and c.id == path.stem
    assert c.subject == subject_for(charset)
    assert c.from_addr == "Магазин ACME <shop@acme.example>"
    assert c.html == HTML_MSG
    assert c.html_bytes == len(HTML_MSG.encode(charset))
    assert c.text == TEXT_MSG and c.text_known
    assert c.preheader == "Новинки недели"
    assert c.static is not None and c.static.links[0].text == "Смотреть"
    assert c.html_label == "text/html part"
    assert c.raw_message == path.read_bytes()


@pytest.mark.parametrize("charset", ["utf-8", "windows-1251", "koi8-r"])
@pytest.mark.parametrize("header_encoding", ["b", "q"])
def test_rfc2047_subjects(tmp_path: Path, charset: str, header_encoding: str) -> None:
    subject = "Привет, мир! Скидки до 70% на всё"
    raw = subject.encode(charset)
    if header_encoding == "b":
        word = f"=?{charset}?B?{base64.b64encode(raw).decode()}?="
    else:
        word = (
            f"=?{charset}?Q?"
            + "".join(f"={b:02X}" if b > 127 or chr(b) in "=?_ " else chr(b) for b in raw)
            + "?="
        )
    message = (
        f"From: shop@acme.example\r\nSubject: {word}\r\nContent-Type: text/html; "
        f"charset={charset}\r\n\r\n<p>x</p>\r\n"
    ).encode("ascii")
    path = tmp_path / "m.eml"
    path.write_bytes(message)
    assert load_file(path).subject == subject


def test_a_russian_subject_in_microsofts_iso_2022_jp(tmp_path: Path) -> None:
    # Exchange writes Cyrillic in ISO-2022-JP with NEC's "№" (row 13), which Python's codec
    # lacks: the subject was read as 8-bit text and kept its escape codes (a false SUB003),
    # then as "ЖД�41" (a false BRF003); mail clients show "№", as cp932 reads it
    word = "=?iso-2022-jp?B?GyRCJygnJS1iGyhCNDEgGyRCJ2AnZBsoQiAyOC4wOS4yMDE2?="
    path = tmp_path / "jp.eml"
    path.write_bytes(f"From: a@b.example\r\nSubject: {word}\r\n\r\nx\r\n".encode())
    assert load_file(path).subject == "ЖД№41 от 28.09.2016"


# "セール①、№5 ㈱エース ｱｲ" as Microsoft's ISO-2022-JP writes it: JIS X 0208 (ESC $ B) with
# NEC's row 13 (①, №, ㈱) and JIS X 0201 half-width katakana (ESC ( I)
MS_JIS = b'\x1b$B%;!<%k-!!"\x1b(B\x1b$B-b\x1b(B5 \x1b$B-j%(!<%9\x1b(B \x1b(I12\x1b(B'


def test_microsofts_iso_2022_jp_is_read_as_mail_clients_read_it() -> None:
    assert decode_bytes(MS_JIS, "iso-2022-jp") == "セール①、№5 ㈱エース ｱｲ"
    # what Python's codec reads is read as it reads it
    plain = "日本語のお知らせ ¥100".encode("iso2022_jp")
    assert decode_bytes(plain, "iso-2022-jp") == "日本語のお知らせ ¥100"
    # a code no table has (row 15 is empty in JIS X 0208 and cp932) is still one "�"
    assert decode_bytes(b"\x1b$B/!\x1b(Bx", "iso-2022-jp") == "\ufffdx"


def test_an_iso_2022_jp_part_with_necs_characters_is_no_garbled_text(tmp_path: Path) -> None:
    path = tmp_path / "jp.eml"
    path.write_bytes(
        b"From: shop@acme.example\r\nSubject: =?iso-2022-jp?B?"
        + base64.b64encode(MS_JIS)
        + b"?=\r\nContent-Type: text/html; charset=iso-2022-jp\r\n\r\n<html><body><p>"
        + MS_JIS
        + b"</p></body></html>\r\n"
    )
    result = check(path)
    assert result.campaign.subject == "セール①、№5 ㈱エース ｱｲ"
    assert only(result, "BRF003") == []
    # an undecodable code is still the warning that says mailcheck's reading put the "�"
    path.write_bytes(path.read_bytes().replace(b"-b", b"/!"))
    [brf003] = only(check(path), "BRF003")
    assert brf003.severity is Severity.WARNING


def test_folded_multi_word_subject_and_list_unsubscribe(tmp_path: Path) -> None:
    path = tmp_path / "folded.eml"
    path.write_bytes(russian_message("utf-8", "qp"))
    c = load_file(path)
    assert c.headers is not None
    assert c.headers["List-Unsubscribe"] == (
        "<https://acme.example/unsubscribe/1003?token=abcdef>, "
        "<mailto:unsub@acme.example?subject=unsub>"
    )
    assert c.headers["Subject"] == c.subject


@pytest.mark.parametrize("codec", ["cp1251", "koi8_r"])
def test_raw_8bit_subject_without_encoded_words(tmp_path: Path, codec: str) -> None:
    subject = "Распродажа: скидки до 50% на зимнюю коллекцию"
    message = (
        b"From: shop@acme.example\r\nSubject: "
        + subject.encode(codec)
        + b"\r\nContent-Type: text/plain\r\n\r\n"
        + "Привет".encode(codec)
        + b"\r\n"
    )
    path = tmp_path / "raw.eml"
    path.write_bytes(message)
    c = load_file(path)
    assert c.load_error is None
    assert c.subject == subject
    assert c.text == "Привет\r\n"  # undeclared charset in the body: guessed the same way


def test_raw_8bit_subject_is_read_in_the_charset_the_message_declares(tmp_path: Path) -> None:
    # a GB2312 subject in a GB2312 message was guessed as KOI8-R box drawings (“х╚пбт╜в╟…”,
    # a false SUB002 at 63 characters for 32: SpamAssassin's nice/cjk/gb2312.1)
    subject = "全新原装进口，送货上门，货到付款－台湾鑫龙商贸集团公司向您拜年!"
    name = "台湾鑫龙商贸集团公司"
    message = (
        b'From: "' + name.encode("gb2312") + b'" <a@b.example>\r\nSubject: '
        + subject.encode("gb2312")
        + b"\r\nTo: dangl\xc3\xbce@b.example\r\n"  # UTF-8 is read as UTF-8 (RFC 6532)
        + b"Content-Type: text/plain; charset=gb2312\r\n\r\n"
        + "您好".encode("gb2312") + b"\r\n"
    )  # fmt: skip
    path = tmp_path / "gb.eml"
    path.write_bytes(message)
    c = load_file(path)
    assert c.load_error is None
    assert c.subject == subject
    assert c.from_addr == f'"{name}" <a@b.example>'
    assert c.headers is not None and c.headers["To"] == "danglüe@b.example"
    assert [f.code for f in check(path).findings if f.code.startswith("SUB")] == []


def test_raw_8bit_latin1_subject_is_not_read_as_cyrillic(tmp_path: Path) -> None:
    message = "From: a@b.example\nSubject: Die Hasen und die Frösche\n\nx\n".encode("latin-1")
    path = tmp_path / "de.eml"
    path.write_bytes(message)
    assert load_file(path).subject == "Die Hasen und die Frösche"


def test_headers_selectors_envelope_and_sending_ip(tmp_path: Path) -> None:
    path = tmp_path / "send.eml"
    path.write_bytes(russian_message("windows-1251", "base64"))
    c = load_file(path)
    assert c.envelope_from == "bounce@mail.acme.example"
    assert c.dkim_selectors == ["esp2026"]
    # top-most Received is the receiver's internal hop (private), the next is the ESP's MTA
    assert c.received_ips == ["203.0.113.25"]
    assert c.headers is not None and c.headers["To"] == "test@acme.example"


def test_receiver_stated_client_ip_wins(tmp_path: Path) -> None:
    message = (
        "Received-SPF: pass (mx.yandex.ru: domain of esp.example designates 198.51.100.7 as "
        "permitted sender) receiver=mx.yandex.ru; client-ip=198.51.100.7;\r\n"
        "Received: from relay.esp.example (relay.esp.example [192.0.2.99]) by mx.yandex.ru\r\n"
        "Received: from api-client (unknown [8.8.8.8]) by submit.esp.example\r\n"
        "From: shop@acme.example\r\nSubject: x\r\n\r\nbody\r\n"
    )
    path = tmp_path / "spf.eml"
    path.write_text(message)
    assert load_file(path).received_ips == ["198.51.100.7"]


def test_ipv6_and_microsoft_sender_ip(tmp_path: Path) -> None:
    ms = (
        "Authentication-Results: spf=pass (sender IP is 2001:db8::25)\r\n"
        "From: a@b.example\r\nSubject: x\r\n\r\nx\r\n"
    )
    (tmp_path / "ms.eml").write_text(ms)
    assert load_file(tmp_path / "ms.eml").received_ips == ["2001:db8::25"]
    v6 = (
        "Received: from mx (mx.esp.example [IPv6:2001:db8:1::5]) by mx.acme.example\r\n"
        "Received: from localhost (localhost [127.0.0.1]) by mx.esp.example\r\n"
        "From: a@b.example\r\nSubject: x\r\n\r\nx\r\n"
    )
    (tmp_path / "v6.eml").write_text(v6)
    assert load_file(tmp_path / "v6.eml").received_ips == ["2001:db8:1::5"]
    none = "Received: from x ([10.1.1.1]) by y\r\nFrom: a@b.example\r\n\r\nx\r\n"
    (tmp_path / "none.eml").write_text(none)
    assert load_file(tmp_path / "none.eml").received_ips == []


def test_bogus_charset_falls_back(tmp_path: Path) -> None:
    message = (
        "From: a@b.example\r\nSubject: =?x-bogus?B?"
        + base64.b64encode("Привет".encode()).decode()
        + "?=\r\nContent-Type: text/html; charset=x-bogus-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n"
    ).encode() + "<p>Привет</p>".encode("cp1251")
    path = tmp_path / "bogus.eml"
    path.write_bytes(message)
    c = load_file(path)
    assert c.load_error is None
    assert c.subject == "Привет"  # UTF-8 under a bogus label
    assert c.html == "<p>Привет</p>"  # windows-1251 under a bogus label


def test_mislabelled_ascii_part(tmp_path: Path) -> None:
    message = (
        b"From: a@b.example\r\nContent-Type: text/html; charset=us-ascii\r\n\r\n"
        + "<p>Привет</p>".encode()
    )
    path = tmp_path / "ascii.eml"
    path.write_bytes(message)
    assert load_file(path).html == "<p>Привет</p>"


def test_an_iso_8859_1_label_reads_as_windows_1252_as_mail_clients_do(tmp_path: Path) -> None:
    # Outlook and PHP mail write typographic quotes (0x92, 0x93 …) under an ISO-8859-1 label;
    # read as Latin-1 they were C1 controls: a false BRF003 twice and a SIZE002
    message = (
        b"From: a@b.example\r\nSubject: =?iso-8859-1?Q?We=92re_live?=\r\n"
        b"Content-Type: text/html; charset=iso-8859-1\r\n\r\n"
        b"<p>We\x92re \x93live\x94 \x96 caf\xe9</p>"
    )
    path = tmp_path / "latin1.eml"
    path.write_bytes(message)
    c = load_file(path)
    assert c.subject == "We\u2019re live"
    assert c.html == "<p>We\u2019re \u201clive\u201d \u2013 caf\u00e9</p>"
    # the five bytes windows-1252 leaves undefined: read as the label says
    assert decode_bytes(b"\x81\xe9", "latin1") == "\x81\u00e9"


def test_legacy_asian_labels_read_as_mail_clients_read_them(tmp_path: Path) -> None:
    # A GB2312 subject with one GBK character (SpamScope's mail_test_9) did not decode and was
    # guessed into KOI8-R box drawings: a false SUB002 error quoting mojibake. Mail clients
    # read GB2312 as GB18030, EUC-KR as Microsoft's Unified Hangul (cp949)
    subject = "我把镜头拉近些，你们看看这个是什么屄"
    word = "=?gb2312?B?" + base64.b64encode(subject.encode("gbk")).decode() + "?="
    hangul = "똠방각하"  # 똠 is in cp949 alone
    message = (
        f"From: a@b.example\r\nSubject: {word}\r\n"
        "Content-Type: text/html; charset=ks_c_5601-1987\r\n\r\n"
    ).encode() + f"<p>{hangul}</p>".encode("cp949")
    path = tmp_path / "cjk.eml"
    path.write_bytes(message)
    c = load_file(path)
    assert c.subject == subject
    assert c.html == f"<p>{hangul}</p>"
    with pytest.raises(UnicodeDecodeError):  # (what the labels' own tables read)
        subject.encode("gbk").decode("gb2312")
    # a character the label's own table has stays its own: Shift_JIS's wave dash, not cp932's
    # full-width tilde
    assert decode_bytes("〜日本".encode("shift_jis"), "shift_jis") == "〜日本"


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("windows-874", "cp874"),
        ("x-mac-cyrillic", "mac-cyrillic"),
        ("windows-31j", "cp932"),
        ("x-cp1251", "cp1251"),
        ("koi8-ru", "koi8-u"),
    ],
)
def test_web_labels_python_does_not_know(label: str, codec: str) -> None:
    text = {"cp874": "ภาษาไทย", "cp932": "日本語"}.get(codec, "Привет, мир")
    assert known_charset(label) == codec
    assert decode_bytes(text.encode(codec), label) == text


def test_attachments_and_attached_messages_are_not_the_body(tmp_path: Path) -> None:
    inner = MIMEMultipart("alternative")
    inner["Subject"] = "forwarded"
    inner.attach(MIMEText("<p>inner</p>", "html", "utf-8"))
    outer = MIMEMultipart("mixed")
    outer["From"] = "a@b.example"
    outer["Subject"] = "Report"
    outer.attach(MIMEText("See attached", "plain", "utf-8"))
    attached_html = MIMEText("<p>attached file</p>", "html", "utf-8")
    attached_html["Content-Disposition"] = 'attachment; filename="page.html"'
    outer.attach(attached_html)
    outer.attach(MIMEMessage(inner))
    outer.attach(MIMEApplication(b"\x00\x01binary", Name="x.bin"))
    path = tmp_path / "mixed.eml"
    path.write_bytes(outer.as_bytes())
    c = load_file(path)
    assert c.load_error is None
    assert c.text == "See attached" and c.html is None and c.html_bytes == 0
    # a message of text alone: its text is read for links (none here)
    assert c.static is not None and c.static.links == [] and c.preheader is None


def test_multipart_without_text_parts(tmp_path: Path) -> None:
    outer = MIMEMultipart("mixed")
    outer["From"] = "a@b.example"
    outer.attach(MIMEApplication(b"%PDF-1.4", Name="invoice.pdf"))
    path = tmp_path / "pdf.eml"
    path.write_bytes(outer.as_bytes())
    c = load_file(path)
    assert c.load_error is None and c.html is None and c.text is None and c.text_known


def test_html_only_message(tmp_path: Path) -> None:
    path = tmp_path / "html-only.eml"
    message = MIMEText("<p>Привет</p>", "html", "utf-8")
    message["From"] = "a@b.example"
    path.write_bytes(message.as_bytes())
    c = load_file(path)
    assert c.html == "<p>Привет</p>" and c.text is None and c.text_known  # TXT001 can judge


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\x00\x01\x02\xff\xfe" * 100, "not an e-mail message: binary data"),
        (b"just some words\nand more\n", "no RFC 5322 header block"),
        (b"", "bad.eml is empty (0 bytes)"),
        (b"\r\n\r\n", "bad.eml is empty: it holds only blank lines and spaces"),
        (
            b"From: a@b.example\nContent-Type: multipart/mixed\n\nno boundary\n",
            "broken MIME structure: a multipart message without a boundary parameter",
        ),
        (
            b'From: a@b.example\nContent-Type: multipart/mixed; boundary="zz"\n\nnever\n',
            "broken MIME structure: the multipart boundary never occurs in the body",
        ),
        (b"From: a@b\x00.example\nSubject: x\n\nbody", "NUL bytes in the header block"),
        (
            # the declared boundary written without the "--" of a delimiter line (SpamAssassin's
            # mlist_yahoo_groups_message): where, and what is meant
            b'From: a@b.example\nContent-Type: multipart/alternative; boundary="--zz"\n\n--zz\n'
            b"Content-Type: text/plain\n\nHello\n--zz--\n",
            "broken MIME structure: the Content-Type's boundary “--zz” never occurs in the body "
            "as a delimiter line: the body writes it without the “--” a delimiter line starts "
            "with (line 4, 8; “----zz” is meant)",
        ),
        (
            # the delimiter of another boundary, a part's fields under it (SpamScope's
            # mail_malformed_3); a rule drawn in the text ("----------") is no delimiter
            b'From: a@b.example\nContent-Type: multipart/alternative; boundary="zz"\n\n'
            b"----------\nContent-Type: x\n--yy\nContent-Type: text/plain\n\nHello\n--yy--\n",
            "broken MIME structure: the Content-Type's boundary “zz” never occurs in the body; "
            "line 6 is the delimiter of another boundary, “yy”, with a part's fields under it "
            "(change one of the two to match the other)",
        ),
        (
            # no empty line between the fields and the body: the boundary and the first
            # part's fields were read as header fields ("the multipart boundary never occurs
            # in the body" named no cause: SpamAssassin's spam/015 and 016)
            b'From: a@b.example\nSubject: Hi\nContent-Type: multipart/alternative;\n boundary="zz"'
            b"\n--zz\nContent-Type: text/plain\n\nHello\n--zz--\n",
            "broken header block: no empty line ends it before the body: line 5 (“--zz”) is the "
            "multipart's first boundary, so it and the first part's fields are read as header "
            "fields and no part is found (an empty line belongs before line 5)",
        ),
        (
            # the empty line written with spaces (SpamAssassin's spam/015): the reader sees an
            # empty line 4, and was told one belongs before line 5
            b'From: a@b.example\nSubject: Hi\nContent-Type: multipart/alternative; boundary="zz"'
            b"\n \t\n--zz\nContent-Type: text/plain\n\nHello\n--zz--\n",
            "broken header block: line 4 looks empty but holds only whitespace, which is read as "
            "the continuation of the header field above it, so no empty line ends the header "
            "block: line 5 (“--zz”), the multipart's first boundary, and the first part's fields "
            "are read as header fields and no part is found (delete the whitespace on line 4)",
        ),
        (
            # the boundary written without the ";" that begins a parameter (stalwart's
            # malformed/017): where, and what is missing
            b"From: a@b.example\nSubject: Hi\nContent-Type: multipart/mixed\n\tboundary=zz\n\n"
            b"--zz\nContent-Type: text/plain\n\nHello\n--zz--\n",
            "broken MIME structure: the Content-Type on line 3 is multipart/mixed without a "
            "boundary parameter: no “;” comes before “boundary=” (line 4), so it is not read as "
            "one and the parts cannot be told apart",
        ),
        (
            # a multipart of nothing: its header block alone (SpamAssassin's spam/017)
            b'From: a@b.example\nSubject: Hi\nContent-Type: multipart/alternative; boundary="zz"\n',
            "the message has no body: nothing but blank lines follows its header block (lines "
            "1-3), though its Content-Type is multipart/alternative",
        ),
        (
            # a folded line that lost its leading space: From, Subject and List-Unsubscribe
            # after it are body, and were "missing" (three errors naming none of this)
            b"Received: from a (HELO b) (127.0.0.1)\nby localhost with SMTP; 19 Nov 2014\n"
            b"Subject: Sale\nList-Unsubscribe: <https://b.example/u>\nFrom: <n@b.example>\n\nHi\n",
            "broken header block: line 2 (“by localhost with SMTP; 19 Nov 2014”) is not a header "
            "field as mail programs read it, so the fields after it are read as the body",
        ),
        (
            # an empty line slipped in among the fields
            b"From: <n@b.example>\nDate: Mon, 1 Dec 2026 10:00:00 +0300\n\nSubject: Sale\n"
            b"List-Unsubscribe: <https://b.example/u>\n\nHi\n",
            "broken header block: line 3 is empty, which ends the header block, so lines 4-5, "
            "header fields (Subject, List-Unsubscribe), are read as the body (delete line 3)",
        ),
        (
            # two empty lines among the fields, each where a folded line was (SpamAssassin's
            # nice/005): the first field after them alone, then an empty line, then the rest;
            # before, "no subject" and "no List-Unsubscribe header"
            b"From: <n@b.example>\r\nList-Subscribe: <https://b.example/s>,\r\n\r\n"
            b"List-Unsubscribe: <https://b.example/u>,\r\n\r\nMessage-id: <1@b.example>\r\n"
            b"Received: from a\r\n by b; Wed, 10 Jul 2002 08:20:56 -0700\r\nSubject: Sale\r\n"
            b"\r\nHi\r\n",
            "broken header block: line 3 is empty, which ends the header block, so lines 4-9, "
            "header fields (List-Unsubscribe, Message-id, Received, Subject), are read as the "
            "body (delete the empty lines among them: 3, 5)",
        ),
    ],
)
def test_unreadable_messages(tmp_path: Path, data: bytes, reason: str) -> None:
    path = tmp_path / "bad.eml"
    path.write_bytes(data)
    c = load_file(path)
    assert c.load_error is not None and reason in c.load_error
    assert c.id == "bad" and c.kind == "eml"


@pytest.mark.parametrize(
    "data",
    [
        # a forward that quotes the forwarded message's fields first: the message has them too
        b"From: <n@b.example>\nTo: <r@b.example>\nSubject: Fwd: Sale\n\nFrom: <a@c.example>\n"
        b"To: <n@b.example>\nSubject: Sale\n\nHello\n",
        # a forward of a message with a Cc the forward lacks: a Cc is not every message's
        b"From: <n@b.example>\nTo: <r@b.example>\nSubject: Fwd: Sale\n\nFrom: <a@c.example>\n"
        b"Cc: <x@c.example>\nSubject: Sale\n\nHello\n",
        # a bounce that says something before the fields it quotes
        b"From: <mailer-daemon@b.example>\nSubject: Undelivered\n\nThis message was not "
        b"delivered:\n\nList-Unsubscribe: <https://b.example/u>\nMessage-ID: <1@b.example>\n"
        b"\nHi\n",
        # a message/rfc822 body is header fields by design
        b"From: <n@b.example>\nSubject: Sale\nContent-Type: message/rfc822\n\n"
        b"Message-ID: <1@b.example>\nList-Unsubscribe: <https://b.example/u>\n\nHi\n",
        # one field-like line, then text
        b"From: <n@b.example>\nDate: Mon, 1 Dec 2026 10:00:00 +0300\n\nSubject: our sale\n\nHi\n",
    ],
)
def test_a_body_that_quotes_header_fields_stays_a_body(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "quoted.eml"
    path.write_bytes(data)
    assert load_file(path).load_error is None


_SHOP = (
    b"From: Shop <news@shop.example>\nSubject: Spring event\n"
    b"List-Unsubscribe: <https://shop.example/unsubscribe?u=1>\n"
    b"List-Unsubscribe-Post: List-Unsubscribe=One-Click\nMIME-Version: 1.0\n"
    b"Content-Type: text/plain; charset=utf-8\n"
)
_SHOP_FOOTER = (
    b"\nUnsubscribe: https://shop.example/unsubscribe?u=1\n\nShop Ltd, 1 High St, London\n"
)


@pytest.mark.parametrize(
    ("fields", "body"),
    [
        # an event card under a header block without Date or Message-ID (a draft, an export)
        (
            b"To: you@example.org\n",
            b"Date: Saturday 14 March\nTime: 10am-4pm\nPlace: 1 High St\n\nJoin us.\n",
        ),
        # a memo's lines under a block without To
        (
            b"Date: Mon, 02 Mar 2026 10:00:00 +0000\nMessage-ID: <a@shop.example>\n",
            b"To: all customers\nFrom: the management\n\nDear customer, our event is on.\n",
        ),
        (
            b"To: you@example.org\nMessage-ID: <a@shop.example>\n",
            b"Subject: Spring event\nDate: 14 March\n\nDear customer, our event is on.\n",
        ),
        (
            b"To: you@example.org\nMessage-ID: <a@shop.example>\n",
            b"When: Saturday 14 March\nDate: 14.03.2026\nWhere: 1 High St\n\nJoin us.\n",
        ),
        (
            b"Date: Mon, 02 Mar 2026 10:00:00 +0000\nMessage-ID: <a@shop.example>\n",
            b"To: Store managers\nRe: Spring window displays\n\nPlease set them up.\n",
        ),
        # the card's fields in two paragraphs, or in the second one
        (
            b"To: you@example.org\nMessage-ID: <a@shop.example>\n",
            b"Date: Saturday, 14 March\nTime: 10am\n\nVenue: 1 High St\nDress code: casual\n"
            b"\nJoin us.\n",
        ),
        (
            b"To: you@example.org\nMessage-ID: <a@shop.example>\n",
            b"Event: Spring open day\n\nDate: Saturday 14 March\nTime: 10am\n\nJoin us.\n",
        ),
        (
            b"To: you@example.org\n",
            b"Attention: all customers\n\nDate: Saturday 14 March\nVenue: 1 High St\n\nJoin us.\n",
        ),
    ],
)
def test_a_body_that_opens_like_a_memo_or_an_event_card_is_checked(
    tmp_path: Path, fields: bytes, body: bytes
) -> None:
    """A body whose first lines read as fields a person types ("Date: Saturday 14 March",
    "To: all customers") under a header block that lacks that field (a draft or an export
    has no Date, To or Message-ID) was refused whole as a broken header block (INP001): no
    field of it is one only a mail program writes (QA probe, session 29)."""
    path = tmp_path / "card.eml"
    path.write_bytes(_SHOP + fields + b"\n" + body + _SHOP_FOOTER)
    assert load_file(path).load_error is None
    assert [f.code for f in check(path).findings if f.code.startswith("INP")] == []


def test_fields_after_an_empty_line_are_one_inp001_not_each_missing_field() -> None:
    """SpamAssassin's nice/005: empty lines 14 and 16 among the fields ended the header block,
    and SUB001 ("no subject") and UNS002 ("no List-Unsubscribe header") named none of it."""
    path = corpus_root() / "apache+spamassassin/t/data/nice/005"
    result = check(path)
    assert [(f.code, f.places) for f in result.findings] == [("INP001", (path.name,))]
    assert result.findings[0].message.startswith(
        "broken header block: line 14 is empty, which ends the header block, so lines 15-81, "
        "header fields (List-Unsubscribe, Message-id, Received, Sender, Subject, To, "
    )
    assert result.findings[0].message.endswith("(delete the empty lines among them: 14, 16)")


@pytest.mark.parametrize(
    ("name", "said"),
    [
        (
            "SpamScope+mail-parser/tests/mails/mail_malformed_3",
            "broken MIME structure: the Content-Type's boundary “--=_HsWzsKVZkho” never occurs "
            "in the body; line 20 is the delimiter of another boundary, “--=_GlSzQZUbRbpVOpy”, "
            "with a part's fields under it (change one of the two to match the other)",
        ),
        (
            "apache+spamassassin/t/data/welcomelists/mlist_yahoo_groups_message",
            "broken MIME structure: the Content-Type's boundary “------=_NextPart_000_0146_"
            "01C1F16C.B224C240” never occurs in the body as a delimiter line: the body writes "
            "it without the “--” a delimiter line starts with (line 15, 56, 137; “--------="
            "_NextPart_000_0146_01C1F16C.B224C240” is meant)",
        ),
    ],
)
def test_a_boundary_never_written_says_what_is(name: str, said: str) -> None:
    """INP001 said "the multipart boundary never occurs in the body", and no more (QA probe,
    session 29)."""
    path = corpus_root() / name
    assert [(f.code, f.message, f.places) for f in check(path).findings] == [
        ("INP001", said, (path.name,))
    ]


def test_a_mangled_opening_delimiter_is_named_beside_the_closing_one(tmp_path: Path) -> None:
    """Only the opening delimiter line is mangled ("----b**x" for "----bx"; flanker's
    mailformed-headers.eml): INP001 said "the multipart boundary never occurs in the body",
    though its closing delimiter does."""
    path = tmp_path / "mangled.eml"
    path.write_bytes(
        b"From: a@b.example\nSubject: Hi\nMIME-Version: 1.0\n"
        b'Content-Type: multipart/alternative;\r\n\tboundary="--bx"\n\n'
        b"----b**x\nContent-Type: text/html\n\nHello\n\n----bx--  \n"
    )
    result = check(path)
    assert [(f.code, f.severity.value, f.message, f.places) for f in result.findings] == [
        (
            "INP001",
            "error",
            "broken MIME structure: the boundary's opening delimiter “----bx” never occurs; "
            "its closing delimiter does, at line 12",
            (path.name,),
        )
    ]


@pytest.mark.parametrize(
    ("outer", "inner", "said"),
    [
        # "--x----" is "--x--" and "--": the outer multipart's closing delimiter (stalwart's
        # malformed/005 has this shape)
        (
            "x--",
            "x----",
            "broken MIME structure: the opening delimiter “--x----” of a nested multipart, at "
            "line 8, is read as the closing delimiter of the multipart around it, whose "
            "boundary is “x--”: that one ends there, and the nested one has no parts",
        ),
        (
            "x=",
            "x=--",
            "broken MIME structure: the opening delimiter “--x=--” of a nested multipart, at "
            "line 8, is read as the closing delimiter of the multipart around it, whose "
            "boundary is “x=”: that one ends there, and the nested one has no parts",
        ),
        # nested boundaries that differ otherwise: read as meant, no finding
        ("x--", "x-y", None),
        ("same", "same", None),
    ],
)
def test_a_nested_opening_delimiter_an_enclosing_boundary_takes_is_named(
    tmp_path: Path, outer: str, inner: str, said: str | None
) -> None:
    """An inner multipart's opening delimiter is written, but read as the enclosing one's
    delimiter line: INP001 said "the multipart boundary never occurs in the body"."""
    nested = tmp_path / "nested.eml"
    nested.write_bytes(
        f'From: a@b.example\nSubject: Hi\nContent-Type: multipart/mixed; boundary="{outer}"'
        f'\n\n--{outer}\nContent-Type: multipart/alternative; boundary="{inner}"\n\n'
        f"--{inner}\nContent-Type: text/plain\n\nHello\n--{inner}\nContent-Type: text/html\n"
        f"\n<p>Hello</p>\n--{inner}--\n--{outer}--\n".encode()
    )
    result = check(nested)
    assert [
        (f.code, f.severity.value, f.message, f.places)
        for f in result.findings
        if f.code == "INP001"
    ] == ([("INP001", "error", said, (nested.name,))] if said else [])


def test_a_from_field_written_from_space_colon_is_read_as_a_from_field(tmp_path: Path) -> None:
    # "From  :" is RFC 5322's obsolete syntax for a From field (§4.5.1, obs-from): read as one
    # (Python's email package alone would drop it as a misplaced mbox line), and the fields
    # after it too (SpamAssassin's spam/008): no "broken header block" for the whole message
    path = tmp_path / "spam.eml"
    path.write_bytes(
        b"Subject: Hi\nFrom  :<a@b.example>\nFrom: <c@d.example>\n"
        b"List-Unsubscribe: <mailto:u@d.example>\n\nbody\n"
    )
    c = load_file(path)
    assert c.load_error is None
    assert c.header_lines["from"] == [2, 3]
    assert c.spaced_fields == [(2, "From  :")]
    assert c.subject == "Hi"
    assert c.headers is not None and c.headers["List-Unsubscribe"] == "<mailto:u@d.example>"


def test_a_field_written_name_space_colon_is_read_as_a_field(tmp_path: Path) -> None:
    # a blank before the colon (RFC 5322 §4.5.8, obs-optional) is a field to a receiver that
    # follows the RFC (Postfix): read so, not "broken header block" (INP001, an error) while
    # HDR001 counted "From  :" as a From field; the fields after it are read
    path = tmp_path / "send.eml"
    path.write_bytes(
        b"From: a@b.example\nReply-To :x@b.example\nSubject: Hi\nList-Unsubscribe: <mailto:"
        b"u@b.example>\n\nbody\n"
    )
    c = load_file(path)
    assert c.load_error is None
    assert c.spaced_fields == [(2, "Reply-To :")]
    assert c.headers is not None and c.headers["Reply-To"] == "x@b.example"
    assert (c.subject, c.headers["List-Unsubscribe"]) == ("Hi", "<mailto:u@b.example>")


@pytest.mark.parametrize(
    "body",
    [
        b"Subject: of our talk\nI wrote down what we agreed.\n",  # prose that starts so
        b"--zz\nContent-Type: text/plain\n\nx\n--zz--\n",  # a boundary with a colon-free name
    ],
)
def test_a_body_that_only_looks_like_a_field_is_read(tmp_path: Path, body: bytes) -> None:
    path = tmp_path / "send.eml"
    path.write_bytes(b"From: <n@b.example>\nSubject: Hi\n\n" + body)
    assert load_file(path).load_error is None


def test_html_right_after_the_header_fields_is_the_body(tmp_path: Path) -> None:
    # no empty line before the body: no header field is lost, so the message is read as is
    path = tmp_path / "no-blank.eml"
    path.write_bytes(b"From: a@b.example\nSubject: Hi\n<p>Unsubscribe</p>\n")
    c = load_file(path)
    assert c.load_error is None and c.subject == "Hi" and c.text == "<p>Unsubscribe</p>\n"


def test_binary_body_part_is_not_binary_garbage(tmp_path: Path) -> None:
    text = "Test message"
    message = (
        b'Content-Type: multipart/mixed; boundary="1"\nMIME-Version: 1.0\nFrom: a@b.example\n\n'
        b"--1\nContent-Transfer-Encoding: binary\nContent-Type: text/plain; charset=utf-16le\n\n"
        + text.encode("utf-16le")
        + b"\n--1--\n"
    )
    path = tmp_path / "utf16.eml"
    path.write_bytes(message)
    c = load_file(path)
    assert c.load_error is None and c.text is not None and c.text.startswith(text)


def test_mbox_from_line_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "mbox.eml"
    path.write_bytes(
        b"From shop@acme.example Sat Nov 21 10:00:00 2026\nFrom: shop@acme.example\n"
        b"Subject: Hi\n\nbody\n"
    )
    c = load_file(path)
    assert c.load_error is None and c.subject == "Hi"


# --- files with other names ------------------------------------------------------------------


def test_sniffing_files_given_explicitly(tmp_path: Path) -> None:
    (tmp_path / "message").write_bytes(russian_message("koi8-r", "qp"))
    c = load_file(tmp_path / "message")
    assert c.load_error is None and c.kind == "eml" and c.preheader == "Новинки недели"
    (tmp_path / "page.tpl").write_text("<table><tr><td>Hi <a href='https://x.example/'>x</a>")
    c = load_file(tmp_path / "page.tpl")
    assert c.load_error is None and c.kind == "html" and c.id == "page"
    (tmp_path / "notes.txt").write_text("nothing to see")
    error = load_file(tmp_path / "notes.txt").load_error
    assert error is not None and "not an e-mail message or HTML" in error
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    error = load_file(tmp_path / "image.png").load_error
    assert error is not None and "binary data" in error


# --- real messages from the corpus -----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "charset"), [("sample04.eml", "koi8-r"), ("sample05.eml", "windows-1251")]
)
def test_mozilla_cyrillic_messages(name: str, charset: str) -> None:
    path = corpus_root() / MOZILLA / name
    if not path.is_file():
        pytest.fail(f"corpus file missing: {path}")
    c = load_file(path)
    assert c.load_error is None
    assert c.subject == "Алфавит"  # RFC 2047 in the named charset, with a newline inside
    assert c.text == "Вопрос\n"  # base64 body in the same charset
    assert c.html is None and c.text_known
    assert c.headers is not None and charset in c.headers["Content-Type"]


# --- header and charset decoding -------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "decoded"),
    [
        ("Re: =?utf-8?q?Hi?= there", "Re: Hi there"),
        # whitespace between adjacent encoded words is not text (RFC 2047 §6.2)
        ("=?utf-8?b?0J/RgNC40LLQtdGC?= =?utf-8?b?0LzQuNGA?=", "Приветмир"),
        ("=?windows-1251?q?=CF=F0=E8=E2=E5=F2?=, Ivan", "Привет, Ivan"),
        ("=?x-bogus?b?z/Do4uXy?=", "Привет"),  # unknown label, windows-1251 bytes
        ("=?utf-8?b?!!!notbase64?=", "=?utf-8?b?!!!notbase64?="),  # kept as written
        ("=?utf-8?q?unterminated", "=?utf-8?q?unterminated"),
        ("Hello\r\n World", "Hello World"),
        # raw 8-bit text beside an encoded word (decode_header returns it escaped)
        ("Привет =?utf-8?B?0J/RgNC40LLQtdGC?=", "Привет Привет"),
        ("Скидка 30% =?utf-8?q?=D0=BD=D0=B0_=D0=B2=D1=81=D1=91?=", "Скидка 30% на всё"),
    ],
)
def test_decode_header_value(raw: str, decoded: str) -> None:
    assert decode_header_value(raw) == decoded


def test_charset_labels() -> None:
    assert known_charset("windows-1251") == "cp1251"
    assert known_charset('"KOI8-R"') == "koi8-r"
    assert known_charset("utf8") == "utf-8"
    assert known_charset("x-unknown") is None
    assert known_charset("base64") is None  # a bytes codec, not a charset
    assert decode_bytes("Привет".encode("koi8_r"), "x-unknown") == "Привет"
    assert decode_bytes(b"caf\xe9 cr\xe8me", None) == "café crème"  # Western 8-bit


def test_boundary_folded_inside_its_quotes_is_read_unfolded(tmp_path: Path) -> None:
    # boundary="part<CRLF> boundary" is "part boundary" once unfolded (RFC 5322 §3.2.2): before,
    # compat32 searched for the line break too and the valid message was INP001 "never occurs"
    path = tmp_path / "folded.eml"
    path.write_bytes(
        b"From: Shop <news@shop.example>\r\nSubject: Sale\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/alternative; boundary="part\r\n boundary"\r\n\r\n'
        b"--part boundary\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello\r\n"
        b"--part boundary\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Hello</p>\r\n"
        b"--part boundary--\r\n"
    )
    c = load_file(path)
    assert c.load_error is None
    assert c.text == "Hello" and c.html == "<p>Hello</p>"
    result = check(path)
    assert [f.code for f in result.findings if f.code.startswith("INP")] == []


def test_every_problem_of_a_campaign_toml_is_one_inp001(tmp_path: Path) -> None:
    """A QA probe: a campaign.toml with four problems took four runs to see them all, one
    INP001 each. The file is the one root cause: one INP001 at it lists every problem."""
    from helpers import check
    from mailcheck.reports.text import render

    manifest = 'subject = 42\nsubject-max = "fifty"\nsend_at = "tomorrow"\ncolour = "red"\n'
    d = campaign_dir(tmp_path, manifest)
    result = check(d)
    assert [(f.code, f.location) for f in result.findings] == [("INP001", d.name)]
    assert result.findings[0].message == (
        "unknown key 'colour'; "
        "'subject' must be a string, not a number; "
        "send_at 'tomorrow' is not a date and time (e.g. 2026-11-27T10:00:00+03:00); "
        "'subject-max' must be a number"
    )
    russian = render([result], language="ru")  # each problem in the reader's language
    assert "неизвестный ключ 'colour'; 'subject' должен" in russian


def test_every_file_a_campaign_toml_names_and_misses_is_one_inp001(tmp_path: Path) -> None:
    """html, text and samples naming missing files were said one per run."""
    from helpers import check

    manifest = 'html = "nope.html"\ntext = "nope.txt"\nsamples = "nope.csv"\n'
    d = campaign_dir(tmp_path, manifest, {})
    result = check(d)
    assert [(f.code, f.location) for f in result.findings] == [("INP001", d.name)]
    assert result.findings[0].message == (
        "html file 'nope.html' not found; text file 'nope.txt' not found; "
        "samples file 'nope.csv' not found"
    )


@pytest.mark.parametrize(
    ("manifest", "said"),
    [
        ('subject = "Hi\n', "invalid TOML at line 1, column 14: Illegal character '\\n'"),
        ('subject = "Hi"\nfrobnicate = 1\n', "unknown key 'frobnicate'"),
        ('subject = "Hi"\nhtml = "nope.html"\n', "html file 'nope.html' not found"),
        ('subject = "Привет"\n', "not UTF-8 text (line 1): save it as UTF-8"),
    ],
)
def test_a_broken_campaign_toml_is_named_once_in_the_text_output(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    manifest: str,
    said: str,
) -> None:
    """It was "c/campaign.toml: campaign.toml: unknown key …": the finding's place names the
    file, its message no longer names it again."""
    from mailcheck.cli import main

    d = tmp_path / "c"
    d.mkdir()
    data = manifest.encode("cp1251" if "Привет" in manifest else "utf-8")
    (d / "campaign.toml").write_bytes(data)
    (d / "email.html").write_text(HTML_RU, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--offline", "c"]) == 1
    out = capsys.readouterr().out
    lines = [line.split() for line in out.splitlines() if "INP001" in line]
    assert lines == [["error", "INP001", "campaign.toml:", *said.split()]]
    assert out.count("campaign.toml") == 2  # the campaign's heading, the finding's place


def test_a_campaign_tomls_wrong_settings_are_all_said(tmp_path: Path) -> None:
    """Each setting is checked on its own: a wrong number does not hide an unknown rule code."""
    manifest = 'subject-max = "fifty"\npreheader-max = -1\nignore = ["LNK04"]\n'
    c = load_file(campaign_dir(tmp_path, manifest))
    assert c.load_error == (
        "'subject-max' must be a number; "
        "'preheader-max' must not be negative; "
        "ignore: unknown rule code or prefix 'LNK04' (did you mean LNK004?); "
        "`mailcheck rules` lists them"
    )
    assert c.config_overrides == {}
