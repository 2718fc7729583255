"""DKIM key records (RFC 6376 §3.6.1, RFC 8463) and signature verification with dkimpy.

Key sizes come from the public key itself: an RSA key's modulus is read with dkimpy's own
ASN.1 parser (SubjectPublicKeyInfo or bare RSAPublicKey); an ed25519 key is 32 octets.

Verification uses dkimpy, whose ``dnsfunc`` is synchronous: the key records of a message's
signatures are fetched first, asynchronously, through the run's resolver, and dkimpy is given
a ``dnsfunc`` that answers from those prefetched answers only (never from the network).
"""

from __future__ import annotations

import base64
import binascii
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING

from mailcheck.auth_model import DkimKey, DkimVerification, parse_tags
from mailcheck.i18n import t

if TYPE_CHECKING:
    from mailcheck.net.dns import Answer  # dnspython loads only when something is looked up


def key_name(selector: str, domain: str) -> str:
    return f"{selector}._domainkey.{domain}".lower()


def parse_key(selector: str, domain: str, source: str, answer: Answer) -> DkimKey:
    """What the key record at selector._domainkey.domain says."""
    key = DkimKey(selector=selector, domain=domain, source=source, status="ok")
    if answer.failed:
        key.status, key.error = "error", answer.error or answer.status
        return key
    if not answer.txt:
        key.status = "missing"
        key.nxdomain = answer.status == "nxdomain"
        key.error = "NXDOMAIN" if key.nxdomain else t("no TXT record")
        return key
    # several TXT records at a key name: use the first that looks like a key (as dkimpy does)
    texts = [txt.decode("utf-8", "replace") for txt in answer.txt]
    text = next((txt for txt in texts if "p=" in txt), texts[0])
    key.record = text
    tags = parse_tags(text)
    if "v" in tags and tags["v"] != "DKIM1":
        key.status, key.error = "invalid", t("{tag} (must be DKIM1)", tag=f"v={tags['v']}")
        return key
    if "p" not in tags:
        key.status, key.error = "invalid", t("no p= tag")
        return key
    key.key_type = tags.get("k", "rsa").lower()
    key.testing = "y" in tags.get("t", "").lower().split(":")
    if tags["p"] == "":
        key.status = "revoked"
        return key
    try:
        der = base64.b64decode(tags["p"], validate=True)
    except (binascii.Error, ValueError):
        key.status, key.error = "invalid", t("p= is not valid base64")
        return key
    if key.key_type == "ed25519":
        if len(der) != 32:
            key.status, key.error = (
                "invalid",
                t("ed25519 key of {count} octets (must be 32)", count=len(der)),
            )
            return key
        key.bits = 256
        return key
    if key.key_type != "rsa":
        key.status, key.error = "invalid", t("unknown key type {tag}", tag=f"k={key.key_type}")
        return key
    from dkim.crypto import UnparsableKeyError, parse_public_key

    try:
        modulus = parse_public_key(der)["modulus"]
    except (UnparsableKeyError, Exception) as exc:  # dkimpy's ASN.1 parser raises broadly
        key.status, key.error = "invalid", t("the RSA key cannot be parsed: {why}", why=str(exc))
        return key
    key.bits = int(modulus).bit_length()
    return key


class _Collect(logging.Handler):
    """dkimpy's error messages (why a signature failed). Not its debug lines: they dump the
    signature and hashes, whose random base64 sometimes spells "key" and was read as a key
    problem."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def verify_message(raw: bytes, answers: Mapping[str, Answer]) -> list[DkimVerification]:
    """dkimpy's verdict on each DKIM-Signature of ``raw``; DNS answers from ``answers``
    (keyed by lower-case key name without the final dot)."""
    import dkim

    dns_errors: dict[str, str] = {}

    def dnsfunc(name: bytes | str, timeout: float = 5) -> bytes | None:
        text = name.decode("ascii", "replace") if isinstance(name, bytes) else name
        key = text.lower().rstrip(".")
        answer = answers.get(key)
        if answer is None:
            return None
        if answer.failed:
            dns_errors[key] = answer.error or answer.status
            return None
        return answer.txt[0] if answer.txt else None

    log = logging.getLogger(f"mailcheck.dkim.{id(raw)}")
    log.propagate = False
    handler = _Collect()
    log.addHandler(handler)
    log.setLevel(logging.DEBUG)
    results: list[DkimVerification] = []
    try:
        checker = dkim.DKIM(raw, logger=log)
        for index in range(len(_signature_headers(checker))):
            handler.messages.clear()
            sig = _signature_tags(checker, index)
            domain, selector = sig.get("d", "").lower(), sig.get("s", "")
            try:
                ok = bool(checker.verify(idx=index, dnsfunc=dnsfunc))
                error = "" if ok else _reason(handler.messages)
            except dkim.DKIMException as exc:
                ok, error = False, _explain(str(exc) or type(exc).__name__)
            except Exception as exc:  # dkimpy on malformed input: report, never crash
                ok, error = False, f"{type(exc).__name__}: {exc}"[:200]
            answer = answers.get(key_name(selector, domain))
            if not ok and answer is not None and answer.void:
                error = t("no key is published at {name}", name=key_name(selector, domain))
            algorithm = sig.get("a", "").lower()
            if ok:
                refused = _refused_hash(algorithm, answer, key_name(selector, domain))
                ok, error = (False, refused) if refused else (True, "")
            results.append(
                DkimVerification(
                    domain,
                    selector,
                    ok,
                    error,
                    dns_errors.get(key_name(selector, domain), ""),
                    algorithm,
                )
            )
    finally:
        log.removeHandler(handler)
    return results


def _refused_hash(algorithm: str, answer: Answer | None, name: str) -> str:
    """Why a signature dkimpy accepts must still fail at receivers, or "".

    RFC 8301 §3.1: verifiers must not accept rsa-sha1 any more. RFC 6376 §3.6.1: a key's
    ``h=`` lists the hashes it may be used with; a key restricted to sha1 under an
    rsa-sha256 signature does not verify (§6.1.2). dkimpy checks neither.
    """
    if algorithm == "rsa-sha1":
        return t(
            "signed with rsa-sha1, which receivers no longer accept (RFC 8301): use rsa-sha256"
        )
    if answer is None or not answer.txt:
        return ""
    allowed = parse_tags(answer.txt[0].decode("utf-8", "replace")).get("h")
    wanted = algorithm.rpartition("-")[2]
    if allowed and wanted and wanted not in allowed.lower().split(":"):
        return t(
            "the key at {name} allows only h={allowed}, the signature uses {wanted} "
            "(RFC 6376 §3.6.1): publish the key without h=sha1",
            name=name,
            allowed=allowed,
            wanted=wanted,
        )
    return ""


def _signature_headers(checker: object) -> list[tuple[bytes, bytes]]:
    headers = getattr(checker, "headers", None) or []
    return [h for h in headers if h[0].lower() == b"dkim-signature"]


def _signature_tags(checker: object, index: int) -> dict[str, str]:
    sigs = _signature_headers(checker)
    if index >= len(sigs):
        return {}
    return parse_tags(sigs[index][1].decode("ascii", "replace"))


def _explain(text: str) -> str:
    lowered = text.lower()
    if "body hash mismatch" in lowered:
        return t("the body was changed after signing (body hash mismatch)")
    if "too small" in lowered:
        return t("the key is too small for receivers ({why})", why=text)
    return text[:200]


def _reason(messages: list[str]) -> str:
    for text in reversed(messages):
        lowered = text.lower()
        if "body hash mismatch" in lowered or ("bh" in lowered and "mismatch" in lowered):
            return t("the body was changed after signing (body hash mismatch)")
    if any("public key" in m.lower() or "key" in m.lower() for m in messages):
        return "; ".join(m for m in messages if "key" in m.lower())[:200]
    return t("the signature does not match the signed headers and the published key")
