"""BIMI (the BIMI Group's "Brand Indicators for Message Identification" specification): the
logo and the mark certificate a ``default._bimi`` record points to, judged as receivers would.

The logo (``l=``) must be an SVG in the "SVG Tiny Portable/Secure" profile (the IETF draft of
that title): root ``<svg version="1.2" baseProfile="tiny-ps">`` with a ``<title>``, no script,
no animation, no external reference or embedded raster image, no ``x``/``y`` on the root, a
square view, at most 32 KB. It is parsed with lxml's safe settings: no network, no DTD, no
entity expansion (a logo is untrusted input).

The evidence document (``a=``) is a Verified Mark Certificate (or Common Mark Certificate) in
PEM, the mark certificate first. Gmail and Apple Mail show a logo only with one; other
receivers without. What is decidable here: it is a PEM chain that parses, no certificate of it
has expired, the first carries the BIMI extended key usage and names the domain.
"""

from __future__ import annotations

import datetime
import re

from lxml import etree

from mailcheck.auth_model import parse_tags
from mailcheck.domain_health import Fetched, Judged
from mailcheck.i18n import N_, t

LOGO_LIMIT = 32 * 1024  # bytes (SVG Tiny PS; receivers refuse larger logos)
CERTIFICATE_LIMIT = 64 * 1024
BIMI_KEY_USAGE = "1.3.6.1.5.5.7.3.31"  # id-kp-BrandIndicatorforMessageIdentification
SVG = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
ANIMATIONS = {"animate", "animateColor", "animateMotion", "animateTransform", "set"}
FORBIDDEN = {
    "script": N_("a <script> is not allowed"),
    "image": N_("an embedded <image> is not allowed"),
    "foreignObject": N_("a <foreignObject> is not allowed"),
}
NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def record_urls(record: str) -> tuple[str, str]:
    """The logo (``l=``) and evidence document (``a=``) URLs of a BIMI record ("" if absent)."""
    tags = parse_tags(record)
    return tags.get("l", ""), tags.get("a", "")


def _answered(fetched: Fetched, what: str) -> Judged | None:
    """A verdict when the document did not come back as a 200; None when it did. ``what``:
    the document, a message marked N_ ("the logo")."""
    found = Judged(fetched.url)
    if fetched.status is None:
        if fetched.proof:
            found.no_answer = True
            found.problems.append(
                t("{what} cannot be fetched: {why}", what=t(what), why=fetched.error)
            )
        else:
            found.unverified = fetched.error
        return found
    if fetched.status != 200:
        found.problems.append(
            t(
                "{what} answers {status} to {url}",
                what=t(what),
                status=fetched.reason,
                url=fetched.location,
            )
            if fetched.location
            else t("{what} answers {status}", what=t(what), status=fetched.reason)
        )
        return found
    return None


def judge_logo(fetched: Fetched) -> Judged:
    """The logo as a BIMI receiver reads it (see the module's docstring)."""
    early = _answered(fetched, N_("the logo"))
    if early is not None:
        return early
    found = Judged(fetched.url)
    if fetched.too_large:
        found.problems.append(t("the logo is larger than {size} KB", size=LOGO_LIMIT // 1024))
        return found
    found.problems.extend(svg_problems(fetched.body))
    if not found.problems:
        found.summary = t("SVG Tiny PS, {size} KB", size=f"{len(fetched.body) / 1024:.1f}")
    return found


def svg_problems(data: bytes) -> list[str]:
    """Where an SVG departs from SVG Tiny Portable/Secure, as far as it is decidable."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        return [t("the logo is not well-formed XML ({why})", why=str(exc))]
    if root.tag != f"{SVG}svg":
        name = repr(etree.QName(root).localname)
        return [t("the logo's root element is {name}, not an SVG <svg>", name=name)]
    problems: list[str] = []
    if root.get("version") != "1.2":
        problems.append(
            t(
                "{attribute}, not {wanted}",
                attribute=f'version="{root.get("version", "")}"',
                wanted='"1.2"',
            )
        )
    if root.get("baseProfile") != "tiny-ps":
        problems.append(
            t(
                "{attribute}, not {wanted}",
                attribute=f'baseProfile="{root.get("baseProfile", "")}"',
                wanted='"tiny-ps"',
            )
        )
    title = root.find(f"{SVG}title")
    if title is None or not "".join(title.itertext()).strip():
        problems.append(t("no <title> (the brand's name) under <svg>"))
    if root.get("x") is not None or root.get("y") is not None:
        problems.append(t("x= or y= on the root <svg>"))
    problems.extend(_square(root))
    found: dict[str, None] = {}
    dtd = root.getroottree().docinfo.internalDTD
    for entity in dtd.iterentities() if dtd is not None else ():
        # never expanded here
        found[t("an entity declaration ({name}) is not allowed", name=entity.name)] = None
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions
        name = etree.QName(element).localname
        if name in FORBIDDEN:
            found[t(FORBIDDEN[name])] = None
        elif name in ANIMATIONS:
            found[t("animation ({tag}) is not allowed", tag=f"<{name}>")] = None
        for attribute, value in element.attrib.items():
            local = etree.QName(attribute).localname
            if local.lower().startswith("on"):
                found[t("a script ({attribute}) is not allowed", attribute=f"{local}=")] = None
            elif attribute in (XLINK_HREF, "href") and not value.strip().startswith("#"):
                shown = value.strip()[:60]
                found[t("an external reference ({url}) is not allowed", url=shown)] = None
    problems.extend(found)
    return [t("the logo is not SVG Tiny PS: {problem}", problem=p) for p in problems]


def _square(root: etree._Element) -> list[str]:
    box = NUMBER.findall(root.get("viewBox", ""))
    if len(box) == 4:
        width, height = float(box[2]), float(box[3])
    else:
        sizes = [NUMBER.match(root.get(k, "")) for k in ("width", "height")]
        if not all(sizes):
            return [t("no viewBox (a square one is expected)")]
        width, height = (float(m.group()) for m in sizes if m)
    if width <= 0 or abs(width - height) > 1e-6 * max(width, height):
        return [t("not square ({width} × {height})", width=f"{width:g}", height=f"{height:g}")]
    return []


def judge_certificate(fetched: Fetched, domain: str, org: str, now: datetime.datetime) -> Judged:
    """The evidence document: a PEM chain that parses, in date, for BIMI, naming the domain."""
    early = _answered(fetched, N_("the mark certificate"))
    if early is not None:
        return early
    from cryptography import x509

    found = Judged(fetched.url)
    if fetched.too_large:
        found.problems.append(
            t("the mark certificate is larger than {size} KB", size=CERTIFICATE_LIMIT // 1024)
        )
        return found
    try:
        chain = x509.load_pem_x509_certificates(fetched.body)
    except ValueError:
        found.problems.append(t("the mark certificate is not a PEM certificate chain"))
        return found
    for cert in chain:
        name = _common_name(cert)
        if cert.not_valid_after_utc < now:
            expired = cert.not_valid_after_utc.date().isoformat()
            found.problems.append(
                t("the certificate {name} expired on {date}", name=name, date=expired)
            )
        elif cert.not_valid_before_utc > now:
            since = cert.not_valid_before_utc.date().isoformat()
            found.problems.append(
                t("the certificate {name} is not valid before {date}", name=name, date=since)
            )
    mark = chain[0]
    try:
        usages = mark.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        for_bimi = any(u.dotted_string == BIMI_KEY_USAGE for u in usages)
    except x509.ExtensionNotFound:
        for_bimi = False
    if not for_bimi:
        found.problems.append(
            t(
                "the first certificate ({name}) is not a mark certificate (no BIMI extended key "
                "usage {usage})",
                name=_common_name(mark),
                usage=BIMI_KEY_USAGE,
            )
        )
    try:
        names = mark.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        dns_names = [n.lower() for n in names.get_values_for_type(x509.DNSName)]
    except x509.ExtensionNotFound:
        dns_names = []
    if dns_names and domain not in dns_names and org not in dns_names:
        found.problems.append(
            t(
                "the mark certificate is for {names}, not {domain}",
                names=", ".join(dns_names),
                domain=domain,
            )
        )
    if not found.problems:
        until = mark.not_valid_after_utc.date().isoformat()
        found.summary = t(
            "mark certificate for {name}, valid until {until}", name=_common_name(mark), until=until
        )
    return found


def _common_name(cert: object) -> str:
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    assert isinstance(cert, x509.Certificate)
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    if names:
        value = names[0].value
        return value if isinstance(value, str) else value.decode("utf-8", "replace")
    return cert.subject.rfc4514_string() or "(no subject)"
