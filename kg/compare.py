"""Cross-plan comparison: plans that implement the same document, or share province and year, compared
requirement by requirement (same / changed / only in one plan). Pure: no RDF, no I/O but package data.
"""

from __future__ import annotations

import tomllib
import unicodedata
from dataclasses import dataclass
from enum import Enum
from functools import cache
from importlib import resources
from itertools import combinations

from kg.errors import KgError
from kg.normalise.model import DocumentReference, LiftedPlan, LiftedRequirement
from kg.normalise.slugs import slugify

SETTINGS_FILE = "comparison.toml"
SAME_PROVINCE_AND_YEAR = "same-province-and-year"
SAME_IMPLEMENTED_DOCUMENT = "same-implemented-document"


class Relation(str, Enum):
    """How a requirement relates to its counterpart in another plan."""

    SAME = "same"  # 相同: near word for word
    CHANGED = "changed"  # 有改动: recognisably the same requirement, reworded


@dataclass(frozen=True)
class Thresholds:
    """Similarity thresholds and the measure's description, from kg/data/comparison.toml."""

    measure: str
    same: float
    changed: float

    def relation(self, similarity: float) -> Relation | None:
        """Same, changed, or None (not a counterpart)."""
        if similarity >= self.same:
            return Relation.SAME
        if similarity >= self.changed:
            return Relation.CHANGED
        return None

    def describe(self) -> str:
        return f"{self.measure}; same ≥ {self.same:.2f}, changed ≥ {self.changed:.2f}"


@dataclass(frozen=True)
class Correspondence:
    """A requirement of one plan paired with its counterpart in the other."""

    from_plan: str  # plan slug
    from_key: str  # requirement key within its plan (the printed 序号, or u<order>)
    to_plan: str
    to_key: str
    similarity: float  # 0..1, rounded to 3 places
    relation: Relation


@dataclass(frozen=True)
class Unmatched:
    """A requirement with no counterpart in the other plan of the comparison."""

    plan: str
    key: str


@dataclass(frozen=True)
class PlanComparison:
    """Two plans compared requirement by requirement, and why they were compared."""

    from_plan: str  # slug; the pair is ordered by slug
    to_plan: str
    titles: tuple[str, str]  # the two plans' titles, in the same order
    bases: tuple[str, ...]  # SAME_IMPLEMENTED_DOCUMENT and/or SAME_PROVINCE_AND_YEAR
    shared_documents: tuple[DocumentReference, ...]  # higher documents both plans implement
    province: tuple[str, str] | None  # (name, region slug) when the plans share province and year
    method: str  # the similarity measure and thresholds, as text
    correspondences: tuple[Correspondence, ...]
    unmatched: tuple[Unmatched, ...]

    def relation_counts(self) -> dict[str, int]:
        """same / changed / only-in-<slug> counts, for summaries and tests."""
        counts = {r.value: 0 for r in Relation}
        for c in self.correspondences:
            counts[c.relation.value] += 1
        for slug in (self.from_plan, self.to_plan):
            counts[f"only-in-{slug}"] = sum(1 for u in self.unmatched if u.plan == slug)
        return counts


@cache
def load_thresholds() -> Thresholds:
    """The thresholds of kg/data/comparison.toml (read once); KgError unless 0 ≤ changed ≤ same ≤ 1."""
    text = resources.files("kg.data").joinpath(SETTINGS_FILE).read_text(encoding="utf-8")
    data = tomllib.loads(text)
    try:
        thresholds = Thresholds(str(data["measure"]), float(data["same"]), float(data["changed"]))
    except (KeyError, TypeError, ValueError) as error:
        raise KgError(f"kg/data/{SETTINGS_FILE}: needs measure, same and changed ({error})") from None
    if not 0 <= thresholds.changed <= thresholds.same <= 1:
        raise KgError(f"kg/data/{SETTINGS_FILE}: thresholds must satisfy 0 ≤ changed ≤ same ≤ 1")
    return thresholds


# --- which plans are compared ------------------------------------------------------------------------
def province_of(plan: LiftedPlan) -> tuple[str, str]:
    """The plan's province as (name, region slug): the outermost parent region, or the region itself."""
    if plan.region.parents:
        name = plan.region.parents[0]
        return name, slugify(name)
    return plan.region.name, plan.region.slug


def document_key(ref: DocumentReference) -> str:
    """One key per document: its canonical number, else its title (as kg.rdf mints one IRI per document)."""
    if ref.number is not None:
        return ref.number.canonical
    return "title:" + slugify(ref.title or ref.printed)


def comparison_bases(a: LiftedPlan, b: LiftedPlan) -> tuple[tuple[str, ...], tuple[DocumentReference, ...]]:
    """Why two plans are comparable (empty when they are not) and the higher documents both implement."""
    keys_b = {document_key(ref) for ref in b.implements}
    shared, seen = [], set()
    for ref in a.implements:
        key = document_key(ref)
        if key in keys_b and key not in seen:
            seen.add(key)
            shared.append(ref)
    bases = [SAME_IMPLEMENTED_DOCUMENT] if shared else []
    if a.year == b.year and province_of(a) == province_of(b):
        bases.append(SAME_PROVINCE_AND_YEAR)
    return tuple(bases), tuple(shared)


# --- similarity and pairing ---------------------------------------------------------------------------
def comparable_text(text: str) -> str:
    """The characters that carry meaning: whitespace and punctuation dropped (。，、“” differ freely)."""
    return "".join(ch for ch in text if not ch.isspace() and not unicodedata.category(ch).startswith("P"))


def bigrams(text: str) -> frozenset[str]:
    """Character bigrams of the comparable text (a single character counts as its own bigram)."""
    chars = comparable_text(text)
    if len(chars) == 1:
        return frozenset({chars})
    return frozenset(chars[i:i + 2] for i in range(len(chars) - 1))


def similarity(a: str, b: str) -> float:
    """Jaccard index of the two texts' character bigrams, 0..1."""
    return _jaccard(bigrams(a), bigrams(b))


def _jaccard(x: frozenset[str], y: frozenset[str]) -> float:
    return len(x & y) / len(x | y) if x and y else 0.0


def _text(req: LiftedRequirement) -> str:
    return req.row.text.text if req.row.text else ""


def pair_requirements(a: LiftedPlan, b: LiftedPlan, thresholds: Thresholds) -> tuple[
        list[Correspondence], list[Unmatched]]:
    """Pair the requirements one-to-one, greedily by best score (ties in document order).

    Requirements without a recovered text take no part: nothing can be said about their counterparts.
    """
    left = [r for r in a.requirements if comparable_text(_text(r))]
    right = [r for r in b.requirements if comparable_text(_text(r))]
    right_bigrams = [bigrams(_text(r)) for r in right]
    candidates = []
    for r in left:
        grams = bigrams(_text(r))
        for j, other in enumerate(right_bigrams):
            score = round(_jaccard(grams, other), 3)  # thresholds apply to the score as published
            if score >= thresholds.changed:
                candidates.append((-score, r.row.order, right[j].row.order, r, right[j], score))
    candidates.sort(key=lambda c: c[:3])
    taken_left: set[str] = set()
    taken_right: set[str] = set()
    pairs = []
    for *_, r, s, score in candidates:
        if r.key in taken_left or s.key in taken_right:
            continue
        taken_left.add(r.key)
        taken_right.add(s.key)
        relation = thresholds.relation(score) or Relation.CHANGED  # candidates are at least `changed` similar
        pairs.append(Correspondence(a.slug, r.key, b.slug, s.key, score, relation))
    order = {r.key: r.row.order for r in a.requirements}
    pairs.sort(key=lambda c: order[c.from_key])
    unmatched = [Unmatched(a.slug, r.key) for r in left if r.key not in taken_left]
    unmatched += [Unmatched(b.slug, s.key) for s in right if s.key not in taken_right]
    return pairs, unmatched


def compare_pair(a: LiftedPlan, b: LiftedPlan, thresholds: Thresholds | None = None) -> PlanComparison | None:
    """Compare two plans if they are comparable (same implemented document, or same province and year)."""
    if b.slug < a.slug:
        a, b = b, a
    bases, shared = comparison_bases(a, b)
    if not bases:
        return None
    thresholds = thresholds or load_thresholds()
    pairs, unmatched = pair_requirements(a, b, thresholds)
    return PlanComparison(
        from_plan=a.slug, to_plan=b.slug, titles=(a.parsed.plan_title, b.parsed.plan_title), bases=bases,
        shared_documents=shared,
        province=province_of(a) if SAME_PROVINCE_AND_YEAR in bases else None,
        method=thresholds.describe(), correspondences=tuple(pairs), unmatched=tuple(unmatched))


def compare_plans(plans: list[LiftedPlan], thresholds: Thresholds | None = None) -> list[PlanComparison]:
    """Every comparable pair of plans, compared requirement by requirement, ordered by the plans' slugs."""
    found = (compare_pair(a, b, thresholds) for a, b in combinations(plans, 2))
    return sorted((c for c in found if c is not None), key=lambda c: (c.from_plan, c.to_plan))
