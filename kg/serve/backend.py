"""The backend contract: run one query over a dataset within a time limit, return serialised results."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import pyoxigraph as ox

from kg.formats import ResultFormats
from kg.serve import results
from kg.serve.errors import NotAcceptable


@dataclass(frozen=True)
class QueryJob:
    """One query as the protocol layer hands it to a backend (picklable: it crosses processes)."""

    sparql: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    formats: dict[str, str | None] = field(default_factory=dict)  # result kind → format name
    max_rows: int = 10_000
    union_default_graph: bool = True  # False when the query names its own dataset (FROM …)
    base_iri: str | None = None  # relative IRIs in the query resolve against the endpoint URL


@dataclass(frozen=True)
class QueryResult:
    """A finished, serialised result."""

    kind: str  # solutions | boolean | graph
    format: str  # format name from kg.formats
    body: bytes
    truncated: bool = False
    count: int = 0  # rows or triples returned (1 for ASK)


class Backend(Protocol):
    """A place queries run: the local store through worker processes, or a remote SPARQL endpoint."""

    build_id: str  # changes whenever the data may have changed; part of cache keys and ETags

    def query(self, job: QueryJob, timeout: float) -> QueryResult:
        """Run the job, stopping it after ``timeout`` seconds; raise ProtocolError subclasses."""

    def close(self) -> None:
        """Release workers and connections."""


def job_formats(formats: ResultFormats) -> dict[str, str | None]:
    """The per-kind format names a job carries."""
    return {kind: (fmt.name if fmt else None) for kind, fmt in
            (("solutions", formats.solutions), ("boolean", formats.boolean), ("graph", formats.graph))}


def _format_for(job: QueryJob, kind: str) -> str:
    name = job.formats.get(kind)
    if name is None:
        raise NotAcceptable(f"no acceptable format for a {kind} result; see the service description "
                            "for the formats offered")
    return name


def serialise_outcome(job: QueryJob, outcome: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples
                      | bool | list, variables: list[str] | None = None) -> QueryResult:
    """Serialise a query outcome, reading at most ``max_rows`` rows or triples plus one to detect more.

    ``outcome`` is a pyoxigraph result, or (for remote backends) a bool, a list of rows with
    ``variables``, or a list of triples.
    """
    if isinstance(outcome, (bool, ox.QueryBoolean)):
        fmt = _format_for(job, "boolean")
        return QueryResult("boolean", fmt, results.write_boolean(bool(outcome), fmt), False, 1)
    if isinstance(outcome, ox.QuerySolutions) or variables is not None:
        fmt = _format_for(job, "solutions")
        if variables is None:
            variables = [v.value for v in outcome.variables]
            width = range(len(variables))
            rows = []
            for solution in outcome:
                rows.append(tuple(solution[i] for i in width))
                if len(rows) > job.max_rows:
                    break
        else:
            rows = list(outcome[: job.max_rows + 1])
        truncated = len(rows) > job.max_rows
        rows = rows[: job.max_rows]
        body = results.write_solutions(variables, rows, fmt, truncated, job.max_rows)
        return QueryResult("solutions", fmt, body, truncated, len(rows))
    fmt = _format_for(job, "graph")
    triples = []
    for triple in outcome:
        triples.append(triple)
        if len(triples) > job.max_rows:
            break
    truncated = len(triples) > job.max_rows
    triples = triples[: job.max_rows]
    return QueryResult("graph", fmt, results.write_graph(triples, fmt), truncated, len(triples))
