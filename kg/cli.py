"""The `kg` command line: thin wrappers around library functions; errors become messages and exit codes.

Exit codes: 0 ok; 1 `kg validate` found results at or above --fail-on; 2 bad input, usage or configuration.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kg import __version__
from kg.errors import KgError
from kg.settings import Settings, load_settings


def _echo_err(message: str) -> None:
    click.echo(message, err=True)


class KgGroup(click.Group):
    """Turns library errors into a one-line message on stderr and exit code 2."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KgError as error:
            _echo_err(f"kg: error: {error}")
            ctx.exit(error.exit_code)


@click.group(cls=KgGroup, context_settings={"help_option_names": ["-h", "--help"]})
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
    summary = run_build(settings, progress=(lambda _: None) if quiet else _echo_err)
    click.echo("Built:")
    for line in summary.lines():
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


def main() -> None:
    cli(prog_name="kg")


if __name__ == "__main__":
    main()
