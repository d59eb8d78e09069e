"""How the label index answers ``kx find``: the statements, and the reads best first.

The index (``kxgraph.store.index``) keeps every label lower-cased and, when Chinese, spelt in
pinyin, in full-text tables of trigrams (``label_text``, ``spelling_text``) whose vocabularies
(``label_terms``, ``spelling_terms``) also find a 1- or 2-character query, and an index of the
labels by length and first two characters (``labels_rank``), find's order. ``labels_begin`` reads
the labels a query begins with, best first, only until they name enough entities; ``matching``
reads every other hit, ranked in SQL as ``explore._rank`` ranks it. The answer is the same
whichever way the rows are found (tests/test_index.py compares it with SPARQL's).
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from typing import Iterable

CANDIDATES = 5000  # as many label hits as find's SPARQL path considers
LAST_ROW = "SELECT COALESCE(MAX(id), 0) FROM labels"  # the last label row's id

# Each hit with its rank as find's _rank has it for a query of one word (:w; :s its spelling in
# pinyin, or the word): not the word, not beginning with the word or the spelling, longer, later by text
_MATCHING = {  # (column, way) -> statement: (entity, label, rank...) of the rows holding :t, best first
    # way "text": a query of three characters or more, through the trigrams it holds
    ("lowered", "text"): "SELECT l.entity, l.label, l.lowered != :w, "
                         "NOT (substr(l.lowered, 1, length(:w)) = :w OR substr(l.lowered, 1, length(:s)) = :s), length(l.label) "
                         "FROM label_text JOIN labels l ON l.id = label_text.rowid "
                         "WHERE label_text MATCH :q AND instr(l.lowered, :t) > 0 ORDER BY 3, 4, 5, l.label LIMIT :n",
    ("spelling", "text"): "SELECT l.entity, l.label, l.lowered != :w, "
                          "NOT (substr(l.lowered, 1, length(:w)) = :w OR substr(l.lowered, 1, length(:s)) = :s), length(l.label) "
                          "FROM spelling_text JOIN labels l ON l.id = spelling_text.rowid "
                          "WHERE spelling_text MATCH :q AND instr(l.spelling, :t) > 0 "
                          "ORDER BY 3, 4, 5, l.label LIMIT :n",
    # way "terms": 1 or 2 characters, through the trigrams beginning with them
    ("lowered", "terms"): "SELECT l.entity, l.label, l.lowered != :w, "
                          "NOT (substr(l.lowered, 1, length(:w)) = :w OR substr(l.lowered, 1, length(:s)) = :s), length(l.label) "
                          "FROM labels l WHERE l.id IN (SELECT doc FROM label_terms WHERE term >= :t AND term < :next) "
                          "AND instr(l.lowered, :t) > 0 ORDER BY 3, 4, 5, l.label LIMIT :n",
    ("spelling", "terms"): "SELECT l.entity, l.label, l.lowered != :w, "
                           "NOT (substr(l.lowered, 1, length(:w)) = :w OR substr(l.lowered, 1, length(:s)) = :s), length(l.label) "
                           "FROM labels l WHERE l.id IN (SELECT doc FROM spelling_terms WHERE term >= :t AND term < :next) "
                           "AND instr(l.spelling, :t) > 0 ORDER BY 3, 4, 5, l.label LIMIT :n",
    # way "scan": every row (a query that most rows hold, or one the vocabularies cannot answer)
    ("lowered", "scan"): "SELECT l.entity, l.label, l.lowered != :w, "
                         "NOT (substr(l.lowered, 1, length(:w)) = :w OR substr(l.lowered, 1, length(:s)) = :s), length(l.label) "
                         "FROM labels l WHERE instr(l.lowered, :t) > 0 ORDER BY 3, 4, 5, l.label LIMIT :n",
    ("spelling", "scan"): "SELECT l.entity, l.label, l.lowered != :w, "
                          "NOT (substr(l.lowered, 1, length(:w)) = :w OR substr(l.lowered, 1, length(:s)) = :s), length(l.label) "
                          "FROM labels l WHERE instr(l.spelling, :t) > 0 ORDER BY 3, 4, 5, l.label LIMIT :n",
}
_TERMS = {  # how many (trigram, row) pairs begin with a short query, counted up to :cap
    "lowered": "SELECT COUNT(*) FROM (SELECT 1 FROM label_terms WHERE term >= :t AND term < :next LIMIT :cap)",
    "spelling": "SELECT COUNT(*) FROM (SELECT 1 FROM spelling_terms WHERE term >= :t AND term < :next LIMIT :cap)",
}
# The labels of one length whose first two characters are from :low up to, not with, :high, in
# find's order up to those two characters (labels_rank), that begin with :t
_PREFIXED = ("SELECT entity, label, substr(label, 1, 2), substr(lowered, 1, length(:t)) = :t FROM labels "
             "WHERE length(label) = :length AND substr(label, 1, 2) >= :low AND substr(label, 1, 2) < :high "
             "ORDER BY substr(label, 1, 2)")
# how many labels hold all the trigrams of a query of three characters or more, up to :cap
_TEXT_HITS = "SELECT COUNT(*) FROM (SELECT 1 FROM label_text WHERE label_text MATCH :q LIMIT :cap)"
# labels read in vain (they begin with a longer query's first two characters, not with it) before
# _prefixed gives up: first a few, then, for a query that many labels hold, more
WASTE = (1000, 10000)
_LONGEST = "SELECT length(label) FROM labels ORDER BY length(label) DESC LIMIT 1"
SCAN_SHARE = 8  # a short query found in more than one row in 8 is answered by reading every row


def matching(conn: sqlite3.Connection, column: str, text: str, word: str, spelt: str,
              limit: int | None = None, skip: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """``(entity, label)`` of rows whose ``column`` contains ``text``, through the index, best first
    as ``word`` ranks them (``_MATCHING``), at most ``CANDIDATES``; with ``limit``, only until they name
    that many entities outside ``skip`` (``_best``). The answer is the same whichever way the rows are found.
    """
    values = {"t": text, "n": CANDIDATES, "w": word, "s": spelt or word}
    if len(text) >= 3:
        values["q"] = _trigrams(text)
        way = "text"
    else:
        way = "scan"
        if text and _unfolded(text) and ord(text[-1]) < 0x10FFFF:
            values["next"] = text[:-1] + chr(ord(text[-1]) + 1)  # the trigrams from text up to, not with, this
            cap = max(1, conn.execute(LAST_ROW).fetchone()[0] // SCAN_SHARE)
            if conn.execute(_TERMS[column], {**values, "cap": cap}).fetchone()[0] < cap:
                way = "terms"
    with closing(conn.execute(_MATCHING[column, way], values)) as rows:
        if limit:
            return _best(rows, limit, skip)
        return [(entity, label) for entity, label, *_ in rows]


def _trigrams(text: str) -> str:
    """A full-text query for the rows holding every trigram of ``text`` (three characters or more)."""
    grams = dict.fromkeys(text[i:i + 3] for i in range(len(text) - 2))
    return " AND ".join('"' + gram.replace('"', '""') + '"' for gram in grams)


def labels_begin(conn: sqlite3.Connection, word: str, limit: int,
                  skip: tuple[str, ...]) -> list[tuple[str, str]] | None:
    """``_prefixed``'s answer, or None when the labels that begin with ``word`` name fewer than
    ``limit`` entities, or when finding them wastes more than reading every hit would cost: a word of
    three characters or more may read ``WASTE[0]`` labels in vain, ``WASTE[1]`` when it has at least
    ``CANDIDATES`` label hits (every label read for a shorter word begins with it)."""
    if len(word) < 3:
        return _prefixed(conn, word, limit, skip)
    found = _prefixed(conn, word, limit, skip, WASTE[0])
    if found is None:
        hits = conn.execute(_TEXT_HITS, {"q": _trigrams(word), "cap": CANDIDATES}).fetchone()[0]
        if hits >= CANDIDATES:
            found = _prefixed(conn, word, limit, skip, WASTE[1])
    return found


def _best(rows: Iterable[tuple], limit: int, skip: tuple[str, ...]) -> list[tuple[str, str]]:
    """``(entity, label)`` of ``rows`` (entity, label, rank...), best first, until they name ``limit``
    entities whose IRIs do not begin with one of ``skip``, and those that tie with the last of them."""
    named: set[str] = set()
    out, last = [], None
    for entity, label, *rank in rows:
        rank.append(label)
        if len(named) >= limit and rank != last:
            break
        out.append((entity, label))
        last = rank
        if not entity.startswith(skip):
            named.add(entity)
    return out


def _prefixed(conn: sqlite3.Connection, text: str, limit: int, skip: tuple[str, ...],
              waste: int | None = None) -> list[tuple[str, str]] | None:
    """``(entity, label)`` of the labels that begin with ``text`` (lower-cased), best first, until they
    name ``limit`` entities whose IRIs do not begin with one of ``skip``; None when they name fewer.

    A label that begins with the query ranks above every other hit, exact first (``explore._rank``),
    then shorter, then by text. ``labels_rank`` holds the labels in that order up to their first two
    characters: one search per length, from the query's, and per way of writing its first two
    characters in any case (``_heads``), reads the labels of that length that begin so, and the
    reading stops with the first two characters after the ``limit``-th entity (the labels that tie
    with it up to those are all read; find sorts them whole). It gives up (None) after reading
    ``waste`` labels that begin with the query's first two characters but not with it.
    """
    heads = _heads(text)
    if not heads:
        return None
    longest = conn.execute(_LONGEST).fetchone()
    named: set[str] = set()
    rows = []
    for length in range(len(text), (longest[0] if longest else 0) + 1):
        last = None
        for low, high in heads:
            with closing(conn.execute(_PREFIXED, {"t": text, "low": low, "high": high, "length": length})) as found:
                for entity, label, head, begins in found:
                    if len(named) >= limit and head != last:
                        return rows
                    if not begins:
                        if waste is not None:
                            waste -= 1
                            if waste < 0:
                                return None
                        continue
                    rows.append((entity, label))
                    last = head
                    if not entity.startswith(skip):
                        named.add(entity)
        if len(named) >= limit:
            return rows
    return None


# Characters whose lower case is the key's, besides the key's own upper and title case: a label
# beginning with one of them begins, lower-cased, with the key (a test checks the table against Unicode)
# (and a final capital sigma is lower-cased as the final sigma)
UNCASED = {"i": "\u0130", "\u03b8": "\u03f4", "\u00df": "\u1e9e", "\u03c9": "\u2126", "k": "\u212a", "\u00e5": "\u212b",
           "\u03c2": "\u03a3"}  # capital dotted I, theta symbol, capital sharp s, ohm, kelvin, angstrom, sigma


def _heads(text: str) -> list[tuple[str, str]]:
    """The ranges (from, up to) of the first two characters of the labels that may begin, lower-cased,
    with ``text``, in order; none for a text that a label may hold otherwise than character by
    character (a combining mark: İ is lower-cased as i and a combining dot), or empty."""
    import unicodedata
    from itertools import product

    if not text or "\x1f" in text or any(unicodedata.combining(c) for c in text):
        return []
    ways = [sorted({c, *UNCASED.get(c, ""), *(u for u in (c.upper(), c.title()) if len(u) == 1)})
            for c in text[:2]]
    heads = sorted("".join(chars) for chars in product(*ways))
    if any(ord(head[-1]) >= 0x10FFFF for head in heads):
        return []
    return [(head, head[:-1] + chr(ord(head[-1]) + 1)) for head in heads]


def _unfolded(text: str) -> bool:
    """True when FTS5's case folding leaves ``text`` as it is (lower-case ASCII, characters without case,
    never the unit separator the texts are padded with), so its trigrams can be looked up as written."""
    return "\x1f" not in text and all((c.isascii() and not c.isupper()) or c.lower() == c.upper() for c in text)


__all__ = ["CANDIDATES", "LAST_ROW", "SCAN_SHARE", "UNCASED", "WASTE", "labels_begin", "matching"]
