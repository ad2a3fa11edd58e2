"""Cross-plan comparison: a plan and the plan it implements, and sibling plans (implementing the same
document, or of the same province and year: each with its nearest siblings), compared requirement by
requirement (same / changed / only in one plan). Pure: no RDF, no I/O but package data.
"""

from __future__ import annotations

import tomllib
import unicodedata
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import Enum
from functools import cache
from importlib import resources
from itertools import combinations, count, repeat
from typing import TypeVar

from kg.errors import KgError
from kg.normalise.model import DocumentReference, LiftedPlan, LiftedRequirement
from kg.normalise.slugs import slugify

SETTINGS_FILE = "comparison.toml"
T = TypeVar("T")
SAME_PROVINCE_AND_YEAR = "same-province-and-year"
SAME_IMPLEMENTED_DOCUMENT = "same-implemented-document"
IMPLEMENTS_THE_OTHER = "implements-the-other"  # one plan implements the other (落实上级方案)


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


@dataclass(frozen=True)
class PartnerRule:
    """How many siblings each plan is compared with, from the [partners] table of kg/data/comparison.toml."""

    nearest: int  # k: each plan's k most similar siblings in a group of more than k + 1 plans
    divide_above: int  # a larger group is compared within each province of it
    sketch_one_in: int  # plan similarity looks at one bigram in this many (kg.compare.plan_sketch)


@cache
def load_partner_rule() -> PartnerRule:
    """The partner rule of kg/data/comparison.toml (read once); KgError unless 1 ≤ nearest < divide_above."""
    text = resources.files("kg.data").joinpath(SETTINGS_FILE).read_text(encoding="utf-8")
    try:
        table = tomllib.loads(text)["partners"]
        rule = PartnerRule(int(table["nearest"]), int(table["divide_above"]), int(table["sketch_one_in"]))
    except (KeyError, TypeError, ValueError) as error:
        raise KgError(f"kg/data/{SETTINGS_FILE}: needs [partners] nearest, divide_above and sketch_one_in "
                      f"({error})") from None
    if not 1 <= rule.nearest < rule.divide_above or rule.sketch_one_in < 1:
        raise KgError(f"kg/data/{SETTINGS_FILE}: [partners] must satisfy 1 ≤ nearest < divide_above, "
                      "sketch_one_in ≥ 1")
    return rule


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
    if implements_plan(a, b) or implements_plan(b, a):
        bases.append(IMPLEMENTS_THE_OTHER)
    return tuple(bases), tuple(shared)


def plan_document_keys(plan: LiftedPlan) -> frozenset[str]:
    """The keys a lower plan cites this plan by: its notice's 发文字号, and its title."""
    def keys() -> frozenset[str]:
        own = {"title:" + slugify(plan.parsed.plan_title)}
        if plan.notice_number is not None:
            own.add(document_key(plan.notice_number))
        return frozenset(own)

    return _memo("own keys", (plan.parsed, plan.notice_number), keys)


def implemented_keys(plan: LiftedPlan) -> frozenset[str]:
    """The document keys of what the plan implements."""
    return _memo("implements", (plan.implements,), lambda: frozenset(document_key(ref) for ref in plan.implements))


def implements_plan(child: LiftedPlan, parent: LiftedPlan) -> bool:
    """Whether ``child`` names ``parent`` (by number or title) among the documents it implements."""
    return child is not parent and not implemented_keys(child).isdisjoint(plan_document_keys(parent))


# --- similarity and pairing ---------------------------------------------------------------------------
class _Dropped(dict):
    """A str.translate table that deletes whitespace and punctuation, filled as characters are met."""

    def __missing__(self, code: int) -> int | None:
        ch = chr(code)
        self[code] = None if ch.isspace() or unicodedata.category(ch).startswith("P") else code
        return self[code]


_DROPPED = _Dropped()


def comparable_text(text: str) -> str:
    """The characters that carry meaning: whitespace and punctuation dropped (。，、“” differ freely)."""
    return text.translate(_DROPPED)


def bigrams(text: str) -> frozenset[str]:
    """Character bigrams of the comparable text (a single character counts as its own bigram)."""
    chars = comparable_text(text)
    if len(chars) == 1:
        return frozenset({chars})
    return frozenset(map(str.__add__, chars, chars[1:]))


def similarity(a: str, b: str) -> float:
    """Jaccard index of the two texts' character bigrams, 0..1."""
    return _jaccard(bigrams(a), bigrams(b))


def _jaccard(x: frozenset[str], y: frozenset[str]) -> float:
    if not x or not y:
        return 0.0
    shared = len(x & y)
    return shared / (len(x) + len(y) - shared)  # |x ∪ y| without building the union


def _text(req: LiftedRequirement) -> str:
    return req.row.text.text if req.row.text else ""


_MEMOS: dict[str, OrderedDict] = {}  # what → {ids of its inputs: (the inputs, value)}, least recent first
# a plan's requirement bigrams take some 200 kB: only the plans compared lately keep theirs
_MEMO_LIMITS = {"requirements": 256}


def _memo(what: str, inputs: tuple, make: Callable[[], T]) -> T:
    """``make()``, computed once per process for the same (immutable) ``inputs``: a plan is compared with
    several others. Keyed by the inputs' identities, which the memo holds so that they stay valid."""
    memo = _MEMOS.setdefault(what, OrderedDict())
    key = tuple(map(id, inputs))
    found = memo.get(key)
    if found is not None and all(a is b for a, b in zip(found[0], inputs)):
        memo.move_to_end(key)
        return found[1]
    value = memo[key] = (inputs, make())
    if len(memo) > _MEMO_LIMITS.get(what, 100_000):
        memo.popitem(last=False)
    return value[1]


def forget_memos() -> None:
    """Let go of every memo (and the plans it holds): comparing is done."""
    _MEMOS.clear()


def requirement_bigrams(plan: LiftedPlan) -> list[tuple[LiftedRequirement, frozenset[str]]]:
    """The requirements with a recovered text, each with its bigrams, in document order."""
    return _memo("requirements", (plan.requirements,),
                 lambda: [(r, bigrams(_text(r))) for r in plan.requirements if comparable_text(_text(r))])


class _Sampled(dict):
    """Whether a bigram is in the sketches: a fixed one in ``one_in`` by CRC-32 (the same in every run and
    process, unlike hash()), so two plans' sketches keep the same bigrams of what they share."""

    def __init__(self, one_in: int) -> None:
        super().__init__()
        self.one_in = one_in

    def __missing__(self, gram: str) -> bool:
        self[gram] = zlib.crc32(gram.encode("utf-8")) % self.one_in == 0
        return self[gram]


@cache
def _sampled(one_in: int) -> _Sampled:
    return _Sampled(one_in)


def plan_sketch(plan: LiftedPlan, one_in: int | None = None) -> frozenset[str]:
    """A sample of the bigrams of all the plan's requirement texts (one in ``one_in``, fixed by CRC-32):
    what choosing similar siblings compares. Its Jaccard index estimates that of the whole bigram sets at
    a fraction of the cost (a plan has some 3,000 bigrams)."""
    one_in = one_in or load_partner_rule().sketch_one_in
    return _memo(f"sketch/{one_in}", (plan.requirements,), lambda: _sketch(plan, one_in))


def _sketch(plan: LiftedPlan, one_in: int) -> frozenset[str]:
    """The bigrams of every text gathered in one set, without a set per requirement (`bigrams`): a quarter
    less time, and a year of the whole country has 210,000 requirements to sketch."""
    grams: set[str] = set()
    for requirement in plan.requirements:
        chars = comparable_text(_text(requirement))
        grams.update(map(str.__add__, chars, chars[1:]) if len(chars) > 1 else chars)
    return frozenset(filter(_sampled(one_in).__getitem__, grams))


def pair_requirements(a: LiftedPlan, b: LiftedPlan, thresholds: Thresholds) -> tuple[
        list[Correspondence], list[Unmatched]]:
    """Pair the requirements one-to-one, greedily by best score (ties in document order).

    Requirements without a recovered text take no part: nothing can be said about their counterparts.
    """
    left, right = requirement_bigrams(a), requirement_bigrams(b)
    candidates = []
    # a slack below `changed` keeps the pairs whose score rounds up to it; the exact test is on the score
    for (r, x), overlaps in zip(left, _shared_bigrams(left, right, thresholds.changed - 0.001)):
        for j, shared in overlaps:
            s, y = right[j]
            score = round(shared / (len(x) + len(y) - shared), 3)  # thresholds apply to the score as published
            if score >= thresholds.changed:
                candidates.append((-score, r.row.order, s.row.order, r, s, score))
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
    unmatched = [Unmatched(a.slug, r.key) for r, _ in left if r.key not in taken_left]
    unmatched += [Unmatched(b.slug, s.key) for s, _ in right if s.key not in taken_right]
    return pairs, unmatched


def _shared_bigrams(left: list[tuple[LiftedRequirement, frozenset[str]]],
                    right: list[tuple[LiftedRequirement, frozenset[str]]],
                    at_least: float) -> Iterator[list[tuple[int, int]]]:
    """For each left requirement, the right ones (by index into ``right``) whose Jaccard index with it is at
    least ``at_least`` (up to float rounding: callers leave a slack), each with the number of bigrams they
    share.

    The bigram sets become bitsets over the left plan's bigrams (a right bigram the left plan lacks is shared
    with none of its requirements), so a pair of requirements costs one AND and one popcount of a
    ~3,000-bit int, in C. Counting them through an index of postings cost a Counter entry per shared
    bigram, and common ones (公开, 政务) are in nearly every requirement: at 1,000 plans 9.6-14.0 ms a pair
    of plans, against 6.8-8.0 ms with bitsets."""
    bit = {gram: 1 << i for i, gram in enumerate(frozenset().union(*(x for _, x in left)))}
    right_bits = [sum(map(bit.get, y, repeat(0))) for _, y in right]
    right_sizes = [len(y) for _, y in right]
    # J = s / (|x| + |y| - s) >= t  <=>  s >= t / (1 + t) * (|x| + |y|)
    factor = at_least / (1 + at_least)
    for _, x in left:
        bits, size = sum(map(bit.__getitem__, x)), len(x)
        shared = [(bits & y).bit_count() for y in right_bits]
        yield [(j, s) for j, s, n in zip(count(), shared, right_sizes) if s and s >= factor * (size + n)]


def compare_pair(a: LiftedPlan, b: LiftedPlan, thresholds: Thresholds | None = None) -> PlanComparison | None:
    """Compare two plans if they are comparable (one implements the other, they implement the same document,
    or they share province and year)."""
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
    """The pairs select_pairs chooses, compared requirement by requirement, ordered by the plans' slugs."""
    found = (compare_pair(a, b, thresholds) for a, b in select_pairs(plans))
    return [c for c in found if c is not None]


# --- choosing partners: a bounded number of comparisons per plan ---------------------------------------
def select_pairs(plans: list[LiftedPlan], rule: PartnerRule | None = None) -> list[tuple[LiftedPlan, LiftedPlan]]:
    """The pairs to compare, each ordered by slug, sorted by slugs: a plan and the plan it implements, when
    both are here; and within each group of siblings (same implemented document, or same province and year)
    every pair if the group has at most ``nearest`` + 1 plans, else each plan with its ``nearest`` most
    similar siblings (kg.compare.plan_similarity; ties by slug). So each plan takes part in a bounded number
    of comparisons per group, and the count grows with the number of plans, not its square."""
    rule = rule or load_partner_rule()
    chosen = set(_parent_child_pairs(plans))
    for members in sibling_groups(plans, rule):
        chosen |= _nearest_pairs(plans, members, rule)
    ordered = [tuple(sorted((plans[i], plans[j]), key=lambda p: p.slug)) for i, j in chosen]
    return sorted(ordered, key=lambda pair: (pair[0].slug, pair[1].slug))


def sibling_groups(plans: list[LiftedPlan], rule: PartnerRule) -> list[list[int]]:
    """Indexes of plans implementing the same document, or of the same province and year (groups of two or
    more). A group of more than ``divide_above`` plans (every plan implementing the national 要点, say) is
    divided by province: its plans are compared with siblings of their own province."""
    groups: dict[tuple, list[int]] = {}
    for i, plan in enumerate(plans):
        groups.setdefault(("province-year", plan.year, province_of(plan)), []).append(i)
        for ref in sorted(implemented_keys(plan)):
            groups.setdefault(("implements", ref), []).append(i)
    out = []
    for members in groups.values():
        if len(members) > rule.divide_above:
            by_province: dict[tuple[str, str], list[int]] = {}
            for i in members:
                by_province.setdefault(province_of(plans[i]), []).append(i)
            out += by_province.values()
        else:
            out.append(members)
    return [members for members in out if len(members) > 1]


def plan_similarity(a: LiftedPlan, b: LiftedPlan, one_in: int | None = None) -> float:
    """How alike two plans are as wholes: the Jaccard index of their sketches (kg.compare.plan_sketch)."""
    return _jaccard(plan_sketch(a, one_in), plan_sketch(b, one_in))


def _nearest_pairs(plans: list[LiftedPlan], members: list[int], rule: PartnerRule) -> set[tuple[int, int]]:
    """Every pair of a group of at most k + 1 plans; else each plan with its k most similar others."""
    k = rule.nearest
    if len(members) <= k + 1:
        return {(min(i, j), max(i, j)) for i, j in combinations(members, 2)}
    scores = {(i, j): plan_similarity(plans[i], plans[j], rule.sketch_one_in)
              for i, j in combinations(sorted(members), 2)}
    chosen = set()
    for i in members:
        others = sorted((j for j in members if j != i),
                        key=lambda j: (-scores[(min(i, j), max(i, j))], plans[j].slug))
        chosen |= {(min(i, j), max(i, j)) for j in others[:k]}
    return chosen


def _parent_child_pairs(plans: list[LiftedPlan]) -> list[tuple[int, int]]:
    """(i, j) for each plan j that implements plan i of the list (found by number or title)."""
    by_key: dict[str, list[int]] = {}
    for i, plan in enumerate(plans):
        for key in plan_document_keys(plan):
            by_key.setdefault(key, []).append(i)
    pairs = set()
    for j, plan in enumerate(plans):
        for key in implemented_keys(plan):
            pairs |= {(min(i, j), max(i, j)) for i in by_key.get(key, ()) if i != j}
    return sorted(pairs)
