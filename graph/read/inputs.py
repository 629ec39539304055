"""The inputs of a build: files, directories and glob patterns → (path, source name) pairs."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from speechkg.graph.errors import InputError
from speechkg.graph.read.decode import display_name

if TYPE_CHECKING:
    pass


#: File suffixes read as speeches when a directory is given.
TEXT_SUFFIXES = (".txt", ".md", ".html", ".htm", ".docx")


@dataclass
class Inputs:
    """The files a build reads: (path, source name) pairs, each file once; warnings about
    files given more than once; folders that could not be read, with why."""

    files: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    unreadable: list[tuple[str, str]] = field(default_factory=list)


def resolve_inputs(inputs: Iterable[str]) -> Inputs:
    """Expand the inputs (see expand_inputs), drop a file given twice (with a warning), and
    give files that would share a source name their path below their common folder.

    The source name identifies a speech (its IRI): a file's name, or its path inside the
    directory given, so it does not depend on the working directory. Two different files
    never share one: `A/speech.txt` and `B/speech.txt` become exactly that."""
    out = Inputs()
    seen: dict[tuple[int, int] | str, str] = {}
    items = []
    for path, source in expand_inputs(inputs, out.unreadable):
        if path == "-":
            key: tuple[int, int] | str = "-"
        else:
            try:
                st = os.stat(path)
                key = (st.st_dev, st.st_ino)
            except OSError:
                key = os.path.abspath(path)  # read_speech reports it
        if key in seen:
            out.warnings.append(f"{display_name(path)}: given more than once (as {display_name(seen[key])}); read once")
            continue
        seen[key] = path
        items.append([path, display_name(source)])
    by_source: dict[str, list[list[str]]] = {}
    for item in items:
        by_source.setdefault(item[1], []).append(item)
    for source, group in by_source.items():
        if len(group) < 2 or source == "-":
            continue
        real = [os.path.realpath(path) for path, _ in group]
        top = os.path.commonpath([os.path.dirname(r) for r in real])
        for item, r in zip(group, real, strict=True):
            item[1] = display_name(Path(os.path.relpath(r, top)).as_posix())
    names = [source for _, source in items]
    clash = sorted({n for n in names if names.count(n) > 1})
    if clash:
        raise InputError(f"two different inputs would be one speech named {clash[0]!r}; rename one of them")
    out.files = [(path, source) for path, source in items]
    return out


def expand_inputs(inputs: Iterable[str], unreadable: list[tuple[str, str]] | None = None) -> Iterator[tuple[str, str]]:
    """(path, source name) for each input; directories expanded recursively, sorted.

    The source name identifies a speech in the graph, independent of the working
    directory: a file's name, or its path inside the directory that was given. Folders
    inside a directory that cannot be read are added to `unreadable` (path, why)."""
    for item in inputs:
        if item == "-":
            yield item, "-"
            continue
        p = Path(item)
        if not p.exists() and any(c in item for c in "*?["):
            matches = (
                sorted(Path().glob(item))
                if not p.is_absolute()
                else sorted(Path(p.anchor).glob(str(p.relative_to(p.anchor))))
            )
            if not matches:
                raise InputError(f"{display_name(item)}: no file matches this pattern")
            for f in matches:
                if f.is_file():
                    yield str(f), f.name
            continue
        if p.is_dir():
            failed: list[tuple[str, str]] = []
            found = _speech_files(p, failed)
            if unreadable is not None:
                unreadable.extend(failed)
            if not found:
                if failed:
                    raise InputError(failed[0][1])
                raise InputError(
                    f"{display_name(str(p))}: no speech files in this directory (looked for {', '.join(TEXT_SUFFIXES)})"
                )
            for f in found:
                yield str(f), f.relative_to(p).as_posix()
        else:
            yield item, p.name


def _speech_files(top: Path, failed: list[tuple[str, str]]) -> list[Path]:
    """The speech files below `top`, sorted; folders that cannot be read go to `failed`.
    Symlinked folders are not entered (no loops); symlinked files are read."""

    def onerror(exc: OSError) -> None:
        where = display_name(str(exc.filename))
        failed.append(
            (str(exc.filename), f"{where}: cannot read this folder ({exc.strerror}); its speeches were not read")
        )

    found = []
    for root, _dirs, files in os.walk(top, onerror=onerror):
        for name in files:
            f = Path(root) / name
            if f.suffix.lower() in TEXT_SUFFIXES and f.is_file():
                found.append(f)
    return sorted(found)
