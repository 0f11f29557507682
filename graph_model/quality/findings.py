"""What a data-quality finding is, its kinds, and how findings are ordered and shown to a caller.

Each finding names the records involved (``subjects``: label and key), says what is wrong and what
to do about it in English and Persian (as the supervision plan's reasons do), and carries the county
and province it lies in so a province-scoped caller sees only its own. ``personal`` marks a finding
that involves an individual donor: its keys, names and phones are personal data, so for a caller
without the PERSONAL right the finding is dropped whole, before counting, ordering or paging
(``visible``): no count, position or message tells that it exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Severity(str, Enum):
    HIGH = "HIGH"  # the register is wrong about what is allowed (an unlicensed or expired service)
    MEDIUM = "MEDIUM"  # a record is probably wrong (a duplicate, an impossible date)
    LOW = "LOW"  # a record is incomplete


class Kind(str, Enum):
    DUPLICATE_INSTITUTION = "DUPLICATE_INSTITUTION"
    DUPLICATE_DONOR = "DUPLICATE_DONOR"
    INSTITUTION_WITHOUT_COORDINATES = "INSTITUTION_WITHOUT_COORDINATES"
    INSTITUTION_WITHOUT_SERVICES = "INSTITUTION_WITHOUT_SERVICES"
    OFFER_WITHOUT_LICENCE = "OFFER_WITHOUT_LICENCE"
    EXPIRED_LICENCE_ON_ACTIVE_SERVICE = "EXPIRED_LICENCE_ON_ACTIVE_SERVICE"
    DONOR_WITHOUT_DONATIONS = "DONOR_WITHOUT_DONATIONS"
    DATE_OUT_OF_RANGE = "DATE_OUT_OF_RANGE"


# What each kind means, for the API's enum and the README.
DESCRIPTIONS: dict[Kind, str] = {
    Kind.DUPLICATE_INSTITUTION: "Two or more institutions with the same normalised name (Persian or English: ي/ی, "
                                "ك/ک, digits, ZWNJ and case do not matter) in the same county, or the same phone.",
    Kind.DUPLICATE_DONOR: "Two or more donors with the same normalised name based in the same province, or the "
                          "same phone.",
    Kind.INSTITUTION_WITHOUT_COORDINATES: "An institution with no latitude or longitude: it is missing from maps "
                                          "and distance-based coverage.",
    Kind.INSTITUTION_WITHOUT_SERVICES: "An institution that offers no service: it counts for no coverage.",
    Kind.OFFER_WITHOUT_LICENCE: "An institution offers a service that no licence of it in force (ACTIVE, issued, "
                                "not expired) covers.",
    Kind.EXPIRED_LICENCE_ON_ACTIVE_SERVICE: "A licence still marked ACTIVE whose expiry has passed, covering a "
                                            "service its institution still offers.",
    Kind.DONOR_WITHOUT_DONATIONS: "A donor with no recorded gift, to an institution or an event.",
    Kind.DATE_OUT_OF_RANGE: "A date in the future where only the past makes sense (founding, issue, renewal "
                            "request, assessment, gift), before 1900-01-01, or a licence expiring before it "
                            "was issued, an event ending before it starts.",
}

SEVERITY: dict[Kind, Severity] = {
    Kind.DUPLICATE_INSTITUTION: Severity.MEDIUM,
    Kind.DUPLICATE_DONOR: Severity.MEDIUM,
    Kind.INSTITUTION_WITHOUT_COORDINATES: Severity.LOW,
    Kind.INSTITUTION_WITHOUT_SERVICES: Severity.LOW,
    Kind.OFFER_WITHOUT_LICENCE: Severity.HIGH,
    Kind.EXPIRED_LICENCE_ON_ACTIVE_SERVICE: Severity.HIGH,
    Kind.DONOR_WITHOUT_DONATIONS: Severity.LOW,
    Kind.DATE_OUT_OF_RANGE: Severity.MEDIUM,
}
_SEVERITY_RANK = {Severity.HIGH: 0, Severity.MEDIUM: 1, Severity.LOW: 2}
_KIND_RANK = {k: i for i, k in enumerate(Kind)}


@dataclass(frozen=True)
class Finding:
    kind: Kind
    subjects: tuple[tuple[str, str], ...]  # (label, key) of each record involved, in a stable order
    message_en: str
    message_fa: str
    fix_en: str
    fix_fa: str
    county: str | None = None  # where it lies (None: a donor, placed by province only)
    province: str | None = None  # None: a donor placed in no province
    personal: bool = False  # it involves an individual donor
    field: str = ""  # the property a date finding is about (one record may hold two wrong dates)

    @property
    def severity(self) -> Severity:
        return SEVERITY[self.kind]

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(key for _, key in self.subjects)

    @property
    def id(self) -> str:
        """Stable across runs while the records stay: the kind and the keys."""
        return f"{self.kind.value}:{'|'.join(self.keys)}" + (f"/{self.field}" if self.field else "")

    @property
    def sort_key(self) -> str:
        """Severity, kind, then keys: the report's order, and what a page cursor holds."""
        return f"{_SEVERITY_RANK[self.severity]}{_KIND_RANK[self.kind]:02d}|{'|'.join(self.keys)}/{self.field}"


def ordered(findings: list[Finding]) -> list[Finding]:
    """The findings in report order, each once (the same records found twice, e.g. by name and by phone,
    are one finding)."""
    unique: dict[str, Finding] = {}
    for f in findings:
        unique.setdefault(f.id, f)  # the first: a duplicate pair is told by its name before its phone
    return sorted(unique.values(), key=lambda f: f.sort_key)


def visible(findings: list[Finding], personal: bool) -> list[Finding]:
    """What a caller may see: everything with the PERSONAL right, else all but the findings involving an
    individual donor (dropped whole, so no count, order or message betrays them)."""
    return findings if personal else [f for f in findings if not f.personal]
