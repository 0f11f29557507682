"""The ranking of institutions: an explainable score from their assessments.

Plain Python over the assessments of each institution (level, score 0-100, date), no store, so the
maths is tested by hand-worked examples (tests/test_ranking.py).

- **Weight** of an assessment = level weight x recency weight. Level weights: an office visit
  (COUNTY, PROVINCIAL, NATIONAL) and an EXPERT 1.0 (independent, trained assessors); GUILD and
  STAKEHOLDER 0.6 (informed, not independent); SELF 0.3 (the institution marking its own work).
  Recency weight = 0.5 ^ (age in days / 365): a year-old assessment counts half as much as one of
  today. Assessments dated after ``as_of`` are ignored.
- **Score** = the weighted mean of the scores, rounded to 1 decimal.
- **Confidence** from the total weight W: NONE (no assessment), LOW (W < 1: less than one fresh
  office visit's worth), MEDIUM (1 <= W < 2), HIGH (W >= 2).
- **Disagreement**: the latest self-assessment is more than 20 points above the weighted mean of
  the office assessments (recency weights only).
- **Grade**: A >= 85, B >= 70, C >= 50, D below 50.
- **Rank**: by score (descending), then key; equal scores share a rank number and the next score
  takes the rank it would have had ("1, 2, 2, 4"). Institutions with no assessment come last, in
  key order, with no score and no rank.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum

from graph_model.supervision.reading import Assessment

HALF_LIFE_DAYS = 365
LEVEL_WEIGHTS = {"COUNTY": 1.0, "PROVINCIAL": 1.0, "NATIONAL": 1.0, "EXPERT": 1.0,
                 "GUILD": 0.6, "STAKEHOLDER": 0.6, "SELF": 0.3}
OFFICE_LEVELS = frozenset({"COUNTY", "PROVINCIAL", "NATIONAL"})
CONFIDENCE_MEDIUM = 1.0  # total weight from which confidence is MEDIUM
CONFIDENCE_HIGH = 2.0  # ... and HIGH
DISAGREEMENT_POINTS = 20.0
GRADES = (("A", 85.0), ("B", 70.0), ("C", 50.0), ("D", float("-inf")))


class Confidence(str, Enum):
    NONE = "NONE"
    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"


@dataclass(frozen=True)
class Contribution:
    assessment: str
    level: str
    date: dt.date
    score: float
    weight: float  # level weight x recency weight
    share: float  # weight / total weight: the part of the result this assessment makes


@dataclass(frozen=True)
class Score:
    key: str
    score: float | None
    total_weight: float
    confidence: Confidence
    grade: str | None
    disagreement: bool
    latest_self: float | None
    office_mean: float | None
    contributions: tuple[Contribution, ...]


@dataclass(frozen=True)
class Ranked:
    rank: int | None
    position: int  # 0-based place in the whole ranking (the cursor's sort value)
    score: Score


def recency(age_days: int) -> float:
    return float(0.5 ** (age_days / HALF_LIFE_DAYS))


def grade(score: float) -> str:
    return next(letter for letter, floor in GRADES if score >= floor)


def confidence(total_weight: float, count: int) -> Confidence:
    if count == 0:
        return Confidence.NONE
    if total_weight >= CONFIDENCE_HIGH:
        return Confidence.HIGH
    return Confidence.MEDIUM if total_weight >= CONFIDENCE_MEDIUM else Confidence.LOW


class Recency(dict[dt.date, float]):
    """The recency weight of each day as of ``as_of``, worked out once per day: a national plan weighs
    ~30,000 assessments dated on a few thousand days."""

    def __init__(self, as_of: dt.date) -> None:
        super().__init__()
        self.as_of = as_of

    def __missing__(self, day: dt.date) -> float:
        weight = self[day] = 0.5 ** ((self.as_of - day).days / HALF_LIFE_DAYS)
        return weight


def mean(assessments: Iterable[Assessment], as_of: dt.date, recency: Recency | None = None) -> float | None:
    """Just the score of ``score`` (no explanation): what the plan's LOW_SCORE needs, for thousands at
    once (``recency``: the weights of ``as_of``, shared by the calls of one plan)."""
    weights = recency if recency is not None and recency.as_of == as_of else Recency(as_of)
    total = weighted = 0.0
    for a in assessments:
        level = LEVEL_WEIGHTS.get(a.level)
        if level is None or a.date > as_of:
            continue
        w = level * weights[a.date]
        total += w
        weighted += w * a.score
    return round(weighted / total, 1) if total > 0 else None


def score(key: str, assessments: Iterable[Assessment], as_of: dt.date) -> Score:
    """One institution's score on ``as_of``."""
    used = sorted((a for a in assessments if a.date <= as_of and a.level in LEVEL_WEIGHTS),
                  key=lambda a: (a.date, a.key))
    weights = [LEVEL_WEIGHTS[a.level] * recency((as_of - a.date).days) for a in used]
    total = sum(weights)
    if not used or total <= 0:
        return Score(key, None, 0.0, Confidence.NONE, None, False, None, None, ())
    mean = sum(w * a.score for w, a in zip(weights, used, strict=True)) / total
    office = [(recency((as_of - a.date).days), a.score) for a in used if a.level in OFFICE_LEVELS]
    office_mean = sum(w * s for w, s in office) / sum(w for w, _ in office) if office else None
    selves = [a for a in used if a.level == "SELF"]
    latest_self = selves[-1].score if selves else None
    disagree = (latest_self is not None and office_mean is not None
                and latest_self - office_mean > DISAGREEMENT_POINTS)
    value = round(mean, 1)
    contributions = tuple(Contribution(a.key, a.level, a.date, a.score, w, w / total)
                          for w, a in zip(weights, used, strict=True))
    return Score(key, value, total, confidence(total, len(used)), grade(value), disagree, latest_self,
                 None if office_mean is None else round(office_mean, 1), contributions)


def rank(scores: Sequence[Score]) -> list[Ranked]:
    """Scored institutions by score then key, sharing the rank of an equal score; then the unscored by key."""
    scored = sorted((s for s in scores if s.score is not None), key=lambda s: (-(s.score or 0.0), s.key))
    unscored = sorted((s for s in scores if s.score is None), key=lambda s: s.key)
    out: list[Ranked] = []
    for n, s in enumerate(scored):
        shared = n > 0 and scored[n - 1].score == s.score
        out.append(Ranked(out[-1].rank if shared else n + 1, n, s))
    out += [Ranked(None, len(scored) + n, s) for n, s in enumerate(unscored)]
    return out


def order_key(score: float | None, key: str) -> tuple[bool, float, str]:
    """Where a (score, key) stands in the ranking: the order ``rank`` lists, and a cursor resumes from."""
    return (score is None, -(score or 0.0), key)


def resume(ranked: Sequence[Ranked], score: float | None, key: str) -> int:
    """The index of the first entry after the position (score, key): a page after a cursor."""
    mark = order_key(score, key)
    return next((n for n, r in enumerate(ranked) if order_key(r.score.score, r.score.key) > mark), len(ranked))
