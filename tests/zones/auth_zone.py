"""Zone data for the SPF/DKIM/DMARC rule tests, with DKIM keys generated per test session.

Domains under ``.test`` (RFC 2606): the Public Suffix List has no ``.test`` entry, so each
``<name>.test`` is its own organisational domain, as ``<name>.com`` would be.
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

# RFC 8463 Appendix A.2: the keys that signed shared/vectors/dkim/rfc6376.signed.msg
RFC8463_ED25519 = "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
RFC8463_RSA = (
    "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWR"
    "iGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutAC"
    "DfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3"
    "Ip3G+2kryOTIKT+l/K4w3QIDAQAB"
)


@dataclass(frozen=True)
class Key:
    private: bytes  # what dkim.sign() takes: PEM for RSA, base64 seed for ed25519
    record: str  # the TXT record to publish
    algorithm: bytes  # dkim.sign signature_algorithm


def _prime(bits: int) -> int:
    while True:
        candidate = secrets.randbits(bits) | (1 << (bits - 1)) | (1 << (bits - 2)) | 1
        if _probably_prime(candidate):
            return candidate


def _probably_prime(n: int) -> bool:
    for small in (3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37):
        if n % small == 0:
            return n == small
    d, r = n - 1, 0
    while d % 2 == 0:
        d, r = d // 2, r + 1
    for _ in range(32):
        x = pow(secrets.randbelow(n - 3) + 2, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(r - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def _weak_rsa(bits: int) -> rsa.RSAPrivateKey:
    """cryptography refuses to generate keys under 1024 bits (rightly); the weak-key test
    needs one, so build it from two primes."""
    e = 65537
    while True:
        p, q = _prime(bits // 2), _prime(bits // 2)
        phi = (p - 1) * (q - 1)
        if p != q and phi % e and (p * q).bit_length() == bits:
            break
    d = pow(e, -1, phi)
    numbers = rsa.RSAPrivateNumbers(
        p, q, d, d % (p - 1), d % (q - 1), pow(q, -1, p), rsa.RSAPublicNumbers(e, p * q)
    )
    return numbers.private_key()


def rsa_key(bits: int, extra: str = "") -> Key:
    if bits < 1024:
        private = _weak_rsa(bits)
    else:
        private = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    der = private.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    p = base64.b64encode(der).decode()
    return Key(pem, f"v=DKIM1; {extra}k=rsa; p={p}", b"rsa-sha256")


def ed25519_key() -> Key:
    private = ed25519.Ed25519PrivateKey.generate()
    seed = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    public = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return Key(
        base64.b64encode(seed),
        f"v=DKIM1; k=ed25519; p={base64.b64encode(public).decode()}",
        b"ed25519-sha256",
    )


@dataclass(frozen=True)
class Keys:
    rsa2048: Key
    rsa1024: Key
    rsa512: Key
    ed: Key
    testing: Key
    stale: Key  # signs, but the published key at its selector is another one


def make_keys() -> Keys:
    return Keys(
        rsa_key(2048),
        rsa_key(1024),
        rsa_key(512),
        ed25519_key(),
        rsa_key(2048, extra="t=y; "),
        rsa_key(2048),
    )


def txt(*records: str) -> list[tuple[str, object]]:
    return [("TXT", r) for r in records]


def auth_zone(keys: Keys) -> dict[str, list[tuple[str, object]]]:
    spf_good = "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 -all"
    many = [f"inc{i}.many.test" for i in range(11)]
    zone: dict[str, list[tuple[str, object]]] = {
        # a well-configured sender
        "good.test": [*txt(spf_good, "google-site-verification=abc"), ("A", "192.0.2.10")],
        "_dmarc.good.test": txt("v=DMARC1; p=reject; rua=mailto:dmarc@good.test"),
        "k2048._domainkey.good.test": txt(keys.rsa2048.record),
        # a sending subdomain whose ESP signs with the parent's keys (d=good.test)
        "news.good.test": [("A", "192.0.2.10")],
        "ed._domainkey.good.test": txt(keys.ed.record),
        "k1024._domainkey.good.test": txt(keys.rsa1024.record),
        "weak._domainkey.good.test": txt(keys.rsa512.record),
        "revoked._domainkey.good.test": txt("v=DKIM1; k=rsa; p="),
        "testing._domainkey.good.test": txt(keys.testing.record),
        "stale._domainkey.good.test": txt(keys.rsa2048.record),
        "garbage._domainkey.good.test": txt("v=DKIM1; k=rsa; p=not*base64"),
        # Russian-language brand, same records, for the Cyrillic campaign
        "магазин.test": [],
        # SPF problems
        "nospf.test": txt("some-verification=1"),
        "twospf.test": txt("v=spf1 ip4:192.0.2.1 -all", "v=spf1 include:good.test -all"),
        "many.test": txt("v=spf1 " + " ".join(f"include:{m}" for m in many) + " -all"),
        "void.test": txt("v=spf1 a:gone1.void.test a:gone2.void.test mx:gone3.void.test -all"),
        "plusall.test": txt("v=spf1 ip4:192.0.2.0/24 +all"),
        "neutral.test": txt("v=spf1 ip4:192.0.2.0/24 ?all"),
        "noall.test": txt("v=spf1 ip4:192.0.2.0/24"),
        "redirected.test": txt("v=spf1 redirect=good.test"),
        "redir-noall.test": txt("v=spf1 redirect=noall.test"),
        "redir-plus.test": txt("v=spf1 ip4:192.0.2.1 redirect=plusall.test"),
        "badcidr.test": txt("v=spf1 ip4:192.0.2.0/33 -all"),
        "badmacro.test": txt("v=spf1 exists:%{z}.badmacro.test -all"),
        "badinclude.test": txt("v=spf1 include:nospf.test -all"),
        # the From domain and the Return-Path's both include one broken ESP record
        "shared-bad.test": txt("v=spf1 include:badcidr.test -all"),
        "bounce.shared-bad.test": txt("v=spf1 include:badcidr.test -all"),
        "loop.test": txt("v=spf1 include:loop2.test -all"),
        "loop2.test": txt("v=spf1 include:loop.test -all"),
        "soft.test": txt("v=spf1 ip4:192.0.2.0/24 ~all"),
        "esp.test": txt("v=spf1 ip4:203.0.113.0/24 -all"),
        "_dmarc.esp.test": txt("v=DMARC1; p=none"),
        "multi.test": [("TXT", ["v=spf1 ", "ip4:192.0.2.0/24", " -all"])],  # one record, 3 strings
        # DMARC problems
        "_dmarc.nospf.test": txt("v=DMARC1; p=none; rua=mailto:r@nospf.test"),
        "parent.test": txt("v=spf1 -all"),
        "_dmarc.parent.test": txt("v=DMARC1; p=reject; sp=none; np=quarantine; aspf=s"),
        "news.parent.test": [("A", "192.0.2.20"), *txt("v=spf1 ip4:192.0.2.0/24 -all")],
        "bounce.parent.test": txt("v=spf1 ip4:192.0.2.0/24 -all"),
        "baddmarc.test": txt(spf_good),
        "_dmarc.baddmarc.test": txt("p=maybe; v=DMARC1; pct=150; rua=dmarc@baddmarc.test"),
        # tags written with commas and with spaces: receivers read one v= tag and discard it
        "commadmarc.test": txt(spf_good),
        "_dmarc.commadmarc.test": txt("v=DMARC1, p=reject, rua=mailto:d@commadmarc.test"),
        "spacedmarc.test": txt(spf_good),
        "_dmarc.spacedmarc.test": txt("v=DMARC1 p=reject"),
        "twodmarc.test": txt(spf_good),
        "_dmarc.twodmarc.test": txt("v=DMARC1; p=reject", "v=DMARC1; p=none"),
        # the RFC 8463 sample message's keys
        "brisbane._domainkey.football.example.com": txt(RFC8463_ED25519),
        "test._domainkey.football.example.com": txt(RFC8463_RSA),
        "football.example.com": txt("v=spf1 -all"),
        "_dmarc.example.com": txt("v=DMARC1; p=quarantine"),
    }
    # issue 10 item 10: authentication lint per the RFCs
    zone.update(
        {
            # a From domain without SPF; its Return-Path subdomain has valid SPF (aligned)
            "nofromspf.test": [("A", "192.0.2.30")],
            "_dmarc.nofromspf.test": txt("v=DMARC1; p=reject"),
            "bounce.nofromspf.test": txt("v=spf1 ip4:192.0.2.0/24 -all"),
            # counting stops at all: the eleven includes after -all are never evaluated
            "stopall.test": txt(
                "v=spf1 ip4:192.0.2.0/24 -all " + " ".join(f"include:{m}" for m in many)
            ),
            # a: hosts with only AAAA records: void for every IPv4 sender
            "aaaaonly.test": txt(
                "v=spf1 a:v6a.aaaaonly.test a:v6b.aaaaonly.test a:v6c.aaaaonly.test -all"
            ),
            "v6a.aaaaonly.test": [("AAAA", "2001:db8::a")],
            "v6b.aaaaonly.test": [("AAAA", "2001:db8::b")],
            "v6c.aaaaonly.test": [("AAAA", "2001:db8::c")],
            "incplus.test": txt("v=spf1 include:plusall.test -all"),
            # DMARC: any URI scheme, any case
            "upper.test": txt(spf_good),
            "_dmarc.upper.test": txt(
                "v=DMARC1; p=reject; rua=MAILTO:dmarc@upper.test,https://dmarc.upper.test/r; "
                "ruf=Mailto:forensic@upper.test"
            ),
            "optbad.test": txt(spf_good),
            "_dmarc.optbad.test": txt("v=DMARC1; p=reject; pct=150; adkim=x"),
            "nop.test": txt(spf_good),
            "_dmarc.nop.test": txt("v=DMARC1; rua=mailto:dmarc@nop.test"),
            "nopnorua.test": txt(spf_good),
            "_dmarc.nopnorua.test": txt("v=DMARC1; sp=reject"),
            # RFC 9091: ent.entparent.test is an empty non-terminal, so it does not exist
            "entparent.test": txt(spf_good),
            "_dmarc.entparent.test": txt("v=DMARC1; p=reject; sp=none; np=reject"),
            "leaf.ent.entparent.test": [("A", "192.0.2.40")],
            "news.entparent.test": [("A", "192.0.2.41")],
            # DKIM: a key restricted to sha1; the ESP's extra signature with a stale key
            "sha1only._domainkey.good.test": txt(
                keys.rsa2048.record.replace("k=rsa;", "h=sha1; k=rsa;")
            ),
            "stale._domainkey.esp.test": txt(keys.rsa2048.record),
            # the HELO name of the test sends (tests/test_dns_end_to_end.py) has its own SPF
            "out.esp.test": txt("v=spf1 ip4:192.0.2.0/24 ip4:198.51.100.0/24 -all"),
            # a sender that signs only with ed25519
            "edonly.test": txt(spf_good),
            "_dmarc.edonly.test": txt("v=DMARC1; p=reject"),
            "ed._domainkey.edonly.test": txt(keys.ed.record),
        }
    )
    for index, name in enumerate(many):
        zone[name] = txt(f"v=spf1 ip4:198.51.100.{index} ~all")
    zone["магазин.test"] = [
        *txt(spf_good),
    ]
    zone["_dmarc.магазин.test"] = txt("v=DMARC1; p=reject")
    return zone
