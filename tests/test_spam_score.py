"""SPAM001 against a real spamd and a real rspamd on loopback (network tests off)."""

from __future__ import annotations

from pathlib import Path

import pytest
from ports import free_port
from rspamd_server import rspamd
from spamd_server import spamd

from mailcheck.config import Config, ConfigError, SpamConfig, load_config, settings_text
from mailcheck.engine import run
from mailcheck.model import Severity
from mailcheck.spam import message_for, read_report, read_rspamd
from tests.helpers import write_campaign

__all__ = ["rspamd", "spamd"]
UTM = "utm_source=email&utm_medium=email&utm_campaign=bf"
CLEAN = f"""<p>Здравствуйте, Анна!</p>
<p>В нашем магазине началась распродажа зимней коллекции: пальто, куртки и свитера.</p>
<p><a href="https://shop.test/sale?{UTM}">Смотреть коллекцию</a></p>
<p><a href="https://shop.test/unsub">Отписаться</a></p>"""
SPAMMY = """<p>BUY VIAGRA CHEAP!!! Cialis, Levitra — erectile pills with NO PRESCRIPTION.</p>
<p>Make money fast, 100% guaranteed, click here now, lose weight, free money!!!</p>
<p><a href="https://shop.test/unsub">Отписаться</a></p>"""


# GTUBE: the test string every filter recognises (rspamd forces "reject" on it)
GTUBE = """<p>Здравствуйте! XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X</p>
<p><a href="https://shop.test/unsub">Отписаться</a></p>"""


def spam_findings(
    tmp_path: Path, body: str, spamd_at: str = "", rspamd_at: str = "", **spam: float
) -> list[tuple[Severity, str, str]]:
    d = write_campaign(
        tmp_path, body=body, subject="FREE VIAGRA!!!" if "VIAGRA" in body else "Распродажа"
    )
    scanner = SpamConfig(spamd=spamd_at, rspamd=rspamd_at, timeout=60, **spam)
    config = Config(root=d.parent, spam=scanner)
    (result,) = run([str(d)], config, offline=False, use_cache=False, jobs=1).results
    return [(f.severity, f.message, f.location) for f in result.findings if f.code == "SPAM001"]


@pytest.mark.network
def test_clean_russian_campaign_scores_below_the_limit(tmp_path: Path, spamd: str) -> None:
    assert spam_findings(tmp_path, CLEAN, spamd) == []


@pytest.mark.network
def test_spammy_campaign_is_reported_with_its_rules(tmp_path: Path, spamd: str) -> None:
    found = spam_findings(tmp_path, SPAMMY, spamd, warn=3.0, error=100.0)
    assert len(found) == 1
    severity, message, location = found[0]
    assert severity is Severity.WARNING and location == "spamd"
    assert message.startswith("SpamAssassin score ") and "(limit 3)" in message
    assert "DRUGS_ERECTILE" in message
    # the headers the ESP adds are present: their absence is not scored
    assert "MISSING_DATE" not in message and "MISSING_MID" not in message
    errors = spam_findings(tmp_path / "e", SPAMMY, spamd, warn=1.0, error=3.0)
    assert [s for s, _, _ in errors] == [Severity.ERROR]


@pytest.mark.network
def test_unreachable_spamd_is_could_not_score(tmp_path: Path) -> None:
    found = spam_findings(tmp_path, CLEAN, f"127.0.0.1:{free_port()}")
    assert len(found) == 1
    assert found[0][0] is Severity.WARNING and found[0][2] == "spamd"
    assert found[0][1].startswith("could not score: spamd")


@pytest.mark.network
def test_clean_russian_campaign_scores_below_the_limit_in_rspamd(
    tmp_path: Path, rspamd: str
) -> None:
    assert spam_findings(tmp_path, CLEAN, rspamd_at=rspamd) == []


@pytest.mark.network
def test_rspamd_score_above_the_limits_names_its_symbols(tmp_path: Path, rspamd: str) -> None:
    found = spam_findings(tmp_path, GTUBE, rspamd_at=rspamd, warn=5.0, error=100.0)
    assert found == [
        (
            Severity.WARNING,
            "rspamd score 15 (limit 5; rspamd's action: reject): GTUBE 0",
            "rspamd",
        )
    ]
    errors = spam_findings(tmp_path / "e", GTUBE, rspamd_at=rspamd, warn=5.0, error=10.0)
    assert [(s, loc) for s, _, loc in errors] == [(Severity.ERROR, "rspamd")]
    assert errors[0][1].startswith("rspamd score 15 (limit 10;")
    # a clean campaign under a limit of 0: the symbols rspamd scored, highest first
    (low,) = spam_findings(tmp_path / "low", CLEAN, rspamd_at=rspamd, warn=0.0)
    severity, message, _ = low
    assert severity is Severity.WARNING and message.startswith("rspamd score ")
    assert "(limit 0; rspamd's action: no action): " in message
    # the headers the ESP adds are present: their absence is not scored
    assert "MISSING_DATE" not in message and "MISSING_MID" not in message


@pytest.mark.network
def test_unreachable_rspamd_is_could_not_score(tmp_path: Path) -> None:
    found = spam_findings(tmp_path, CLEAN, rspamd_at=f"http://127.0.0.1:{free_port()}")
    assert len(found) == 1
    severity, message, location = found[0]
    assert severity is Severity.WARNING and location == "rspamd"
    assert message.startswith("could not score: rspamd: ")


@pytest.mark.network
def test_an_answer_that_is_not_rspamds_is_could_not_score(tmp_path: Path, spamd: str) -> None:
    # spamd's port speaks no HTTP; a 404 and JSON without a score are not scores either
    found = spam_findings(tmp_path, CLEAN, rspamd_at=f"http://{spamd}")
    assert [(s, loc) for s, _, loc in found] == [(Severity.WARNING, "rspamd")]
    assert found[0][1].startswith("could not score: rspamd: ")
    with pytest.raises(ValueError, match="no score"):
        read_rspamd({"error": "bad request"})


def test_rspamd_answer_is_read_into_rules_highest_first() -> None:
    answer = {
        "score": 7.499999,
        "required_score": 15.0,
        "action": "add header",
        "symbols": {
            "RCPT_COUNT_ONE": {"name": "RCPT_COUNT_ONE", "score": 0.0, "options": ["1"]},
            "MISSING_MID": {"score": 2.499999, "description": "Message id is missing"},
            "R_SUSPICIOUS_URL": {"score": 5.0, "options": ["bit.ly", "t.co"]},
        },
    }
    scored = read_rspamd(answer)
    assert (scored.score, scored.scanner, scored.action) == (7.5, "rspamd", "add header")
    assert scored.rules == (
        ("R_SUSPICIOUS_URL", 5.0, "bit.ly, t.co"),
        ("MISSING_MID", 2.5, "Message id is missing"),
        ("RCPT_COUNT_ONE", 0.0, "1"),
    )


def test_spam_config_takes_one_scanner_and_an_rspamd_url(tmp_path: Path) -> None:
    config = tmp_path / "mailcheck.toml"
    config.write_text('[spam]\nrspamd = "http://127.0.0.1:11333"\n')
    loaded = load_config(tmp_path)
    assert loaded.spam.rspamd == "http://127.0.0.1:11333"
    assert '\n[spam]\nspamd = ""\nrspamd = "http://127.0.0.1:11333"\n' in settings_text(loaded)
    config.write_text('[spam]\nspamd = "127.0.0.1:783"\nrspamd = "http://127.0.0.1:11333"\n')
    with pytest.raises(ConfigError, match=r"spamd \('127.0.0.1:783'\) and rspamd .* both set"):
        load_config(tmp_path)
    config.write_text('[spam]\nrspamd = "127.0.0.1:11333"\n')
    with pytest.raises(ConfigError, match="rspamd must be the URL of rspamd's normal worker"):
        load_config(tmp_path)
    config.write_text('[spam]\nrspamd-password = "x"\n')
    with pytest.raises(ConfigError, match="unknown key 'rspamd-password'"):
        load_config(tmp_path)


def test_message_and_report_parsing(tmp_path: Path) -> None:
    from mailcheck.engine import discover, prepare

    d = write_campaign(tmp_path, body=CLEAN)
    (source,) = discover([str(d)])
    campaign = prepare(source, Config(root=tmp_path))
    raw = message_for(campaign).decode()
    assert "Subject: Weekend sale: 30% off" in raw
    assert "Date: " in raw and "Message-ID: <" in raw and "text/html" in raw
    report = " pts rule name              description\n---- ---------------------- ----\n 1.8 DRUGS_ERECTILE          Refers to an erectile drug\n-0.0 NO_RELAYS              Informational\n"
    assert read_report(report) == (
        ("DRUGS_ERECTILE", 1.8, "Refers to an erectile drug"),
        ("NO_RELAYS", -0.0, "Informational"),
    )
