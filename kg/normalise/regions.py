"""The region a plan belongs to, read from the leading place names of its title (or its issuer)."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from kg.errors import NormaliseError
from kg.normalise.model import Region
from kg.normalise.slugs import word_slug

_LEVELS = ("province", "prefecture", "county")
# Suffix of a place name → administrative level. 市 is taken as a prefecture unless it lies in one.
_SUFFIX_LEVEL = {
    "自治区": "province", "省": "province",
    "自治州": "prefecture", "地区": "prefecture", "州": "prefecture", "盟": "prefecture", "市": "prefecture",
    "自治县": "county", "自治旗": "county", "区": "county", "县": "county", "旗": "county",
}
_SUFFIXES = "|".join(sorted(_SUFFIX_LEVEL, key=len, reverse=True))
# A place: 1–4 characters and a suffix (盘龙区, 攀枝花市), or a longer base for autonomous units
# (楚雄彝族自治州). Lazy, so "楚雄州贯彻落实省…" yields 楚雄州, not more; 全区/本市/我县 are no names.
_PLACE = re.compile(rf"(?![全本我各该])(?:[\u4e00-\u9fff]{{1,4}}?(?:{_SUFFIXES})"
                    rf"|[\u4e00-\u9fff]{{2,10}}?(?:自治州|自治县|自治旗))")
# What may come before the place in a title: a year (2020年槐荫区…), 关于印发, a title mark.
_LEAD_IN = re.compile(r"^(?:[《“\s]|关于印发|关于|印发|\d{4}年度?)+")
_WHITESPACE = re.compile(r"\s+")
_SHORT = re.compile(rf"(?:{_SUFFIXES})$")


@dataclass(frozen=True)
class _Known:
    """A region from kg/data/regions.csv."""

    name: str
    full_name: str
    level: str
    parent: str | None
    code: str


@cache
def _known() -> dict[str, _Known]:
    """Known regions by short name and by full name."""
    with resources.files("kg.data").joinpath("regions.csv").open(encoding="utf-8") as f:
        rows = [_Known(r["name"], r["full_name"], r["level"], r["parent"] or None, r["code"])
                for r in csv.DictReader(f)]
    return {key: row for row in rows for key in (row.name, row.full_name)}


def identify_region(plan_title: str, issuer: str | None) -> Region:
    """The region of a plan: the leading place of its title (盘龙区2018年…, 2020年槐荫区…), else of its
    issuer (昆明市五华区人民政府办公室). Known regions carry their parents and GB/T 2260 code."""
    chain = _leading_places(plan_title) or (_leading_places(issuer) if issuer else [])
    if not chain:
        raise NormaliseError(f"no region at the start of plan title {plan_title!r} or issuer {issuer!r}")
    if issuer and len(chain) == 1:
        # the issuer may spell out the parents the title leaves out (昆明市五华区人民政府办公室)
        from_issuer = _leading_places(issuer)
        if from_issuer and from_issuer[-1] == chain[0]:
            chain = from_issuer
    return _region(chain)


def _leading_places(text: str) -> list[str]:
    """The chain of place names a text starts with, outermost first: 济南市槐荫区… → [济南市, 槐荫区]."""
    text = _LEAD_IN.sub("", _WHITESPACE.sub("", text))
    chain: list[str] = []
    pos = 0
    while True:
        found = _match_place(text, pos)
        if not found or (chain and not _inside(found[0], chain[-1])):
            return chain  # a place must lie inside the one before it (楚雄州 then not 贯彻落实省)
        chain.append(found[0])
        pos += found[1]


def _match_place(text: str, pos: int) -> tuple[str, int] | None:
    """The place name at ``pos`` and its printed length: a known name (longest), else the general form."""
    known = [key for key in _known() if text.startswith(key, pos)]
    if known:
        key = max(known, key=len)
        return _known()[key].name, len(key)
    match = _PLACE.match(text, pos)
    return (match.group(), len(match.group())) if match else None


def _inside(place: str, outer: str) -> bool:
    """Whether ``place`` can lie inside ``outer``: a lower level, or a county-level 市 in a prefecture."""
    rank, outer_rank = _LEVELS.index(_level_by_suffix(place)), _LEVELS.index(_level_by_suffix(outer))
    county_city = place not in _known() and place.endswith("市") and _LEVELS[outer_rank] == "prefecture"
    return rank > outer_rank or county_city


def _level_by_suffix(place: str) -> str:
    known = _known().get(place)
    if known:
        return known.level
    suffix = next(s for s in sorted(_SUFFIX_LEVEL, key=len, reverse=True) if place.endswith(s))
    return _SUFFIX_LEVEL[suffix]


def _region(chain: list[str]) -> Region:
    """A Region for the innermost place of ``chain``, with parents from the table or from the chain."""
    name = chain[-1]
    known = _known().get(name)
    parents = _known_parents(known) if known else tuple(chain[:-1])
    if not known and parents and parents[0] in _known():
        parents = _known_parents(_known()[parents[0]]) + parents  # 昆明市西山区 → (云南省, 昆明市)
    level = known.level if known else _level_by_suffix(name)
    if not known and level == "prefecture" and parents and _level_by_suffix(parents[-1]) == "prefecture":
        level = "county"  # a 市 inside a prefecture is a county-level city (楚雄州楚雄市)
    return Region(name=name, level=level, parents=parents, code=known.code if known else None,
                  slug=_slug((*parents, name)))


def _known_parents(region: _Known) -> tuple[str, ...]:
    parents: list[str] = []
    while region.parent:
        parents.insert(0, region.parent)
        region = _known()[region.parent]
    return tuple(parents)


def _slug(path: tuple[str, ...]) -> str:
    """ASCII slug from the region and its nearest parent, without generic suffixes: kunming-panlong."""
    return "-".join(word_slug(_SHORT.sub("", place) or place) for place in path[-2:])


def parent_regions(region: Region) -> tuple[Region, ...]:
    """The regions a region lies in, outermost first, each with its own slug, level and code."""
    return tuple(_region(list(region.parents[: i + 1])) for i in range(len(region.parents)))
