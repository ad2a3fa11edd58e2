"""Hand-made plans for validation tests, written through kg.rdf exactly as the lifter's records would be.

`hostile_plan` breaks on purpose: a 序号 gap (4–6), a row whose text was lost, a deadline before the plan
year, a reconstructed row, an unresolved deadline, values carried from merged cells, the 国发〔2017〕47号
issuer conflict, and hostile content (`<script>` in the title, a 10,000-character issuer name and line).
`clean_plan` breaks nothing: its only result is Info (one inferred deadline), plus a Warning when asked.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from kg.normalise.model import (AgencyMention, Deadline, DeadlineKind, DocumentNumber, DocumentReference,
                                LiftedPlan, LiftedRequirement, Region, Role)
from kg.parse.model import (Alignment, Cell, Notice, Origin, ParsedPlan, Row, SourceDoc, Span, TaskGroup)

HOSTILE_TITLE = "测试区2019年政务公开工作要点分工方案<script>window.__xss = 1</script>"
LONG_ISSUER = "<img src=x onerror=\"window.__xss = 2\">" + "国务院办公厅" * 1700  # > 10,000 characters
LONG_LINE = "很长的一行" * 2000  # 10,000 characters in the source text
# No parent regions: their codes would come from kg/data/regions.csv, and these builds must depend on nothing
# but what is written here.
REGION = Region(name="测试区", level="county", parents=(), code="530199", slug="kunming-ceshi")
GROUP = "一、推进决策公开"


def _source(name: str, lines: list[str]) -> SourceDoc:
    text = "\n".join(lines) + "\n"
    raw = text.encode("utf-8")
    return SourceDoc(id=Path(name).stem, path=f"corpus/{name}", text=text,
                     sha256=hashlib.sha256(raw).hexdigest(), encoding="utf-8", size=len(raw))


def _agency(name: str, role: Role = Role.RESPONSIBLE, origin: Origin = Origin.PRINTED) -> AgencyMention:
    return AgencyMention(name=name, printed=name, role=role, collective=False, origin=origin)


def _row(seq: int, order: int, line: int, text: str | None, *, carried: bool = False,
         alignment: Alignment = Alignment.PRINTED, confidence: float = 1.0) -> Row:
    span = Span(line, line)
    origin = Origin.INFERRED if carried else Origin.PRINTED
    cell = Cell("x", span, origin, carried_from_seq=1 if carried else None)
    return Row(seq=seq, order=order, group_path=(GROUP,), text=Cell(text, span) if text is not None else None,
               agencies=cell, deadline=cell, span=span, alignment=alignment, confidence=confidence,
               notes=("序号与文本分开印出，按顺序重新拼合",) if alignment is Alignment.RECONSTRUCTED else ())


def _requirement(row: Row, agencies: tuple[AgencyMention, ...], deadlines: tuple[Deadline, ...],
                 citations: tuple[DocumentReference, ...] = ()) -> LiftedRequirement:
    return LiftedRequirement(row=row, key=str(row.seq), agencies=agencies, deadlines=deadlines,
                             citations=citations, types=("decision-disclosure",))


def _plan(source: SourceDoc, title: str, rows: list[LiftedRequirement], citations=(),
          missing=()) -> LiftedPlan:
    notice = Notice(title=f"测试区人民政府办公室关于印发{title}的通知", issuer="测试区人民政府办公室",
                    printed_number=None, date="2019-03-01", implements=(), span=Span(1, 3))
    parsed = ParsedPlan(source=source, layout="tab-table", plan_title=title, notice=notice,
                        groups=(TaskGroup(GROUP, 1, None, Span(6, 6), 1),),
                        rows=tuple(r.row for r in rows))
    return LiftedPlan(parsed=parsed, slug=f"{REGION.slug}-2019", year=2019, kind="division-of-work",
                      region=REGION, notice_number=None, implements=(), citations=tuple(citations),
                      requirements=tuple(rows), missing_seq=tuple(missing))


def _deadline(printed: str, date: str | None, origin: Origin = Origin.PRINTED,
              kind: DeadlineKind = DeadlineKind.ON_OR_BEFORE) -> Deadline:
    return Deadline(kind=kind, printed=printed, date=date, origin=origin)


GUOFA_47 = DocumentReference(number=DocumentNumber("国发", 2017, 47), title="国务院办公厅关于印发政府网站发展指引的通知",
                             printed="国发〔2017〕47号", issuer_by_code="国务院", issuer_in_title="国务院办公厅",
                             issuer_conflict=True)
LONG_CONFLICT = DocumentReference(number=DocumentNumber("国发", 2018, 9), title=LONG_ISSUER + "关于某事的通知",
                                  printed="国发〔2018〕9号", issuer_by_code="国务院", issuer_in_title=LONG_ISSUER,
                                  issuer_conflict=True)

HOSTILE_LINES = [
    "测试区人民政府办公室关于印发测试区2019年政务公开工作要点分工方案的通知",
    "各部门：",
    "现将《测试区2019年政务公开工作要点分工方案》印发给你们，请认真贯彻落实。",
    HOSTILE_TITLE,
    "序号\t工作任务\t具体要求\t牵头落实单位\t完成时限",
    f"1\t{GROUP}\t认真落实《国务院办公厅关于印发政府网站发展指引的通知》（国发〔2017〕47号）\t区政府办牵头\t12月底前",
    f"2\t\t{LONG_LINE}\t\t",
    "3\t\t\t区财政局负责\t2018年3月底前",
    "7\t\t重新拼合的一行<script>window.__xss = 3</script>\t区水务局负责\t视情况",
]


def hostile_plan() -> tuple[LiftedPlan, list[str]]:
    source = _source("ceshi-2019-hostile.txt", HOSTILE_LINES)
    reqs = [
        _requirement(_row(1, 1, 6, HOSTILE_LINES[5].split("\t")[2]), (_agency("区政府办公室", Role.LEAD),),
                     (_deadline("12月底前", "2019-12-31"),), (GUOFA_47, LONG_CONFLICT)),
        _requirement(_row(2, 2, 7, LONG_LINE, carried=True),
                     (_agency("区政府办公室", Role.LEAD, Origin.INFERRED),),
                     (_deadline("12月底前", "2019-12-31", Origin.INFERRED),)),
        _requirement(_row(3, 3, 8, None), (_agency("区财政局"),), (_deadline("2018年3月底前", "2018-03-31"),)),
        _requirement(_row(7, 4, 9, "重新拼合的一行<script>window.__xss = 3</script>",
                          alignment=Alignment.RECONSTRUCTED, confidence=0.6),
                     (_agency("区水务局"),), (_deadline("视情况", None, kind=DeadlineKind.UNRESOLVED),)),
    ]
    plan = _plan(source, HOSTILE_TITLE, reqs, citations=(GUOFA_47, LONG_CONFLICT), missing=(4, 5, 6))
    return plan, HOSTILE_LINES


CLEAN_TITLE = "测试区2019年政务公开工作要点分工方案"
CLEAN_LINES = HOSTILE_LINES[:3] + [CLEAN_TITLE, HOSTILE_LINES[4],
                                   f"1\t{GROUP}\t推进重大决策预公开\t区政府办牵头\t12月底前",
                                   "2\t\t做好政策解读\t\t"]


def clean_plan(reconstructed: bool = False) -> tuple[LiftedPlan, list[str]]:
    """No Violation; one inferred deadline (Info), and with `reconstructed` one reassembled row (Warning)."""
    source = _source("ceshi-2019-clean.txt", CLEAN_LINES)
    second = dict(alignment=Alignment.RECONSTRUCTED, confidence=0.8) if reconstructed else {}
    reqs = [
        _requirement(_row(1, 1, 6, "推进重大决策预公开"), (_agency("区政府办公室", Role.LEAD),),
                     (_deadline("12月底前", "2019-12-31"),)),
        _requirement(_row(2, 2, 7, "做好政策解读", **second), (_agency("区政府办公室", Role.LEAD),),
                     (_deadline("12月底前", "2019-12-31", Origin.INFERRED),)),
    ]
    return _plan(source, CLEAN_TITLE, reqs), CLEAN_LINES


def write_build(plan: LiftedPlan, lines: list[str], root: Path):
    """A build folder (store and graph.nq, made as `kg build` makes them) and a corpus folder (the source
    text) for one plan; returns the Settings pointing at both."""
    import pyoxigraph as ox

    from kg.pipeline import load_store, write_quads
    from kg.settings import load_settings

    corpus, build = root / "corpus", root / "build"
    corpus.mkdir(parents=True)
    build.mkdir(parents=True)
    (corpus / Path(plan.parsed.source.path).name).write_bytes(("\n".join(lines) + "\n").encode("utf-8"))
    settings = load_settings(build=build, corpus=corpus)
    write_quads([plan], settings, "2019-03-01T00:00:00+00:00", build / "lifted.nq")
    store = load_store(build / "store", build / "lifted.nq", [plan], settings)
    store.dump(str(build / "graph.nq"), format=ox.RdfFormat.N_QUADS)
    (build / "lifted.nq").unlink()
    return settings
