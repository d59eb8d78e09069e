"""Text relevance for ``kx match``: Chinese word segmentation and BM25 over expertise profiles.

Words come from jieba (``pip install 'kxgraph[match]'``) in its search mode, which also yields the
shorter words inside long ones (碳纤维复合材料 → 碳纤维, 复合, 材料 …); without jieba, Han text is cut into
overlapping character pairs. Latin words are lower-cased. BM25 is the plain Okapi form (k1=1.5, b=0.75),
kept here because it is 40 lines and needs no index on disk.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache
from typing import Any

from kxgraph.resources import resource_path

_HAN = re.compile(r"[\u3400-\u9fff]+")
_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9+\-]{1,}")
# Words too common in needs and project titles to tell experts apart.
STOP = frozenset("的 和 与 及 在 对 等 中 为 了 是 有 需要 需求 我们 公司 企业 技术 研究 关键技术 应用 应用研究 "
                 "问题 项目 提升 提高 开展 方面 进行 一种 方法 系统 装置 示例 工艺 优化 工艺优化 产业化 示范 "
                 "产业化示范 难题 解决 实现 相关".split())


@lru_cache(maxsize=1)
def _jieba():
    try:
        import jieba
    except ImportError:
        return None
    import logging

    jieba.setLogLevel(logging.WARNING)
    return jieba


def segmenter() -> str:
    """``"jieba"`` or ``"bigram"``: how Han text is cut into words here."""
    return "jieba" if _jieba() is not None else "bigram"


@lru_cache(maxsize=262144)
def tokens(text: str) -> tuple[str, ...]:
    """The words of ``text`` that count for relevance (stop words and single characters dropped)."""
    if not text:
        return ()
    jieba = _jieba()
    out: list[str] = []
    for run in _HAN.findall(text):
        if jieba is not None:
            words = jieba.lcut_for_search(run)
        else:
            words = [run[i:i + 2] for i in range(max(1, len(run) - 1))]
        out += [w for w in words if len(w) > 1 and w not in STOP]
    out += [w.lower() for w in _LATIN.findall(text)]
    return tuple(out)


@lru_cache(maxsize=1)
def synonym_groups() -> tuple[frozenset[str], ...]:
    """The synonym lines of ``data/match/synonyms.tsv``."""
    text = resource_path("match/synonyms.tsv").read_text(encoding="utf-8")
    return tuple(frozenset(line.split("\t")) for line in text.splitlines()
                 if line.strip() and not line.startswith("#"))


def expand(text: str) -> tuple[list[str], list[tuple[str, str]]]:
    """The query words of a need: its words, plus the words of every synonym line it touches.

    Returns the words and the (word in the need, synonym added) pairs, for the explanation.
    """
    words = list(tokens(text))
    added: list[tuple[str, str]] = []
    present = set(words)
    for group in synonym_groups():
        hit = next((w for w in sorted(group) if w in text), None)
        if hit is None:
            continue
        for other in sorted(group - {hit}):
            for w in tokens(other) or (other,):
                if w not in present:
                    present.add(w)
                    words.append(w)
                    added.append((hit, other))
    return words, list(dict.fromkeys(added))


class BM25:
    """Okapi BM25 over documents given as word lists, each under a key (a candidate's IRI).

    ``replaced`` gives a new index with some documents changed, at the cost of those documents
    (the unchanged ones are shared, not copied word by word): what a profile update needs.

    >>> index = BM25({"a": ["煤矿", "安全"], "b": ["特种钢"]})
    >>> sorted(index.scores(["煤矿"]))
    ['a']
    >>> sorted(index.replaced({"b": ["煤矿"]}, remove=["a"]).scores(["煤矿"]))
    ['b']
    """

    def __init__(self, docs: dict[str, Any] | None = None, *, k1: float = 1.5, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.tf: dict[str, Counter] = {}
        self.len: dict[str, int] = {}
        self.total = 0
        self.df: Counter = Counter()
        self.postings: dict[str, frozenset] = {}
        self._add(docs or {}, {})

    def _add(self, docs: dict[str, Any], grown: dict[str, set]) -> None:
        for key, words in docs.items():
            counts = Counter(words)
            self.tf[key], self.len[key] = counts, len(words)
            self.total += len(words)
            self.df.update(counts.keys())
            for w in counts:
                grown.setdefault(w, set(self.postings.get(w, ()))).add(key)
        for w, keys in grown.items():
            self.postings[w] = frozenset(keys)

    def replaced(self, docs: dict[str, Any], *, remove: Any = ()) -> "BM25":
        """A new index: this one with ``remove`` left out and ``docs`` added (or put in place)."""
        out = BM25.__new__(BM25)
        out.k1, out.b = self.k1, self.b
        out.tf, out.len, out.total = dict(self.tf), dict(self.len), self.total
        out.df, out.postings = Counter(self.df), dict(self.postings)
        shrunk: dict[str, set] = {}
        for key in {*remove, *docs}:
            counts = out.tf.pop(key, None)
            if counts is None:
                continue
            out.total -= out.len.pop(key)
            out.df.subtract(counts.keys())
            for w in counts:
                shrunk.setdefault(w, set(out.postings[w])).discard(key)
        for w, keys in shrunk.items():
            out.postings[w] = frozenset(keys)
            if not out.df[w]:
                del out.df[w]
        out._add(docs, {w: set(k) for w, k in shrunk.items()})
        for w in [w for w, k in out.postings.items() if not k]:
            del out.postings[w]
        return out

    def idf(self, word: str) -> float:
        """Inverse document frequency of ``word`` (0 for a word in no document)."""
        f = self.df.get(word, 0)
        if not f:
            return 0.0
        n = len(self.tf)
        return math.log(1 + (n - f + 0.5) / (f + 0.5))

    def scores(self, query: list[str]) -> dict[str, float]:
        """The BM25 score of every document holding a word of ``query``, by key."""
        out: dict[str, float] = {}
        k1, b = self.k1, self.b
        avg = (self.total / len(self.tf)) if self.tf else 1.0
        for w in set(query):
            keys = self.postings.get(w)
            if not keys:
                continue
            idf = self.idf(w)
            for key in keys:
                f = self.tf[key][w]
                out[key] = out.get(key, 0.0) + idf * f * (k1 + 1) / (f + k1 * (1 - b + b * self.len[key] / (avg or 1.0)))
        return out


__all__ = ["BM25", "tokens", "expand", "segmenter", "synonym_groups", "STOP"]
