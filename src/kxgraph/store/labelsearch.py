"""How the label index answers ``kx find``: the statements, and the reads best first.

The index (``kxgraph.store.index``) keeps every label lower-cased and, when Chinese, spelt in
pinyin, in full-text tables of trigrams (``label_text``, ``spelling_text``) whose vocabularies
(``label_grams``, ``spelling_grams``; ``label_terms``, ``spelling_terms``) also find a 1- or
2-character query. Its label rows are numbered by length (``row_id``), so the full-text tables give
the shorter labels first, find's order up to the text; and label_text marks where each text begins.
For a query of one word, ``best_first`` reads the labels it begins with (one character: through an
index of the labels by length and first two characters, ``labels_rank``), then, when they are not
enough, the other hits, each only until they name enough entities; ``matching`` reads every hit,
ranked in SQL as ``explore._rank`` ranks it (a query of several words). The answer is the same
whichever way the rows are found (tests/test_index.py compares it with SPARQL's).
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from typing import Iterable

CANDIDATES = 5000  # as many label hits as find's SPARQL path considers
# A label row's id is its label's length above a running number of SEQ_BITS bits (``row_id``), so
# that the full-text tables, whose hits come in rowid order, give the shorter labels first
SEQ_BITS = 40
LONGEST = (1 << 22) - 1  # longer labels share its length's ids (and are sorted whole, as ties)
ROWS = "SELECT COALESCE((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'seq'), 0)"  # label rows ever numbered

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
# The same hits in rowid order, which is find's order up to the text (``row_id``): (id, entity,
# label, lowered) of the rows holding :t; "heads" those whose text begins with :t, found through the
# trigrams of the text marked at its start (char(30), see index._INDEX_TEXT) followed by :t
_STREAM = {
    ("lowered", "text"): "SELECT l.id, l.entity, l.label, l.lowered FROM label_text JOIN labels l ON l.id = label_text.rowid "
                         "WHERE label_text MATCH :q AND instr(l.lowered, :t) > 0 ORDER BY label_text.rowid",
    ("spelling", "text"): "SELECT l.id, l.entity, l.label, l.lowered FROM spelling_text JOIN labels l "
                          "ON l.id = spelling_text.rowid WHERE spelling_text MATCH :q AND instr(l.spelling, :t) > 0 "
                          "ORDER BY spelling_text.rowid",
    ("lowered", "heads"): "SELECT l.id, l.entity, l.label, l.lowered FROM label_text JOIN labels l ON l.id = label_text.rowid "
                          "WHERE label_text MATCH :q AND substr(l.lowered, 1, length(:t)) = :t ORDER BY label_text.rowid",
    ("lowered", "scan"): "SELECT l.id, l.entity, l.label, l.lowered FROM labels l WHERE instr(l.lowered, :t) > 0 ORDER BY l.id",
    ("spelling", "scan"): "SELECT l.id, l.entity, l.label, l.lowered FROM labels l WHERE instr(l.spelling, :t) > 0 "
                          "ORDER BY l.id",
}
# The rows of one length among them (ids from :lo up to, not with, :hi) in find's order: (entity,
# label, lowered, whether not the word :t), exact first, then by text
_BAND = {
    ("lowered", "text"): "SELECT l.entity, l.label, l.lowered, l.lowered != :t FROM label_text JOIN labels l "
                         "ON l.id = label_text.rowid WHERE label_text MATCH :q AND label_text.rowid >= :lo "
                         "AND label_text.rowid < :hi AND instr(l.lowered, :t) > 0 ORDER BY 4, l.label",
    ("spelling", "text"): "SELECT l.entity, l.label, l.lowered, l.lowered != :t FROM spelling_text JOIN labels l "
                          "ON l.id = spelling_text.rowid WHERE spelling_text MATCH :q AND spelling_text.rowid >= :lo "
                          "AND spelling_text.rowid < :hi AND instr(l.spelling, :t) > 0 ORDER BY 4, l.label",
    ("lowered", "heads"): "SELECT l.entity, l.label, l.lowered, l.lowered != :t FROM label_text JOIN labels l "
                          "ON l.id = label_text.rowid WHERE label_text MATCH :q AND label_text.rowid >= :lo "
                          "AND label_text.rowid < :hi AND substr(l.lowered, 1, length(:t)) = :t ORDER BY 4, l.label",
    ("lowered", "scan"): "SELECT l.entity, l.label, l.lowered, l.lowered != :t FROM labels l "
                         "WHERE l.id >= :lo AND l.id < :hi AND instr(l.lowered, :t) > 0 ORDER BY 4, l.label",
    ("spelling", "scan"): "SELECT l.entity, l.label, l.lowered, l.lowered != :t FROM labels l "
                          "WHERE l.id >= :lo AND l.id < :hi AND instr(l.spelling, :t) > 0 ORDER BY 4, l.label",
}
_NOTHING = "SELECT NULL, NULL, NULL, NULL WHERE 0"
# how many rows hold a trigram, counted up to :cap, and the last of them (by rowid: of the longest label)
_GRAM_HITS = "SELECT COUNT(*), MAX(rowid) FROM (SELECT rowid FROM label_text WHERE label_text MATCH :q LIMIT :cap)"
SAMPLE, SAMPLES = 2000, 8
HEAD = "\x1e"  # the mark before each lowered text in label_text
# The trigrams (term) that begin with 1 or 2 characters (from :t up to, not with, :next), and how
# many rows hold each (doc)
_GRAMS = {"lowered": "SELECT term, doc FROM label_grams WHERE term >= :t AND term < :next",
          "spelling": "SELECT term, doc FROM spelling_grams WHERE term >= :t AND term < :next"}
GRAMS = 500


def row_id(label: str, seq: int) -> int:
    """The id of the label row numbered ``seq`` (below ``1 << SEQ_BITS``): shorter labels' come first."""
    return min(len(label), LONGEST) << SEQ_BITS | seq


def best_first(conn: sqlite3.Connection, word: str, spelt: str, limit: int,
               skip: tuple[str, ...]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]] | None:
    """``(entity, label)`` of the labels holding ``word`` (lower-case) and of the Chinese labels whose
    pinyin holds it when it is latin, enough for find's best ``limit`` entities whose IRIs do not begin
    with one of ``skip``; or None when they cannot be read so (then ``matching`` reads every hit).
    ``spelt`` is the word as pinyin (then the word itself) or "".

    The labels that begin with the word rank first: when they name ``limit`` entities, they are
    the answer, read best first (through the marked trigrams; of one character, ``labels_begin``). Else all of them,
    and of the other hits, which rank by length and then text (a pinyin hit by its label's), the
    shortest ones, read in rowid order (``row_id``) until they name ``limit`` entities, with the rest
    of that length. The answer is the same as ranking every hit.
    """
    import unicodedata

    if not word or HEAD in word or "\x1f" in word or any(unicodedata.combining(c) for c in word):
        return None  # (a combining mark: a label may begin with the word and be shorter than an exact one)
    if len(word) >= 2:
        found = _read(conn, ("lowered", "heads"), word, _marked(conn, word), limit, skip)
    else:
        found = labels_begin(conn, word, limit, skip)
        if found is None:
            return None
    heads, enough = found
    if enough:
        return heads, []
    others = [_read(conn, (column, way), text, query, limit, skip, word)[0]
              for column, text in (("lowered", word), ("spelling", spelt)) if text
              for way, query in [_way(conn, column, text)]]
    return heads + others[0], others[1] if len(others) > 1 else []


def _way(conn: sqlite3.Connection, column: str, text: str) -> tuple[str, str | None]:
    """How the hits of ``text`` in ``column`` are read (``_STREAM``), and the full-text query: of 1 or
    2 characters, any of the trigrams that begin with it (``_GRAMS``), unless they are more than
    ``GRAMS`` or held more than once in ``SCAN_SHARE`` rows (then every row is read, shortest first)."""
    if len(text) >= 3:
        return "text", _trigrams(text)
    if text and _unfolded(text) and ord(text[-1]) < 0x10FFFF:
        budget = max(1, conn.execute(ROWS).fetchone()[0] // SCAN_SHARE)
        grams = []
        with closing(conn.execute(_GRAMS[column], {"t": text, "next": text[:-1] + chr(ord(text[-1]) + 1)})) as rows:
            for gram, docs in rows:
                grams.append('"' + gram.replace('"', '""') + '"')
                budget -= docs
                if budget < 0 or len(grams) > GRAMS:
                    return "scan", None
        return ("text", " OR ".join(grams)) if grams else ("none", None)
    return "scan", None


def _read(conn: sqlite3.Connection, kind: tuple[str, str], text: str, query: str | None, limit: int,
          skip: tuple[str, ...], begun: str = "") -> tuple[list[tuple[str, str]], bool]:
    """``(entity, label)`` of the hits of ``text`` (``_STREAM[kind]``, the full-text ``query``) whose
    lowered text does not begin with ``begun`` (when given), read in rowid order until they name
    ``limit`` entities whose IRIs do not begin with one of ``skip``; and whether they named so many.

    The length where they become so many is read again whole in find's order (``_BAND``, sorted
    in SQL), and only as far as the ``limit``-th entity and the hits that tie with it."""
    named: set[str] = set()
    out: list[tuple[str, str]] = []
    band, before, kept = -1, 0, named
    with closing(conn.execute(_STREAM[kind], {"t": text, "q": query}) if kind[1] != "none"
                 else conn.execute(_NOTHING)) as rows:
        for row, entity, label, lowered in rows:
            if begun and lowered.startswith(begun):
                continue
            if row >> SEQ_BITS != band:
                band, before, kept = row >> SEQ_BITS, len(out), set(named)
            out.append((entity, label))
            if not entity.startswith(skip):
                named.add(entity)
                if len(named) >= limit:
                    break
        else:
            return out, False
    del out[before:]
    named, last = kept, None
    values = {"t": text, "q": query, "lo": band << SEQ_BITS, "hi": (band + 1) << SEQ_BITS}
    with closing(conn.execute(_BAND[kind], values)) as rows:
        for entity, label, lowered, inexact in rows:
            if begun and lowered.startswith(begun):
                continue
            if len(named) >= limit and (inexact, label) != last:
                break
            out.append((entity, label))
            last = (inexact, label)
            if not entity.startswith(skip):
                named.add(entity)
    return out, True


_TERMS = {  # how many (trigram, row) pairs begin with a short query, counted up to :cap
    "lowered": "SELECT COUNT(*) FROM (SELECT 1 FROM label_terms WHERE term >= :t AND term < :next LIMIT :cap)",
    "spelling": "SELECT COUNT(*) FROM (SELECT 1 FROM spelling_terms WHERE term >= :t AND term < :next LIMIT :cap)",
}
# The labels of one length whose first two characters are from :low up to, not with, :high, in
# find's order up to those two characters (labels_rank), that begin with :t
_PREFIXED = ("SELECT entity, label, substr(label, 1, 2), substr(lowered, 1, length(:t)) = :t FROM labels "
             "WHERE length(label) = :length AND substr(label, 1, 2) >= :low AND substr(label, 1, 2) < :high "
             "ORDER BY substr(label, 1, 2)")
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
            cap = max(1, conn.execute(ROWS).fetchone()[0] // SCAN_SHARE)
            if conn.execute(_TERMS[column], {**values, "cap": cap}).fetchone()[0] < cap:
                way = "terms"
    with closing(conn.execute(_MATCHING[column, way], values)) as rows:
        if limit:
            return _best(rows, limit, skip)
        return [(entity, label) for entity, label, *_ in rows]


def _marked(conn: sqlite3.Connection, word: str) -> str:
    """A full-text query for the rows that may begin with ``word`` (two characters or more): the
    trigram of the mark and its first two characters, and of the word's other trigrams the one or
    two that fewest rows hold (``_GRAM_HITS``, counted up to ``SAMPLE``; of the first ``SAMPLES``):
    of two held by so many, the one whose ``SAMPLE``-th row comes later (in longer labels).
    FTS5 reads every row of each trigram it is asked for, so a common one (uan) would cost more
    than it spares; ``_STREAM``'s ``substr`` keeps the rows that begin with the word whichever are
    asked for."""
    grams = list(dict.fromkeys(word[i:i + 3] for i in range(len(word) - 2)))
    if len(grams) > 1:
        held = {}
        for gram in grams[:SAMPLES]:
            count, last = conn.execute(_GRAM_HITS, {"q": _trigrams(gram), "cap": SAMPLE}).fetchone()
            held[gram] = (count, -(last or 0))
        grams = sorted(held, key=held.get)
        grams = grams[:1] if held[grams[0]][0] < SAMPLE else grams[:2]
    return _trigrams(HEAD + word[:2]) + "".join(" AND " + _trigrams(gram) for gram in grams)


def _trigrams(text: str) -> str:
    """A full-text query for the rows holding every trigram of ``text`` (three characters or more)."""
    grams = dict.fromkeys(text[i:i + 3] for i in range(len(text) - 2))
    return " AND ".join('"' + gram.replace('"', '""') + '"' for gram in grams)


def labels_begin(conn: sqlite3.Connection, word: str, limit: int,
                  skip: tuple[str, ...]) -> tuple[list[tuple[str, str]], bool] | None:
    """``_prefixed``'s answer for a word of one or two characters (of more, it may read many labels
    that begin with its first two only) and whether it names ``limit`` entities (else it is every
    label that begins with ``word``), or None."""
    return _prefixed(conn, word, limit, skip)


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


def _prefixed(conn: sqlite3.Connection, text: str, limit: int,
              skip: tuple[str, ...]) -> tuple[list[tuple[str, str]], bool] | None:
    """``(entity, label)`` of the labels that begin with ``text`` (lower-cased), best first, until they
    name ``limit`` entities whose IRIs do not begin with one of ``skip``, and True; or all of them and
    False when they name fewer.

    A label that begins with the query ranks above every other hit, exact first (``explore._rank``),
    then shorter, then by text. ``labels_rank`` holds the labels in that order up to their first two
    characters: one search per length, from the query's, and per way of writing its first two
    characters in any case (``_heads``), reads the labels of that length that begin so, and the
    reading stops with the first two characters after the ``limit``-th entity (the labels that tie
    with it up to those are all read; find sorts them whole). None for a text ``_heads`` has no
    ways for.
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
                        return rows, True
                    if not begins:
                        continue
                    rows.append((entity, label))
                    last = head
                    if not entity.startswith(skip):
                        named.add(entity)
        if len(named) >= limit:
            return rows, True
    return rows, False


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


__all__ = ["CANDIDATES", "HEAD", "LONGEST", "ROWS", "SCAN_SHARE", "SEQ_BITS", "UNCASED", "best_first",
           "labels_begin", "matching", "row_id"]
