"""speechkg command line: a thin click layer over graph/ (parse options, call, print)."""

from __future__ import annotations

import datetime as _dt
import os
import sys

import click

from speechkg.graph import __version__
from speechkg.graph.errors import SpeechKGError
from speechkg.graph.extract.ner import DEFAULT_MODEL, MODEL_NAMES
from speechkg.graph.model import PERIODS
from speechkg.graph.query.formats import output_formats
from speechkg.graph.rdf.formats import FORMATS
from speechkg.graph.text import printable


def _date(ctx, param, value):
    if value is None:
        return None
    try:
        return _dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; use YYYY-MM-DD") from None


def _max_size(ctx, param, value):
    """The MiB given, once the library takes it."""
    from speechkg.graph.read.decode import max_bytes_of

    try:
        max_bytes_of(value)
    except SpeechKGError as exc:
        raise click.BadParameter(str(exc)) from None
    return value


def _shard(ctx, param, value):
    """The I/N given, once the library takes it."""
    from speechkg.graph.build.pipeline import parse_shard

    try:
        if value is not None:
            parse_shard(value)
    except SpeechKGError as exc:
        raise click.BadParameter(str(exc)) from None
    return value


# ---------------------------------------------------------------- options several commands share


def _graph_files(required: bool = True):
    """GRAPH...: graph files in any RDF format (by suffix)."""
    return click.argument("graph", nargs=-1, required=required)


def _store(help: str, required: bool = False):
    """--store DIR: an on-disk Oxigraph store."""
    return click.option("--store", "store_dir", required=required, type=click.Path(file_okay=False), help=help)


def _limits(timeout: float | None, timeout_help: str, memory_help: str):
    """--timeout and --max-memory: what one query may take."""

    def apply(f):
        f = click.option("--max-memory", type=float, default=2048, show_default=True, help=memory_help)(f)
        return click.option(
            "--timeout", type=float, default=timeout, show_default=timeout is not None, help=timeout_help
        )(f)

    return apply


def _raw():
    return click.option(
        "--raw",
        is_flag=True,
        help="Write CSV and TSV cells exactly; by default a cell starting with = + - @ gets a leading ' "
        "so that a spreadsheet shows it as text and never runs it as a formula.",
    )


def _by(help: str, default: str | None = None):
    """--by year|quarter|month: the period mentions are counted by."""
    return click.option(
        "--by", type=click.Choice(PERIODS), default=default, show_default=default is not None, help=help
    )


def _as_json(help: str):
    """--json: print the report as JSON."""
    return click.option("--json", "as_json", is_flag=True, help=help)


def _tell(kind: str, text: str) -> None:
    """A `Warning:`, `Skipped:` or `Note:` line on standard error, its user data made printable."""
    click.echo(f"{kind}: {printable(text)}", err=True)


class _Terminated(BaseException):
    """SIGTERM, raised in the main thread so that cleanup (temporary files) runs."""


def _on_sigterm(signum, frame):
    raise _Terminated()


class _Group(click.Group):
    """Turns library errors (and bugs: SPEECHKG_DEBUG=1 shows their traceback) into `Error: …`
    and exit 1, never a traceback; SIGINT and
    SIGTERM end the command cleanly (exit 130 / 143) with nothing half-written left."""

    def invoke(self, ctx):
        import signal

        signal.signal(signal.SIGTERM, _on_sigterm)
        try:
            return super().invoke(ctx)
        except SpeechKGError as exc:
            raise click.ClickException(printable(str(exc))) from None
        except (MemoryError, RecursionError) as exc:  # exhaustion outside one file's work
            what = "out of memory" if isinstance(exc, MemoryError) else "too deeply nested"
            click.echo(f"Error: {what} ({type(exc).__name__}); the command stopped before its end", err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo("Error: interrupted; no output was written", err=True)
            sys.exit(130)
        except _Terminated:
            click.echo("Error: terminated; no output was written", err=True)
            sys.exit(143)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except Exception as exc:  # a bug: one line, and the traceback only when asked for
            if os.environ.get("SPEECHKG_DEBUG"):
                raise
            detail = printable(next(iter(str(exc).splitlines()), "")[:300])
            click.echo(
                f"Error: internal error ({type(exc).__name__}: {detail}); nothing was written. "
                "Run again with SPEECHKG_DEBUG=1 for the traceback and report it",
                err=True,
            )
            sys.exit(1)


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="speechkg")
def cli():
    """speechkg: Chinese official speeches → an RDF knowledge graph.

    Build a graph from speeches, query it with SPARQL, look at it in a browser.
    """


@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output", help="Output file, or - for standard output.")
@_store("Also add each speech to an on-disk Oxigraph store (its named graph replaced).")
@click.option(
    "--date",
    callback=_date,
    help="The speech date (YYYY-MM-DD); relative dates "
    "such as 去年 resolve against it. Default: inferred from the text.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(FORMATS)),
    help="RDF format. Default: from the output's extension, else Turtle.",
)
@click.option(
    "--lexicon",
    type=click.Path(dir_okay=False),
    help="A CSV or YAML lexicon (label, type, aliases) merged with the built-in one.",
)
@click.option(
    "--max-size",
    type=float,
    default=50.0,
    show_default=True,
    callback=_max_size,
    help="Largest input read, in MiB (2**20 bytes); a .docx's text counts unzipped.",
)
@click.option(
    "--dates",
    "dates_file",
    type=click.Path(dir_okay=False),
    help="A CSV of file,date (YYYY-MM-DD) giving each speech's date.",
)
@click.option(
    "--jobs",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Extract in this many processes (same output as one).",
)
@click.option(
    "--file-timeout",
    type=click.FloatRange(min=0, min_open=True, max=1e7),
    default=None,
    help="Seconds each file may take to read and extract; a file over it is skipped "
    "and reported. Default: 60 s plus 10 s per MiB of the file.",
)
@click.option(
    "--ner",
    type=click.Choice(MODEL_NAMES),
    default=DEFAULT_MODEL,
    show_default=True,
    help="The trained name model read beside the rules (lac: Baidu's LAC; none: the rules alone, faster).",
)
@click.option("--quiet", is_flag=True, help="Print nothing but errors: no progress bar, warnings or summary.")
@click.option(
    "--text-field",
    default="text",
    show_default=True,
    help="The field (JSON key or CSV column) of a corpus row that holds the text.",
)
@click.option("--date-field", help="The field of a row that holds its date (YYYY-MM-DD). Default: date, if any.")
@click.option(
    "--id-field", help="The field of a row that names its speech (its IRI). Default: id, if any, else FILE:ROW."
)
@click.option("--title-field", help="The field of a row that holds its title. Default: title, if any.")
@click.option(
    "--shard",
    callback=_shard,
    metavar="I/N",
    help="Build only every N-th speech from the I-th (0-based, in input order); "
    "the shards' N-Quads together are the corpus (see the README).",
)
@click.option(
    "--scheduler",
    metavar="tcp://HOST:PORT",
    help="Extract on the workers of this Dask cluster (pip install 'speechkg[dask]'; tls://HOST:PORT "
    "with Dask's TLS certificates); same output as a local build. Every worker and the scheduler "
    "are trusted: let only your own machines reach them (see the README).",
)
def build(
    inputs,
    output,
    store_dir,
    date,
    fmt,
    lexicon,
    max_size,
    dates_file,
    jobs,
    file_timeout,
    ner,
    quiet,
    text_field,
    date_field,
    id_field,
    title_field,
    shard,
    scheduler,
):
    """Extract entities and relations from speeches and write the graph.

    INPUTS are speech files (.txt, .md, .html, .docx; UTF-8, GB18030/GBK or Big5),
    directories of them, glob patterns, or - for standard input; and corpora of one speech
    per row (.jsonl, .jsonl.gz, .csv with a header). A file or row that cannot be read is
    skipped and reported, and the exit status is 1.

    Example: speechkg build seeds/provincial-union-2022.txt -o seed.ttl

    Example: speechkg build news.jsonl.gz --id-field url -o news.nq
    """
    from speechkg import api

    if output or store_dir:  # the writer's library is mapped now: a build short of memory then
        import pyoxigraph  # noqa: F401  fails with a MemoryError (one line), not an ImportError

    if not output and not store_dir:
        raise click.UsageError("give -o OUT, --store DIR, or both")
    if scheduler and jobs > 1:
        raise click.UsageError("--jobs and --scheduler do not go together: the cluster's workers extract")
    bar = None

    def start(n):
        nonlocal bar
        if not quiet and sys.stderr.isatty() and n > 1:
            bar = click.progressbar(
                length=n, label="speeches", file=sys.stderr, item_show_func=lambda s: s.source if s else ""
            )
            bar.__enter__()

    try:
        kg = api.build(
            inputs,
            date=date,
            lexicon=lexicon,
            jobs=jobs,
            max_size_mib=max_size,
            file_timeout=file_timeout,
            text_field=text_field,
            date_field=date_field,
            id_field=id_field,
            title_field=title_field,
            shard=shard,
            scheduler=scheduler,
            dates=dates_file,
            output=output,
            total=start,
            ner=ner,
            progress=lambda s: bar.update(1, s) if bar is not None else None,
        )
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    say = (lambda line: None) if quiet else (lambda line: click.echo(line, err=True))
    for w in kg.warnings:
        say(f"Warning: {printable(w)}")
    for _path, why in kg.skipped:  # an error: said even when quiet
        _tell("Skipped", why)
    speeches, ents, rels = kg.counts()
    if output:
        kg.serialize(output, fmt, release=not store_dir)  # unless the store still needs each speech
        if output != "-":
            say(f"{speeches} speech(es), {ents} entities, {rels} relations → {output}")
    if store_dir:
        stored = [0]
        try:
            n = kg.add_to_store(store_dir, done=lambda: stored.__setitem__(0, stored[0] + 1), release=True)
        except (KeyboardInterrupt, _Terminated) as exc:
            word, code = ("interrupted", 130) if isinstance(exc, KeyboardInterrupt) else ("terminated", 143)
            click.echo(
                f"Error: {word}; the store has {stored[0]} of the {speeches} speech(es) "
                "replaced, each whole, the others as they were; build again to add them",
                err=True,
            )
            sys.exit(code)
        say(f"{speeches} speech(es), {n} quads → store {store_dir}")
    if kg.skipped:
        sys.exit(1)


@cli.command()
@click.argument("graphs", nargs=-1, required=True, metavar="GRAPH...")
@_store("The on-disk Oxigraph store to load into (created when missing).", required=True)
@click.option("--replace", is_flag=True, help="Empty the store first (else each graph loaded replaces its namesake).")
def load(graphs, store_dir, replace):
    """Bulk-load graph files written by `speechkg build` into an on-disk store, without
    extracting again: each speech into its own named graph, the default graph their merge
    (as `build --store` keeps it). Every file is read before the store changes.

    Example: speechkg load corpus.nq --store corpus.db
    """
    from speechkg.graph.rdf import loading

    loaded = []
    try:
        r = loading.load_graphs(store_dir, list(graphs), replace=replace, done=loaded.append)
    except (KeyboardInterrupt, _Terminated) as exc:
        word, code = ("interrupted", 130) if isinstance(exc, KeyboardInterrupt) else ("terminated", 143)
        click.echo(f"Error: {word}; {loading.load_stopped(store_dir, len(loaded), len(graphs), replace)}", err=True)
        sys.exit(code)
    how = " (the store emptied first)" if replace else f" ({r.replaced} replaced)" if r.replaced else ""
    click.echo(f"{r.graphs} graph(s) from {r.files} file(s), {r.quads} quads → store {store_dir}{how}", err=True)


def _params(ctx, param, values):
    out = {}
    for v in values:
        if "=" not in v:
            raise click.BadParameter(f"{v!r} is not NAME=VALUE")
        k, _, val = v.partition("=")
        out[k.strip()] = val
    return out


@cli.command()
@click.argument("args", nargs=-1, metavar="GRAPH... [QUERY]")
@click.option(
    "--file",
    "query_file",
    type=click.Path(dir_okay=False),
    help="Read the query from a .rq file (UTF-8; then every argument is a graph).",
)
@click.option("--saved", help="Run a saved query by name (see `speechkg queries`).")
@click.option(
    "--param",
    "params",
    multiple=True,
    callback=_params,
    metavar="NAME=VALUE",
    help="Give ?NAME the string VALUE (e.g. --param label=全总).",
)
@_store("Query an on-disk Oxigraph store made by `build --store`.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(output_formats()),
    default="table",
    show_default=True,
    help="Output format for SELECT and ASK.",
)
@_limits(
    None,
    "Stop the query after this many seconds (reading the files and writing the result included).",
    "Stop the query when it needs more than this many MB (reading the files included).",
)
@click.option("--allow-service", is_flag=True, help="Permit SERVICE (federated) clauses.")
@_raw()
def query(args, query_file, saved, params, store_dir, fmt, timeout, max_memory, allow_service, raw):
    """Run a SPARQL SELECT, ASK, CONSTRUCT or DESCRIBE query on graph files or a store.

    The last argument is the query unless --file or --saved gives it. Prefixes skg:,
    skos:, nif:, rdfs:, schema:, prov: … are predeclared. Updates, SERVICE and FROM are
    refused. Large files are queried with Oxigraph automatically.

    Example: speechkg query seed.ttl 'SELECT ?l WHERE { ?e a skg:Body ; skos:prefLabel ?l }'
    """
    from speechkg import api
    from speechkg.graph.query import engines
    from speechkg.graph.query.saved import FLAG, load_saved, read_query_file

    files = list(args)
    if query_file is not None:
        text = read_query_file(query_file)
    elif saved:
        text = load_saved(saved)
    elif files and (len(files) > 1 or store_dir):
        text = files.pop()
    else:
        raise click.UsageError("give GRAPH... QUERY, GRAPH... --file Q.rq or GRAPH... --saved NAME")
    if not files and not store_dir:
        raise click.UsageError("name at least one graph file, or --store DIR")
    from speechkg.graph.rdf.output import write_output

    hint = engines.store_hint(files)
    if hint:
        _tell("Note", hint)
    kg = api.open_graph(files, store_dir=store_dir)
    with kg.query_result(
        text,
        fmt,
        params,
        timeout=timeout,
        allow_service=allow_service,
        max_memory=max_memory,
        raw=raw,
        param_word=FLAG,
    ) as result:
        write_output("-", iter(lambda: result.read(1 << 20), b""))


@cli.command()
def queries():
    """List the saved queries shipped with speechkg, with what each answers.

    Example: speechkg queries
    """
    from speechkg.graph.query.saved import saved

    items = saved()
    w = max(len(n) for n in items)
    for name, (desc, _) in items.items():
        click.echo(f"{name:<{w}}  {desc}")


@cli.command()
@_graph_files()
@click.option("-o", "--output", required=True, help="The HTML file to write, or - for standard output.")
@click.option("--title", default="speechkg", show_default=True, help="Page title.")
@click.option("--types", help="Comma-separated entity types to show, e.g. Campaign,Body,Goal.")
@click.option("--min-degree", default=0, show_default=True, help="Hide entities with fewer relations.")
@click.option(
    "--physics/--no-physics",
    default=None,
    help="Force-directed layout in the browser. Default: on for small graphs, off for large.",
)
@click.option(
    "--max-nodes",
    default=300,
    show_default=True,
    type=click.IntRange(min=0),
    help="A graph with more entities opens on this many, the most mentioned (0: draw all).",
)
@click.option("--open", "open_", is_flag=True, help="Open the page in the default browser.")
def view(graph, output, title, types, min_degree, physics, max_nodes, open_):
    """Write an interactive HTML page of the graph that works offline.

    Nodes are coloured by type; click one for its aliases and source sentences;
    search any name (Chinese, English, pinyin) for its relations and strongest
    co-mentions; filter by type, speech date and speech; switch labels between
    Chinese, English and pinyin. A corpus opens on its --max-nodes most mentioned
    entities; every other one stays searchable.

    Example: speechkg view seed.ttl -o seed.html --title 省总工会执委会议讲话
    """
    from speechkg import api
    from speechkg.graph.views import page as html

    try:
        wanted = html.check_types(types.split(",") if types else None)
    except SpeechKGError as exc:
        raise click.BadParameter(str(exc), param_hint="--types") from None
    api.open_graph(graph).view(
        output, title=title, types=wanted, min_degree=min_degree, physics=physics, max_nodes=max_nodes
    )
    if output == "-":
        return
    click.echo(f"→ {output}", err=True)
    if open_:
        html.open_in_browser(output)


@cli.command()
@_graph_files()
@click.option("--top", default=10, show_default=True, help="How many entities to rank.")
def stats(graph, top):
    """Counts by entity type and relation, and the most connected entities.

    Example: speechkg stats seed.ttl
    """
    from speechkg import api

    s = api.load(graph).stats(top=top)
    click.echo(f"speeches: {s.speeches}  triples: {s.triples}")
    click.echo(f"entities: {sum(s.by_type.values())} (each once, however many speeches name it)")
    _columns([(f"  {t}", f"{n}") for t, n in s.by_type.items()])
    click.echo(f"relations: {sum(s.by_relation.values())} (each subject, relation, object once)")
    _columns([(f"  {r}", f"{n}") for r, n in s.by_relation.items()])
    click.echo("most connected:")
    _columns([(f"  {printable(label)}", t, f"degree {deg}", f"mentions {men}") for label, t, deg, men in s.top])


def _columns(rows: list[tuple[str, ...]]) -> None:
    """Rows of cells in aligned columns by display width (a CJK character takes two): the first
    left-aligned, the others right-aligned but the second of four (a type name)."""
    from speechkg.graph.text import width

    if not rows:
        return
    widths = [max(width(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        cells = []
        for i, (cell, w) in enumerate(zip(r, widths, strict=True)):
            pad = " " * (w - width(cell))
            cells.append(cell + pad if i == 0 or (i == 1 and len(r) == 4) else pad + cell)
        click.echo("  ".join(cells).rstrip())


@cli.command("eval")
@_graph_files(required=False)
@click.option(
    "--gold",
    type=click.Path(dir_okay=False),
    help="The hand annotation (JSON, see ANNOTATION.md) to score GRAPH... against.",
)
@click.option(
    "--set",
    "set_dir",
    type=click.Path(file_okay=False),
    help="An annotated set to build and score: plan.tsv, texts/NAME.txt, gold/NAME.json.",
)
@click.option("--errors", is_flag=True, help="List misses and false positives.")
@_as_json("Print the report as JSON.")
def eval_(graph, gold, set_dir, errors, as_json):
    """Precision, recall and F1 per type and for relations: of graphs against a gold annotation,
    or of speechkg over an annotated set (every text built with its date, figures pooled, headline last).

    Example: speechkg eval seed.ttl --gold ../shared/eval/seed-gold.json --errors

    Example: speechkg eval --set ../shared/dev
    """
    import json

    from speechkg import api
    from speechkg.graph.quality import evaluate

    if set_dir is not None:
        if graph or gold:
            raise click.UsageError("--set builds and scores its own texts; give no GRAPH or --gold with it")
        report = evaluate.evaluate_set(set_dir)
        if as_json:
            click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=1))
        else:
            click.echo(evaluate.format_set_report(report, errors), nl=False)
        return
    if not graph or not gold:
        raise click.UsageError("give GRAPH... --gold GOLD.json, or --set DIR")
    report = api.load(graph).evaluate(gold)
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=1))
    else:
        click.echo(evaluate.format_report(report, errors), nl=False)


@cli.command()
@_graph_files()
def validate(graph):
    """Check graph files against the SHACL shapes of ontology/shapes.ttl.

    Prints each violation (focus node, path, message); exits 1 when there is any.

    Graphs are checked in chunks, so memory stays bounded whatever their size.

    Example: speechkg validate seed.ttl
    """
    from speechkg import api

    report = api.open_graph(graph).validate()
    for line in report.lines():
        click.echo(line)
    if not report.conforms:
        raise click.ClickException(f"{len(report.violations)} SHACL violation(s) in {', '.join(graph)}")
    click.echo(f"conforms: {report.nodes} nodes checked against the shapes")


@cli.command()
@_graph_files()
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address to listen on (others than loopback get a warning)."
)
@click.option(
    "--port",
    default=7878,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to listen on (0: any free port).",
)
@_limits(
    60,
    "Stop each query after this many seconds.",
    "Stop queries when together they need more than this many MB (the largest first).",
)
@click.option(
    "--location",
    type=click.Path(file_okay=False),
    help="Keep the server's store in this new or empty directory, or add to the "
    "Oxigraph store there (default: in memory).",
)
@click.option(
    "--cors-origin",
    "cors_origins",
    multiple=True,
    metavar="URL",
    help="Let web pages of this origin (scheme://host[:port]) query the endpoint and read the answers "
    "(repeatable; others are refused).",
)
def serve(graph, host, port, timeout, max_memory, location, cors_origins):
    """Serve graph files as a read-only SPARQL 1.1 endpoint.

    Queries go to http://HOST:PORT/query (a query page is at /); the default graph is the
    union of all graphs. Updates, SERVICE and FROM are refused, as by `speechkg query`.
    Requests through another host name (DNS rebinding) and from other web pages than the
    --cors-origin ones are refused.

    Example: speechkg serve seed.ttl --port 7878
    """
    from speechkg import api
    from speechkg.graph.query import endpoint

    kg = api.load(graph)
    if location and endpoint.check_location(location):
        _tell(
            "Warning",
            f"{location} is an existing Oxigraph store: the graphs are added to it, "
            "each named graph replacing its namesake",
        )
    server = kg.endpoint(
        host=host, port=port, timeout=timeout, max_memory=max_memory, location=location, cors_origins=cors_origins
    )
    warning = endpoint.exposure_warning(host)
    if warning:
        _tell("Warning", warning)
    click.echo(f"SPARQL endpoint on {endpoint.url_for(host, endpoint.port_of(server))} (Ctrl-C to stop)", err=True)
    try:
        code = endpoint.serve(server)
    except _Terminated:  # SIGTERM is how a server is stopped (endpoint.serve closed it): no error
        code = 0
    sys.exit(code)


@cli.command()
@_graph_files()
@click.option(
    "--endpoint",
    "gsp",
    help="Graph Store Protocol URL (Oxigraph: http://HOST:PORT/store; Fuseki: http://HOST:PORT/DATASET/data).",
)
@click.option("--update", help="SPARQL Update URL, for stores without the Graph Store Protocol.")
@click.option("--graph", "into", help="Put everything into this named graph (default: one per speech).")
@click.option("--replace", is_flag=True, help="Replace the named graphs instead of adding to them.")
@click.option(
    "--user",
    help="Log in as this user (HTTP Basic or Digest, as the store asks); the password "
    "is read from the SPEECHKG_PASSWORD environment variable, never from the command line.",
)
def push(graph, gsp, update, into, replace, user):
    """Load graph files into a SPARQL 1.1 store, each speech into its own named graph.

    Example: speechkg push seed.ttl --endpoint http://127.0.0.1:7878/store --replace
    """
    from speechkg import api
    from speechkg.graph.query import push as pushing

    password = os.environ.get(pushing.PASSWORD_ENV) if user is not None else None
    triples, graphs = api.load(graph).push(
        endpoint=gsp, update=update, graph=into, replace=replace, user=user, password=password
    )
    click.echo(f"pushed {triples} triples in {graphs} graph(s) to {pushing.redact(gsp or update)}")


@cli.command()
@click.argument("graphs", nargs=-1, required=True)
@click.option(
    "--speech", "speeches", multiple=True, help="Compare two speeches of one corpus graph by file name (give it twice)."
)
@_as_json("Print the comparison as JSON.")
def compare(graphs, speeches, as_json):
    """What changed between two speeches: entities that appear, disappear or persist, by
    type, and formulations whose wording or number changed.

    Example: speechkg compare report-2021.ttl report-2022.ttl
    """
    import json

    from speechkg import api
    from speechkg.graph.views import compare as c

    if speeches:
        if len(speeches) != 2 or len(graphs) != 1:
            raise click.UsageError("give one corpus graph and --speech A --speech B")
        result = api.load(graphs).compare_speeches(*speeches)
    else:
        if len(graphs) != 2:
            raise click.UsageError("give two graphs, or one corpus graph and --speech A --speech B")
        a, b = api.load(graphs[0]), api.load(graphs[1])
        result = a.compare(b, names=(graphs[0], graphs[1]))
    if as_json:
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=1))
    else:
        click.echo(c.format_comparison(result), nl=False)


_CHART_HELP = "by its extension: .csv, .svg, .png, .html (the chart with its table), or - (CSV)."


@cli.command()
@_graph_files()
@click.option("--entity", required=True, help="Any label of the entity, e.g. 全总 or 两个确立.")
@click.option("-o", "--output", help="Instead of the text, write the mentions per period, " + _CHART_HELP)
@_by("The period of the chart (with -o; default year).")
@click.option("--per-10k", is_flag=True, help="Chart mentions per 10,000 characters of text (with -o).")
@_raw()
def timeline(graph, entity, output, by, per_10k, raw):
    """In which speeches, on which dates, an entity appears, with the sentences; with -o,
    its mentions per period as a chart or table (see `speechkg trend`).

    Example: speechkg timeline corpus.trig --entity 两个确立

    Example: speechkg timeline corpus.trig --entity 两个确立 --by quarter -o 两个确立.svg
    """
    if output:
        _trend(list(graph), None, [entity], None, None, by or "year", per_10k, output, raw)
        return
    if by or per_10k or raw:
        raise click.UsageError("--by, --per-10k and --raw are for the chart or table: give -o OUT with them")
    from speechkg import api
    from speechkg.graph.views import compare as c

    click.echo(c.format_timeline(api.load(graph).timeline(entity)), nl=False)


@cli.command()
@_graph_files(required=False)
@_store("Read an on-disk Oxigraph store made by `build --store` (read-only).")
@click.option("--entity", "entities", multiple=True, help="Any label of an entity (repeat for more lines).")
@click.option("--type", "type_", help="Only entities of this type (Concept, Body, …); needed by --top.")
@click.option(
    "--top",
    type=click.IntRange(min=1),
    help="Also chart the N entities of --type whose mentions changed most between the first and the last period.",
)
@_by("The period mentions are counted by.", default="year")
@click.option(
    "--per-10k", is_flag=True, help="Also give mentions per 10,000 characters of the period's text, and chart that."
)
@click.option("-o", "--output", required=True, help="The table or chart to write, " + _CHART_HELP)
@_raw()
def trend(graph, store_dir, entities, type_, top, by, per_10k, output, raw):
    """How often entities are mentioned, and in how many speeches, per year, quarter or month,
    by each speech's date; as CSV, a line chart (SVG, PNG) or an HTML page.

    Speeches without a date are left out (a note says how many). Periods run from the first
    dated speech to the last, empty ones counting 0.

    Example: speechkg trend corpus.nq --entity 共同富裕 --entity 新发展格局 --by quarter -o trend.svg

    Example: speechkg trend --store corpus.db --type Concept --top 5 --by quarter -o top.html
    """
    _trend(list(graph), store_dir, list(entities), type_, top, by, per_10k, output, raw)


@cli.command()
@_graph_files(required=False)
@_store("Read an on-disk Oxigraph store made by `build --store` (read-only).")
@click.option("--indicator", help="Only this indicator: gdp-growth, 国内生产总值增长, 'GDP growth', or other words.")
@click.option("-o", "--output", help="Instead of the table, write the targets " + _CHART_HELP)
@_raw()
def targets(graph, store_dir, indicator, output, raw):
    """The numeric targets the speeches state (国内生产总值增长5%左右, 赤字率拟按4%左右安排): the
    year, the body that set it, the indicator, value, unit and qualifier; with -o, a chart of
    each body's target by year, or the bodies' targets of one year as bars.

    Example: speechkg targets reports.nq --indicator gdp-growth -o gdp.svg
    """
    from speechkg.graph.views import targets as views_targets

    _rows_as_chart(graph, store_dir, output, raw, lambda g: g.targets(indicator), views_targets)


@cli.command()
@_graph_files(required=False)
@_store("Read an on-disk Oxigraph store made by `build --store` (read-only).")
@click.option("--person", help="Only this person's posts (the name the graph gives the person: 汪洋).")
@click.option("-o", "--output", help="Instead of the table, write the posts " + _CHART_HELP)
@_raw()
def posts(graph, store_dir, person, output, raw):
    """Who held which post: each person's posts (role, body) with the first and last dates the
    speeches state them (全国政协主席汪洋, 张德江委员长); with -o, CSV or a Gantt of the attested
    tenures (one bar per post).

    Example: speechkg posts news.nq --person 汪洋 -o wangyang.svg
    """
    from speechkg.graph.views import posts as views_posts

    _rows_as_chart(graph, store_dir, output, raw, lambda g: g.posts(person), views_posts)


def _rows_as_chart(graph, store_dir, output, raw, read, view) -> None:
    """The rows `read` gives of the graph (an api.Graph → rows with `cells()`) as an aligned
    table under `view.HEAD`, or with -o OUT as `view.chart` makes them, written by extension."""
    from speechkg import api
    from speechkg.graph.views import charts

    if output:
        charts.check_output(output, list(graph))
    elif raw:
        raise click.UsageError("--raw is for the table written with -o OUT")
    found = read(api.open_graph(list(graph), store_dir=store_dir))
    if output:
        charts.write(view.chart(found), output, list(graph), raw=raw)
        return
    from speechkg.graph.query.results import Result, format_result

    result = Result("SELECT", view.HEAD, [[str(c) for c in r.cells()] for r in found])
    click.echo(format_result(result), nl=False)


def _trend(graph, store_dir, entities, type_, top, by, per_10k, output, raw=False):
    from speechkg import api
    from speechkg.graph.views import charts

    charts.check_output(output, graph)
    kg = api.open_graph(graph, store_dir=store_dir)
    result = kg.trend(entities, type=type_, top=top, by=by, per_10k=per_10k)
    note = result.note()
    if note:
        _tell("Note", note)
    charts.write(charts.trend_chart(result), output, graph, raw=raw)
    if output != "-":
        click.echo(
            f"{len(result.series)} entit{'y' if len(result.series) == 1 else 'ies'}, "
            f"{len(result.periods)} {by}(s) → {output}",
            err=True,
        )


if __name__ == "__main__":
    cli()
