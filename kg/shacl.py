"""SHACL validation results as plain records, the shapes graph, and the data graph both engines read."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Identifier

from kg.errors import KgError
from kg.vocab import PREFIXES, SH

# Severities from the most to the least serious, with the names `--fail-on` uses.
SEVERITIES: tuple[URIRef, ...] = (SH.Violation, SH.Warning, SH.Info)
SEVERITY_NAMES: dict[URIRef, str] = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}


class ValidationError(KgError):
    """The shapes cannot be loaded or compiled, or the build has nothing to validate."""


@dataclass(frozen=True)
class Result:
    """One sh:ValidationResult, engine-independent."""

    focus: Identifier
    path: URIRef | None
    value: Identifier | None
    shape: Identifier
    component: URIRef
    severity: URIRef
    messages: tuple[Literal, ...] = ()
    constraint: Identifier | None = None

    def key(self) -> tuple[str, ...]:
        """What two engines must agree on: focus, path, shape, component, severity and value."""
        return tuple(_key_term(t) for t in (self.focus, self.path, self.shape, self.component,
                                               self.severity, self.value))

    @property
    def severity_name(self) -> str:
        return SEVERITY_NAMES.get(self.severity, str(self.severity))

    def message(self, lang: str) -> str:
        """The message in one language; untagged messages count for any language."""
        plain = None
        for m in self.messages:
            language = m.language
            if language == lang:
                return str(m)
            if not language and plain is None:
                plain = str(m)
        return plain or ""


def _key_term(term: Identifier | None) -> str:
    if term is None:
        return ""
    if isinstance(term, BNode):
        return "_:"  # blank nodes differ between parses; only their presence is comparable
    if isinstance(term, URIRef):
        return f"<{term}>"  # what n3() writes, without its check of every character (100,000s of results)
    return term.n3()


def load_shapes(folder: Path) -> Graph:
    """Every *.ttl of the shapes folder, as one graph."""
    files = sorted(Path(folder).glob("*.ttl"))
    if not files:
        raise ValidationError(f"{folder}: no shapes (*.ttl)")
    graph = Graph()
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns)
    for path in files:
        try:
            graph.parse(path, format="turtle")
        except Exception as error:  # rdflib raises many kinds; name the file
            raise ValidationError(f"{path}: {error}") from None
    return graph


def data_file(build_dir: Path) -> Path:
    """The N-Quads dump of a build: what validation reads."""
    path = Path(build_dir) / "graph.nq"
    if not path.is_file():
        raise ValidationError(f"{build_dir}: no graph.nq; run `kg build` first")
    return path


def union_graph(nquads: Path) -> Graph:
    """Every named graph of an N-Quads file merged into one rdflib Graph (the reference engine's input)."""
    ds = Dataset()
    ds.parse(nquads, format="nquads")
    graph = Graph()
    for s, p, o, _ in ds.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


def severity_of(name: str) -> URIRef:
    """`violation` → sh:Violation; raises ValidationError on an unknown name."""
    for iri, known in SEVERITY_NAMES.items():
        if known == name.lower():
            return iri
    raise ValidationError(f"unknown severity {name!r}: use one of {', '.join(SEVERITY_NAMES.values())}")


def namespaces_for(shapes: Graph) -> dict[str, str]:
    """Prefixes for showing IRIs: the project's, plus those the shapes files declare for their own shapes."""
    out = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
    shape_iris = {str(s) for s in shapes.subjects(SH.severity, None) if isinstance(s, URIRef)}
    for prefix, ns in shapes.namespaces():
        if prefix and prefix not in out and any(s.startswith(str(ns)) for s in shape_iris):
            out[prefix] = str(ns)
    return out
