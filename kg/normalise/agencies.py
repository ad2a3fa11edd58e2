"""Agency cells → agency mentions: roles from the verbs, prefix distribution, collectives, canonical names."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from kg.normalise.model import AgencyMention, Region, Role
from kg.parse.model import Cell, Origin

_WHITESPACE = re.compile(r"\s+")
_ASCII_BRACKETS = str.maketrans({"(": "（", ")": "）"})
# generic suffixes of place names, removed to get the short name a text uses (攀枝花市 → 攀枝花)
_PLACE_SUFFIX = re.compile(r"(?:彝族自治州|自治州|自治县|自治区|省|市|州|县|区|盟|旗)$")
MEMO_SIZE = 4096  # distinct cell texts remembered; a plan has a few hundred


@dataclass(frozen=True)
class _Verb:
    pattern: str
    role: Role
    then: Role | None  # role of the names after this verb, whatever their own verb says (会同)


@dataclass(frozen=True)
class _Rules:
    verbs: tuple[_Verb, ...]
    verb_pattern: re.Pattern[str]
    default_role: Role
    qualifiers: tuple[re.Pattern[str], ...]
    hard_separators: re.Pattern[str]
    soft_cuts: re.Pattern[str]  # a soft separator (和/及/与) or the generic tail (等)
    generic_tail: str
    suffixes: tuple[str, ...]
    level_prefixes: str
    not_prefixes: tuple[str, ...]
    complete_markers: tuple[str, ...]
    place_start: re.Pattern[str]
    bare_place: re.Pattern[str]
    collectives: tuple[re.Pattern[str], ...]
    abbreviations: dict[str, str]


@dataclass
class _Item:
    """One name as it goes through the reading: printed text, role, and whether it is a generic tail."""

    printed: str
    role: Role
    tail: bool = False


@cache
def _rules() -> _Rules:
    with resources.files("kg.data").joinpath("agencies.toml").open("rb") as f:
        data = tomllib.load(f)
    verbs = tuple(_Verb(v["pattern"], Role(v["role"]), Role(v["then"]) if "then" in v else None)
                  for v in data["verbs"])
    cell, names = data["cell"], data["names"]
    return _Rules(
        verbs=verbs,
        verb_pattern=re.compile("|".join(f"(?P<v{i}>{v.pattern})" for i, v in enumerate(verbs))),
        default_role=Role(cell["default_role"]),
        qualifiers=tuple(re.compile(q) for q in cell["qualifiers"]),
        hard_separators=re.compile(cell["hard_separators"]),
        soft_cuts=re.compile(f"[{re.escape(cell['soft_separators'] + cell['generic_tail'])}]"),
        generic_tail=cell["generic_tail"],
        suffixes=tuple(names["suffixes"]),
        level_prefixes=names["level_prefixes"],
        not_prefixes=tuple(names["not_prefixes"]),
        complete_markers=tuple(names["complete_markers"]),
        place_start=re.compile(names["place_start"]),
        bare_place=re.compile(names["bare_place"]),
        collectives=tuple(re.compile(p) for p in data["collectives"]["patterns"]),
        abbreviations=dict(data["abbreviations"]),
    )


def looks_like_agency(name: str) -> bool:
    """Whether ``name`` ends like a government body (局, 办, 委, 政府, 部门 …) or names a collective."""
    rules = _rules()
    return name.endswith(rules.suffixes) or is_collective(name)


@lru_cache(maxsize=MEMO_SIZE)  # asked of every name, and of every prefix of a name before 和/及/与/等
def is_collective(name: str) -> bool:
    """Whether ``name`` names many bodies at once (区级各部门, 各街道办事处, 州直有关部门 …)."""
    return any(p.search(name) for p in _rules().collectives)


def canonical_name(name: str) -> str:
    """The one spelling of an agency within its region: 区政府办 → 区政府办公室, 区编办 → 区委编办."""
    rules = _rules()
    name = name.translate(_ASCII_BRACKETS)
    if name in rules.abbreviations:
        return rules.abbreviations[name]
    prefix = _level_prefix(name)
    if prefix and name[1:] in rules.abbreviations:
        return prefix + rules.abbreviations[name[1:]]
    return name


def read_agency_cell(cell: Cell, region: Region) -> list[AgencyMention]:
    """Every agency an agency cell names, with its role, in printed order.

    "州发改委、国土局、政管局牵头落实" gives 州发改委, 州国土局, 州政管局 as leads; "区政府办牵头，区级各部门、
    各街道办事处分别负责落实" gives one lead and two responsible collectives. Names are canonical within
    ``region`` (the lead scopes them; 盘龙's 区财政局 and 五华's 区财政局 keep the same name here).
    """
    return list(read_agency_text(cell.text, region, cell.origin))


@lru_cache(maxsize=MEMO_SIZE)
def read_agency_text(text: str, region: Region, origin: Origin) -> tuple[AgencyMention, ...]:
    """The mentions of an agency cell's text (see :func:`read_agency_cell`), each with ``origin``."""
    return tuple(AgencyMention(name=name, printed=printed, role=role, collective=collective, origin=origin)
                 for name, printed, role, collective in _read_names(text, region))


@lru_cache(maxsize=MEMO_SIZE)
def _read_names(text: str, region: Region) -> tuple[tuple[str, str, Role, bool], ...]:
    """(name, printed, role, collective) of each agency an agency cell's text names. Memoised: a merged
    cell repeats its text on every row it spans, and a plan names the same few leads again and again."""
    items = _distribute_prefixes(_read_items(text), region)
    names: list[tuple[str, str, Role, bool]] = []
    seen: set[tuple[str, Role]] = set()
    for item in items:
        collective = is_collective(item.printed)
        if item.tail and not collective:
            continue  # "等部门": says the list is open, names nobody
        if not looks_like_agency(item.printed):
            continue  # a heading or deadline the extraction put in this column
        name = canonical_name(item.printed)
        if (name, item.role) in seen:
            continue
        seen.add((name, item.role))
        names.append((name, item.printed, item.role, collective))
    return tuple(names)


def _read_items(text: str) -> list[_Item]:
    """Names with roles, before prefix distribution: each run of names takes the role of the verb after it."""
    rules = _rules()
    text = _WHITESPACE.sub("", text)
    for qualifier in rules.qualifiers:
        text = qualifier.sub("", text)
    items: list[_Item] = []
    start = 0
    forced: Role | None = None  # set by 会同 for the names that follow it
    for match in rules.verb_pattern.finditer(text):
        verb = rules.verbs[int(match.lastgroup[1:])]
        items += _split_names(text[start:match.start()], forced or verb.role)
        forced = verb.then
        start = match.end()
    items += _split_names(text[start:], forced or rules.default_role)
    return _borrow_offices(items)


def _split_names(segment: str, role: Role) -> list[_Item]:
    """Split a run of names on 、，; and on 和/及/与/等 where a complete name ends before them."""
    rules = _rules()
    items: list[_Item] = []
    for piece in rules.hard_separators.split(segment):
        tail = False
        while piece:
            cut = _soft_cut(piece)
            if cut is None:
                items.append(_Item(piece, role, tail))
                break
            items.append(_Item(piece[:cut], role, tail))
            tail = piece[cut] == rules.generic_tail
            piece = piece[cut + 1:]
    return items


def _soft_cut(piece: str) -> int | None:
    """Index of the first 和/及/与/等 in ``piece`` that follows a complete name, if any."""
    for separator in _rules().soft_cuts.finditer(piece):
        i = separator.start()
        if i and looks_like_agency(piece[:i]):
            return i
    return None


def _borrow_offices(items: list[_Item]) -> list[_Item]:
    """A bare place takes the office the next item names: "楚雄市、姚安县人民政府" → 楚雄市人民政府."""
    rules = _rules()
    for here, after in zip(items, items[1:]):
        if not rules.bare_place.match(here.printed):
            continue
        place = rules.place_start.match(after.printed)
        if place:
            here.printed += after.printed[place.end():]
    return items


def _distribute_prefixes(items: list[_Item], region: Region) -> list[_Item]:
    """An item without level prefix takes the prefix printed last before it: 州发改委、国土局 → 州国土局."""
    prefix: str | None = None
    for item in items:
        own = _level_prefix(item.printed)
        if own:
            prefix = own
        elif prefix and not _is_complete(item.printed, region):
            item.printed = prefix + item.printed
    return items


def _level_prefix(name: str) -> str | None:
    """The one-character level prefix of ``name`` (区, 州, 市, 县, 省), if it has one."""
    rules = _rules()
    if name[:1] and name[0] in rules.level_prefixes and not name.startswith(rules.not_prefixes):
        return name[0]
    return None


def _is_complete(name: str, region: Region) -> bool:
    """A name that takes no prefix: a collective, a place-led name, or one naming a region or national body."""
    rules = _rules()
    return (is_collective(name) or bool(rules.place_start.match(name))
            or any(marker in name for marker in _complete_markers(region)))


@lru_cache(maxsize=64)
def _complete_markers(region: Region) -> tuple[str, ...]:
    """The words that make a name complete in ``region``: the fixed markers, the region's and its parents'
    short names (攀枝花, 楚雄)."""
    places = tuple(_PLACE_SUFFIX.sub("", p) for p in (*region.parents, region.name))
    return _rules().complete_markers + tuple(p for p in places if len(p) >= 2)
