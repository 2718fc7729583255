"""Whether DNS answered this run at all: one cause behind many "could not verify" findings.

Every DNS question of a run — the link checker's address lookups, SPF, DKIM, DMARC, the
blocklists — is noted here as heard (any response: an address, NXDOMAIN, NODATA, SERVFAIL)
or unheard (a timeout, no route to the nameserver). A run in which nothing was heard and
something was asked has a silent resolver: every check that waited for DNS failed for that
one reason, which NET001 reports once per campaign instead of once per check.

This module imports nothing heavy: the link checker shares it without loading dnspython.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mailcheck.i18n import Joined, t


@dataclass
class DnsHealth:
    """Shared by every resolver of one run."""

    heard: bool = False
    unheard: set[str] = field(default_factory=set)  # the resolvers asked in vain, by name

    def note(self, resolver: str, *, heard: bool) -> None:
        if heard:
            self.heard = True
        else:
            self.unheard.add(resolver)

    @property
    def silent(self) -> bool:
        """Something was asked and nothing, anywhere, was answered."""
        return not self.heard and bool(self.unheard)

    def reason(self) -> str:
        """Why the run's network checks could not be made ("" when DNS answered)."""
        if not self.silent:
            return ""
        return t(
            "DNS answered none of this run's questions (asked: {resolvers})",
            resolvers=Joined(", ", sorted(self.unheard)),
        )
