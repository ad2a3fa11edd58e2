"""发文字号 and cited documents → canonical numbers, issuing organs, issuer conflicts between title and code."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from kg.normalise.agencies import looks_like_agency
from kg.normalise.model import DocumentNumber, DocumentReference
from kg.normalise.slugs import word_slug
from kg.parse.model import CitedDocument

_CJK = r"\u3400-\u9fff"
# 代字 + year in any bracket (〔〕 [] () 【】 ［］) + serial + 号, once whitespace is gone
_NUMBER = re.compile(
    rf"(?P<code>[{_CJK}]+)[〔［\[【（(](?P<year>\d{{4}})[〕］\]】）)]第?(?P<serial>\d{{1,6}})号?"
)
_MAX_UNKNOWN_CODE = 6  # an unknown 代字 longer than this is more likely text run into the number
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_WHITESPACE = re.compile(r"\s+")
# In a title, the organ comes before 关于 / 印发 / 转发: 《国务院办公厅关于印发…的通知》
_ORGAN_END = re.compile(r"关于|印发|转发")
_TITLE_MARKS = "《》<>〈〉 \t\n"
_CJK_SPACE = re.compile(rf"(?<=[{_CJK}\d])\s+|\s+(?=[{_CJK}])")


@dataclass(frozen=True)
class IssuerCode:
    """A 发文机关代字 and the organ that uses it (kg/data/issuer-codes.csv)."""

    code: str
    organ: str
    level: str  # central | province | prefecture | county


@cache
def issuer_codes() -> dict[str, IssuerCode]:
    """Every known 发文机关代字, by code."""
    with resources.files("kg.data").joinpath("issuer-codes.csv").open(encoding="utf-8") as f:
        return {row["code"]: IssuerCode(row["code"], row["organ"], row["level"]) for row in csv.DictReader(f)}


def parse_document_number(printed: str) -> DocumentNumber | None:
    """The canonical 发文字号 in a printed number, whatever its spacing and brackets.

    "国发\\n\\n〔2016〕55 号", "国发〔2016〕55号" and "〔财预〔2014〕36号〕" all parse; None when no number is there.
    """
    text = _WHITESPACE.sub("", printed).translate(_FULLWIDTH_DIGITS)
    match = _NUMBER.search(text)
    if not match:
        return None
    code = _issuer_code(match["code"])
    year = int(match["year"])
    if code is None or not 1949 <= year <= 2100:
        return None
    return DocumentNumber(issuer_code=code, year=year, serial=int(match["serial"]))


def _issuer_code(run: str) -> str | None:
    """The 代字 at the end of a run of characters: the longest known code, else the run if short."""
    known = [code for code in issuer_codes() if run.endswith(code)]
    if known:
        return max(known, key=len)
    return run if len(run) <= _MAX_UNKNOWN_CODE else None


def number_slug(number: DocumentNumber) -> str:
    """ASCII slug for IRIs: 国发〔2016〕55号 → guofa-2016-55."""
    return f"{word_slug(number.issuer_code)}-{number.year}-{number.serial}"


def issuer_of(number: DocumentNumber) -> str | None:
    """The organ whose 代字 the number carries (国办发 → 国务院办公厅), when the code is known."""
    known = issuer_codes().get(number.issuer_code)
    return known.organ if known else None


def organ_in_title(title: str) -> str | None:
    """The organ a title names before 关于/印发/转发: 《国务院办公厅关于…》 → 国务院办公厅; else None."""
    end = _ORGAN_END.search(title)
    if not end or end.start() == 0:
        return None
    organ = title[:end.start()]
    if any(mark in organ for mark in "《<〈“\"") or not looks_like_agency(organ):
        return None
    return organ


def normalise_citation(cited: CitedDocument) -> DocumentReference:
    """A cited document normalised: canonical number, clean title, and whether they disagree on the issuer.

    《国务院办公厅关于印发政府网站发展指引的通知》 cited as 国发〔2017〕47号 names 国务院办公厅 in its title,
    while 国发 belongs to 国务院: the reference is flagged ``issuer_conflict``.
    """
    number = parse_document_number(cited.printed_number) if cited.printed_number else None
    title = clean_title(cited.title) if cited.title else None
    by_code = issuer_of(number) if number else None
    in_title = organ_in_title(title) if title else None
    return DocumentReference(
        number=number,
        title=title,
        printed=_printed(cited),
        issuer_by_code=by_code,
        issuer_in_title=in_title,
        issuer_conflict=bool(by_code and in_title and not same_organ(by_code, in_title)),
        span=cited.span,
    )


def clean_title(title: str) -> str | None:
    """A title without doubled title marks and without the spaces a PDF put between Chinese words."""
    cleaned = _CJK_SPACE.sub("", title.strip(_TITLE_MARKS)).strip()
    return cleaned or None


def same_organ(a: str, b: str) -> bool:
    """Whether two spellings name one organ: 人民 may be left out (云南省政府办公厅), and the longer may
    spell out the parent region (昆明市五华区人民政府办公室 / 五华区人民政府办公室)."""
    a, b = a.replace("人民", ""), b.replace("人民", "")
    return a.endswith(b) or b.endswith(a)


def _printed(cited: CitedDocument) -> str:
    parts = []
    if cited.title:
        parts.append(f"《{cited.title}》")
    if cited.printed_number:
        parts.append(f"（{cited.printed_number}）" if cited.title else cited.printed_number)
    return "".join(parts)
