"""A message a mailing list relayed: whose List-Unsubscribe header it carries.

A list manager (Mailman, ezmlm, Google Groups …) that relays a message to its subscribers
writes its own List-* fields (RFC 2369, RFC 2919) and replaces the List-Unsubscribe the sender
wrote with its own "leave the list" address. The header a received copy then carries is the
list's: it says nothing of the sender's one-click unsubscribe, and is not the sender's to fix.

Told only from headers that prove it: the list's name (List-Id, or the List-Post address), a
mark of a list manager (Mailman's X-Mailman-Version, the Mailing-List field ezmlm and Google
Groups write, a List-Post address to post to: a newsletter takes no posts), every
List-Unsubscribe address on the list's domain,
and a sender (From) on another domain: a list's own mailing (news@acme.org through
lists.acme.org) is the sender's header, the sender's to fix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.utils import parseaddr

from mailcheck.domains import ascii_host, host_of, org_domain

# RFC 2919: the list identifier, in angle brackets after an optional phrase
_LIST_ID = re.compile(r"<\s*([^<>\s]+)\s*>")
_ANGLE = re.compile(r"<\s*([^<>]+?)\s*>")
_ADDRESS_DOMAIN = re.compile(r"@([^\s<>@?,;]+)")


@dataclass(frozen=True)
class ListRelay:
    list_id: str  # the list's identifier (List-Id, else its posting address): its name
    unsubscribe: tuple[str, ...]  # the list's List-Unsubscribe addresses, as written


def _field(headers: dict[str, str], name: str) -> str | None:
    return next((v for k, v in headers.items() if k.lower() == name), None)


def _domain(target: str) -> str:
    """The domain a List-Unsubscribe address is on: a mailto:'s mailbox domain, a URL's host."""
    if target.lower().startswith("mailto:"):
        found = _ADDRESS_DOMAIN.search(target)
        return found.group(1).rstrip(".").lower() if found else ""
    return host_of(target)


def _organisation(domain: str) -> str:
    return org_domain(ascii_host(domain)) if domain else ""


def list_relay(headers: dict[str, str] | None) -> ListRelay | None:
    """The list that relayed the message and wrote its List-Unsubscribe, when the headers
    prove one did (see the module's docstring); None otherwise."""
    if not headers:
        return None
    list_id = _LIST_ID.search(_field(headers, "list-id") or "")
    # the address members post to (a newsletter takes no posts: "List-Post: NO")
    posts = [
        target[7:].split("?", 1)[0]
        for target in _ANGLE.findall(_field(headers, "list-post") or "")
        if target.lower().startswith("mailto:") and "@" in target
    ]
    managed = (
        bool(posts)
        or _field(headers, "x-mailman-version") is not None
        or _field(headers, "mailing-list") is not None
    )
    if not managed or not (list_id or posts):
        return None
    identifier = list_id.group(1).lower() if list_id else posts[0].lower()
    organisation = _organisation(identifier.rsplit("@", 1)[-1])
    targets = tuple(_ANGLE.findall(_field(headers, "list-unsubscribe") or ""))
    if not targets or any(_organisation(_domain(t)) != organisation for t in targets):
        return None  # (some of) the header is not the list's: the sender's, as written
    _name, sender = parseaddr(_field(headers, "from") or "")
    if "@" not in sender or _organisation(sender.rpartition("@")[2].lower()) == organisation:
        return None  # the list's own mailing: its header is the sender's
    return ListRelay(identifier, targets)
