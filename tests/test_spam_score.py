"""SPAM001 against a real spamd on loopback (network tests off)."""

from __future__ import annotations

from pathlib import Path

import pytest
from dns_server import free_port
from spamd_server import spamd

from mailcheck.config import Config, SpamConfig
from mailcheck.engine import run
from mailcheck.model import Severity
from mailcheck.spam import message_for, read_report
from tests.helpers import write_campaign

__all__ = ["spamd"]
UTM = "utm_source=email&utm_medium=email&utm_campaign=bf"
CLEAN = f"""<p>Здравствуйте, Анна!</p>
<p>В нашем магазине началась распродажа зимней коллекции: пальто, куртки и свитера.</p>
<p><a href="https://shop.test/sale?{UTM}">Смотреть коллекцию</a></p>
<p><a href="https://shop.test/unsub">Отписаться</a></p>"""
SPAMMY = """<p>BUY VIAGRA CHEAP!!! Cialis, Levitra — erectile pills with NO PRESCRIPTION.</p>
<p>Make money fast, 100% guaranteed, click here now, lose weight, free money!!!</p>
<p><a href="https://shop.test/unsub">Отписаться</a></p>"""


def spam_findings(
    tmp_path: Path, body: str, spamd_at: str, **spam: float
) -> list[tuple[Severity, str]]:
    d = write_campaign(
        tmp_path, body=body, subject="FREE VIAGRA!!!" if "VIAGRA" in body else "Распродажа"
    )
    config = Config(root=d.parent, spam=SpamConfig(spamd=spamd_at, timeout=60, **spam))
    (result,) = run([str(d)], config, offline=False, use_cache=False, jobs=1).results
    return [(f.severity, f.message) for f in result.findings if f.code == "SPAM001"]


@pytest.mark.network
def test_clean_russian_campaign_scores_below_the_limit(tmp_path: Path, spamd: str) -> None:
    assert spam_findings(tmp_path, CLEAN, spamd) == []


@pytest.mark.network
def test_spammy_campaign_is_reported_with_its_rules(tmp_path: Path, spamd: str) -> None:
    found = spam_findings(tmp_path, SPAMMY, spamd, warn=3.0, error=100.0)
    assert len(found) == 1
    severity, message = found[0]
    assert severity is Severity.WARNING
    assert message.startswith("SpamAssassin score ") and "(limit 3)" in message
    assert "DRUGS_ERECTILE" in message
    # the headers the ESP adds are present: their absence is not scored
    assert "MISSING_DATE" not in message and "MISSING_MID" not in message
    errors = spam_findings(tmp_path / "e", SPAMMY, spamd, warn=1.0, error=3.0)
    assert [s for s, _ in errors] == [Severity.ERROR]


@pytest.mark.network
def test_unreachable_spamd_is_could_not_score(tmp_path: Path) -> None:
    found = spam_findings(tmp_path, CLEAN, f"127.0.0.1:{free_port()}")
    assert len(found) == 1
    assert found[0][0] is Severity.WARNING
    assert found[0][1].startswith("could not score: spamd")


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
