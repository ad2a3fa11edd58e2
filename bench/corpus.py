"""A synthetic national corpus: N plans recombined from the real documents' rows, deterministic for a seed.

Run: .venv/bin/python bench/corpus.py N [--seed 7] [--out DIR] [--check]

Each plan takes the layout of one real document (tab table with merged cells and page-break repeats,
prose plan with an attachment table, scrambled PDF table) with its notice, keeps most of its units (task
blocks, or pages of the PDF table) and borrows some from documents of the same family (same layout and
level). Then it is moved to an invented region (a district of an invented prefecture of a real province,
or an invented prefecture): place names, the issuer codes of its own and its parents' 发文字号 and their
serials change, some agency names are swapped for others the corpus prints at the same level, some
deadline months move, the 序号 are renumbered (now and then skipping one, as real plans do). The file is
written as UTF-8, UTF-8 with a byte-order mark or GB18030. Nothing is invented but names and numbers:
every requirement text is a real one.

manifest.json beside the plans lists each plan's template, region, units and intended row count;
``--check`` lifts every plan and compares.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tomllib
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from random import Random

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.templates import Template, cell_kind, load_templates  # noqa: E402
from kg.normalise.slugs import word_slug  # noqa: E402
from kg.settings import PROJECT_ROOT  # noqa: E402

PLACES = Path(__file__).with_name("data") / "places.toml"
COUNTY_SHARE = 0.89  # of ~3,200 governments publishing a plan each year, ~2,850 are counties or districts
COUNTIES_PER_PREFECTURE = (4, 14)
KEEP_UNIT = 0.8  # each unit of the template is kept with this probability
BORROW_UNIT = 0.15  # each unit of another template of the same family is borrowed with this probability
SKIP_SEQ = 0.01  # a printed 序号 sequence now and then skips a number
SWAP_AGENCY = 0.3
MOVE_DEADLINE = 0.5
ENCODINGS = (("utf-8", 0.7), ("utf-8-sig", 0.15), ("gb18030", 0.15))
_NUMBER = r"(?P<a>\s*〔\s*)(?P<year>\d{4})(?P<b>\s*〕\s*)(?P<serial>\d{1,4})(?P<c>\s*号)"
_TOKEN = re.compile(r"[^、，,；;\s]+")  # one name (and its verb) in an agency cell
_ROLE = re.compile(r"(?:分别负责落实|负责落实|分别落实|牵头落实|牵头|负责|配合|协助|落实)$")
_MONTH = re.compile(r"(?<!\d)(\d{1,2})(\s*月)(?![\s\d]*日)")  # 12月底前, 10 月底前; not 10月15日


@dataclass(frozen=True)
class Place:
    """A region of the synthetic corpus: its full name, the short name texts use, and its code character."""

    name: str
    short: str
    code: str  # first character of its issuer codes (the province's abbreviation, else its own first)


@dataclass(frozen=True)
class PlanSpec:
    """One generated plan: enough to write it again, and what the lifter must read from it."""

    file: str
    template: str
    chain: tuple[Place, ...]  # the plan's region, then its parents, inner first
    units: tuple[tuple[str, int], ...]  # (template, unit index), in print order
    rows: int  # requirement rows the lifter must read
    encoding: str
    seed: int  # of the text variations


@dataclass
class _Prefecture:
    place: Place
    province: Place
    counties: set[str] = field(default_factory=set)  # slugs
    room: int = 0  # counties it may still take


class Namer:
    """Invented prefectures (unique slugs) in real provinces, and districts (unique within a prefecture)."""

    def __init__(self, rng: Random, templates: dict[str, Template]) -> None:
        data = tomllib.loads(PLACES.read_text("utf-8"))
        self.rng = rng
        self.first, self.second = data["first"], data["second"]
        self.provinces = [Place(p["name"], p["short"], p["abbr"]) for p in data["provinces"]]
        taken = {short for t in templates.values() for _, short in t.places}
        taken |= {p.short for p in self.provinces}
        self.taken_slugs = {word_slug(name) for name in taken}
        self.prefectures: list[_Prefecture] = []
        self.current: _Prefecture | None = None

    def _base(self, used: set[str]) -> str:
        while True:
            base = self.rng.choice(self.first) + self.rng.choice(self.second)
            slug = word_slug(base)
            if base[0] != base[1] and slug not in used and slug not in self.taken_slugs:
                used.add(slug)
                return base

    def prefecture(self, suffix: str) -> _Prefecture:
        """A new prefecture (地级市 or 自治州) in a random province."""
        base = self._base({word_slug(p.place.short) for p in self.prefectures})
        prefecture = _Prefecture(Place(base + suffix, base, base[0]), self.rng.choice(self.provinces),
                                 room=self.rng.randint(*COUNTIES_PER_PREFECTURE))
        self.prefectures.append(prefecture)
        return prefecture

    def district(self, suffix: str) -> tuple[Place, _Prefecture]:
        """A new district, in the prefecture being filled (a new one when it is full)."""
        if self.current is None or self.current.room == 0:
            self.current = self.prefecture("州" if self.rng.random() < 0.1 else "市")
        self.current.room -= 1
        base = self._base(self.current.counties)
        return Place(base + suffix, base, base[0]), self.current


def plan_specs(n: int, seed: int, templates: dict[str, Template]) -> list[PlanSpec]:
    """The specs of ``n`` plans; the same seed and templates give the same specs."""
    rng = Random(seed)
    namer = Namer(rng, templates)
    ordered = sorted(templates.values(), key=lambda t: t.name)
    county = [t for t in ordered if t.level == "county"]
    prefecture = [t for t in ordered if t.level == "prefecture"]
    specs = []
    for i in range(1, n + 1):
        if rng.random() < COUNTY_SHARE or not prefecture:
            template = rng.choice(county)
            place, pref = namer.district(template.suffix)
            chain = (place, pref.place, pref.province)
        else:
            template = rng.choice(prefecture)
            pref = namer.prefecture(template.suffix)
            chain = (pref.place, pref.province)
        units = _choose_units(rng, template, [t for t in ordered if t.family == template.family])
        rows = sum(templates[name].units[index].rows for name, index in units)
        encoding = rng.choices([e for e, _ in ENCODINGS], [w for _, w in ENCODINGS])[0]
        specs.append(PlanSpec(f"plan-{i:05d}.txt", template.name, chain, units, rows, encoding,
                              rng.randrange(2**32)))
    return specs


def _choose_units(rng: Random, template: Template, family: list[Template]) -> tuple[tuple[str, int], ...]:
    """Most of the template's units in order, with units of its family slipped in at random places."""
    own = [(template.name, i) for i in range(len(template.units)) if rng.random() < KEEP_UNIT]
    own = own or [(template.name, 0)]
    borrowed = [(t.name, i) for t in family if t is not template for i in range(len(t.units))
                if rng.random() < BORROW_UNIT]
    for unit in borrowed:
        own.insert(rng.randint(1, len(own)), unit)  # the first unit opens the table as printed
    return tuple(own)


class Numbers:
    """Serials of invented 发文字号: one per (issuing place, code, year, serial), unique per code and year."""

    def __init__(self) -> None:
        self.given: dict[tuple[str, str, str, str], str] = {}
        self.used: dict[tuple[str, str], set[int]] = defaultdict(set)

    def serial(self, owner: str, code: str, year: str, printed: str) -> str:
        key = (owner, code, year, printed)
        if key not in self.given:
            used = self.used[(code, year)]
            serial = int(printed)
            while serial in used:
                serial += 1
            used.add(serial)
            self.given[key] = str(serial)
        return self.given[key]


def render_plan(spec: PlanSpec, templates: dict[str, Template], numbers: Numbers) -> str:
    """The text of a plan."""
    rng = Random(spec.seed)
    main = templates[spec.template]
    pool = sorted({a for t in templates.values() if t.suffix == main.suffix for a in t.agencies})
    chunks = [_place(main, spec.chain, numbers, "\n".join(main.lines[: main.head]))]
    seq = 0
    for name, index in spec.units:
        template = templates[name]
        unit = template.units[index]
        lines = []
        for number in range(unit.first, unit.last + 1):
            line, seq = _vary(template, number, seq, pool, rng)
            lines.append(line)
        chunks.append(_place(template, spec.chain, numbers, "\n".join(lines)))
    chunks.append(_place(main, spec.chain, numbers, "\n".join(main.lines[main.tail - 1:])))
    return _name_in_full(spec.chain, "\n".join(chunks))


def _vary(template: Template, number: int, seq: int, pool: list[str], rng: Random) -> tuple[str, int]:
    """One line of a unit: 序号 renumbered, agency names swapped, deadline months moved."""
    line = template.lines[number - 1]
    pattern = template.seq_pattern()
    match = pattern.match(line) if pattern else None
    if match:
        seq += 2 if rng.random() < SKIP_SEQ else 1
        line = f"{match.group(1)}{seq}{match.group(3)}{line[match.end():]}"
    if template.layout == "scrambled-table" and "\t" in line:
        cells = line.split("\t")
        for i, cell in enumerate(cells):
            kind = cell_kind(cell) if cell.strip() else "empty"
            varied = _agencies(cell, pool, rng) if kind == "agencies" else (
                _deadline(cell, rng) if kind == "deadline" else cell)
            cells[i] = varied if cell_kind(varied) == kind else cell
        return "\t".join(cells), seq
    if number in template.agency_lines:
        line = _agencies(line, pool, rng)
    if number in template.deadline_lines:
        line = _deadline(line, rng)
    return line, seq


def _agencies(text: str, pool: list[str], rng: Random) -> str:
    known = set(pool)

    def swap(match: re.Match[str]) -> str:
        token = match.group()
        role = _ROLE.search(token)
        core = token[: role.start()] if role else token
        if core in known and rng.random() < SWAP_AGENCY:
            return rng.choice(pool) + token[len(core):]
        return token

    return _TOKEN.sub(swap, text)


def _deadline(text: str, rng: Random) -> str:
    def move(match: re.Match[str]) -> str:
        month = int(match.group(1))
        if not 1 <= month <= 12 or rng.random() >= MOVE_DEADLINE:
            return match.group()
        return f"{rng.randint(max(1, month - 2), min(12, month + 2))}{match.group(2)}"

    return _MONTH.sub(move, text)


def _place(template: Template, chain: tuple[Place, ...], numbers: Numbers, text: str) -> str:
    """Move a template's text to ``chain``: its place names, and the 发文字号 of its region and parents."""
    owners = {}  # issuer code of the template → (new code, place that issues it)
    province = chain[-1]
    for code in template.numbers:
        for (full, short), new in zip(template.places, chain):
            old_mark = _province_code(full) if new is province else short[0]
            if code.startswith(old_mark):
                owners[code] = (new.code + code[len(old_mark):], new.name)
                break
    if owners:
        pattern = re.compile("(?P<code>" + "|".join(sorted(map(re.escape, owners), key=len, reverse=True))
                             + ")" + _NUMBER)

        def renumber(m: re.Match[str]) -> str:
            code, owner = owners[m.group("code")]
            serial = numbers.serial(owner, code, m.group("year"), m.group("serial"))
            return f"{code}{m.group('a')}{m.group('year')}{m.group('b')}{serial}{m.group('c')}"

        text = pattern.sub(renumber, text)
    names = {}
    for (full, short), new in zip(template.places, chain):
        names[full], names[short] = new.name, new.short
    pattern = re.compile("|".join(sorted(map(re.escape, names), key=len, reverse=True)))
    return pattern.sub(lambda m: names[m.group()], text)


@cache
def _province_code(province: str) -> str:
    """The abbreviation that starts a real province's issuer codes (四川省 → 川)."""
    data = tomllib.loads(PLACES.read_text("utf-8"))
    return next((p["abbr"] for p in data["provinces"] if p["name"] == province), province[0])


def _name_in_full(chain: tuple[Place, ...], text: str) -> str:
    """The first time the plan names its region (title or issuer), and wherever it names a parent with it,
    it names every parent, so that the lifter places an invented region where it belongs
    (云南省安平市新合区人民政府办公室)."""
    region, parents = chain[0], chain[1:]
    pattern = re.compile("".join(f"(?:{re.escape(p.name)})?" for p in reversed(parents)) + re.escape(region.name))
    full = "".join(p.name for p in reversed(chain))
    first = True

    def fill(match: re.Match[str]) -> str:
        nonlocal first
        if first or match.group() != region.name:
            first = False
            return full
        return match.group()

    return pattern.sub(fill, text)


def generate(n: int, seed: int, out: Path, corpus: Path = PROJECT_ROOT / "corpus") -> list[PlanSpec]:
    """Write ``n`` plans and manifest.json into ``out`` (created; plan files already there are replaced)."""
    templates = load_templates(corpus)
    specs = plan_specs(n, seed, templates)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("plan-*.txt"):
        old.unlink()
    numbers = Numbers()
    for spec in specs:
        (out / spec.file).write_bytes(render_plan(spec, templates, numbers).encode(spec.encoding))
    manifest = {"n": n, "seed": seed, "plans": [asdict(s) for s in specs]}
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), "utf-8")
    return specs


def check(out: Path) -> list[str]:
    """Lift every plan of ``out``; the problems found (a failed lift, a wrong row count, a duplicate slug)."""
    from kg.errors import KgError
    from kg.lift import lift_document
    from kg.sources import read_source

    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    problems, slugs = [], {}
    for spec in manifest["plans"]:
        try:
            plan = lift_document(read_source(out / spec["file"]))
        except KgError as error:
            problems.append(f"{spec['file']}: {error}")
            continue
        if len(plan.requirements) != spec["rows"]:
            problems.append(f"{spec['file']}: {len(plan.requirements)} rows lifted, {spec['rows']} intended")
        if plan.region.name != spec["chain"][0]["name"]:
            problems.append(f"{spec['file']}: region {plan.region.name}, {spec['chain'][0]['name']} intended")
        if plan.slug in slugs:
            problems.append(f"{spec['file']}: slug {plan.slug} also of {slugs[plan.slug]}")
        slugs[plan.slug] = spec["file"]
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", type=int, help="number of plans")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=None, help="folder (default .build-bench-corpus-N-SEED)")
    parser.add_argument("--check", action="store_true", help="lift every plan and compare with the manifest")
    args = parser.parse_args()
    out = args.out or PROJECT_ROOT / f".build-bench-corpus-{args.n}-{args.seed}"
    specs = generate(args.n, args.seed, out)
    size = sum((out / s.file).stat().st_size for s in specs)
    print(f"{len(specs)} plans, {sum(s.rows for s in specs)} requirement rows, {size / 1e6:.1f} MB → {out}")
    if args.check:
        problems = check(out)
        print("\n".join(problems) or "every plan lifts with its intended row count")
        sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
