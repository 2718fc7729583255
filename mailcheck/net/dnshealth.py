"""Whether DNS answered this run at all: one cause behind many "could not verify" findings.

Every DNS question of a run — the link checker's address lookups, SPF, DKIM, DMARC, the
blocklists — is noted here as heard (any response: an address, NXDOMAIN, NODATA, SERVFAIL)
or unheard (a timeout, no route to the nameserver). A run in which nothing was heard and
something was asked has a silent resolver: every check that waited for DNS failed for that
one reason, which NET001 reports once per campaign instead of once per check.

A resolver can also be heard and still answer no name at all: one that says NXDOMAIN to
every name (a CI runner or a corporate resolver that blocks outside names). Its NXDOMAIN
proves nothing. Whether some answer of the run ``proved`` that a name exists (a record, or
NODATA: the name is there without that type) is noted here too, for the link checker's
lookups and the sender checks' alike: the run's one notion of "the resolver answers names,
so its NXDOMAIN is proof". An NXDOMAIN never counts (``_dmarc.`` names, DKIM selectors and
blocklist entries do not exist as a rule), nor a failure.

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
    proved: bool = False  # some answer showed a name exists: this run's NXDOMAIN is proof

    def note(self, resolver: str, *, heard: bool) -> None:
        if heard:
            self.heard = True
        else:
            self.unheard.add(resolver)

    def note_exists(self) -> None:
        """An answer showed that a name exists (a record, or NODATA)."""
        self.proved = True

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

    def nxdomain_unproven(self) -> str:
        """Why this run's NXDOMAIN answers prove nothing ("" when they are proof)."""
        if self.proved:
            return ""
        return t(
            "the resolver answered no name of this run (not one was found to exist), so its "
            "NXDOMAIN proves nothing"
        )
