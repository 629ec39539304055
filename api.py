"""speechkg from Python: build or load a graph, then read its entities, relations and mentions as
plain rows, query it with SPARQL, hand it to networkx, write it or draw it.

    import speechkg.api as skg

    kg = skg.build(["seeds/provincial-union-2022.txt"])
    kg.entities(type="Campaign")[0].label
    kg.query("SELECT ?l WHERE { ?e skos:prefLabel ?l }", l="全总")

The functions are the command line's own library calls, with the same guards (query timeouts,
input limits) and the same errors (`speechkg.graph.errors.SpeechKGError` and its subclasses,
with the one-line messages the CLI prints).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Dataset, Graph

from speechkg.graph.errors import InputError, SpeechKGError
from speechkg.graph.extract.ner import DEFAULT_MODEL
from speechkg.graph.model import Speech as _Speech
from speechkg.ontology.namespace import ENTITY_TYPES, RELATION_TYPES, bind_prefixes
from speechkg.records import (
    STORE_COUNTS,
    Counts,
    Entity,
    Mention,
    Relation,
    Rows,
    Speech,
    build_counts,
    norm,
    one_of,
    speech_date,
    value_of,
)

if TYPE_CHECKING:  # the library is imported where it is used: a command loads only what it runs
    import networkx as nx

    from speechkg.graph.build.pipeline import BuildResult
    from speechkg.graph.quality.evaluate import Report
    from speechkg.graph.quality.validate import Report as ValidationReport
    from speechkg.graph.rdf.rows import Rows as GraphRows
    from speechkg.graph.views.compare import Appearance, Comparison
    from speechkg.graph.views.network import Stats
    from speechkg.graph.views.posts import PostRow
    from speechkg.graph.views.targets import TargetRow
    from speechkg.graph.views.trend import Trend

__all__ = [
    "ENTITY_TYPES",
    "Counts",
    "Entity",
    "KnowledgeGraph",
    "Mention",
    "Relation",
    "Rows",
    "Speech",
    "SpeechKGError",
    "build",
    "build_text",
    "load",
    "open_graph",
]


class KnowledgeGraph:
    """A built or loaded speech graph (an rdflib Dataset, one named graph per speech)."""

    def __init__(
        self,
        dataset: Dataset | None = None,
        *,
        result: BuildResult | None = None,
        store_dir: str | None = None,
        files: Iterable[str] = (),
    ) -> None:
        self._dataset = dataset
        self._result = result
        self._store_dir = store_dir
        self._files = [str(f) for f in files]
        self._nx: nx.MultiDiGraph | None = None
        self._read_rows: GraphRows | None = None

    def __repr__(self) -> str:
        """Its counts (a store counts them itself: nothing is read whole); graph files opened and
        not read yet stay so."""
        if self._result is None and self._dataset is None and self._files:
            return f"<KnowledgeGraph of {', '.join(self._files)}, not read yet>"
        try:
            c = self.counts()
        except SpeechKGError as exc:
            return f"<KnowledgeGraph: {exc}>"
        return f"<KnowledgeGraph: {c.speeches} speech(es), {c.entities} entities, {c.relations} relations>"

    @property
    def dataset(self) -> Dataset:
        """The graph as an rdflib Dataset (the default graph is the union of the speeches)."""
        from speechkg.graph.rdf import parse
        from speechkg.graph.rdf.terms import rdflib_term

        if self._dataset is None:
            if self._result is not None:
                self._dataset = self._result.dataset
            elif self._files:
                self._dataset = parse.load(self._files)
            else:
                import pyoxigraph as ox

                from speechkg.graph.rdf import oxstore

                ds = Dataset(default_union=True)
                bind_prefixes(ds)
                term = rdflib_term
                for q in oxstore.open_store(self._store_dir, read_only=True):
                    if not isinstance(q.graph_name, ox.DefaultGraph):  # the store's default graph is their merge
                        ds.graph(term(q.graph_name)).add((term(q.subject), term(q.predicate), term(q.object)))
                self._dataset = ds
        return self._dataset

    @property
    def warnings(self) -> list[str]:
        """What the build noticed (encodings guessed, empty speeches), one line each."""
        return list(self._result.warnings) if self._result is not None else []

    @property
    def skipped(self) -> list[tuple[str, str]]:
        """(file, why) for every input that could not be built."""
        return list(self._result.skipped) if self._result is not None else []

    def counts(self) -> Counts:
        """(speeches, entities, relations) of the graph, each counted once (see Counts): of a
        build from what it extracted, of a store by the store's own count, else of the graph read."""
        if self._result is not None:
            return build_counts(self._result)
        if self._dataset is None and self._store_dir:
            (row,) = self.query(STORE_COUNTS)
            return Counts(row["speeches"], row["entities"], row["relations"])
        s = self.stats(top=0)
        return Counts(s.speeches, sum(s.by_type.values()), sum(s.by_relation.values()))

    def co_mentions(self) -> dict[tuple[str, str], int]:
        """Entities named near each other in the same sentence (data.CO_WINDOW): (IRI a, IRI b) with a < b → how
        many sentences name both so."""
        from speechkg.graph.views import data

        return data.co_mentions(data.dataset_triples(self.dataset))

    def to_networkx(self) -> nx.MultiDiGraph:
        """Entities as nodes (type, label, aliases, mentions), relations as edges keyed by predicate."""
        from speechkg.graph.views.network import entity_graph

        if self._nx is None:
            self._nx = entity_graph(self.dataset)
        return self._nx

    def entities(self, type: str | None = None) -> list[Entity]:
        """Every entity, or those of one type (Campaign or skg:Campaign, …), by type then label."""
        type = one_of(type, ENTITY_TYPES, "type")
        g = self.to_networkx()
        rows = [
            Entity(
                n,
                d["type"],
                d["label"],
                tuple(d["aliases"]),
                d["mentions"],
                g.degree(n),
                tuple(d["english"]),
                tuple(d["pinyin"]),
            )
            for n, d in g.nodes(data=True)
            if type is None or d["type"] == type
        ]
        order = {t: i for i, t in enumerate(ENTITY_TYPES)}
        return sorted(rows, key=lambda e: (order[e.type], e.label, e.iri))

    def relations(self, predicate: str | None = None) -> list[Relation]:
        """Every relation between entities, or those of one predicate (chair or skg:chair, …),
        by predicate, subject and object. A relation reads subject → predicate → object: a
        meeting's chair is a person (subject the meeting, object the person)."""
        from speechkg.graph.views.network import evidence_of

        predicate = one_of(predicate, RELATION_TYPES, "predicate")
        g = self.to_networkx()
        evidence = evidence_of(self.dataset)
        rows = [
            Relation(
                s, g.nodes[s]["label"], d["relation"], o, g.nodes[o]["label"], evidence.get((s, d["relation"], o), "")
            )
            for s, o, d in g.edges(data=True)
            if predicate is None or d["relation"] == predicate
        ]
        return sorted(rows, key=lambda r: (r.predicate, r.subject_label, r.object_label, r.subject, r.object))

    def find(self, label: str, type: str | None = None, *, substring: bool = False) -> list[Entity]:
        """The entities one of whose labels (preferred, other Chinese, English, pinyin) is
        `label`, as the page's search matches: case and runs of blanks do not count
        ("xi jinping" finds 习近平); with `substring`, those with a label that holds it."""
        want = norm(label)
        if not want:
            return []
        if substring:
            return [e for e in self.entities(type) if any(want in norm(n) for n in e.names())]
        return [e for e in self.entities(type) if want in map(norm, e.names())]

    def mentions(self, entity: str | Entity) -> list[Mention]:
        """Where an entity (its IRI, its row, or a label) occurs: speech, offsets, sentence."""
        iri = entity.iri if isinstance(entity, Entity) else entity
        if not iri.startswith(("http://", "https://", "urn:")):
            found = self.find(iri)
            if not found:
                raise InputError(f"no entity is labelled {iri!r}; see kg.entities() for the labels")
            iri = found[0].iri
        rows = self._rows()
        out = [
            Mention(
                entity=iri,
                text=m.text,
                speech=str(m.speech),
                start=m.start,
                end=m.end,
                sentence=rows.sentence(m.sentence).text if m.sentence is not None else "",
                rule=m.rule,
                confidence=m.confidence,
            )
            for m in rows.mentions
            if m.entity == iri
        ]
        return sorted(out, key=lambda m: (m.speech, m.start, m.end))

    def speeches(self) -> list[Speech]:
        """The speeches of the graph, by source then IRI."""
        out = []
        for sp in self._rows().speeches:
            date, precision = speech_date(sp.date)
            out.append(Speech(sp.iri, sp.source, sp.title, date, precision, sp.length))
        return sorted(out, key=lambda s: (s.source or "", s.iri))

    def _rows(self) -> GraphRows:
        """The graph read as rows (rdf.rows), once."""
        from speechkg.graph.rdf.rows import Rows

        if self._read_rows is None:
            self._read_rows = Rows.of(self.dataset)
        return self._read_rows

    def query(
        self, sparql: str, *, timeout: float | None = None, allow_service: bool = False, **params: str
    ) -> Rows | bool | Graph:
        """Run a read-only SPARQL query (the usual prefixes are declared) with the CLI's guard:
        updates refused, `timeout` seconds and a memory limit enforced in a child process.
        Keyword arguments give variables values, as `--param` does (`l="全总"` binds ?l to the
        string and to the @zh label). SELECT → Rows, ASK → bool, CONSTRUCT/DESCRIBE → Graph."""
        from speechkg.graph.query.engines import run

        text = self._bound(sparql, params, "query({}=…)")
        result = run(self._queried(), text, allow_service=allow_service, timeout=timeout)
        if result.type == "ASK":
            return bool(result.boolean)
        if result.type == "GRAPH":
            return result.graph
        return Rows(
            ({v: value_of(t) for v, t in zip(result.vars, row, strict=True)} for row in result.rows), list(result.vars)
        )

    def _queried(self) -> object:
        """What a query runs on: the store itself, else the graph in memory (read now)."""
        from speechkg.graph.query.engines import StorePath

        return StorePath(self._store_dir) if self._dataset is None and self._store_dir else self.dataset

    def _bound(self, sparql: str, params: dict[str, str], word: str) -> str:
        """The query with its parameters bound, once each names a variable and, where the query
        says a parameter names a thing of the graph (a speech's source), one that is there;
        `word` names a parameter in a message as the caller gave it."""
        from speechkg.graph.query.saved import bind, named

        text = bind(sparql, params, word)
        for n in named(sparql):
            if n.param in params:
                n.check(params[n.param], self._column(n.values_query), word)
        return text

    def _column(self, sparql: str) -> list[str]:
        """The first column of a SELECT, as strings, run where the graph is (files not read are read by the child)."""
        from speechkg.graph.query.engines import query_sources, run

        if self._read or self._store_dir:
            result = run(self._queried(), sparql)
        else:
            result = query_sources(self._files, sparql)
        return [str(row[0]) for row in result.rows]

    def serialize(self, path: str | Path, format: str | None = None, *, release: bool = False) -> None:
        """Write the graph to `path` (format by suffix, or `format`: turtle, trig, nquads, nt,
        xml, json-ld …), atomically: a failed write leaves an existing file as it was. `-` is
        standard output. With `release`, a build frees each speech as it is written (and is
        empty after): for a corpus written once."""
        from speechkg.graph.rdf.output import write_output

        path = str(path)
        if self._result is not None:  # a build writes speech by speech, itself unless to `-`
            from speechkg.graph.build import pipeline

            data = pipeline.write(self._result, path, format, release=release)
            if path == "-":
                write_output(path, data)
            return
        from speechkg.graph.rdf.formats import format_for
        from speechkg.graph.rdf.write import serialize

        write_output(path, serialize(self.dataset, format_for(path, format)))

    def add_to_store(self, store_dir: str | Path, done: Callable[[], None] | None = None, release: bool = False) -> int:
        """Add each speech of a build to an on-disk Oxigraph store (its named graph replaced, the
        default graph their merge), as `speechkg build --store` does; `done` is called for each
        speech once it is in. Returns the number of quads loaded."""
        from speechkg.graph.build import pipeline

        if self._result is None:
            raise InputError("add_to_store adds a build; load graph files into a store with speechkg load")
        return pipeline.add_to_store(self._result, str(store_dir), done=done, release=release)

    def view(
        self,
        path: str | Path,
        title: str = "speechkg",
        types: Iterable[str] | None = None,
        min_degree: int = 0,
        physics: bool | None = None,
        max_nodes: int = 300,
    ) -> None:
        """Write the interactive HTML page of the graph (offline; the same page as `speechkg view`);
        `-` is standard output. Graph files opened and not yet read are streamed when large."""
        from speechkg.graph.rdf.output import check_output, write_output
        from speechkg.graph.views import page as html

        opts = html.ViewOptions(
            title=title, types=html.check_types(types), min_degree=min_degree, physics=physics, max_nodes=max_nodes
        )
        path = str(path)
        check_output(path, self._files)
        page = html.render(self.dataset, opts) if self._read else html.render_files(self._files, opts)
        write_output(path, page.encode("utf-8"), self._files)

    @property
    def _in_memory_only(self) -> bool:
        """Whether the graph was built or given in memory, with no graph files or store behind it."""
        return (self._result is not None or self._dataset is not None) and not self._files and not self._store_dir

    @property
    def _read(self) -> bool:
        """Whether the graph is held in memory (else it is graph files, read by what needs them)."""
        return self._dataset is not None or not self._files

    def stats(self, top: int = 10) -> Stats:
        """Counts by entity type and relation, and the `top` most connected entities."""
        from speechkg.graph.views.network import stats

        return stats(self.dataset, top=top)

    def evaluate(self, gold: str | Path) -> Report:
        """Precision, recall and F1 per type and for relations against a gold annotation (JSON)."""
        from speechkg.graph.quality import evaluate

        return evaluate.evaluate(self.dataset, evaluate.load_gold(str(gold)))

    def validate(self) -> ValidationReport:
        """The graph checked against the SHACL shapes; graph files in chunks, so memory stays bounded."""
        from speechkg.graph.quality import validate

        return validate.validate(self.dataset) if self._read else validate.validate_files(self._files)

    def compare(self, other: KnowledgeGraph, names: tuple[str, str] = ("A", "B")) -> Comparison:
        """What changed from this graph's speech to `other`'s: entities that appear, disappear or
        persist, and formulations whose wording or number changed."""
        from speechkg.graph.views import compare

        return compare.compare(self.dataset, other.dataset, *names)

    def compare_speeches(self, a: str, b: str) -> Comparison:
        """compare for two speeches of this graph, named by file name."""
        from speechkg.graph.views import compare

        ds = self.dataset
        return compare.compare(compare.speech_graph(ds, a), compare.speech_graph(ds, b), a, b)

    def timeline(self, entity: str) -> list[Appearance]:
        """In which speeches, on which dates, an entity (any label) appears, with the sentences."""
        from speechkg.graph.views import compare

        return compare.timeline(self.dataset, entity)

    def trend(
        self,
        entities: Iterable[str] = (),
        type: str | None = None,
        top: int | None = None,
        by: str = "year",
        per_10k: bool = False,
    ) -> Trend:
        """Mentions of entities (labels), or of the `top` entities of a type, per period, by each
        speech's date, read from the graph files or the store through Oxigraph."""
        from speechkg.graph.views import trend

        trend.check_type(type)
        if self._in_memory_only:
            raise InputError("trend reads graph files or a store; serialize a built graph first")
        store = trend.open_graphs(self._files, self._store_dir)
        return trend.trend(store, list(entities), type_=type, top=top, by=by, per_10k=per_10k)

    def targets(self, indicator: str | None = None) -> list[TargetRow]:
        """The numeric targets the speeches state (government work reports' 主要预期目标, deficits
        a budget arranges), each once per speech, of `indicator` when given (a key such as
        gdp-growth, its Chinese or English label, or the words of another indicator)."""
        from speechkg.graph.views import targets, trend

        if self._in_memory_only:
            raise InputError("targets reads graph files or a store; serialize a built graph first")
        return targets.read(trend.open_graphs(self._files, self._store_dir), indicator)

    def posts(self, person: str | None = None) -> list[PostRow]:
        """Each person's posts (role, body) with the first and last dates the speeches state them,
        of `person` only when given (the label the graph gives the person)."""
        from speechkg.graph.views import posts, trend

        if self._in_memory_only:
            raise InputError("posts reads graph files or a store; serialize a built graph first")
        return posts.read(trend.open_graphs(self._files, self._store_dir), person)

    def push(
        self,
        endpoint: str | None = None,
        update: str | None = None,
        graph: str | None = None,
        replace: bool = False,
        user: str | None = None,
        password: str | None = None,
    ) -> tuple[int, int]:
        """Load the graph into a SPARQL 1.1 store (Graph Store Protocol `endpoint`, or SPARQL
        Update `update`), each speech into its named graph (or all into `graph`). Returns
        (triples, graphs) pushed."""
        from speechkg.graph.query import push

        return push.push(
            self.dataset, endpoint=endpoint, update=update, graph=graph, replace=replace, user=user, password=password
        )

    def endpoint(
        self,
        host: str = "127.0.0.1",
        port: int = 7878,
        timeout: float = 60,
        max_memory: float = 2048,
        location: str | Path | None = None,
        cors_origins: tuple[str, ...] = (),
    ):
        """A read-only SPARQL 1.1 endpoint of the graph, bound and not yet serving
        (graph.query.endpoint.serve runs it): each query within `timeout` seconds, the queries
        running together within `max_memory` MB; web pages of `cors_origins` may read answers."""
        from speechkg.graph.query import endpoint

        store = endpoint.load_store(self.dataset, location)
        return endpoint.bind(
            store, host=host, port=port, timeout=timeout, max_memory=max_memory, cors_origins=tuple(cors_origins)
        )

    def query_result(
        self,
        sparql: str,
        fmt: str = "table",
        params: dict[str, str] | None = None,
        *,
        timeout: float | None = None,
        max_memory: float | None = 2048,
        allow_service: bool = False,
        raw: bool = True,
        param_word: str = "params[{!r}]",
    ):
        """The query's result written in `fmt` (table, csv, tsv, json; RDF for CONSTRUCT) as
        `speechkg query` prints it, in a temporary binary file read from its start (the caller
        closes it). The files or the store are read, and the query run, in a child process
        within `timeout` seconds and `max_memory` MB; large files are queried with Oxigraph.
        `raw=False` makes CSV and TSV cells safe to open in a spreadsheet (a leading ' before
        = + - @); `param_word` names a parameter in an error (`speechkg query` says `--param {}`)."""
        from speechkg.graph.query.engines import result_file

        if self._in_memory_only:
            raise InputError("query_result reads graph files or a store; for a graph in memory use kg.query")
        self._bound(sparql, params or {}, param_word)
        return result_file(
            self._files,
            sparql,
            fmt,
            params or {},
            store_dir=self._store_dir,
            timeout=timeout,
            allow_service=allow_service,
            max_memory=max_memory,
            raw=raw,
        )


def build(
    inputs: str | Path | Iterable[str | Path],
    date: _dt.date | str | None = None,
    lexicon: str | Path | None = None,
    jobs: int = 1,
    max_size_mib: float | None = None,
    file_timeout: float | None = None,
    *,
    text_field: str = "text",
    date_field: str | None = None,
    id_field: str | None = None,
    title_field: str | None = None,
    shard: str | None = None,
    scheduler: str | None = None,
    dates: str | Path | None = None,
    output: str | Path | None = None,
    total: Callable[[int], None] | None = None,
    progress: Callable[[_Speech], None] | None = None,
    ner: str = DEFAULT_MODEL,
) -> KnowledgeGraph:
    """Build the graph of speech files (.txt, .docx, .html), directories of them, and corpora of
    one speech per row (.jsonl, .jsonl.gz, .csv), as `speechkg build` does.

    A file or row that cannot be read or built is skipped when others remain (see `kg.skipped`);
    when none can be, InputError says why. `date` (a date or "YYYY-MM-DD") is the speeches' date.
    `text_field`, `date_field`, `id_field` and `title_field` name a corpus row's fields (those
    left None are looked for as date, id and title); `shard` ("I/N") builds every N-th speech
    from the I-th; `scheduler` (tcp:// or tls://HOST:PORT) extracts on that Dask cluster's workers.
    `dates` is a CSV of file,date giving each speech's date. An `output` path that is one of the
    inputs, the lexicon or the dates file (the same file by any path) is refused before anything
    is read. `total` is called with the number of speeches once all are read, `progress` with
    each speech as it is done. `ner` is the trained name model
    read beside the rules: "lac" (Baidu's LAC, the default) or "none" (the rules alone, faster)."""
    from speechkg.graph.build import pipeline
    from speechkg.graph.rdf.output import check_output
    from speechkg.graph.read.corpus import Fields
    from speechkg.graph.read.decode import DEFAULT_MAX_BYTES, max_bytes_of
    from speechkg.graph.read.reader import read_dates

    paths = [str(inputs)] if isinstance(inputs, (str, Path)) else [str(p) for p in inputs]
    if output:  # the dates are read first: an output that is their file is refused before
        check_output(str(output), [str(f) for f in (dates, lexicon) if f])
    result = pipeline.build(
        paths,
        date=_date(date),
        user_lexicon=str(lexicon) if lexicon else None,
        jobs=jobs,
        max_bytes=max_bytes_of(max_size_mib) if max_size_mib else DEFAULT_MAX_BYTES,
        file_timeout=file_timeout,
        fields=Fields(text_field, date_field, id_field, title_field),
        shard=pipeline.parse_shard(shard) if shard is not None else None,
        scheduler=scheduler,
        dates=read_dates(str(dates)) if dates else None,
        output=str(output) if output else None,
        total=total,
        progress=progress,
        ner=ner,
    )
    return KnowledgeGraph(result=result)


def build_text(
    text: str,
    date: _dt.date | str | None = None,
    source: str = "text",
    title: str | None = None,
    lexicon: str | Path | None = None,
    ner: str = DEFAULT_MODEL,
) -> KnowledgeGraph:
    """Build the graph of one speech given as a string; `source` names it in the graph (its IRI
    is derived from `source` and the text, as a file's is from its name); `ner` as in `build`."""
    from speechkg.graph.build import pipeline
    from speechkg.graph.build.steps import lexicon_for
    from speechkg.graph.read.reader import byline_date, guess_title

    if not isinstance(text, str):
        raise InputError(f"build_text takes the speech as a str, not {type(text).__name__}")
    speech = _Speech(text=text, source=source, date=_date(date) or byline_date(text), title=title or guess_title(text))
    return KnowledgeGraph(result=pipeline.build_speeches([speech], lexicon_for(str(lexicon) if lexicon else None, ner)))


def open_graph(paths: str | Path | Iterable[str | Path] = (), *, store_dir: str | Path | None = None) -> KnowledgeGraph:
    """Graph files or an on-disk store, opened and not read yet: each method reads what it needs
    (the page and the SHACL check stream large files, queries and trends run on Oxigraph), and
    errors in the files surface there. `load` reads at once. The command line opens graphs so."""
    files = [str(paths)] if isinstance(paths, (str, Path)) else [str(p) for p in paths]
    return KnowledgeGraph(files=files, store_dir=str(store_dir) if store_dir is not None else None)


def load(
    paths: str | Path | Iterable[str | Path] | None = None, *, store_dir: str | Path | None = None
) -> KnowledgeGraph:
    """A graph written before: graph files (any RDF format, by suffix), or an on-disk store
    (`store_dir`, as made by `speechkg build --store`; queries run on the store itself)."""
    from speechkg.graph.rdf import parse

    if store_dir is not None:
        if paths:
            raise InputError("give graph files or store_dir, not both")
        from speechkg.graph.rdf import oxstore

        oxstore.check_store(store_dir)
        return KnowledgeGraph(store_dir=str(store_dir))
    if paths is None:
        raise InputError("name a graph file to load, or give store_dir")
    files = [str(paths)] if isinstance(paths, (str, Path)) else [str(p) for p in paths]
    return KnowledgeGraph(parse.load(files), files=files)


def _date(value: _dt.date | str | None) -> _dt.date | None:
    if value is None or isinstance(value, _dt.date):
        return value
    try:
        return _dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InputError(f"{value!r} is not a date; use YYYY-MM-DD") from None
