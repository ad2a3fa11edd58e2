"""The `kg` command line: thin wrappers around library functions; errors become messages and exit codes.

Exit codes: 0 ok; 1 `kg validate` found results at or above --fail-on; 2 bad input, usage or configuration.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

import click

from kg import __version__
from kg.errors import KgError
from kg.settings import Settings, load_settings


def _echo_err(message: str) -> None:
    click.echo(message, err=True)


def _timed_progress() -> Callable[[str], None]:
    """Progress lines prefixed with the seconds since the command started: a long build shows where its
    time goes (bench/national.py reads these lines to time the stages of a real build)."""
    started = time.perf_counter()
    return lambda message: _echo_err(f"[{time.perf_counter() - started:7.1f} s] {message}")


class KgGroup(click.Group):
    """Turns library errors into a one-line message on stderr and exit code 2."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KgError as error:
            _echo_err(f"kg: error: {error}")
            ctx.exit(error.exit_code)


@click.group(cls=KgGroup, context_settings={"help_option_names": ["-h", "--help"]},
             epilog="Exit codes: 0 success; 1 `kg validate` found results at or above --fail-on; 2 bad input, "
                    "usage or configuration (the message names the file and line). Progress goes to stderr.")
@click.version_option(__version__, prog_name="kg")
@click.option("--config", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Settings file (TOML); default ./kg.toml when present. KG_* environment variables override it.")
@click.option("--base", default=None, help="Base IRI of the published data (default http://127.0.0.1:8000/).")
@click.option("--build-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Build folder (default ./build).")
@click.pass_context
def cli(ctx: click.Context, config: Path | None, base: str | None, build_dir: Path | None) -> None:
    """Lift Chinese open-government work plans (政务公开工作要点 / 分工方案) into linked data and publish it."""
    ctx.obj = {"config": config, "base": base, "build": build_dir}


def settings_from(ctx: click.Context, **overrides) -> Settings:
    return load_settings(ctx.obj["config"], base=ctx.obj["base"], build=ctx.obj["build"], **overrides)


@cli.command()
@click.option("--corpus", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of source documents (default ./corpus).")
@click.option("--quiet", "-q", is_flag=True, help="No progress lines, only the summary.")
@click.pass_context
def build(ctx: click.Context, corpus: Path | None, quiet: bool) -> None:
    """Lift every document of the corpus into build/: TriG (a named graph per plan), Turtle, N-Triples,
    JSON-LD and N-Quads dumps, and a pyoxigraph store. The build happens in a temporary folder that replaces
    build/ only when everything succeeded; a failed build leaves the previous one in place."""
    from kg.pipeline import build as run_build

    settings = settings_from(ctx, corpus=corpus)
    summary = run_build(settings, progress=(lambda _: None) if quiet else _timed_progress())
    click.echo("Built:")
    for line in summary.lines():
        click.echo(line)
    validation = summary.extra.get("validation")
    if validation is not None:
        for line in validation.lines()[1:]:
            click.echo(line)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write here instead of standard output.")
@click.option("--format", "fmt", type=click.Choice(["ttl", "nt", "jsonld", "trig"]), default="ttl",
              show_default=True, help="RDF serialisation.")
@click.pass_context
def lift(ctx: click.Context, files: tuple[Path, ...], output: Path | None, fmt: str) -> None:
    """Lift FILE... to RDF without building the store."""
    from kg.pipeline import lift_all
    from kg.rdf import plan_dataset, union_graph
    from kg.vocab import Minter

    settings = settings_from(ctx)
    plans = lift_all(files, progress=_echo_err)
    ds = plan_dataset(plans, Minter(settings.base))
    rdflib_format = {"ttl": "turtle", "nt": "nt11", "jsonld": "json-ld", "trig": "trig"}[fmt]
    target = ds if fmt == "trig" else union_graph(ds)
    data = target.serialize(format=rdflib_format)
    if output:
        tmp = output.with_name(f".{output.name}.tmp")
        tmp.write_text(data, "utf-8")
        tmp.replace(output)
    else:
        click.echo(data)


@cli.command()
@click.argument("query")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True, help="Output format of SELECT results.")
@click.option("--param", "-p", multiple=True, metavar="KEY=VALUE",
              help="Value of a declared query parameter (repeatable); bound as a typed RDF term, never spliced.")
@click.pass_context
def query(ctx: click.Context, query: str, fmt: str, param: tuple[str, ...]) -> None:
    """Run QUERY against the built store: a .rq path, a catalogue name (see queries/) or inline SPARQL."""
    from kg.query import bind_parameters, format_result, resolve_query, run_query
    from kg.store import open_store

    settings = settings_from(ctx)
    text, cq = resolve_query(query, settings.queries)
    given = {}
    for item in param:
        if "=" not in item:
            raise click.UsageError(f"--param wants KEY=VALUE, got {item!r}")
        key, value = item.split("=", 1)
        given[key] = value
    bindings = bind_parameters(cq, given)
    result = run_query(open_store(settings.store_path), text, bindings)
    sys.stdout.write(format_result(result, fmt).rstrip("\n") + "\n")


@cli.command()
@click.option("--fail-on", type=click.Choice(["violation", "warning", "info"]), default="violation",
              show_default=True, help="Exit 1 when a result of this severity or a worse one is found.")
@click.option("--engine", type=click.Choice(["fast", "pyshacl"]), default="fast", show_default=True,
              help="fast: shapes compiled to SPARQL on pyoxigraph; pyshacl: the reference engine (slow).")
@click.option("--quiet", "-q", is_flag=True, help="No progress lines, only the summary.")
@click.pass_context
def validate(ctx: click.Context, fail_on: str, engine: str, quiet: bool) -> None:
    """Validate build/ against shapes/: writes build/validation/report.ttl (an sh:ValidationReport),
    report.html, report.csv, summary.json and quality.trig (DQV measurements, loaded into the store's
    graph/quality). Exit 0 when nothing reaches --fail-on, 1 otherwise, 2 on usage or input errors."""
    from kg.store import open_store
    from kg.validate import fail_exit_code, load_quality, validate_build

    settings = settings_from(ctx)
    summary = validate_build(settings.build, settings, progress=(lambda _: None) if quiet else _echo_err,
                             engine=engine)
    if settings.store_path.is_dir():
        store = open_store(settings.store_path, read_only=False)
        load_quality(store, settings.build, settings)
        del store
    click.echo("Validated:")
    for line in summary.lines():
        click.echo(line)
    ctx.exit(fail_exit_code(summary, fail_on))


@cli.command()
@click.option("--no-search", is_flag=True, help="Skip the search index (search-index/).")
@click.pass_context
def site(ctx: click.Context, no_search: bool) -> None:
    """Render build/site/ again from the built store: a page per plan, requirement, agency, document, type
    and region with .ttl .nt .jsonld .rdf alternates, dumps, void.ttl, sitemap.xml, robots.txt and the
    search index. (`kg build` already does this.)"""
    from kg.site import render_site

    settings = settings_from(ctx)
    summary = render_site(settings.build, settings, progress=_echo_err, search=not no_search)
    for line in summary.lines():
        click.echo(line)


@cli.command()
@click.option("--host", default=None, help="Interface to bind (default 127.0.0.1: loopback only).")
@click.option("--port", type=int, default=None, help="TCP port (default 8000).")
@click.option("--store", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Built pyoxigraph store to serve (default build/store), opened read-only.")
@click.option("--endpoint", default=None, metavar="URL",
              help="Serve the same API over an external SPARQL 1.1 endpoint (e.g. Virtuoso) instead of a store.")
@click.option("--timeout", type=float, default=None, help="Server-side query time limit in seconds.")
@click.option("--workers", type=int, default=None, help="Query worker processes.")
@click.pass_context
def serve(ctx: click.Context, host: str | None, port: int | None, store: Path | None, endpoint: str | None,
          timeout: float | None, workers: int | None) -> None:
    """Serve the SPARQL endpoint (/sparql, with a query UI), the catalogue API (/api/queries) and the
    linked-data pages (every entity URI, with content negotiation) until interrupted."""
    from kg.serve.app import run_server
    from kg.serve.settings import serve_settings_from

    settings = settings_from(ctx)
    serve_settings = serve_settings_from(settings, host=host, port=port, store=store, endpoint=endpoint,
                                         timeout=timeout, workers=workers)
    click.echo(f"kg: serving http://{serve_settings.host}:{serve_settings.port}/ "
               f"({'endpoint ' + endpoint if endpoint else serve_settings.store})", err=True)
    run_server(serve_settings, routers=_server_routers(settings, serve_settings))


def _server_routers(settings: Settings, serve_settings) -> list:
    """The catalogue API, and the pages when a local store is there to render them from."""
    from kg.serve.api import api_router
    from kg.store import open_store

    store = open_store(serve_settings.store) if serve_settings.store else None
    routers = [api_router(serve_settings, store)]
    if store is not None:
        from kg.serve.pages import pages_router

        routers.append(pages_router(settings, store))
    return routers


@cli.command()
@click.option("--endpoint", required=True, metavar="URL", help="SPARQL endpoint of the external server.")
@click.option("--graph-store", default=None, metavar="URL",
              help="Graph Store Protocol URL (default for Virtuoso: <endpoint>-graph-crud-auth).")
@click.option("--user", default=None, help="User for the Graph Store Protocol (digest auth).")
@click.option("--password", default=None, help="Password (or set KG_REMOTE_PASSWORD).", envvar="KG_REMOTE_PASSWORD")
@click.pass_context
def load(ctx: click.Context, endpoint: str, graph_store: str | None, user: str | None,
         password: str | None) -> None:
    """Push every named graph of the built store into an external SPARQL 1.1 server, then count the
    triples back; exit 2 if any graph arrived incomplete."""
    from kg.remote import load_endpoint

    settings = settings_from(ctx)
    loaded = load_endpoint(settings.store_path, endpoint, graph_store=graph_store, user=user, password=password)
    for graph, triples in sorted(loaded.items()):
        click.echo(f"  {triples:>7} triples  {graph}")
    click.echo(f"Loaded {len(loaded)} graphs, {sum(loaded.values())} triples into {endpoint}")


def main() -> None:
    cli(prog_name="kg")


if __name__ == "__main__":
    main()
