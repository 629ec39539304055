"""Marked-up files → their text: HTML pages (the article, without menus and scripts) and .docx documents."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from speechkg.graph.errors import InputError, first_line
from speechkg.graph.read.decode import DEFAULT_MAX_BYTES, display_name, mib
from speechkg.graph.read.files import read_speech_bytes

if TYPE_CHECKING:
    from bs4.builder import HTMLParserTreeBuilder


#: elements read as paragraphs (a <br> is a line break)
_BLOCKS = frozenset(
    ("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article", "blockquote", "pre")
)


#: elements whose whole content is left out of a page's text
_DROPPED = frozenset(
    ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "svg", "template")
)


#: where a page's text is looked for, the first found: the first <article>, <main>, <body>, else the page
_SCOPES = ("article", "main", "body")


def html_text(data: bytes, name: str) -> str:
    """The main text of a saved web page: scripts, styles, navigation, headers and footers
    dropped; one paragraph a line.

    The text is that of the innermost blocks (<p>, <div>, <li> … holding no other block) of the
    page's first <article>, else <main>, else <body>, else of the whole page; a page with no
    block there gives all its text, a line a string; the <title> comes first. The page is read
    as it is parsed (Beautiful Soup's html.parser tokenizer and tree rules, see _PageText),
    never held as a tree: memory grows with the text, not with the markup, and time linearly
    with both. (libxml2, lxml's parser, stops at a depth of 256 and closes unclosed tags
    otherwise, which would change the text of such pages.)"""
    from bs4.builder import HTMLParserTreeBuilder, ParserRejectedMarkup
    from bs4.builder._htmlparser import BeautifulSoupHTMLParser

    builder = HTMLParserTreeBuilder()
    try:
        markup = next(iter(builder.prepare_markup(data)))[0]  # bytes → str, as BeautifulSoup decodes
        page = _PageText(builder)
        args, kwargs = builder.parser_args
        parser = BeautifulSoupHTMLParser(page, *args, **kwargs)
        parser.feed(markup)
        parser.close()
    except (AssertionError, ParserRejectedMarkup) as exc:
        raise InputError(f"{display_name(name)}: the HTML parser rejected it ({first_line(exc)})") from None
    return page.text()


class _Void:
    """What _PageText.handle_starttag gives back: whether the element is an empty one (<br>)."""

    __slots__ = ("is_empty_element",)

    def __init__(self, empty: bool) -> None:
        self.is_empty_element = empty


_EMPTY, _NOT_EMPTY = _Void(True), _Void(False)


class _Scope:
    """The text an element (<article>, <main>, <body>) or the page would give: the lines of the
    innermost blocks below it and, while it has no block, all its strings."""

    __slots__ = ("lines", "strings")

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.strings: list[str] | None = []  # None once a block is found below it


class _PageText:
    """The sink of Beautiful Soup's html.parser tokenizer (BeautifulSoupHTMLParser) that makes
    no tree: it keeps the stack of open elements by the rules BeautifulSoup builds its tree
    with (an end tag closes up to the latest open element of its name, none if none is open;
    no other tag closes one; ASCII-blank strings collapse to one space or line break outside
    <pre> and <textarea>; strings in <rt>, <rp>, <script>, <style>, <template> and comments,
    doctypes and processing instructions are no text; CDATA is), and gathers as it goes the
    text that the old tree walk found (see html_text): each innermost block's strings, each
    scope's lines, the first title's strings. Content of a _DROPPED element is skipped."""

    def __init__(self, builder: HTMLParserTreeBuilder) -> None:
        from bs4.element import CData, NavigableString

        self.builder = builder  # read by BeautifulSoupHTMLParser
        self.contains_replacement_characters = False
        self._string, self._cdata = NavigableString, CData
        self._void = builder.can_be_empty_element
        self._keep_blanks = builder.preserve_whitespace_tags
        self._containers = builder.string_containers
        self.current_data: list[str] = []
        self.names: list[str] = []  # the open elements
        self._names: dict[str, str] = {}
        self.flags: list[int] = []  # what each is (the bits below)
        self.open: dict[str, int] = {}  # name → how many of that name are open
        self.blank_kept = self.contained = self.dropped = 0  # open <pre>s, string containers, dropped
        self.blocks: list[list[str] | None] = []  # open blocks' strings (None: it holds a block)
        self.scopes: dict[str, _Scope] = {}  # the first <article>, <main>, <body>
        self.page = _Scope()
        self.inside: list[_Scope] = [self.page]  # the scopes open: the page and those open
        self.title: list[str] | None = None
        self.title_open = False

    _PRE, _CONTAINER, _DROP, _BLOCK, _SCOPE, _TITLE = 1, 2, 4, 8, 16, 32

    def handle_starttag(
        self,
        name: str,
        namespace: str | None,
        nsprefix: str | None,
        attrs: dict[str, str],
        sourceline: int | None = None,
        sourcepos: int | None = None,
    ) -> _Void:
        self.endData()
        flags = 0
        if name in self._keep_blanks:
            flags |= self._PRE
            self.blank_kept += 1
        if name in self._containers:
            flags |= self._CONTAINER
            self.contained += 1
        if name in _DROPPED:
            flags |= self._DROP
            self.dropped += 1
        elif not self.dropped:
            if name == "br":  # a line break (the old walk replaced every <br> in its scope by one)
                self._text("\n")
            elif name in _BLOCKS:
                flags |= self._BLOCK
                if self.blocks:
                    self.blocks[-1] = None  # it holds a block: not an innermost one
                self.blocks.append([])
                for scope in self.inside:
                    scope.strings = None
            if name in _SCOPES and name not in self.scopes:
                flags |= self._SCOPE
                self.scopes[name] = scope = _Scope()
                self.inside.append(scope)
            if name == "title" and self.title is None:
                flags |= self._TITLE
                self.title, self.title_open = [], True
        self.names.append(self._names.setdefault(name, name))  # one string a name, however many open
        self.flags.append(flags)
        self.open[name] = self.open.get(name, 0) + 1
        return _EMPTY if self._void(name) else _NOT_EMPTY

    def handle_endtag(self, name: str, nsprefix: str | None = None) -> None:
        self.endData()
        if self.open.get(name):
            while self._pop() != name:
                pass

    def handle_data(self, data: str) -> None:
        self.current_data.append(data)

    def endData(self, container: type | None = None) -> None:  # BeautifulSoup's name, which the tokenizer calls
        if not self.current_data:
            return
        data = "".join(self.current_data)
        self.current_data = []
        if not self.blank_kept and not data.strip("\x20\x0a\x09\x0c\x0d"):
            data = "\n" if "\n" in data else " "
        if self.dropped:
            return
        if container is self._cdata or (container in (None, self._string) and not self.contained):
            self._text(data)
            if self.title_open:
                self.title.append(data)

    def _text(self, data: str) -> None:
        """A string (or a <br>'s line break) of the page, not in a dropped element."""
        if self.blocks and self.blocks[-1] is not None:
            self.blocks[-1].append(data)
        for scope in self.inside:
            if scope.strings is not None:
                scope.strings.append(data)

    def _pop(self) -> str:
        name, flags = self.names.pop(), self.flags.pop()
        self.open[name] -= 1
        if flags:
            if flags & self._PRE:
                self.blank_kept -= 1
            if flags & self._CONTAINER:
                self.contained -= 1
            if flags & self._DROP:
                self.dropped -= 1
            if flags & self._SCOPE:  # closed before its own lines are given out: it is no block of its own
                self.inside.remove(self.scopes[name])
            if flags & self._TITLE:
                self.title_open = False
            if flags & self._BLOCK:
                strings = self.blocks.pop()
                if strings is not None:  # an innermost block: its lines go to the scopes it is in
                    lines = [ln.strip() for ln in "".join(strings).split("\n")]
                    for scope in self.inside:
                        scope.lines.extend(lines)
        return name

    def text(self) -> str:
        """The page's text, once it is all parsed."""
        self.endData()
        while self.names:
            self._pop()
        root = next((self.scopes[n] for n in _SCOPES if n in self.scopes), self.page)
        if root.strings is None:
            lines = root.lines
        else:  # no block in it: all its strings
            lines = [ln.strip() for ln in "\n".join(root.strings).split("\n")]
        title = " ".join(t for t in (s.strip() for s in self.title or ()) if t)
        body = [ln for ln in lines if ln]
        if title and (not body or body[0] != title):
            body.insert(0, title)
        return "\n".join(body)


#: A .docx member may inflate at most this many times its compressed size (text XML
#: compresses some 5–20:1; a decompression bomb hundreds or thousands to one) …
DOCX_MAX_RATIO = 100


#: … once it is larger than this.
_DOCX_RATIO_FROM = 1 << 20


def _check_docx_package(data: bytes, name: str, max_bytes: int) -> None:
    """Refuse a .docx whose XML (the parts that hold its text) would inflate beyond
    `max_bytes`, or any member at a ratio only a decompression bomb has, from the sizes the
    zip declares, before anything is inflated (zipfile never inflates a member beyond its
    declared size). The text is shorter than its XML, so this bounds the text too; pictures
    do not compress, so they stay near the file's own size."""
    import io
    import zipfile

    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise InputError(
            f"{name}: not a readable .docx file ({type(exc).__name__}); save it again from a word processor"
        ) from None
    for i in infos:
        if i.file_size > _DOCX_RATIO_FROM and i.file_size > DOCX_MAX_RATIO * max(i.compress_size, 1):
            raise InputError(
                f"{name}: {display_name(i.filename)} inflates "
                f"{i.file_size / max(i.compress_size, 1):.0f}:1, over the "
                f"{DOCX_MAX_RATIO}:1 limit for a .docx member (a decompression bomb?)"
            )
    xml = sum(i.file_size for i in infos if i.filename.lower().endswith((".xml", ".rels")))
    if xml > max_bytes:
        raise InputError(
            f"{name}: its XML is {mib(xml)} once unzipped, over the {mib(max_bytes)} limit; raise it with --max-size"
        )


def docx_text(path: Path, max_bytes: int = DEFAULT_MAX_BYTES, data: bytes | None = None) -> str:
    """The paragraphs of a .docx file, one a line (tables' cells too). The package (`data`,
    else read from `path`) is checked first: its XML may inflate to at most `max_bytes`,
    and no member like a decompression bomb."""
    import io

    import docx

    name = display_name(str(path))
    if data is None:
        data = read_speech_bytes(path, max_bytes)
    _check_docx_package(data, name, max_bytes)
    try:
        d = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several types for a bad package
        raise InputError(
            f"{name}: not a readable .docx file ({type(exc).__name__}); save it again from a word processor"
        ) from None
    lines = [p.text.strip() for p in d.paragraphs]
    for table in d.tables:
        for row in table.rows:
            lines.extend(c.text.strip() for c in row.cells)
    return "\n".join(ln for ln in lines if ln)
