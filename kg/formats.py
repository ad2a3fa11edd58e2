"""Media type ↔ serialisation format tables and HTTP Accept negotiation."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Format:
    """One serialisation: short name (for ``format=`` links), canonical media type, accepted aliases."""

    name: str
    media_type: str
    aliases: tuple[str, ...] = ()
    extension: str = ""


# SELECT / ASK results (SPARQL 1.1 Query Results formats); the first is the default.
RESULT_FORMATS: tuple[Format, ...] = (
    Format("json", "application/sparql-results+json", ("application/json",), "srj"),
    Format("xml", "application/sparql-results+xml", ("application/xml", "text/xml"), "srx"),
    Format("csv", "text/csv", (), "csv"),
    Format("tsv", "text/tab-separated-values", (), "tsv"),
)
# ASK has no CSV/TSV form in the standard; JSON and XML carry booleans.
BOOLEAN_FORMATS: tuple[Format, ...] = RESULT_FORMATS[:2]

# CONSTRUCT / DESCRIBE results and the service description; the first is the default.
GRAPH_FORMATS: tuple[Format, ...] = (
    Format("turtle", "text/turtle", ("application/x-turtle", "application/turtle"), "ttl"),
    Format("ntriples", "application/n-triples", ("text/plain",), "nt"),
    Format("jsonld", "application/ld+json", ("application/json",), "jsonld"),
    Format("rdfxml", "application/rdf+xml", ("application/xml", "text/xml"), "rdf"),
)

HTML = Format("html", "text/html", ("application/xhtml+xml",), "html")

# Alternative spellings accepted in the ``format=`` parameter, besides names and media types.
FORMAT_PARAM_ALIASES: dict[str, str] = {
    "srj": "json", "srx": "xml", "ttl": "turtle", "nt": "ntriples", "n-triples": "ntriples",
    "json-ld": "jsonld", "rdf": "rdfxml", "rdf/xml": "rdfxml", "text": "tsv",
}


@dataclass(frozen=True)
class MediaRange:
    """One entry of an Accept header."""

    type: str
    subtype: str
    q: float
    order: int

    @property
    def specificity(self) -> int:
        return (self.type != "*") + (self.subtype != "*")

    def matches(self, media_type: str) -> bool:
        mtype, _, msub = media_type.partition("/")
        return self.type in ("*", mtype) and self.subtype in ("*", msub)


def parse_accept(header: str | None) -> list[MediaRange]:
    """Parse an Accept header into media ranges, best first. A missing header means ``*/*``."""
    if not header or not header.strip():
        return [MediaRange("*", "*", 1.0, 0)]
    ranges = []
    for order, part in enumerate(header.split(",")):
        fields = [f.strip() for f in part.split(";")]
        mtype, _, subtype = fields[0].lower().partition("/")
        if not mtype or not subtype:
            if fields[0] == "*":  # some clients send a bare "*"
                mtype, subtype = "*", "*"
            else:
                continue
        q = 1.0
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append(MediaRange(mtype, subtype, q, order))
    return sorted(ranges, key=lambda r: (-r.q, -r.specificity, r.order))


def _quality(ranges: list[MediaRange], media_type: str) -> tuple[float, int]:
    """The q of the most specific range matching ``media_type`` (RFC 9110 §12.5.1), and its specificity."""
    best: MediaRange | None = None
    for r in ranges:
        if r.matches(media_type) and (best is None or r.specificity > best.specificity):
            best = r
    return (best.q, best.specificity) if best else (0.0, -1)


def negotiate(ranges: list[MediaRange], offered: tuple[Format, ...]) -> Format | None:
    """The offered format the client prefers most, or None if it accepts none of them.

    Ties keep the server's order, so ``*/*`` gets the first (default) format. Aliases count
    (``application/json`` selects SPARQL JSON), but a canonical type wins over an alias of another format.
    """
    best: tuple[float, int, int, int] | None = None
    chosen: Format | None = None
    for rank, fmt in enumerate(offered):
        for alias_rank, media_type in enumerate((fmt.media_type, *fmt.aliases)):
            q, specificity = _quality(ranges, media_type)
            if q <= 0:
                continue
            # A wildcard match of an alias adds nothing: only the canonical type takes part then.
            if alias_rank and specificity < 2:
                continue
            score = (q, specificity, -min(alias_rank, 1), -rank)
            if best is None or score > best:
                best, chosen = score, fmt
    return chosen


# A results-format name used for a graph result means its RDF counterpart (SPARQLWrapper sends these).
GRAPH_PARAM_ALIASES: dict[str, str] = {"json": "jsonld", "xml": "rdfxml"}


def format_by_param(value: str, offered: tuple[Format, ...]) -> Format | None:
    """Resolve a ``format=`` parameter (name, alias or media type) among the offered formats."""
    value = value.strip().lower()
    value = FORMAT_PARAM_ALIASES.get(value, value)
    if offered is GRAPH_FORMATS:
        value = GRAPH_PARAM_ALIASES.get(value, value)
    for fmt in offered:
        if value == fmt.name or value == fmt.media_type:
            return fmt
    for fmt in offered:
        if value in fmt.aliases:
            return fmt
    return None


@dataclass(frozen=True)
class ResultFormats:
    """The format chosen for each kind of query result, decided before the query's form is known."""

    solutions: Format | None
    boolean: Format | None
    graph: Format | None

    def for_kind(self, kind: str) -> Format | None:
        """The format for ``solutions`` (SELECT), ``boolean`` (ASK) or ``graph`` (CONSTRUCT/DESCRIBE)."""
        return {"solutions": self.solutions, "boolean": self.boolean, "graph": self.graph}[kind]


def _first_by_param(candidates: list[str], offered: tuple[Format, ...]) -> Format | None:
    for value in candidates:
        if fmt := format_by_param(value, offered):
            return fmt
    return None


def choose_result_formats(accept: str | None, format_params: list[str] | str | None = None) -> ResultFormats:
    """Pick the response format per result kind from ``format=`` values (if any is known) or Accept.

    Several values, and comma-separated lists in one value, are tried in order: SPARQLWrapper sends
    ``format=json&format=application/sparql-results+json,…``. Values that name no format at all are
    ignored and the Accept header decides; a known format that does not fit a result kind makes that
    kind unacceptable (``format=csv`` for a CONSTRUCT is a 406, not a surprise).
    """
    if isinstance(format_params, str):
        format_params = [format_params]
    candidates = [item for value in format_params or [] for item in value.split(",") if item.strip()]
    by_param = ResultFormats(_first_by_param(candidates, RESULT_FORMATS),
                             _first_by_param(candidates, BOOLEAN_FORMATS),
                             _first_by_param(candidates, GRAPH_FORMATS))
    if by_param.solutions or by_param.boolean or by_param.graph:
        return by_param
    ranges = parse_accept(accept)
    return ResultFormats(negotiate(ranges, RESULT_FORMATS), negotiate(ranges, BOOLEAN_FORMATS),
                         negotiate(ranges, GRAPH_FORMATS))


def format_named(name: str) -> Format:
    """The format with this short name (``json``, ``turtle`` …)."""
    for fmt in (*RESULT_FORMATS, *GRAPH_FORMATS, HTML):
        if fmt.name == name:
            return fmt
    raise KeyError(name)
