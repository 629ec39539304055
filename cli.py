"""speechkg command line: a thin click layer over graph/ (parse options, call, print)."""
from __future__ import annotations

import datetime as _dt
import sys

import click

from graph import __version__
from graph.errors import SpeechKGError


def _date(ctx, param, value):
    if value is None:
        return None
    try:
        return _dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; use YYYY-MM-DD") from None


class _Terminated(BaseException):
    """SIGTERM, raised in the main thread so that cleanup (temporary files) runs."""


def _on_sigterm(signum, frame):
    raise _Terminated()


class _Group(click.Group):
    """Turns library errors into `Error: …` and exit 1, never a traceback; SIGINT and
    SIGTERM end the command cleanly (exit 130 / 143) with nothing half-written left."""

    def invoke(self, ctx):
        import signal

        signal.signal(signal.SIGTERM, _on_sigterm)
        try:
            return super().invoke(ctx)
        except SpeechKGError as exc:
            raise click.ClickException(str(exc)) from None
        except KeyboardInterrupt:
            click.echo("Error: interrupted; no output was written", err=True)
            sys.exit(130)
        except _Terminated:
            click.echo("Error: terminated; no output was written", err=True)
            sys.exit(143)


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="speechkg")
def cli():
    """speechkg: Chinese official speeches → an RDF knowledge graph.

    Build a graph from speeches, query it with SPARQL, look at it in a browser.
    """


@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output", required=True, help="Output file, or - for standard output.")
@click.option("--date", callback=_date, help="The speech date (YYYY-MM-DD); relative dates "
              "such as 去年 resolve against it. Default: inferred from the text.")
@click.option("--format", "fmt", type=click.Choice(["turtle", "nt", "nquads", "trig", "jsonld", "xml"]),
              help="RDF format. Default: from the output's extension, else Turtle.")
@click.option("--lexicon", type=click.Path(dir_okay=False), help="A CSV or YAML lexicon "
              "(label, type, aliases) merged with the built-in one.")
@click.option("--max-size", type=float, default=50.0, show_default=True,
              help="Largest input file read, in MB.")
def build(inputs, output, date, fmt, lexicon, max_size):
    """Extract entities and relations from speeches and write the graph.

    INPUTS are speech files, directories of them, or - for standard input.

    Example: speechkg build seeds/provincial-union-2022.txt -o seed.ttl
    """
    from graph import pipeline

    result = pipeline.build(inputs, date=date, user_lexicon=lexicon,
                            max_bytes=int(max_size * 1024 * 1024))
    for w in result.warnings:
        click.echo(f"Warning: {w}", err=True)
    for _path, why in result.skipped:
        click.echo(f"Skipped: {why}", err=True)
    data = pipeline.write(result, output, fmt)
    if output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        ents = sum(len(d.entities) for d in result.docs)
        rels = sum(len(d.relations) for d in result.docs)
        click.echo(f"{len(result.docs)} speech(es), {ents} entities, {rels} relations "
                   f"→ {output}", err=True)
    if result.skipped:
        sys.exit(1)


@cli.command()
@click.argument("args", nargs=-1, required=True, metavar="GRAPH... [QUERY]")
@click.option("--file", "query_file", type=click.File("r", encoding="utf-8"),
              help="Read the query from a .rq file (then every argument is a graph).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json"]),
              default="table", show_default=True, help="Output format for SELECT and ASK.")
@click.option("--allow-service", is_flag=True, help="Permit SERVICE (federated) clauses.")
def query(args, query_file, fmt, allow_service):
    """Run a SPARQL SELECT, ASK, CONSTRUCT or DESCRIBE query on graph files.

    The last argument is the query unless --file gives it. Prefixes skg:, skos:,
    nif:, rdfs:, schema:, prov: … are predeclared.

    Example: speechkg query seed.ttl 'SELECT ?l WHERE { ?e a skg:Body ; skos:prefLabel ?l }'
    """
    from graph import query as q
    from graph import store

    files = list(args)
    if query_file is not None:
        text = query_file.read()
    elif len(files) < 2:
        raise click.UsageError("give GRAPH... QUERY, or GRAPH... --file Q.rq")
    else:
        text = files.pop()
    q.prepare(text, allow_service)  # refuse before loading anything
    ds = store.load(files)
    click.echo(q.format_result(q.run(ds, text, allow_service), fmt), nl=False)


@cli.command()
@click.argument("graph", nargs=-1, required=True)
@click.option("-o", "--output", required=True, help="The HTML file to write.")
@click.option("--title", default="speechkg", show_default=True, help="Page title.")
def view(graph, output, title):
    """Write an interactive HTML page of the graph that works offline.

    Example: speechkg view seed.ttl -o seed.html
    """
    from graph import html, store

    ds = store.load(list(graph))
    store.write_atomic(output, html.render(ds, title=title).encode("utf-8"))
    click.echo(f"→ {output}", err=True)


@cli.command()
@click.argument("graph", nargs=-1, required=True)
@click.option("--top", default=10, show_default=True, help="How many entities to rank.")
def stats(graph, top):
    """Counts by entity type and relation, and the most connected entities.

    Example: speechkg stats seed.ttl
    """
    from graph import analyze, store
    from graph.query import width

    s = analyze.stats(store.load(list(graph)), top=top)
    click.echo(f"speeches: {s.speeches}  triples: {s.triples}")
    click.echo("entities:")
    for t, n in s.by_type.items():
        click.echo(f"  {t:<10}{n:>6}")
    click.echo("relations:")
    for r, n in s.by_relation.items():
        click.echo(f"  {r:<10}{n:>6}")
    click.echo("most connected:")
    for label, t, deg, men in s.top:
        pad = " " * max(1, 30 - width(label))
        click.echo(f"  {label}{pad}{t:<10} degree {deg:>3}  mentions {men:>3}")


@cli.command("eval")
@click.argument("graph", nargs=-1, required=True)
@click.option("--gold", required=True, type=click.Path(dir_okay=False),
              help="The hand annotation (JSON, see ANNOTATION.md).")
@click.option("--errors", is_flag=True, help="List misses and false positives.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def eval_(graph, gold, errors, as_json):
    """Precision, recall and F1 of a graph against a gold annotation, per type and for relations.

    Example: speechkg eval seed.ttl --gold ../shared/eval/seed-gold.json --errors
    """
    import json

    from graph import evaluate, store

    report = evaluate.evaluate(store.load(list(graph)), evaluate.load_gold(gold))
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=1))
    else:
        click.echo(evaluate.format_report(report, errors), nl=False)


@cli.command()
@click.argument("graph", nargs=-1, required=True)
def validate(graph):
    """Check graph files against the SHACL shapes of ontology/shapes.ttl.

    Prints each violation (focus node, path, message); exits 1 when there is any.

    Example: speechkg validate seed.ttl
    """
    from graph import store
    from graph import validate as v

    report = v.validate(store.load(list(graph)))
    for line in report.lines():
        click.echo(line)
    if not report.conforms:
        raise click.ClickException(f"{len(report.violations)} SHACL violation(s) in {', '.join(graph)}")
    click.echo(f"conforms: {report.nodes} nodes checked against the shapes")


if __name__ == "__main__":
    cli()
