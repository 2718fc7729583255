"""MTA-STS policies (RFC 8461 "SMTP MTA Strict Transport Security"): read, judged, matched.

A domain with a valid ``_mta-sts`` TXT record serves its policy at
``https://mta-sts.<domain>/.well-known/mta-sts.txt``. What a sending MTA does with it
(RFC 8461 §3.3, §5): the answer must be a 200 with the media type ``text/plain`` from a
host whose certificate is valid for that name, and redirects are not followed. A policy it
cannot fetch or parse is treated as no policy at all: mail is delivered as before. A valid
policy in ``enforce`` mode makes compliant senders deliver only to MX hosts matched by its
``mx:`` patterns (a pattern ``*.example.net`` matches exactly one extra leftmost label).
"""

from __future__ import annotations

from dataclasses import dataclass

from mailcheck.domain_health import Fetched, PolicyFile
from mailcheck.i18n import Joined, t

POLICY_PATH = "/.well-known/mta-sts.txt"
POLICY_LIMIT = 65536  # bytes; larger policies are refused by common senders (Google: 64 KB)
MODES = ("enforce", "testing", "none")
MAX_AGE_LIMIT = 31557600  # RFC 8461 §3.2: one year


def policy_url(domain: str) -> str:
    return f"https://mta-sts.{domain}{POLICY_PATH}"


@dataclass(frozen=True)
class Policy:
    mode: str
    mx: tuple[str, ...]  # patterns, lower case
    max_age: int


def parse_policy(text: str) -> tuple[Policy | None, list[str]]:
    """The policy, or None with what makes it invalid (RFC 8461 §3.2).

    ``key: value`` lines (CRLF, though LF is read too); unknown keys are ignored; a key other
    than ``mx`` given twice keeps its first value.
    """
    fields: dict[str, str] = {}
    mx: list[str] = []
    problems: list[str] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        key, sep, value = line.partition(":")
        if not sep:
            problems.append(t("line {line} is not 'key: value'", line=repr(line.strip())))
            continue
        key, value = key.strip(), value.strip()
        if key == "mx":
            mx.append(value.lower())
        else:
            fields.setdefault(key, value)
    if fields.get("version") != "STSv1":
        problems.append(
            t("version is {value}, not STSv1", value=repr(fields["version"]))
            if "version" in fields
            else t("no version")
        )
    mode = fields.get("mode", "")
    if mode not in MODES:
        problems.append(
            t("mode is {value}, not enforce, testing or none", value=repr(mode))
            if mode
            else t("no mode")
        )
    max_age = fields.get("max_age", "")
    if not max_age:
        problems.append(t("no max_age"))
    elif not max_age.isdigit() or int(max_age) > MAX_AGE_LIMIT:
        problems.append(
            t(
                "max_age {value} is not a number of seconds up to {limit}",
                value=repr(max_age),
                limit=MAX_AGE_LIMIT,
            )
        )
    if mode in ("enforce", "testing") and not mx:
        problems.append(t("no mx: pattern (mode {mode} needs at least one)", mode=mode))
    bad = [p for p in mx if not _valid_pattern(p)]
    if bad:
        problems.append(
            t("mx {patterns} is not a host name or *.domain pattern", patterns=", ".join(bad))
        )
    if problems:
        return None, problems
    return Policy(mode, tuple(mx), int(max_age)), []


def _valid_pattern(pattern: str) -> bool:
    name = pattern.removeprefix("*.")
    labels = name.rstrip(".").split(".")
    return len(labels) >= 2 and all(label and "*" not in label for label in labels)


def matches(pattern: str, host: str) -> bool:
    """Whether an MX host is matched by an ``mx:`` pattern (RFC 8461 §4.1)."""
    host = host.lower().rstrip(".")
    pattern = pattern.lower().rstrip(".")
    if pattern.startswith("*."):
        first, _, rest = host.partition(".")
        return bool(first) and rest == pattern[2:]
    return host == pattern


def uncovered(policy: Policy, hosts: list[str]) -> list[str]:
    """The MX hosts no pattern of the policy matches."""
    return [h for h in hosts if not any(matches(p, h) for p in policy.mx)]


def judge_policy(fetched: Fetched) -> PolicyFile:
    """What a sending MTA makes of the fetched policy file."""
    found = PolicyFile(url=fetched.url)
    if fetched.status is None:
        if fetched.proof:
            found.problem = t("cannot be fetched: {why}", why=fetched.error)
        else:
            found.unverified = fetched.error
        return found
    if 300 <= fetched.status < 400:
        found.problem = (
            t(
                "answers {status} to {url} (senders do not follow redirects)",
                status=fetched.reason,
                url=fetched.location,
            )
            if fetched.location
            else t("answers {status} (senders do not follow redirects)", status=fetched.reason)
        )
        return found
    if fetched.status != 200:
        found.problem = t("answers {status}", status=fetched.reason)
        return found
    if fetched.content_type != "text/plain":
        found.problem = (
            t("is served as {type}, not text/plain", type=fetched.content_type)
            if fetched.content_type
            else t("is served without a Content-Type, not as text/plain")
        )
        return found
    if fetched.too_large:
        found.problem = t("is larger than {size} KB", size=POLICY_LIMIT // 1024)
        return found
    try:
        text = fetched.body.decode("utf-8")
    except UnicodeDecodeError:
        found.problem = t("is not UTF-8 text")
        return found
    found.text = text
    policy, problems = parse_policy(text)
    if policy is None:
        found.problem = t("is invalid: {problems}", problems=Joined("; ", problems))
    found.policy = policy
    return found


def policy_lifetime(fetched: Fetched) -> float | None:
    """How long a fetched policy file may be reused: a valid policy's own ``max_age`` (how long
    RFC 8461 §3.2 lets a sender keep it); None for a file no sender can use (no max_age)."""
    policy = judge_policy(fetched).policy
    return None if policy is None else float(policy.max_age)
