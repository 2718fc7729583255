"""Inputs found by fuzzing that crashed a run, hung it, or passed in silence: each is now a
clear error (exit 2 for the run's configuration, INP001 for one campaign's input) and the
rest of the batch is still checked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mailcheck.cli import main
from mailcheck.config import Config, LimitsConfig
from mailcheck.engine import run
from mailcheck.model import CampaignResult, Severity
from tests.helpers import check, only, write_campaign


def run_cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str]:
    monkeypatch.chdir(tmp_path)
    code = main(["check", "--offline", *args])
    return code, capsys.readouterr().err


@pytest.mark.parametrize(
    ("setting", "said"),
    [
        ('ignore = [""]', "mailcheck.toml: ignore: an empty rule code"),
        ('ignore = " "', "mailcheck.toml: ignore: an empty rule code"),
        ("select = []", "mailcheck.toml: 'select' is empty: no rule would run (use 'ignore')"),
        ('ignore = ["ALL"]', "select and ignore leave no rule to run"),
        ('select = ["SUB"]\nignore = ["SUB"]', "select and ignore leave no rule to run"),
        (
            '[links]\nexclude = ["a{99999999999}"]',
            "'exclude': 'a{99999999999}' is not a valid regular expression (the repetition "
            "number is too large)",
        ),
        ("subject-max = inf", "mailcheck.toml: 'subject-max' must be a finite number, not inf"),
        ("subject-max = nan", "mailcheck.toml: 'subject-max' must be a finite number, not nan"),
        ("subject-max = 3.5", "mailcheck.toml: 'subject-max' must be a whole number, not 3.5"),
        (
            "[limits]\nsample-rows = 9223372036854775807",
            "mailcheck.toml: [limits]: 'sample-rows' is too large (9223372036854775807; at most "
            "9007199254740992)",
        ),
    ],
)
def test_a_setting_that_would_switch_every_rule_off_or_crash_is_exit_2(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    setting: str,
    said: str,
) -> None:
    # `ignore = [""]` matched every code as a prefix: the run passed with no rule run
    (tmp_path / "mailcheck.toml").write_text(setting + "\n", encoding="utf-8")
    write_campaign(tmp_path, "c", subject="")
    code, err = run_cli(tmp_path, monkeypatch, capsys, "c")
    assert code == 2
    assert said in err


@pytest.mark.parametrize(
    ("flags", "said"),
    [
        (["--select", ""], "--select names no rule: no rule would run (use --ignore)"),
        (["--ignore", " , "], "--ignore ' , ' names no rule"),
        (["--lang", ""], "--lang: language '' is not available"),
    ],
)
def test_an_empty_flag_is_exit_2_not_every_rule(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    flags: list[str],
    said: str,
) -> None:
    # `--select ""` (a script's variable left empty) ran every rule without a word, though
    # `select = [""]` in a file is exit 2 (a QA probe)
    write_campaign(tmp_path, "c", subject="")
    code, err = run_cli(tmp_path, monkeypatch, capsys, *flags, "c")
    assert (code, said in err) == (2, True), err


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"tool = 1\n", "pyproject.toml: 'tool' must be a table"),
        (b'[tool]\nmailcheck = "x"\n', "'tool.mailcheck' must be a table ([tool.mailcheck])"),
        (
            b'[project]\nname = "caf\xe9"\n',
            "pyproject.toml: not UTF-8 text (line 2): save it as UTF-8",
        ),
        (
            "[tool.mailcheck]\n".encode("utf-16"),
            "pyproject.toml: UTF-16 text (Notepad's “Unicode”): save it as UTF-8",
        ),
        (b"x = " + b"[" * 2000 + b"]" * 2000, "pyproject.toml: nested too deeply to read"),
        (b"x = " + b"9" * 5000, "pyproject.toml: Exceeds the limit (4300 digits)"),
    ],
)
def test_another_projects_broken_pyproject_is_a_clear_exit_2(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    content: bytes,
    said: str,
) -> None:
    (tmp_path / "pyproject.toml").write_bytes(content)
    write_campaign(tmp_path, "c")
    code, err = run_cli(tmp_path, monkeypatch, capsys, "c")
    assert code == 2
    assert said in err
    assert "Traceback" not in err


@pytest.mark.parametrize("name", ["mailcheck.toml", "pyproject.toml"])
def test_a_directory_named_as_the_config_is_a_clear_exit_2(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    name: str,
) -> None:
    # it was passed over: the campaigns were checked without the settings meant for them
    (tmp_path / name).mkdir()
    write_campaign(tmp_path, "c")
    code, err = run_cli(tmp_path, monkeypatch, capsys, "c")
    assert code == 2
    assert f"{tmp_path / name}: a directory, not a configuration file" in err
    assert "Traceback" not in err


def inp001(result: CampaignResult) -> str:
    [finding] = result.findings
    assert (finding.code, finding.severity) == ("INP001", Severity.ERROR)
    return finding.message


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ('html = "a\\u0000.html"', "html file name 'a\\x00.html' holds a NUL character"),
        (
            "send_at = 0001-01-01T00:00:00",
            "send_at 0001-01-01T00:00:00 is out of range",
        ),
        # valid with their offsets, but no time in UTC: the launch blamed the database
        (
            "send_at = 9999-12-31T23:00:00-05:00",
            "send_at 9999-12-31T23:00:00-05:00 is out of range",
        ),
        (
            "send_at = 0001-01-01T00:30:00+01:00",
            "send_at 0001-01-01T00:30:00+01:00 is out of range",
        ),
        ('html = ""', "'html' is empty: name a file"),  # was "'.' is a directory"
        ('text = " "', "'text' is empty: name a file"),
        ('samples = ""', "'samples' is empty: name a file"),
        ("client = 10:00:00", "'client' must be a string, not a time"),
    ],
)
def test_campaign_values_that_crashed_the_loader_are_inp001_with_the_reason(
    tmp_path: Path, line: str, said: str
) -> None:
    # they were "could not read campaign.toml: ValueError(…) (please report)"
    d = write_campaign(tmp_path)
    toml = (d / "campaign.toml").read_text(encoding="utf-8")
    toml = "\n".join(x for x in toml.splitlines() if not x.startswith("html ="))
    (d / "campaign.toml").write_text(f"{line}\n{toml}\n", encoding="utf-8")
    assert inp001(check(d)) == said


def test_an_expect_regex_that_cannot_be_compiled_says_so(tmp_path: Path) -> None:
    d = write_campaign(tmp_path, tables={"expect": {"regex": ["a{4294967295}"]}})
    assert inp001(check(d)) == (
        "[expect] regex 'a{4294967295}' is invalid: repeat count too big at position 2"
    )


def test_an_expect_regex_that_backtracks_without_end_is_could_not_verify(
    tmp_path: Path,
) -> None:
    # it hung the run: the search now has a time limit
    d = write_campaign(
        tmp_path, body="<p>" + "x" * 5000 + "</p>", tables={"expect": {"regex": ["(x+x+)+y"]}}
    )
    [finding] = only(check(d), "BRF004")
    assert finding.severity is Severity.WARNING
    assert finding.message == (
        "could not verify: the pattern /(x+x+)+y/ took over 1 s to search the copy (simplify it)"
    )


def test_html_nested_past_the_parsers_limit_is_inp001_not_a_false_verdict(
    tmp_path: Path,
) -> None:
    # libxml2 dropped everything past 2,048 levels: "no unsubscribe link" (false) and the "#"
    # link unseen
    deep = tmp_path / "deep.html"
    unsubscribe = '<a href="https://acme.example/u">Unsubscribe</a>'
    deep.write_text(f'<title>Sale</title>{"<div>" * 3000}<a href="#">Buy</a> {unsubscribe}')
    assert inp001(check(deep)) == (
        "the HTML cannot be read whole: elements are nested more than 2048 deep, past what the "
        "HTML parser reads"
    )
    fine = tmp_path / "fine.html"
    fine.write_text(f'<title>Sale</title>{"<div>" * 2000}<a href="#">Buy</a> {unsubscribe}')
    assert [f.code for f in check(fine).findings if f.severity is Severity.ERROR] == ["LNK003"]


def test_a_campaign_toml_that_is_a_symlink_loop_is_inp001_and_the_batch_goes_on(
    tmp_path: Path,
) -> None:
    # it was a RuntimeError traceback that lost the whole batch
    write_campaign(tmp_path, "good")
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "campaign.toml").symlink_to("campaign.toml")
    results = run([str(tmp_path)], Config(root=tmp_path), offline=True).results
    by_dir = {Path(r.campaign.source).parent.name: r for r in results}
    assert "symlink" in inp001(by_dir["bad"]).lower()
    assert only(by_dir["good"], "INP001") == []


def test_paths_that_overlap_check_each_campaign_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `check campaigns campaigns/bf` checked, counted and logged bf twice (a QA probe)
    for name in ("bf", "welcome"):
        write_campaign(tmp_path / "campaigns", name)
    (tmp_path / "send.eml").write_bytes(b"From: a@shop.test\r\nSubject: Hi\r\n\r\nHi\r\n")
    monkeypatch.chdir(tmp_path)
    given = [
        "campaigns", "campaigns/bf", "./campaigns/bf/", "campaigns/bf/campaign.toml",
        "send.eml", "./send.eml",
    ]  # fmt: skip
    results = run(given, Config(root=tmp_path), offline=True).results
    # each once, named as first found
    assert [r.campaign.source for r in results] == [
        "campaigns/bf/campaign.toml", "campaigns/welcome/campaign.toml", "send.eml"
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("encoding", "said"),
    [
        ("cp1251", "not UTF-8 text (line 3): save it as UTF-8"),
        ("utf-16", "UTF-16 text (Notepad's “Unicode”): save it as UTF-8"),
    ],
)
def test_a_campaign_toml_saved_in_another_charset_says_where_and_what_to_do(
    tmp_path: Path, encoding: str, said: str
) -> None:
    # Notepad's "ANSI" and "Unicode": it said "(byte 133)", an offset read as a value
    d = write_campaign(tmp_path, "c")
    manifest = d / "campaign.toml"
    text = manifest.read_text(encoding="utf-8").splitlines()
    text.insert(2, 'client = "Пятёрочка"')
    manifest.write_bytes("\n".join(text).encode(encoding))
    assert inp001(check(d)) == said


def test_an_emlx_announcing_an_impossible_length_is_inp001(tmp_path: Path) -> None:
    path = tmp_path / "x.emlx"
    path.write_bytes(b"9" * 4500 + b"\nSubject: Hi\r\n\r\nHi\r\n")
    assert inp001(check(path)) == "the .emlx file announces a message longer than any file"


def test_an_empty_code_in_a_campaign_toml_is_its_inp001(tmp_path: Path) -> None:
    # a campaign's own `ignore = [""]` switched its every rule off as silently; a code
    # typo in a campaign.toml is that campaign's INP001 (as its unknown keys are)
    said = "ignore: an empty rule code; `mailcheck rules` lists them"
    assert inp001(check(write_campaign(tmp_path, "c", subject="", ignore=[""]))) == said


def test_a_velocity_range_is_walked_within_the_loop_budget(tmp_path: Path) -> None:
    # airspeed walked 100 million items in its own loop (30 s) before any limit was checked
    path = tmp_path / "velocity.html"
    path.write_text(
        '<html lang="ru"><title>Акция</title><p>#foreach($i in [1..100000000])$i#end</p></html>'
    )
    # the time budgets raised: on a loaded machine 100,000 iterations may take over 2 s, and
    # then the time budget, not the loop budget this test is about, stops the render
    slow_machine = LimitsConfig(render_seconds=120.0, campaign_render_seconds=240.0)
    [finding] = only(check(path, Config(root=tmp_path, limits=slow_machine)), "PER008")
    assert finding.message == (
        "the template went over its render budget: more than 100,000 loop iterations in one "
        "render ([limits] loop-iterations)"
    )


def test_a_velocity_loop_over_a_literal_list_has_no_recipient_variable(tmp_path: Path) -> None:
    # `$i` of `#foreach($i in [1..3])` was taken for a recipient's field: a false PER001
    path = tmp_path / "velocity.html"
    path.write_text(
        "<p>#foreach($i in [1..3])$i #end #foreach($c in ['a', 'b'])$c #end"
        "#foreach($p in $products)${p.name} #end</p>"
    )
    result = check(path)
    assert [f.code for f in result.findings if f.code.startswith("PER")] == []
    assert [v.name for v in result.campaign.variables if not v.system] == ["products"]


def test_a_subject_of_many_flags_counts_each_flag_once() -> None:
    # \X is quadratic over a run of regional indicators (60,000 flags: 27 s)
    from mailcheck.text import grapheme_len

    assert grapheme_len("🇷🇺" * 60000) == 60000
    assert grapheme_len("🇷🇺🇺a") == 3  # an odd indicator stands alone
    assert grapheme_len("\U0001f1f7\U0001f1fa\ufe0f") == 1


def test_an_empty_json_samples_file_is_told_in_json_terms(tmp_path: Path) -> None:
    d = write_campaign(tmp_path, samples="r.json", files={"r.json": "[]"})
    assert inp001(check(d)) == (
        "samples file 'r.json' lists no recipient (a list of objects, one per recipient)"
    )


def test_a_utf16_csv_without_its_mark_is_inp001_not_garbage(tmp_path: Path) -> None:
    csv = "first_name,email\nАнна,anna@example.com\n".encode("utf-16-le")
    d = write_campaign(tmp_path, samples="r.csv")
    (d / "r.csv").write_bytes(csv)
    assert inp001(check(d)) == (
        "samples file 'r.csv' is binary data (or UTF-16 without a byte-order mark: save it as "
        "UTF-8)"
    )


def test_an_element_with_more_attributes_than_any_email_is_inp001(tmp_path: Path) -> None:
    # libxml2 reads them in quadratic time: 60,000 took 33 s
    crowded = tmp_path / "attrs.html"
    crowded.write_text("<p " + " ".join(f"a{i}=x" for i in range(60000)) + ">x</p>")
    assert inp001(check(crowded)) == (
        "the HTML cannot be read whole: an element has about 60,000 attributes, more than the "
        "HTML parser reads in reasonable time (at most 10,000)"
    )
    # many attributes over many elements are ordinary
    many = tmp_path / "many.html"
    many.write_text("".join(f'<p class="c{i}" id="p{i}">x</p>' for i in range(8000)))
    assert only(check(many), "INP001") == []


@pytest.mark.parametrize(
    ("dialect", "body"),
    [
        ("jinja", "{% for p in products %}<p>{{ p.name }}</p>{% else %}<p>Нет</p>{% endfor %}"),
        ("jinja", "{% for p in products if p.price %}<p>{{ p.name }}</p>{% endfor %}"),
        ("liquid", "{% for p in products %}<p>{{ p.name }}</p>{% endfor %}"),
        ("liquid", "{% case city %}{% when 'Москва' %}<p>Доставка завтра</p>{% endcase %}"),
        ("handlebars", "{{#each items}}<p>{{name}}</p>{{else}}<p>Пусто</p>{{/each}}"),
    ],
)
def test_a_loop_or_case_over_a_missing_value_prints_nothing_broken(
    tmp_path: Path, dialect: str, body: str
) -> None:
    # a false PER001 "has no fallback or guard" on every product loop (found reviewing ESP
    # templates): a loop over nothing prints nothing, and `case` only compares
    d = write_campaign(tmp_path, body=f"<p>Привет!</p>{body}", template=dialect)
    assert only(check(d), "PER001") == []


def test_what_a_loop_prints_still_needs_its_fallback(tmp_path: Path) -> None:
    body = "{% for p in products %}<p>{{ p.name }}</p>{% endfor %}<p>{{ city }}</p>"
    [per001] = only(check(write_campaign(tmp_path, body=body, template="jinja")), "PER001")
    assert "“city”" in per001.message


def test_a_sample_number_compares_as_a_number(tmp_path: Path) -> None:
    # "'>' not supported between instances of 'str' and 'int'": a false PER004 error, because
    # CSV cells were all text; an ESP's number field holds a number
    body = "{% if bonus > 0 %}<p>У вас {{ bonus }} бонусов</p>{% endif %}"
    files = {"r.csv": "email,bonus,zip\na@b.ru,150,01234\n"}
    d = write_campaign(tmp_path, body=body, template="jinja", samples="r.csv", files=files)
    result = check(d)
    assert only(result, "PER004") == []
    assert result.campaign.samples == [{"email": "a@b.ru", "bonus": 150, "zip": "01234"}]
    [sample] = [r for r in result.campaign.renders if r.label.startswith("r.csv:2")]
    assert sample.document is not None and "У вас 150 бонусов" in sample.document.text


def test_a_template_that_fails_only_with_mailchecks_own_values_is_could_not_verify(
    tmp_path: Path,
) -> None:
    # no samples: the placeholder for "total" is text, and the template formats a number
    body = '<p>{{ "%.2f"|format(total) }}</p>'
    [per004] = only(check(write_campaign(tmp_path, body=body, template="jinja")), "PER004")
    assert per004.severity is Severity.WARNING
    assert per004.message.startswith("could not verify: rendering failed: ")


def test_a_go_range_with_an_else_branch_is_valid(tmp_path: Path) -> None:
    # listmonk: {{ range … }}…{{ else }}…{{ end }} was PER004 "'{{ else }}' outside an if block"
    body = "{{ range .Subscriber.Attribs.products }}<p>{{ .name }}</p>{{ else }}<p>—</p>{{ end }}"
    d = write_campaign(tmp_path, body=body, template="go")
    result = check(d)
    assert [f.code for f in result.findings if f.code.startswith("PER")] == []
    assert result.campaign.renders and "—" in (result.campaign.renders[0].html or "")


def test_klaviyos_django_syntax_liquid_cannot_read_is_not_understood(tmp_path: Path) -> None:
    # Klaviyo documents {{ item.product.images.0.src }}: PER004 (an error) from Liquid's parser
    body = '<img src="{{ item.product.images.0.src }}" alt="Товар">'
    d = write_campaign(tmp_path, body=body, esp="klaviyo")
    result = check(d)
    assert only(result, "PER004") == []
    [per007] = only(result, "PER007")
    assert per007.severity is Severity.WARNING
    assert 'esp = "klaviyo" writes liquid, but liquid cannot read it' in per007.message
    # a plain Liquid template keeps its syntax errors
    plain = write_campaign(tmp_path, "plain", body=body, template="liquid")
    assert [f.severity for f in only(check(plain), "PER004")] == [Severity.ERROR]


@pytest.mark.parametrize(
    "body",
    [
        # Sendsay (Template Toolkit): an assigned name is the template's own, with a fallback
        "[% SET name = anketa.base.firstName or 'друг' %]<p>Привет, [% name %]!</p>",
        "[% DEFAULT anketa.base.firstName = 'друг' %]<p>Привет, [% anketa.base.firstName %]!</p>",
        # a comparison with '' tests the variable as [% IF name %] does
        "[% IF anketa.base.firstName != '' %]<p>Привет, [% anketa.base.firstName %]!</p>"
        "[% ELSE %]<p>Привет!</p>[% END %]",
        "[% IF anketa.base.firstName == '' %]<p>Привет!</p>[% ELSE %]"
        "<p>Привет, [% anketa.base.firstName %]!</p>[% END %]",
    ],
)
def test_sendsay_assignments_and_empty_tests_are_read(tmp_path: Path, body: str) -> None:
    # each was PER001, with "Привет, !" that no recipient gets
    d = write_campaign(tmp_path, body=body, esp="sendsay")
    result = check(d)
    assert [f.code for f in result.findings if f.code.startswith("PER")] == []
    main = result.campaign.renders[0]
    assert main.document is not None and "Привет, !" not in main.document.text


def test_a_sendsay_assignment_without_fallback_still_needs_one(tmp_path: Path) -> None:
    body = "[% SET name = anketa.base.firstName %]<p>Привет, [% name %]!</p>"
    [per001] = only(check(write_campaign(tmp_path, body=body, esp="sendsay")), "PER001")
    assert "“anketa.base.firstName”" in per001.message and "Привет, !" in per001.message


@pytest.mark.parametrize(
    "body",
    [
        # Mindbox (Quokka): a fallback inside another function, and an if() on IsEmpty
        '<p>Привет, ${ capitalize(replaceIfEmpty(Recipient.FirstName, "друг")) }!</p>',
        '<p>Привет, ${ if(IsEmpty(Recipient.FirstName), "друг", Recipient.FirstName) }!</p>',
        '@{ if Recipient.FirstName != null and Recipient.FirstName != "" }'
        "<p>Привет, ${ Recipient.FirstName }!</p>@{ end if }",
    ],
)
def test_mindbox_fallbacks_and_tests_are_read(tmp_path: Path, body: str) -> None:
    # each was PER001, with a "Привет, !" no recipient gets
    result = check(write_campaign(tmp_path, body=body, esp="mindbox"))
    assert [f.code for f in result.findings if f.code.startswith("PER")] == []


def test_a_mindbox_null_test_lets_an_empty_value_through(tmp_path: Path) -> None:
    body = "@{ if Recipient.FirstName != null }<p>Привет, ${ Recipient.FirstName }!</p>@{ end if }"
    assert only(check(write_campaign(tmp_path, body=body, esp="mindbox")), "PER001")


SHOP_RU: dict[str, Any] = {"from": "Shop <news@shop.ru>"}  # the links' own sender


def test_utm_values_a_tag_fills_are_not_compared_with_the_brief(tmp_path: Path) -> None:
    # UTM002 compared mailcheck's own placeholder ('esp-campaign-slug') with [utm]
    body = (
        '<p><a href="https://shop.ru/p/2?utm_source=email&utm_medium=email'
        '&utm_campaign={{ campaign_slug }}">Товар</a></p>'
        '<p><a href="https://shop.ru/p/1?utm_source=email&utm_medium=email'
        '&utm_campaign=winter">Товар</a></p>'
    )
    d = write_campaign(
        tmp_path,
        body=body,
        template="jinja",
        system_variables=["campaign_slug"],
        tables={"utm": {"utm_source": "email", "utm_medium": "email", "utm_campaign": "autumn"}},
        **SHOP_RU,
    )
    [utm002] = only(check(d), "UTM002")  # the written one only
    assert utm002.message.startswith("utm_campaign='winter', the campaign sets 'autumn'")


def test_a_click_tracking_link_carries_the_utms_of_the_page_it_wraps(tmp_path: Path) -> None:
    wrapped = (
        "https://click.shop.ru/track?url=https%3A%2F%2Fshop.ru%2Fp%2F3%3Futm_source%3Demail"
        "%26utm_medium%3Demail%26utm_campaign%3Dautumn"
    )
    bare = "https://click.shop.ru/track?url=https%3A%2F%2Fshop.ru%2Fp%2F4"
    body = f'<p><a href="{wrapped}">Товар</a> <a href="{bare}">Ещё</a></p>'
    d = write_campaign(tmp_path, body=body, **SHOP_RU)
    [utm001] = only(check(d), "UTM001")
    assert utm001.url == bare  # the wrapped page without UTMs still lacks them


def test_velocitys_loop_counter_is_no_recipient_field(tmp_path: Path) -> None:
    # eSputnik's documented examples number items with $velocityCount: it was PER001
    body = "#foreach($item in $products)<p>$velocityCount. ${item.name}</p>#end"
    result = check(write_campaign(tmp_path, body=body, esp="esputnik"))
    assert [f for f in only(result, "PER001") if "velocityCount" in f.message] == []


def test_an_esp_unsubscribe_tag_in_list_unsubscribe_is_its_https_url(tmp_path: Path) -> None:
    # <*|UNSUB|*> is filled with Mailchimp's https URL: "no https URL" was a false warning
    headers = {
        "List-Unsubscribe": "<*|UNSUB|*>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    d = write_campaign(tmp_path, tables={"headers": headers})
    assert only(check(d), "UNS003") == []
    plain = write_campaign(
        tmp_path, "plain", tables={"headers": {**headers, "List-Unsubscribe": "<mailto:u@x.ru>"}}
    )
    [uns003] = only(check(plain), "UNS003")
    assert uns003.message == "no https URL in List-Unsubscribe"


def test_an_unreadable_input_is_never_passed_over_by_ignoring_inp001(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """No other rule judges an input that could not be read: with INP001 ignored, a campaign
    with broken TOML or a binary email.html read "ok" and the run passed."""
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "campaign.toml").write_text('subject = "unterminated\n', encoding="utf-8")
    code, _ = run_cli(tmp_path, monkeypatch, capsys, "--ignore", "INP001", "broken")
    assert code == 1  # INP001, an error: "invalid TOML"
