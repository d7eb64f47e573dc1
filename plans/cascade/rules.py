"""Which rows of a higher plan concern the communes below: a rule the page shows, not a black box.

A row concerns communes when its lead or its partners (the row's own, or its section's when the row
has none) name the commune level — "UBND cấp xã", "UBND các xã, phường, thị trấn", "UBND xã" … In a
province's plan from before the 2025 reorganisation (the plan year 2025 or earlier), naming the
districts ("UBND các huyện, thành phố", "UBND cấp huyện") counts too: the province then reached its
communes through them. A district's own plan naming "UBND huyện" means the district itself, so it
does not count there.
"""

import re
import unicodedata
from dataclasses import dataclass

# (label shown to the user, pattern over the normalised text)
COMMUNE_PHRASES = (
    ("UBND cấp xã", r"cấp xã"),
    ("UBND các xã, phường, thị trấn", r"các xã|xã,\s*phường|phường,\s*xã|xã,\s*thị trấn|xã,\s*đặc khu"),
    ("UBND xã", r"(ubnd|ủy ban nhân dân|uỷ ban nhân dân)\s+(các\s+)?(xã|phường|thị trấn|đặc khu)"),
)
DISTRICT_PHRASES = (
    ("UBND cấp huyện (trước 2025)", r"cấp huyện"),
    (
        "UBND các huyện, thành phố (trước 2025)",
        r"huyện,\s*(thị xã,\s*)?thành phố|huyện,\s*thị xã|các huyện|"
        r"(ubnd|ủy ban nhân dân|uỷ ban nhân dân)\s+(các\s+)?huyện",
    ),
)
LAST_YEAR_WITH_DISTRICTS = 2025


def normalise(text):
    return " ".join(unicodedata.normalize("NFC", text or "").lower().split())


@dataclass(frozen=True)
class Match:
    phrase: str  # the rule's label: "UBND cấp xã"
    cell: str  # "chủ trì" / "phối hợp"


def rule_phrases(*, source_is_province, year):
    """The phrases the rule looks for in a plan of that level and year, for the page to show."""
    phrases = list(COMMUNE_PHRASES)
    if source_is_province and year <= LAST_YEAR_WITH_DISTRICTS:
        phrases += DISTRICT_PHRASES
    return phrases


def concerns_communes(lead, partners, *, source_is_province, year):
    """The first Match of the rule in the lead, then the partners; None when the row is not for communes."""
    phrases = rule_phrases(source_is_province=source_is_province, year=year)
    for cell, text in (("chủ trì", lead), ("phối hợp", partners)):
        normalised = normalise(text)
        for label, pattern in phrases:
            if re.search(pattern, normalised):
                return Match(phrase=label, cell=cell)
    return None


def section_key(title):
    """A section's title compared across plans: case, spacing, a leading number and a trailing colon ignored."""
    text = normalise(title)
    text = re.sub(r"^([ivxlc]+|\d+)[.)]?\s+", "", text)
    return text.rstrip(" :.")
