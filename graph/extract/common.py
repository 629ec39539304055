"""Character classes, place names and boundary words shared by the extractors.

Chinese has no spaces, so a name's left edge is found by walking back from its
head noun to punctuation or to a governing word (开展, 实施, 深入 …) that is not
part of names. These lists are general features of official Chinese prose.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import re
import tempfile
from array import array
from bisect import bisect_right
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from speechkg.graph.extract.tables import CONJUNCTIONS, rows

HAN = "\u4e00-\u9fff"
#: the provincial-level divisions, by the names running text uses and their full names
PROVINCES = "|".join(r[0] for r in rows("places.tsv"))
_FULL_PLACES = "|".join(sorted((r[1] for r in rows("places.tsv")), key=len, reverse=True))
#: A named or placeholder administrative area ("河南省", "广西壮族自治区", "XX省", "XX").
PLACE = rf"(?:{_FULL_PLACES}|{PROVINCES}|[XＸ×]{{1,3}}(?:省|市|县|区|自治区)?)"
#: the characters a PLACE can start with
PLACE_FIRST = "".join(sorted({name[0] for row in rows("places.tsv") for name in row[:2]} | set("XＸ×")))


def starting_with(chars: str, pattern: str) -> str:
    """`pattern` behind a lookahead for the characters it can start with: a pattern that
    starts with optional parts or long alternations is otherwise tried in full at every
    character of a text."""
    return f"(?=[{chars}])(?:{pattern})"


#: two countries by their one-character short names, China's first or second (中俄, 越中, 中非):
#: how diplomatic prose names a bilateral relationship (not 中国, not 中方)
BILATERAL_PAIR = rf"(?:[{HAN}]中|中(?![国方])[{HAN}])"


#: The most items an enumeration (A、B、C) is read with: a pattern that repeats "item、" without
#: bound and then fails at the list's end is tried again from each later item, which is quadratic
#: in a long list (20,000 bodies in one sentence took minutes).
LIST_ITEMS = 40
#: Characters that end a name to the left.
PUNCT = set("，。、；：！？“”‘’（）()《》〈〉「」『』【】［］〔〕[],.;:!?\"' \t\n\u3000—…·")

#: Governing words that precede names but are not part of them (longest first when used).
GOVERNORS = tuple(sorted({r[0] for r in rows("governors.tsv")}, key=len, reverse=True))

_GOVERNOR_SET = frozenset(GOVERNORS)
_COMPLEMENTS = set("好赢响成")
#: one-character governors that still govern at the end of a longer word (这是, 正在, 为了)
_ENDING_FUNCTION = frozenset("是在了把将")
#: verbs that end the names of campaigns (…提升行动, …推进行动, …深化提升行动)
_NAME_VERBS = frozenset("提升 推进 深化 促进 提质 增效 攻坚 整治 治理 改造 更新 提高 强化 巩固 拓展 建设".split())
#: verbs that are nouns too: they govern a name only at the head of their phrase (after
#: punctuation or another governing word), not inside a name (队伍建设改革)
_VERB_OR_NOUN = frozenset({"建设"})
#: what may stand between such a verb and the head
_WEAK_REST = re.compile(r"[一二三四五六七八九十两\d]+年|专项|集中|专题")
#: a run of characters jieba segments as one block (its re_han_default): words never cross its ends
_BLOCK_CLASS = r"[\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]"
_BLOCK_CHAR = re.compile(_BLOCK_CLASS)
_BLOCK_RUN = re.compile(_BLOCK_CLASS + "+")
_BLOCK_REACH = 120  # how far a block is followed: longer runs are cut (pathological input only)


@lru_cache(maxsize=1)
def _jieba():
    import jieba

    jieba.setLogLevel(60)
    if not _load_saved_dictionary(jieba.dt):
        jieba.initialize()
        _save_dictionary(jieba.dt)
    return jieba


def _dictionary_cache(dt) -> Path:
    """Where the saved prefix dictionary of `dt` lives: the user's cache, named by jieba's version and
    the dictionary file's size and time, so another jieba or dictionary never reads a stale one."""
    import jieba

    dictionary = Path(dt.dictionary or jieba.DEFAULT_DICT_NAME)
    if not dictionary.is_absolute():
        dictionary = Path(jieba.__file__).parent / dictionary
    stat = dictionary.stat()
    key = f"{jieba.__version__} {dictionary} {stat.st_size} {stat.st_mtime_ns}"
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "speechkg"
    return root / f"jieba-{hashlib.sha256(key.encode()).hexdigest()[:16]}.json"


def _load_saved_dictionary(dt) -> bool:
    """Load jieba's prefix dictionary from our JSON file (about twice as fast as jieba's own marshal
    cache in every building process); False when there is none or it cannot be read. JSON, not a
    pickle: a file in a cache directory is data that cannot run code, whoever wrote it."""
    try:
        with _dictionary_cache(dt).open("rb") as f:
            freq, total = json.load(f)
    except Exception:  # no cache yet, or a damaged one: jieba builds the dictionary itself
        return False
    if not (isinstance(freq, dict) and isinstance(total, int) and all(type(v) is int for v in freq.values())):
        return False
    dt.FREQ, dt.total = freq, total
    dt.initialized = True
    return True


def _save_dictionary(dt) -> None:
    """Write the JSON file atomically (a rename), so concurrent processes never read half of one."""
    try:
        path = _dictionary_cache(dt)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    except (OSError, RuntimeError):  # a read-only or unknown home: jieba's own cache is used again
        return
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump((dt.FREQ, dt.total), f, ensure_ascii=False, separators=(",", ":"))
        os.replace(tmp, path)
    except OSError:  # a full disk: no half-written file is left behind
        with contextlib.suppress(OSError):
            os.unlink(tmp)


@lru_cache(maxsize=20000)
def _segment(block: str) -> tuple[int, ...]:
    """The word boundaries of a block (offsets into it), from jieba's default dictionary."""
    ends = [0]
    for word in _jieba().cut(block):
        ends.append(ends[-1] + len(word))
    return tuple(ends)


def _words(text: str, pos: int) -> list[int]:
    """The word boundaries (offsets into `text`) of the block that holds `pos`: a block is a
    run jieba segments as a whole, so its words are the words of the whole text."""
    starts, ends = _blocks(text)
    i = bisect_right(starts, pos) - 1  # the block that starts at or before pos
    if i < 0 or pos > ends[i]:
        return []  # pos lies between blocks
    start, end = max(starts[i], pos - _BLOCK_REACH), min(ends[i], pos + _BLOCK_REACH)
    return [start + b for b in _segment(text[start:end])] if start < end else []


_R = TypeVar("_R")


_MEMOS: list[list] = []


def forget_texts() -> None:
    """Drop what per_text holds: a text's results are of no use once its extraction is done,
    and a big text's are megabytes."""
    for memo in _MEMOS:
        memo.clear()


def per_text(size: int) -> Callable[[Callable[[str], _R]], Callable[[str], _R]]:
    """Cache a function of a whole text by the text object, not its value, keeping the last
    `size` results: an lru_cache compares a new text with an equal one it holds (a corpus's
    repeated items) character by character at every call, a megabyte each time."""

    def wrap(fn: Callable[[str], _R]) -> Callable[[str], _R]:
        memo: list[tuple[str, _R]] = []
        _MEMOS.append(memo)

        @functools.wraps(fn)
        def call(text: str) -> _R:
            for held, result in memo:
                if held is text:
                    return result
            result = fn(text)
            memo.append((text, result))
            del memo[:-size]
            return result

        return call

    return wrap


@per_text(4)
def _blocks(text: str) -> tuple[array, array]:
    """The starts and ends of the text's blocks, found once per text (as arrays: a text of
    millions of characters has hundreds of thousands of blocks)."""
    starts, ends = array("q"), array("q")
    for m in _BLOCK_RUN.finditer(text):
        starts.append(m.start())
        ends.append(m.end())
    return starts, ends


def words_before(text: str, pos: int, lo: int) -> list[tuple[int, int]]:
    """The words (start, end) of `text[lo:pos]`, right to left; a word that crosses `lo` or
    `pos` is left out."""
    bounds = _words(text, pos)
    return [(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if a >= lo and b <= pos][::-1]


def word_around(text: str, pos: int) -> tuple[int, int]:
    """The word (start, end) that holds the character at `pos`."""
    bounds = _words(text, pos)
    for a, b in zip(bounds, bounds[1:], strict=False):
        if a <= pos < b:
            return a, b
    return pos, pos + 1


def is_boundary(text: str, pos: int) -> bool:
    """Whether a word boundary falls at `pos`."""
    if pos <= 0 or pos >= len(text) or not _BLOCK_CHAR.match(text, pos) or not _BLOCK_CHAR.match(text, pos - 1):
        return True
    return pos in _words(text, pos)


#: how often (in jieba's dictionary counts) a word must occur to be a common word, never a
#: person's name (文章 6,728; 全会 1,101; names such as 李强 159 or 王沪宁 17 are far below)
COMMON_WORD = 500


def common_word(word: str) -> bool:
    """Whether `word` is a common word of the language (文章, 许多, 全会), by jieba's counts."""
    return _jieba().dt.FREQ.get(word, 0) >= COMMON_WORD


def known_word(word: str) -> bool:
    """Whether jieba's dictionary holds `word` at all (扩张, 周年: no name starts there)."""
    return word in _jieba().dt.FREQ


def governs(word: str) -> bool:
    """A governing word, or a word ending in one (充分利用, 努力实现, 这是)."""
    return word in _GOVERNOR_SET or any(
        word[i:] in _GOVERNOR_SET and (len(word) - i > 1 or word[i:] in _ENDING_FUNCTION) for i in range(1, len(word))
    )


def left_edge(
    text: str, head_start: int, max_len: int = 16, keep: frozenset[str] = frozenset(), extra: tuple[str, ...] = ()
) -> int:
    """Where a name ending at `head_start` begins: after the nearest punctuation or the
    rightmost governing word within `max_len` characters. Governing words are whole words
    of the text's segmentation, so 要 in 重要 or 建设 in 基本建设 governs nothing (words in
    `keep` are kept, words in `extra` count as governing words too)."""
    lo = _after_punctuation(text, head_start, max_len)
    if lo == head_start:
        return lo
    naming = head_start  # where the verbs and spans that end a name (…深化提升三年行动) start
    words = words_before(text, head_start, lo)
    for k, (a, b) in enumerate(words):
        word = text[a:b]
        if word in _VERB_OR_NOUN and b != naming and not word.endswith(extra):
            # 建设保障性安居工程 (a verb at the head of its phrase) but 队伍建设改革行动 (a noun)
            if _a_verb_here(text, words, k, lo):
                return b
            continue
        if b == naming and (word in _NAME_VERBS or _WEAK_REST.fullmatch(word)) and a > lo:
            naming = a
            continue  # 质量提升行动, 改革深化提升行动: verbs right before the head are part of the name
        if word.endswith(extra) or (word not in keep and governs(word)):
            return _after_governor(text, b, naming, head_start)
    return _first_whole_word(text, words, lo, head_start)


def _after_punctuation(text: str, head_start: int, max_len: int) -> int:
    """Where the window a name may fill begins: after the nearest punctuation before
    `head_start`, at most `max_len` characters back."""
    lo = head_start
    limit = max(0, head_start - max_len)
    while lo > limit and text[lo - 1] not in PUNCT:
        lo -= 1
    return lo


def _a_verb_here(text: str, words: list[tuple[int, int]], k: int, lo: int) -> bool:
    """Whether words[k], a verb or a noun (建设), is a verb here: it opens the window, or the
    word before it (words run right to left) governs."""
    a, _ = words[k]
    return a == lo or (k + 1 < len(words) and governs(text[words[k + 1][0] : words[k + 1][1]]))


def _after_governor(text: str, b: int, naming: int, head_start: int) -> int:
    """Where a name begins after a governing word ending at `b`."""
    if b == naming and naming < head_start:
        # 不断提高竞赛的…: nothing but verbs between the governor and the head, so the
        # first of them governs too and there is no name
        return head_start
    # 打好碧水保卫战: a resultative complement after the verb belongs to the verb
    complement = text[b : b + 1] in _COMPLEMENTS and b + 1 < head_start and is_boundary(text, b + 1)
    return b + 1 if complement else b


def _first_whole_word(text: str, words: list[tuple[int, int]], lo: int, head_start: int) -> int:
    """Without a governing word the name fills the window; a window that starts inside a word
    starts at the next word."""
    return words[-1][0] if words and lo < head_start and text[lo - 1 : lo] not in PUNCT and lo > 0 else lo


def after_conjunction(text: str, start: int, head_start: int, left_ends: tuple[str, ...] | None = None) -> int:
    """Where a title running from `start` to its head at `head_start` begins when a conjunction
    (和, 以及 …, a whole word) stands in it: after the rightmost one whose left side ends in one of
    `left_ends` (a name of its own: 四中全会和中央经济工作会议), or after any one when `left_ends`
    is None, or after one that opens the title; else at `start`."""
    for a, b in words_before(text, head_start, start):
        if text[a:b] in CONJUNCTIONS and (a == start or left_ends is None or text[start:a].endswith(left_ends)):
            return b
    return start


#: the longest quotation (marks included) or word before a dash that opens a title
_OPENER_REACH = 12


def title_opener(text: str, start: int) -> int:
    """Where a title that starts at `start` begins when a short quotation or a word and a dash open
    it (“一带一路”国际合作高峰论坛, 中国—东盟博览会): the opener's start, else `start`."""
    before = text[start - 1 : start]
    if before == "”":
        q = text.rfind("“", max(0, start - _OPENER_REACH), start - 1)
        if q >= 0 and not any(c in PUNCT for c in text[q + 1 : start - 1]):
            return q
    elif before in "—－" and start > 1:
        w = after_conjunction(text, left_edge(text, start - 1, max_len=4), start - 1)
        if 2 <= start - 1 - w and re.fullmatch(f"[{HAN}]+", text[w : start - 1]):
            return w
    return start


def inside_quotes(spans: list[tuple[int, int]], pos: int) -> bool:
    """Whether `pos` lies inside one of the sorted quotation spans."""
    from bisect import bisect_right

    i = bisect_right(spans, (pos, float("inf"))) - 1
    return i >= 0 and spans[i][0] < pos < spans[i][1] - 1


def unquote(s: str) -> str:
    """`s` without its quotation marks: the label of a name written in or with quotes."""
    return "".join(c for c in s if c not in '“”‘’"')


@per_text(8)
def quotes(text: str) -> list[tuple[int, int]]:
    """Spans (start, end) of top-level “…” quotations, including the marks; nested ‘’ kept inside."""
    out = []
    depth, start = 0, -1
    for i, ch in enumerate(text):
        if ch == "“":
            if depth == 0:
                start = i
            depth += 1
        elif ch == "”" and depth:
            depth -= 1
            if depth == 0:
                out.append((start, i + 1))
        elif ch in "\n" and depth:
            depth = 0
    return out


NUMERAL = "一二两三四五六七八九十百千万"
NUMERAL_CHARS = NUMERAL + "〇零"
#: A numbered formulation: 五大行动, 两个确立, 四风, 十件实事, 五赛一争.
NUMBERED = re.compile(rf"^([{NUMERAL}]{{1,3}})(?:个|大|项|件|条|种|类|支|化|位|张|大类)?[{HAN}]")

#: Chinese numerals, as in 第十四届 and 第三次
CN = "〇一二三四五六七八九十百"
