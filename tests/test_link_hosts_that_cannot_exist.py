"""LNK003 of hosts no recipient's resolver can find, told offline: a top-level label no TLD can
be (an error), one the shipped Public Suffix List lacks (could not verify), one label alone
(a local network's name, as a private address is)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from mailcheck.config import Config, LinksConfig
from mailcheck.engine import judge
from mailcheck.facts import Facts, LinkResult
from mailcheck.model import Campaign, Document, Link, Rendered, Severity
from tests.helpers import check, only, write_campaign

_UNSUBSCRIBE = '<p><a href="https://shop.test/unsubscribe">Unsubscribe</a></p>'


def _lnk003(tmp_path: Path, hrefs: list[str], **kw: object) -> list[tuple[str, str, str]]:
    """LNK003's findings (severity, places, message) for a campaign with these links, each on
    a line of its own (line 5 on)."""
    body = "\n".join(f'<p><a href="{href}">Link {n}</a></p>' for n, href in enumerate(hrefs))
    result = check(write_campaign(tmp_path, body=f"{body}\n{_UNSUBSCRIBE}"), **kw)  # type: ignore[arg-type]
    return [(f.severity.value, ", ".join(f.places), f.message) for f in only(result, "LNK003")]


@pytest.mark.parametrize("top", ["c0m", "com1", "c_m", "co-"])
def test_a_top_level_label_no_tld_can_be_is_an_error(tmp_path: Path, top: str) -> None:
    found = _lnk003(tmp_path, [f"https://www.acme-store.{top}/c"])
    host = f"www.acme-store.{top}"
    if top.endswith("-"):  # a hyphen at a label's end: no host name at all, as before
        assert found == [
            (
                "error",
                "email.html:5",
                f"link (“Link 0”): not a valid URL (“{host}” is not a host name)",
            )
        ]
        return
    assert found == [
        (
            "error",
            "email.html:5",
            f"link (“Link 0”): not a valid URL (“{host}” ends in “.{top}”, which no top-level "
            "domain can be: they are letters only, or xn-- names)",
        )
    ]


@pytest.mark.parametrize(
    "href",
    [
        "https://shop.xn--p1ai/a",  # an international TLD, in punycode
        "https://магазин.рф/a",
        "https://1.2.3.4/a",  # an IPv4 address ends in digits
        "https://shop.acme.photography/a",
        "https://shop.test/a",  # special-use names are test campaigns' real hosts
        "https://shop.local/a",
    ],
)
def test_real_and_special_use_endings_are_no_finding(tmp_path: Path, href: str) -> None:
    assert _lnk003(tmp_path, [href]) == []


def test_a_tld_the_list_lacks_is_one_warning_per_ending_at_every_line(tmp_path: Path) -> None:
    hrefs = ["https://shop.acme-store.cmo/a", "https://www.acme-store.cmo/b", "https://acme.con/c"]
    found = _lnk003(tmp_path, hrefs)
    assert found == [
        (
            "warning",
            "email.html:5, email.html:6",
            "could not verify “shop.acme-store.cmo”, “www.acme-store.cmo”: “.cmo” is no "
            "top-level domain of the Public Suffix List mailcheck ships (a typo? a TLD newer "
            "than the list is missing from it; online, DNS tells)",
        ),
        (
            "warning",
            "email.html:7",
            "could not verify “acme.con”: “.con” is no top-level domain of the Public Suffix "
            "List mailcheck ships (a typo? a TLD newer than the list is missing from it; "
            "online, DNS tells)",
        ),
    ]


def test_a_host_a_merge_tag_writes_is_not_judged_by_its_stand_in(tmp_path: Path) -> None:
    # {{ tld }} renders as mailcheck's stand-in, "esp-tld": the ESP's value is another
    body = '<p><a href="https://shop.{{ tld }}/a">A</a> <a href="https://{{ host }}/b">B</a></p>'
    campaign = write_campaign(
        tmp_path, body=f"{body}\n{_UNSUBSCRIBE}", system_variables=["tld", "host"]
    )
    assert only(check(campaign), "LNK003") == []


def test_a_name_of_one_label_is_a_local_networks_as_a_private_address_is(
    tmp_path: Path,
) -> None:
    hrefs = ["https://shop-acme-store/b", "https://ai/", "https://3232235777/"]
    found = _lnk003(tmp_path, hrefs)
    assert found == [
        (
            "error",
            "email.html:5",
            "link (“Link 0”): shop-acme-store is a name of one label, which only a local "
            "network's resolver finds: no recipient outside it reaches it "
            "(links.allow-private = true if the list reads it inside that network)",
        ),
        # a number is no name: a browser reads it as the IPv4 address 192.168.1.1, a private
        # one (said as written, as 192.168.1.1 written so would be)
        (
            "error",
            "email.html:7",
            "link (“Link 2”): 3232235777 is a private network address: no recipient outside "
            "it reaches it (links.allow-private = true if the list reads it inside that "
            "network)",
        ),
    ]
    # an internal mailing says so, as it does for its private addresses
    internal = Config(root=tmp_path, links=replace(LinksConfig(), allow_private=True))
    result = check(write_campaign(tmp_path, "c2", body=f'<a href="{hrefs[0]}">B</a>'), internal)
    assert only(result, "LNK003") == []


def test_online_dns_tells_of_a_tld_the_list_lacks(tmp_path: Path) -> None:
    # the link was requested: its answer (LNK002's no such name, or a page) is the verdict
    url = "https://shop.acme-store.cmo/a"
    campaign = Campaign(id="c1", source="c1.html", kind="html")
    campaign.renders = [
        Rendered(sample={}, label="fallbacks", subject="Sale", preheader=None, html="",
                 text=None, document=Document(links=[Link(href=url, kind="a", text="A", line=3)]))
    ]  # fmt: skip
    offline = judge(campaign, Config(root=tmp_path), Facts(), offline=True).findings
    assert [(f.code, f.severity) for f in offline if f.url == url] == [("LNK003", Severity.WARNING)]
    answered = Facts(gathered=True, links={url: LinkResult(url, "ok", status=200)})
    online = judge(campaign, Config(root=tmp_path), answered, offline=False).findings
    assert [f.code for f in online if f.code == "LNK003"] == []
