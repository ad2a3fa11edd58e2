"""Read the notice (关于印发……的通知) that wraps a plan: title, issuer, 发文字号, date, implemented plans."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.errors import ParseError
from kg.parse.cells import squeeze
from kg.parse.citations import CitationMatch, is_document_number, iter_citations
from kg.parse.model import CitedDocument, Notice, SourceDoc, Span

# 发文机关 names end like this (攀枝花市人民政府办公室, 楚雄州人民政府, 省政府办公厅, 区政府办 …).
ISSUER_ENDINGS = ("办公室", "办公厅", "人民政府", "政府", "委员会", "管委会", "局", "厅", "委", "办")
# A plan title ends like this (工作要点, 分工方案, 任务分解表 …).
PLAN_TITLE_ENDINGS = ("要点", "方案", "分解表", "计划", "安排", "清单")
# The purpose clause that names the documents a notice implements: 为贯彻落实《…》（…）要求，… It opens
# with 为 + verb, or with 根据/按照 at the start of a paragraph.
_IMPLEMENTS_CLAUSE = re.compile(r"为(?:认真)?(?:贯彻落实|贯彻|落实|执行)|(?:^|\n)\s*(?:根据|按照|依据)")
# A higher plan named in the plan's own title: 楚雄州贯彻落实省政府办公厅2018年政务公开工作要点分工方案.
_TITLE_IMPLEMENTS = re.compile(r"(?:贯彻落实|贯彻|落实)(?P<target>.+?(?:工作要点|要点|意见|规定|办法))"
                               r"(?=的?(?:分工方案|实施方案|工作方案|任务分解|实施细则))")
_NOTICE_TITLE = re.compile(r"^(?P<issuer>.*?)关于(?:印发|转发)(?P<plan>.+)的通知$")
_SALUTATION = re.compile(r"^(?:各|.*[、，,]).*[：:]$")  # 主送机关: 各县（区）人民政府，市级各部门：
_DATE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
_CHINESE_DATE = re.compile(r"^([〇○零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,2})月([一二三四五六七八九十]{1,3})日$")
CHINESE_DIGITS = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
                  "八": 8, "九": 9}
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_BODY_START = re.compile(r"^(?:\t|序号|一、)")  # where a plan without a notice starts its body
_CLAUSE_END = "，。；,;"


@dataclass(frozen=True)
class _Title:
    text: str  # cleaned, joined
    first: int  # line numbers
    last: int
    pieces: tuple[tuple[int, str], ...]  # (line, cleaned text) of each printed piece


def parse_notice(doc: SourceDoc) -> tuple[Notice, str]:
    """The notice wrapping ``doc``'s plan, and the plan's title. A plan printed without a notice gets a
    Notice whose title is the plan title and whose other facts are None/empty."""
    lines = doc.lines
    salutation = _find_salutation(lines)
    found = _find_notice_title(lines, salutation)
    if found is None:
        return _plan_header(doc)
    title, match = found
    plan_title = match.group("plan").strip("《》")  # 关于印发《X》的通知 names the plan X
    header_end = salutation or title.last  # the header: title, 版头, metadata; the body follows
    last = _notice_end(lines, plan_title, header_end + 1)
    issuer = (match.group("issuer") or _signature(lines, header_end + 1, last)
              or _metadata_issuer(lines, title.last + 1, header_end))
    number_line = _own_number_line(lines, header_end)
    first = title.first
    if number_line is not None and number_line < first:  # 版头 and 发文字号 printed above the title
        first = _block_start(lines, number_line)
    implements = _implements(lines, header_end + 1, last) + _implements_from_title(title, plan_title)
    date = _date(lines, header_end + 1, last) or _metadata_date(lines, title.last + 1, header_end)
    notice = Notice(title=title.text, issuer=issuer or None,
                    printed_number=lines[number_line - 1].strip() if number_line else None, date=date,
                    implements=_dedupe(implements), span=Span(first, max(last, title.last)))
    return notice, plan_title


def _plan_header(doc: SourceDoc) -> tuple[Notice, str]:
    """A plan with no notice: its first title-like line is the plan title."""
    candidates = []
    for number, line in enumerate(doc.lines, start=1):
        if _BODY_START.match(line):
            break
        if squeeze(line):
            candidates.append((number, squeeze(line)))
    titled = [c for c in candidates if c[1].endswith(PLAN_TITLE_ENDINGS)] or candidates
    if not titled:
        raise ParseError(doc.path, "no notice and no plan title before the plan body", line=1)
    number, title = titled[0]
    span = Span(number, number)
    return Notice(title=title, issuer=None, printed_number=None, date=None, implements=(), span=span), title


def _find_salutation(lines: list[str]) -> int | None:
    """Line number of the 主送机关 line (各…：), which ends the notice's header."""
    for number, line in enumerate(lines, start=1):
        if _BODY_START.match(line):
            return None
        text = squeeze(line)
        if len(text) > 3 and _SALUTATION.match(text):
            return number
    return None


def _find_notice_title(lines: list[str], salutation: int | None) -> tuple[_Title, re.Match[str]] | None:
    """The first 关于印发……的通知 title before the salutation, joined when broken over lines."""
    end = salutation or next((n for n, line in enumerate(lines, 1) if _BODY_START.match(line)), len(lines))
    for number in range(1, end):
        if not squeeze(lines[number - 1]).endswith("通知"):
            continue
        title = _join_title_upwards(lines, number)
        match = _NOTICE_TITLE.match(title.text) if title else None
        if title and match:
            return title, match
    return None


def _join_title_upwards(lines: list[str], last: int) -> _Title | None:
    """Join the title's lines, walking up from its last line until the line that holds 关于; the issuer
    line above a line starting with 关于 belongs to the title too."""
    pieces: list[tuple[int, str]] = []
    number = last
    while number >= 1 and squeeze(lines[number - 1]):
        text = squeeze(lines[number - 1])
        pieces.insert(0, (number, text))
        if "关于" in text:
            above = squeeze(lines[number - 2]) if number >= 2 else ""
            if text.startswith("关于") and above.endswith(ISSUER_ENDINGS):
                pieces.insert(0, (number - 1, above))
            return _Title("".join(p for _, p in pieces), pieces[0][0], last, tuple(pieces))
        number -= 1
    return None


def _notice_end(lines: list[str], plan_title: str, start: int) -> int:
    """Last line of the notice: the text line before the plan's own title line (or, when the plan title
    is not printed again, before the plan's table or 附件 line)."""
    wanted = squeeze(plan_title)
    for number in range(start, len(lines) + 1):
        text = squeeze(lines[number - 1])
        if text == wanted or _BODY_START.match(lines[number - 1]) and "\t" in lines[number - 1] \
                or text.startswith("附件"):
            return _last_text_line(lines, number - 1)
    return _last_text_line(lines, len(lines))


def _last_text_line(lines: list[str], number: int) -> int:
    while number > 1 and not squeeze(lines[number - 1]):
        number -= 1
    return number


def _signature(lines: list[str], first: int, last: int) -> str | None:
    """The issuer signed under the notice: the last issuer-like line of the notice body."""
    for number in range(last, first - 1, -1):
        text = squeeze(lines[number - 1])
        if text.endswith(ISSUER_ENDINGS) and len(text) <= 20 and not _SALUTATION.match(text):
            return text
    return None


def _metadata_issuer(lines: list[str], first: int, last: int) -> str | None:
    """A web page's metadata block (between title and salutation) names the issuer on a line of its own."""
    for number in range(first, last):
        text = squeeze(lines[number - 1])
        if text.endswith(ISSUER_ENDINGS) and len(text) <= 20:
            return text
    return None


def _own_number_line(lines: list[str], header_end: int) -> int | None:
    """Line of the notice's own 发文字号: a line holding only a number, in the header."""
    for number in range(1, header_end):
        if is_document_number(lines[number - 1]):
            return number
    return None


def _block_start(lines: list[str], number: int) -> int:
    """First line of the run of non-blank lines that holds line ``number``."""
    while number > 1 and squeeze(lines[number - 2]):
        number -= 1
    return number


def _date(lines: list[str], first: int, last: int) -> str | None:
    """The 成文日期 printed under the signature (2017 年 7 月 3 日, 二〇一七年七月三日)."""
    for number in range(last, first - 1, -1):
        text = squeeze(lines[number - 1]).replace(" ", "")
        found = _DATE.match(text)
        if found:
            return _iso(*found.groups())
        found = _CHINESE_DATE.match(text)
        if found:
            return _iso(*(_chinese_number(part) for part in found.groups()))
    return None


def _metadata_date(lines: list[str], first: int, last: int) -> str | None:
    """The first ISO date of a web page's metadata block (成文日期 comes before 发布日期)."""
    for number in range(first, last):
        found = _ISO_DATE.match(lines[number - 1].strip())
        if found:
            return _iso(*found.groups())
    return None


def _iso(year: str | int, month: str | int, day: str | int) -> str:
    return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"


def _chinese_number(text: str) -> int:
    """二〇一七 → 2017 (digit by digit); 十二 → 12, 二十三 → 23, 三十 → 30."""
    if "十" not in text:
        return int("".join(str(CHINESE_DIGITS[c]) for c in text))
    tens, _, units = text.partition("十")
    return CHINESE_DIGITS.get(tens, 1) * 10 + (CHINESE_DIGITS[units] if units else 0)


def _implements(lines: list[str], first: int, last: int) -> list[CitedDocument]:
    """Documents cited in a 为贯彻落实《…》（…）… clause of the notice body."""
    body = "\n".join(lines[first - 1:last])
    citations = list(iter_citations(body, first))
    found: list[CitedDocument] = []
    for verb in _IMPLEMENTS_CLAUSE.finditer(body):
        end = _clause_end(body, verb.end(), citations)
        found += [c.cited for c in citations if verb.end() <= c.start < end]
    return found


def _clause_end(text: str, start: int, citations: list[CitationMatch]) -> int:
    """End of the clause starting at ``start``: the first clause punctuation outside a citation."""
    for i in range(start, len(text)):
        if text[i] in _CLAUSE_END and not any(c.start <= i < c.end for c in citations):
            return i
    return len(text)


def _implements_from_title(title: _Title, plan_title: str) -> list[CitedDocument]:
    """A higher plan named by the plan title itself (…贯彻落实X工作要点分工方案), title only."""
    found = _TITLE_IMPLEMENTS.search(plan_title)
    if found is None:
        return []
    target = found.group("target")
    return [CitedDocument(printed_number=None, title=target, span=_span_of(title, target))]


def _span_of(title: _Title, part: str) -> Span:
    """Lines of ``title`` over which ``part`` is printed."""
    offset = title.text.find(part)
    lines, position = [], 0
    for number, piece in title.pieces:
        if position < offset + len(part) and offset < position + len(piece):
            lines.append(number)
        position += len(piece)
    return Span(min(lines), max(lines)) if lines else Span(title.first, title.last)


def _dedupe(cited: list[CitedDocument]) -> tuple[CitedDocument, ...]:
    seen: set[tuple[str | None, str | None]] = set()
    unique = []
    for doc in cited:
        key = (doc.printed_number and squeeze(doc.printed_number), doc.title)
        if key not in seen:
            seen.add(key)
            unique.append(doc)
    return tuple(unique)
