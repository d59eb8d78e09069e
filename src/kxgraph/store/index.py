"""The label index and kept statistics beside an embedded store, in one SQLite file (standard library).

``kxgraph-index.sqlite`` in the store directory (in memory for a memory store) holds

- every ``rdfs:label`` and ``kx:pinyin`` literal with its entity, graph and language, under two FTS5 trigram
  indexes without positions: of the lower-cased text, and of the pinyin spelling of Chinese labels
  (``store.pinyin``, a polyphonic first character spelt in each reading): ``kx find``. A query of
  three characters or more matches its trigrams, one of one or two characters the trigrams that
  begin with it; ``instr`` then keeps the rows that hold the query whole. The label rows are
  numbered by length (``labelsearch.row_id``), so the full-text tables give the shorter labels
  first, find's order up to the text, and find reads its hits best first, only until they are
  enough (``labelsearch.best_first``): first the labels the query begins with, which rank first
  (through the mark before each text in ``label_text``; of one character, through an index of the
  labels by length and first two characters, ``labels_rank``), then the others;
- the triples of each named graph and the typed entities of each graph, with the entities per
  class they add up to: ``kx stats``; the types of the default and ontology graphs apart
  (``other_types``); and the entities each graph marks ``kx:synthetic``, so that ``kx find`` reads
  its rows' type, labels and marker here too, without opening the store;
- the figures of ``kx report``'s indicator count queries, counted after each write by ``keeper``
  (``kxgraph.store.kept``);
- the identity keys (``kxgraph.namekeys``) of the labels and alternative labels of the entities an
  import has looked up (``name_keys``, ``name_keyed``), so that the next import looks up the held
  names its own names could match instead of reading every name of a class (``Index.named``,
  ``kxgraph.store.heldnames``, ``kxgraph.identity``). They are kept by the import that first needs
  them (``Index.keep_keys``), not by each write: a write forgets the keys of every entity named in
  a graph it touched, before or after, and the next import keys them again.

The store keeps it in step. A write marks the index dirty, changes the store, then refreshes the
graphs it wrote (all of them when it cannot tell which) and marks the index clean, in one SQLite
transaction; an N-Triples load begins that transaction early, writing a new graph's rows as its
file streams into the store (``Index.stage``), so a failed load rolls them back with the rest.
Readers use the index only when it is clean and of this schema: a missing, dirty or
older index means "ask the store" (SPARQL), never a wrong answer. A write that finds the index
dirty (a process died in the middle of one) or missing rebuilds it whole; ``kx reindex`` does so
on demand. Opening read-only never creates or writes the file.
"""

from __future__ import annotations

import re
import sqlite3
from contextlib import contextmanager
from itertools import repeat
from operator import itemgetter
from pathlib import Path
from typing import Any, Iterable, Iterator, NamedTuple

from kxgraph.store import kept
from kxgraph.store.pinyin import spell_labels
from kxgraph.store.labelsearch import LONGEST, ROWS, SEQ_BITS, best_first, matching, row_id
from kxgraph.vocab import GRAPH, KX, ONTOLOGY_GRAPH, PREFIXES, RDF, RDFS, SKOS

LABEL = RDFS + "label"
SYNTHETIC = KX + "synthetic"
ALT_LABEL = SKOS + "altLabel"

FILE = "kxgraph-index.sqlite"
SCHEMA = "8"   # bump when the tables or the pinyin spelling change: older indexes are then ignored
# 2: a label whose first character has several readings is spelt in each (surnames: 翟 zhai, di)
# 3: kept report figures (store/kept.py); a kxgraph from before them writes without forgetting them,
#    and marks the index "2" as it does, so a reader of this schema does not trust what it left
# 4: label and pinyin text in two FTS5 tables without positions, padded so 1- and 2-character
#    queries find their rows through the tables' vocabularies
# 5: identity keys of labels and alternative labels (name_keys)
# 6: each label's language (NULL for kx:pinyin), and the entities marked kx:synthetic: find's
#    summaries (type, zh and en label, marker) come from the index
# 7: labels by length and first two characters (labels_rank: find's best prefix hits without reading
#    every hit), and the types of the default and ontology graphs (other_types: find's summaries)
# 8: label rows numbered by length (labelsearch.row_id: full-text hits come shortest first, so find
#    reads only as many as its answer needs), the running number in meta ('seq'), and each lowered
#    text marked at its start in label_text (the labels a query begins, through their trigrams)
DEFAULT = ""   # the default graph's key
STAGING = GRAPH + "staging/"

_TABLES = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS labels (
  id INTEGER PRIMARY KEY, graph TEXT NOT NULL, entity TEXT NOT NULL, label TEXT NOT NULL,
  lowered TEXT NOT NULL, spelling TEXT, lang TEXT);
CREATE INDEX IF NOT EXISTS labels_graph ON labels(graph);
-- the indexes by entity hold the last 20 characters of its IRI, which tell nearly all apart, in
-- half the space of the whole IRI: a lookup reads the few rows they share and keeps the entity's
CREATE INDEX IF NOT EXISTS labels_entity ON labels(substr(entity, -20));
-- find's order (shorter, then by text) for the labels that begin with a query: Index.find
CREATE INDEX IF NOT EXISTS labels_rank ON labels(length(label), substr(label, 1, 2));
CREATE VIRTUAL TABLE IF NOT EXISTS label_text USING fts5(
  lowered, content='labels', content_rowid='id', tokenize='trigram', detail=none, columnsize=0);
CREATE VIRTUAL TABLE IF NOT EXISTS spelling_text USING fts5(
  spelling, content='labels', content_rowid='id', tokenize='trigram', detail=none, columnsize=0);
CREATE VIRTUAL TABLE IF NOT EXISTS label_terms USING fts5vocab(label_text, instance);
CREATE VIRTUAL TABLE IF NOT EXISTS spelling_terms USING fts5vocab(spelling_text, instance);
CREATE VIRTUAL TABLE IF NOT EXISTS label_grams USING fts5vocab(label_text, row);
CREATE VIRTUAL TABLE IF NOT EXISTS spelling_grams USING fts5vocab(spelling_text, row);
CREATE TABLE IF NOT EXISTS types (graph TEXT NOT NULL, entity TEXT NOT NULL, class TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS types_graph ON types(graph);
CREATE INDEX IF NOT EXISTS types_class ON types(class, entity);
CREATE INDEX IF NOT EXISTS types_entity ON types(substr(entity, -20));
-- the types of the default and ontology graphs, which kx stats does not count: find's summaries
CREATE TABLE IF NOT EXISTS other_types (graph TEXT NOT NULL, entity TEXT NOT NULL, class TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS other_types_entity ON other_types(substr(entity, -20));
CREATE INDEX IF NOT EXISTS other_types_graph ON other_types(graph);
CREATE TABLE IF NOT EXISTS marked (graph TEXT NOT NULL, entity TEXT NOT NULL, PRIMARY KEY (entity, graph))
  WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS graph_sizes (graph TEXT PRIMARY KEY, triples INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS class_counts (class TEXT PRIMARY KEY, entities INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS name_keys (entity TEXT NOT NULL, graph TEXT NOT NULL, key TEXT NOT NULL,
  kinds INTEGER NOT NULL, PRIMARY KEY (entity, graph, key)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS name_keys_key ON name_keys(key);
CREATE INDEX IF NOT EXISTS name_keys_graph ON name_keys(graph);
CREATE TABLE IF NOT EXISTS name_keyed (entity TEXT PRIMARY KEY) WITHOUT ROWID;
"""
# name_keyed: the entities whose names' keys are all in name_keys (each with every graph naming it).
# name_keys: the keys of the labels and alternative labels of ``entity`` in ``graph``, ``kinds`` saying
# which they are (bits): a name's key as a person's (PERSON: namekeys.key(name, True)), as an
# organisation's (ORGANISATION: key(name, False)), a person's key with one character blanked (NEAR:
# namekeys.blanked, for keys of 3 to NEAR_MAX characters: one_apart needs 3, and a longer name is
# compared with every held name). ``Index.named`` also finds the organisation keys that begin with a
# character (BLOCK: where ``why_alike`` compares).
PERSON, ORGANISATION, NEAR, BLOCK = 1, 2, 4, 8
NEAR_MAX = 6
# The tables of older schemas, dropped before a write rebuilds the index in this one.
_DROP_OLD = ("DROP TABLE IF EXISTS label_terms", "DROP TABLE IF EXISTS spelling_terms",
             "DROP TABLE IF EXISTS label_grams", "DROP TABLE IF EXISTS spelling_grams",
             "DROP TABLE IF EXISTS label_text", "DROP TABLE IF EXISTS spelling_text", "DROP TABLE IF EXISTS labels",
             "DROP TABLE IF EXISTS types", "DROP TABLE IF EXISTS other_types", "DROP TABLE IF EXISTS graph_sizes",
             "DROP TABLE IF EXISTS class_counts",
             "DROP TABLE IF EXISTS kept_figures", "DROP TABLE IF EXISTS kept_graphs", "DROP TABLE IF EXISTS marked",
             "DROP TABLE IF EXISTS name_keys", "DROP TABLE IF EXISTS name_keyed")


class Index:
    """The label index and kept counts of one store; ``usable`` says whether readers may trust it."""

    def __init__(self, path: Path | None, *, read_only: bool = False, unfinished: Any = None) -> None:
        self.file = None if path is None else Path(path) / FILE
        self.read_only = read_only
        self._unfinished = unfinished  # True while the store holds a write not yet finished or undone
        self._conn: sqlite3.Connection | None = None
        self._depth = 0
        self._pending: list[str] | None = []
        self._prior = "clean"
        self._pinyin: dict[str, str] = {}
        self.sizes: dict[str, int] = {}  # graph sizes a writer has just counted, so they are not counted twice
        self.scanned: set[str] = set()  # new graphs whose labels and types a load staged as it streamed
        self._staged: dict[str, _Staging] = {}  # graph -> the rows a load put in the tables as it streamed
        self._cleared = False  # the tables were emptied for this write's rebuild when it began staging
        self.apart: Any = None  # the child process staging this write's big files (kxgraph.store.stager.Stager)
        self.keeper: Any = None  # store -> kept figures, counted after each write (see kxgraph.store.kept)
        self._recount = True
        self.writes = 0  # writes begun by this object: kept figures counted across one are not stored
        if self.file is None:  # a memory store starts empty, and so does its index
            self._conn = _connect(":memory:")
            self._create()
            self._set("schema", SCHEMA)
            self._set("state", "clean")

    # -- reading ---------------------------------------------------------------------------

    def _reader(self) -> sqlite3.Connection | None:
        if self._conn is None and self.file is not None and self.file.exists():
            try:
                self._conn = _connect(f"{self.file.resolve().as_uri()}?mode=ro" if self.read_only else str(self.file),
                                      uri=self.read_only)
            except sqlite3.Error:
                return None
        return self._conn

    @contextmanager
    def _snapshot(self) -> Iterator[sqlite3.Connection | None]:
        """A read transaction on a clean index of this schema, or None (then ask the store)."""
        conn = self._reader()
        if conn is None or self._depth or (self.read_only and self._unfinished is not None and self._unfinished()):
            yield None  # a reader that finds an unfinished write (its journal) asks the store
            return
        try:
            conn.execute("BEGIN")
        except sqlite3.Error:
            yield None
            return
        try:
            try:
                meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
            except sqlite3.Error:
                meta = {}
            # (an error inside the block is the reader's to catch, not this generator's: it yields once)
            yield conn if meta.get("state") == "clean" and meta.get("schema") == SCHEMA else None
        finally:
            conn.execute("ROLLBACK")

    @property
    def writable(self) -> bool:
        """True inside a write (``writing``), when rows may be staged."""
        return not self.read_only and self._conn is not None and self._depth > 0

    @property
    def usable(self) -> bool:
        """True when the index is in step with the store."""
        with self._snapshot() as conn:
            return conn is not None

    def find(self, word: str, spelt: str, *, limit: int | None = None,
             skip: tuple[str, ...] = ()) -> tuple[list, list] | None:
        """Labels containing ``word``, and Chinese labels whose pinyin contains ``spelt``; or None.

        Both are lower-case; hits come as ``(entity term, label text)``, each kind best first as
        find ranks a query of the one word ``word`` (exact, then beginning so, then shorter, then
        by text) and at most ``labelsearch.CANDIDATES`` of them. With ``limit`` (a query of one
        word), each kind stops once its hits name ``limit`` entities whose IRIs do not begin with
        one of ``skip`` (with the hits that tie with the last): the best ``limit`` entities are
        among them. The hits are then read best first (``labelsearch.best_first``): the labels that
        begin with ``word`` alone when they name that many, else the shortest of the others.
        """
        try:
            with self._snapshot() as conn:
                if conn is None:
                    return None
                found = best_first(conn, word, spelt, limit, skip) if limit and spelt in ("", word) else None
                if found is not None:
                    labelled, spoken = found
                else:
                    labelled = matching(conn, "lowered", word, word, spelt, limit, skip)
                    spoken = matching(conn, "spelling", spelt, word, spelt, limit, skip) if spelt else []
        except sqlite3.Error:
            return None
        return ([(_term(e), label) for e, label in labelled], [(_term(e), label) for e, label in spoken])

    def facts(self, entities: Iterable[Any]) -> dict[Any, Facts] | None:
        """What ``kx find`` shows of each entity term (``Facts``), for those the index holds a type of; or None.

        An entity the index holds no type of (an untyped one) is not among them: the store is
        asked for it.
        """
        try:
            with self._snapshot() as conn:
                if conn is None:
                    return None
                out = {}
                for term in dict.fromkeys(entities):
                    entity = _key(term)
                    types = {kind for name in ("types", "others")
                             for who, kind in conn.execute(_FACTS[name], (entity,)) if who == entity}
                    if not types:
                        continue
                    labels = [(v, lang) for who, v, lang in conn.execute(_FACTS["labels"], (entity,)) if who == entity]
                    out[term] = Facts(types, {(v, lang) for v, lang in labels if _zh(lang)},
                                        {(v, lang) for v, lang in labels if _en(lang)},
                                        conn.execute(_FACTS["marked"], (entity,)).fetchone() is not None)
        except sqlite3.Error:
            return None
        return out

    def names(self, *, outside: str = "") -> tuple[dict[str | None, list[tuple[str, str]]], list[str]] | None:
        """Every kept name and mark, for a projection of the whole store: ``(entity, text)`` of each
        ``rdfs:label`` by its language (lower-cased, "" for none) and of each ``kx:pinyin`` (under
        None), as many rows as the store holds statements (one per graph), in the order kept (by
        length: labelsearch.row_id); and the entities marked ``kx:synthetic`` (true or 1) whose IRI does
        not begin with ``outside``, each once, in order. Or None (then ask the store)."""
        after = outside[:-1] + chr(ord(outside[-1]) + 1) if outside else ""
        try:
            with self._snapshot() as conn:
                if conn is None:
                    return None
                langs = [lang for (lang,) in conn.execute(_NAMES["languages"])]
                return ({lang: conn.execute(_NAMES["labels"], (lang,)).fetchall() for lang in langs},
                        [entity for (entity,) in conn.execute(_NAMES["marked"], (outside, after))])
        except sqlite3.Error:
            return None

    def counts(self) -> tuple[list[tuple[str, int]], list[tuple[str, int]]] | None:
        """Kept ``(graph, triples)`` per named graph and ``(class IRI, entities)`` per class, or None."""
        try:
            with self._snapshot() as conn:
                if conn is None:
                    return None
                graphs = conn.execute("SELECT graph, triples FROM graph_sizes ORDER BY graph").fetchall()
                classes = conn.execute(
                    "SELECT class, entities FROM class_counts ORDER BY entities DESC, class").fetchall()
        except sqlite3.Error:
            return None
        return graphs, classes

    def named(self, kind: str, keys: Iterable[str], classes: Iterable[str],
              exclude: Iterable[str]) -> list[tuple[str, str]] | None:
        """``(entity, key)`` of the labels and alternative labels whose ``kind`` of key (``PERSON``,
        ``ORGANISATION``, ``NEAR``) is one of ``keys`` (for ``BLOCK``: organisation keys beginning
        with one of the characters ``keys``), of entities typed with one of ``classes`` in a named
        data graph outside ``exclude``; or None (then ask the store). IRIs only, each pair once."""
        keys, limits = list(dict.fromkeys(keys)), (_json(classes), _json(exclude))
        try:
            with self._snapshot() as conn:
                if conn is None:
                    return None
                if kind != BLOCK:
                    return conn.execute(_NAMED[False], (_json(keys), kind, *limits)).fetchall()
                return [row for first in keys for row in conn.execute(
                    _NAMED[True], (first, _after(first), ORGANISATION, *limits))]
        except sqlite3.Error:
            return None

    def unkeyed(self, classes: Iterable[str], exclude: Iterable[str]) -> list[str] | None:
        """IRIs typed with one of ``classes`` in a named data graph outside ``exclude`` whose keys are
        not kept (``keep_keys``), or None."""
        return self._entities(_UNKEYED, (_json(classes), _json(exclude)))

    def keep_keys(self, entities: Iterable[str], rows: Iterable[tuple[str, str, str, int]]) -> bool:
        """Keep the keys ``(entity, graph, key, kinds)`` of every name of ``entities``, read from the
        store as it is now; False (nothing kept) when this index cannot be written now: opened
        read-only, inside a write, or not clean (then the keys would not be in step)."""
        if self.read_only or self._depth or self._conn is None:
            return False
        conn = self._conn
        try:
            with conn:
                meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
                if meta.get("state") != "clean" or meta.get("schema") != SCHEMA:
                    return False
                conn.executemany("INSERT OR REPLACE INTO name_keys VALUES (?, ?, ?, ?)", rows)
                conn.executemany("INSERT OR IGNORE INTO name_keyed VALUES (?)", ((e,) for e in entities))
        except sqlite3.Error:
            return False
        return True

    def typed(self, classes: Iterable[str], exclude: Iterable[str], *, limit: int, offset: int = 0) -> list[str] | None:
        """Up to ``limit`` IRIs typed with one of ``classes`` in a named data graph outside ``exclude``
        (from ``offset``, in IRI order), or None."""
        return self._entities(_TYPED, (_json(classes), _json(exclude), limit, offset))

    def _entities(self, statement: str, values: tuple) -> list[str] | None:
        try:
            with self._snapshot() as conn:
                if conn is None:
                    return None
                return [entity for (entity,) in conn.execute(statement, values)]
        except sqlite3.Error:
            return None

    def kept_figures(self) -> dict[str, tuple[str, str, int]] | None:
        """Kept ``query name -> (digest, value, entities)`` (see ``kxgraph.store.kept``), or None."""
        with self._snapshot() as conn:
            if conn is None:
                return None
            try:  # an index from before kept figures has no table for them until its next write
                return kept.read(conn)
            except sqlite3.Error:
                return None

    # -- writing ---------------------------------------------------------------------------

    @contextmanager
    def writing(self, store: Any, graphs: Iterable[str] | None = ()) -> Iterator[list[str] | None]:
        """Keep the index in step with a write to ``store`` that touches ``graphs`` (None: unknown).

        Yields the list of touched graphs, for a writer that learns them as it goes. Writes nest:
        the outermost one refreshes the index.
        """
        if self.read_only:
            yield None
            return
        outer = self._depth == 0
        if outer:
            self._pending = []
            self._begin()
        self._add(graphs)
        self._depth += 1
        try:
            yield self._pending
        except BaseException:
            self._depth -= 1
            if outer:
                self.sizes.clear()
                committed = self._settle_apart(commit=False)
                if self._conn is not None:
                    self._conn.rollback()  # rows a load staged as it streamed go with the store's write
                self._unstage()
                # the store undid the write, so the index is as it was; unless a child process may
                # have committed rows of the write (it failed after the store's commit): then dirty
                self._set("state", "dirty" if committed else self._prior)
            raise
        self._depth -= 1
        if outer:
            self.refresh(store, self._pending if self._prior == "clean" else None)
            if self._recount:
                self._keep(store)

    def _add(self, graphs: Iterable[str] | None) -> None:
        if graphs is None or self._pending is None:
            self._pending = None
        else:
            self._pending.extend(graphs)

    def _begin(self) -> None:
        if self._conn is None:
            self._conn = _connect(str(self.file))
        self._conn.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        state = dict(self._conn.execute("SELECT key, value FROM meta").fetchall())
        if state.get("schema") not in (None, SCHEMA):  # an older index: its tables go, the rebuild makes them anew
            for statement in _DROP_OLD:
                self._conn.execute(statement)
        self._create()
        fresh = state.get("schema") == SCHEMA and state.get("state") == "clean"
        self._prior = "clean" if fresh else "missing"
        self._cleared = False
        self.writes += 1
        self._set("state", "dirty")

    def rebuild(self, store: Any) -> None:
        """Index the whole store again (``kx reindex``)."""
        with self.writing(store, None):
            pass

    def refresh(self, store: Any, graphs: list[str] | None) -> None:
        """Re-read ``graphs`` (every graph when None) from the store and mark the index clean."""
        import pyoxigraph as ox

        raw = store.raw
        conn = self._conn
        touched = None if graphs is None else [g for g in dict.fromkeys(graphs) if not g.startswith(STAGING)]
        self._settle_apart(commit=True)  # the child's rows are in the file before this transaction reads them
        with conn:
            for staging in self._staged.values():
                staging.done()  # every staged row is in the full-text tables: forgetting one removes it whole
            if graphs is None:
                if not self._cleared:  # (else emptied when the load began staging: the staged rows stay)
                    for statement in _CLEAR:
                        conn.execute(statement)
                    self.scanned.clear()
                graphs = [g.value for g in raw.named_graphs()] + [DEFAULT]
            for graph in dict.fromkeys(g for g in graphs if not g.startswith(STAGING)):
                _unkey(conn, None, None, graph)  # the entities named there before the write
                if graph not in self.scanned:  # a new graph's rows are the ones its load staged
                    self._forget(conn, graph)
                node = ox.DefaultGraph() if graph == DEFAULT else ox.NamedNode(graph)
                if graph != DEFAULT and not raw.contains_named_graph(node):
                    continue
                self._index_graph(conn, raw, node, graph)
                _other_types(conn, raw, node, graph)
                _unkey(conn, raw, node, graph)
                if graph != DEFAULT:
                    size = self.sizes.pop(graph, None)
                    conn.execute("INSERT INTO graph_sizes VALUES (?, ?)",
                                 (graph, store.graph_size(graph) if size is None else size))
            conn.execute("DELETE FROM class_counts")
            conn.execute("INSERT INTO class_counts SELECT class, COUNT(DISTINCT entity) FROM types GROUP BY class")
            # the figures counted before the write are gone, unless it touched nothing they count
            self._recount = kept.settle(conn, raw, touched, self._terms()) or not kept.held(conn)
            conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?), ('state', 'clean')", (SCHEMA,))
        self._prior = "clean"
        self.sizes.clear()
        self._unstage()

    def _terms(self) -> kept.Terms | None:
        terms = getattr(self.keeper, "terms", None)
        try:
            return None if terms is None else terms()
        except Exception:  # noqa: BLE001 - without them every write counts the figures again
            return None

    def _keep(self, store: Any) -> None:
        """Count and keep the figures ``keeper`` gives for the store as this write left it."""
        if self.keeper is None or self._conn is None:
            return
        began = self.writes
        try:
            figures = self.keeper(store)
        except Exception:  # noqa: BLE001 - the write is done; without kept figures readers count
            return
        if self.writes == began and self._depth == 0:  # no other write began meanwhile (kx serve's threads)
            kept.keep(self._conn, figures)

    def _forget(self, conn: sqlite3.Connection, graph: str) -> None:
        for statement in _FORGET:
            conn.execute(statement, (graph,))

    # -- rows staged while a load streams (kxgraph.store.ntscan) ------------------------------

    def stage(self, graph: str) -> "_Staging":
        """A sink for the labels, types and marks of the new graph ``graph`` as a load reads them.

        They go straight into the index's tables, in the write's SQLite transaction (while the
        store's bulk loader works beside), and are kept when the load commits and the store holds
        as many of them as were staged (``_take_staged``); a failed load rolls them back with the
        transaction. A write that rebuilds the index whole empties its tables first, here.
        """
        conn = self._conn
        if self.clearing():
            for statement in _CLEAR:
                conn.execute(statement)
        staging = _Staging(conn, graph, self._pinyin)
        self._staged[graph] = staging
        return staging

    def clearing(self) -> bool:
        """Whether the write's first staging must empty the tables first (a write that rebuilds the
        index whole); from now on they count as emptied."""
        if self._cleared or (self._prior == "clean" and self._pending is not None):
            return False
        self._cleared = True
        return True

    @property
    def free(self) -> bool:
        """True inside a write whose rows nothing has begun to write here yet: another process may
        take the index's file for this write's staging (``kxgraph.store.stager``)."""
        return self.writable and self.file is not None and not self._conn.in_transaction and not self._staged

    def staged_apart(self, graph: str, report: Any) -> None:
        """The rows of the new graph ``graph`` are staged by this write's child process (``apart``),
        as many as ``report`` says (``kxgraph.store.stager.Report``); kept if it commits them."""
        self._staged[graph] = report

    def _settle_apart(self, *, commit: bool) -> bool:
        """Have the child process commit (or drop) what it staged; True when its rows may be in the
        file. The graphs whose rows it staged and failed to commit are read back from the store, as
        for a file it could not read."""
        apart, self.apart = self.apart, None
        if apart is None:
            return False
        if commit and apart.commit():
            return True
        apart.abort()
        for graph in apart.graphs:
            self._staged.pop(graph, None)
            self.scanned.discard(graph)
        if apart.cleared:
            self._cleared = False
        return apart.asked

    def _unstage(self) -> None:
        self.scanned.clear()
        self._staged.clear()

    def _take_staged(self, raw: Any, node: Any, graph: str) -> bool:
        """Whether the rows a load staged for ``graph`` are the graph's.

        The file may say a triple twice (the store keeps it once). When the store holds as many
        triples in the graph as the file had lines of triples, it said none twice; else the staged
        rows must be as many as the store's label, pinyin and type triples of the graph.
        """
        import pyoxigraph as ox

        staging = self._staged.pop(graph, None)
        if staging is None:
            return False
        if staging.lines is not None and staging.lines == self.sizes.get(graph):
            return True
        held = {row[1].value: int(row[2].value)
                for row in raw.query(_STAGED_COUNTS, substitutions={ox.Variable("g"): node})}
        return (staging.labelled == held.get(LABEL, 0) + held.get(KX + "pinyin", 0)
                and staging.typed == held.get(RDF + "type", 0) and staging.marked == held.get(SYNTHETIC, 0))

    def _index_graph(self, conn: sqlite3.Connection, raw: Any, node: Any, graph: str) -> None:
        import pyoxigraph as ox

        if graph in self.scanned:  # read from the file as it was loaded: no lookup per entity in the store
            self.scanned.discard(graph)
            if self._take_staged(raw, node, graph):
                return
            self._forget(conn, graph)
        seq = conn.execute(ROWS).fetchone()[0]
        rows = []
        for predicate in (LABEL, KX + "pinyin"):
            for quad in raw.quads_for_pattern(None, ox.NamedNode(predicate), None, node):
                if isinstance(quad.object, ox.Literal):
                    lang = (quad.object.language or "").lower() if predicate == LABEL else None
                    rows.append((_key(quad.subject), quad.object.value, lang))
        rows.sort(key=_first)  # in entity order, so that the indexes by entity grow at their end
        spellings = self.spell([label for _, label, lang in rows if lang is not None and _zh(lang)])
        conn.executemany(
            "INSERT INTO labels(id, graph, entity, label, lowered, spelling, lang) VALUES (?, ?, ?, ?, ?, ?, ?)",
            ((row_id(label, seq + i), graph, entity, label, label.lower(),
              next(spellings) if lang is not None and _zh(lang) else None, lang)
             for i, (entity, label, lang) in enumerate(rows)))
        conn.execute(_SEQ, (seq + len(rows),))
        _index_text(conn, graph)
        _mark(conn, raw, node, graph)
        if graph in (DEFAULT, ONTOLOGY_GRAPH):  # kx stats counts entities of the named data graphs
            return
        conn.executemany("INSERT INTO types VALUES (?, ?, ?)",
                         sorted(((graph, _key(q.subject), q.object.value)
                                 for q in raw.quads_for_pattern(None, ox.NamedNode(RDF + "type"), None, node)
                                 if isinstance(q.object, ox.NamedNode)), key=_second))

    def spell(self, labels: list[str]) -> Iterator[str]:
        """The pinyin spellings of Chinese labels, as ``kx find`` matches them (see ``spell_labels``)."""
        return iter(spell_labels(labels, self._pinyin))

    def _create(self) -> None:
        self._conn.executescript(_TABLES)
        kept.create(self._conn)

    def _set(self, key: str, value: str) -> None:
        with self._conn:
            self._conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


class _Staging:
    """Rows of one new graph into the index's tables as a load streams (see ``Index.stage``): each
    label lower-cased and, when Chinese, spelt in pinyin; counted, for ``Index._take_staged``."""

    def __init__(self, conn: sqlite3.Connection, graph: str, pinyin: dict[str, str]) -> None:
        self.conn, self.graph, self._pinyin = conn, graph, pinyin
        self.typed_here = graph not in (DEFAULT, ONTOLOGY_GRAPH)  # kx stats counts the named data graphs'
        self.start = conn.execute(ROWS).fetchone()[0]  # the label rows of this graph: numbered start to end - 1
        self.end = self.indexed = self.start  # and the rows from indexed on are not in the full-text tables yet
        self._lengths: set[int] = set()  # (of these lengths)
        self.labelled = self.typed = self.marked = 0
        self.lines: int | None = None  # lines of triples in the file, when the scan could count them
        self._done = False
        # Into empty tables (a new index, or one a rebuild emptied), rows go faster without the
        # tables' indexes, made again, sorted, once the file is read: dropped in this write's
        # transaction, so a failed load brings them back with everything else.
        self._indexes: list[str] = []
        if conn.execute(_ANY_ROW).fetchone() is None:
            if not conn.in_transaction:
                conn.execute("BEGIN")
            self._indexes = [sql for (sql,) in conn.execute(_TABLE_INDEXES)]
            for (statement,) in conn.execute(_DROP_TABLE_INDEXES).fetchall():
                conn.execute(statement)

    def labels(self, rows: list[tuple[str, str, str, str]]) -> None:
        chinese = [predicate == LABEL and _zh(lang) for _, predicate, _, lang in rows]
        spellings = iter(spell_labels([row[2] for row, zh in zip(rows, chinese) if zh], self._pinyin))
        graph, first = self.graph, self.end
        lengths = [min(len(row[2]), LONGEST) for row in rows]  # (row_id, written out: a load's many rows)
        self._lengths.update(lengths)
        self.conn.executemany("INSERT INTO labels(id, graph, entity, label, lowered, spelling, lang) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?)",
                              [(length << SEQ_BITS | first + i, graph, entity, label, label.lower(),
                                next(spellings) if zh else None, lang if predicate == LABEL else None)
                               for i, ((entity, predicate, label, lang), zh, length)
                               in enumerate(zip(rows, chinese, lengths))])
        self.end += len(rows)
        self.labelled += len(rows)
        if self.end - self.indexed >= TEXT_CHUNK:
            self._to_text()

    def types(self, rows: list[tuple[str, str]]) -> None:
        if self.typed_here:
            self.conn.executemany("INSERT INTO types VALUES (?, ?, ?)",
                                  [(self.graph, entity, kind) for entity, kind in rows])
        self.typed += len(rows)

    def marks(self, entities: list[str]) -> None:
        self.conn.executemany("INSERT OR IGNORE INTO marked VALUES (?, ?)", zip(repeat(self.graph), entities))
        self.marked += len(entities)

    def done(self, lines: int | None = None) -> None:
        """The file is read (``lines`` of triples in it, None when not counted): its labels go into
        the full-text tables (on the scan's thread, while the bulk loader finishes)."""
        if lines is not None:
            self.lines = lines
        if not self._done:
            self._done = True
            for sql in self._indexes:
                self.conn.execute(sql)
            self._to_text()
            for statement in _HASHSIZE:  # the default again: the setting is not kept
                self.conn.execute(statement, (1 << 20,))

    def _to_text(self) -> None:
        """Put the rows staged since the last time into the full-text tables, TEXT_CHUNK rows at a
        time (each statement writes its terms out: one per batch of the scan made many small segments)."""
        if self.indexed == self.start:
            for statement in _HASHSIZE:  # terms wait in memory up to HASHSIZE bytes, not 1 MB: fewer merges
                self.conn.execute(statement, (HASHSIZE,))
        if self._lengths:
            lengths = _json(sorted(self._lengths))
            for statement in _INDEX_RANGE:
                self.conn.execute(statement, (lengths, self.indexed, self.end))
        self.conn.execute(_SEQ, (self.end,))
        self._lengths.clear()
        self.indexed = self.end


_first, _second = itemgetter(0), itemgetter(1)


def _unkey(conn: sqlite3.Connection, raw: Any, node: Any, graph: str) -> None:
    """Forget the kept keys of the entities named in ``graph``: with ``raw``, as the store holds it
    now (its labels, indexed just before, and alternative labels); without, as the keys say."""
    if conn.execute("SELECT 1 FROM name_keyed LIMIT 1").fetchone() is None:
        return  # nothing kept (a new store, a load before any import): nothing to forget
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS unkeyed (entity TEXT PRIMARY KEY) WITHOUT ROWID")
    conn.execute("DELETE FROM temp.unkeyed")
    if raw is None:
        conn.execute("INSERT OR IGNORE INTO temp.unkeyed SELECT entity FROM name_keys WHERE graph = ?", (graph,))
    else:
        import pyoxigraph as ox

        conn.execute("INSERT OR IGNORE INTO temp.unkeyed SELECT entity FROM labels WHERE graph = ?", (graph,))
        conn.executemany("INSERT OR IGNORE INTO temp.unkeyed VALUES (?)",
                         ((q.subject.value,) for q in raw.quads_for_pattern(None, ox.NamedNode(ALT_LABEL), None, node)
                          if isinstance(q.subject, ox.NamedNode)))
    conn.execute("DELETE FROM name_keyed WHERE entity IN (SELECT entity FROM temp.unkeyed)")
    conn.execute("DELETE FROM name_keys WHERE entity IN (SELECT entity FROM temp.unkeyed)")


def _zh(lang: str) -> bool:
    return lang == "zh" or lang.startswith("zh-")


def _en(lang: str) -> bool:
    return lang == "en" or lang.startswith("en-")


class Facts(NamedTuple):
    """What ``kx find`` shows of an entity: its classes, its zh and en labels as (text, language),
    and whether it is marked ``kx:synthetic`` (true or 1)."""

    types: set[str]
    zh: set[tuple[str, str]]
    en: set[tuple[str, str]]
    synthetic: bool


def _mark(conn: sqlite3.Connection, raw: Any, node: Any, graph: str) -> None:
    """Keep the entities ``graph`` marks ``kx:synthetic`` (true or 1)."""
    import pyoxigraph as ox

    conn.executemany("INSERT OR IGNORE INTO marked VALUES (?, ?)",
                     sorted((graph, _key(q.subject)) for q in raw.quads_for_pattern(None, ox.NamedNode(SYNTHETIC), None, node)
                            if isinstance(q.object, ox.Literal) and q.object.value in ("true", "1")))


def _index_text(conn: sqlite3.Connection, graph: str) -> None:
    """Put the label rows of ``graph``, just written, into the full-text tables (rows are never updated in place)."""
    for statement in _INDEX_TEXT:
        conn.execute(statement, (graph,))


_TARGET = re.compile(
    r"\b(?:GRAPH|INTO|WITH|USING|TO|ADD|MOVE|COPY|CLEAR|DROP|CREATE)\s+(?:SILENT\s+)?(?:GRAPH\s+)?"
    r"(<[^<>\s]*>|[?$]\w+|[A-Za-z][\w.-]*:[^\s{}();,]*|:[^\s{}();,]*|ALL\b|NAMED\b|DEFAULT\b)", re.IGNORECASE)
_PREFIX = re.compile(r"\bPREFIX\s+([\w.-]*):\s*<([^<>\s]*)>", re.IGNORECASE)


def written_graphs(update: str) -> list[str] | None:
    """The graphs a SPARQL update may write, by the IRIs it names; None when it cannot tell.

    Every graph named after GRAPH, INTO, WITH, USING, TO, ADD, MOVE, COPY, CLEAR, DROP or CREATE
    counts (naming a graph it only reads costs a needless refresh, nothing worse), and so does the
    default graph; a graph variable, ALL or NAMED means any graph.

    >>> written_graphs("DROP SILENT GRAPH <http://a/g>")
    ['http://a/g', '']
    >>> written_graphs("DELETE WHERE { GRAPH ?g { ?s ?p ?o } }") is None
    True
    """
    prefixes = dict(PREFIXES)
    prefixes.update({m.group(1): m.group(2) for m in _PREFIX.finditer(update)})
    graphs = []
    for match in _TARGET.finditer(update):
        token = match.group(1)
        if token.startswith("<"):
            graphs.append(token[1:-1])
        elif token.upper() == "DEFAULT":
            continue
        elif token[0] in "?$" or token.upper() in ("ALL", "NAMED"):
            return None
        else:
            prefix, _, local = token.partition(":")
            if prefix not in prefixes:
                return None
            graphs.append(prefixes[prefix] + local)
    return graphs + [DEFAULT]


# The SQL of the index, each statement written out whole (nothing is pasted into SQL text). The
# full-text tables index each text with two unit separators after it, so that every character of
# a label begins one of its trigrams: a 1- or 2-character query finds its rows as the trigrams
# that begin with it, in the tables' vocabularies (label_terms, spelling_terms). label_text's texts
# also begin with a record separator (labelsearch.HEAD): the rows a query begins hold its trigrams
# and those of the separator before it.
_CLEAR = ("INSERT INTO label_text(label_text) VALUES ('delete-all')",
          "INSERT INTO spelling_text(spelling_text) VALUES ('delete-all')",
          "DELETE FROM labels", "DELETE FROM types", "DELETE FROM other_types", "DELETE FROM graph_sizes",
          "DELETE FROM class_counts",
          "DELETE FROM marked", "DELETE FROM name_keys", "DELETE FROM name_keyed")
_FORGET = ("INSERT INTO label_text(label_text, rowid, lowered) "
           "SELECT 'delete', id, char(30) || lowered || char(31, 31) FROM labels WHERE graph = ?",
           "INSERT INTO spelling_text(spelling_text, rowid, spelling) "
           "SELECT 'delete', id, spelling || char(31, 31) FROM labels WHERE graph = ? AND spelling IS NOT NULL",
           "DELETE FROM labels WHERE graph = ?", "DELETE FROM types WHERE graph = ?",
           "DELETE FROM other_types WHERE graph = ?",
           "DELETE FROM graph_sizes WHERE graph = ?", "DELETE FROM marked WHERE graph = ?")
_INDEX_TEXT = ("INSERT INTO label_text(rowid, lowered) SELECT id, char(30) || lowered || char(31, 31) FROM labels "
               "WHERE graph = ? ORDER BY id",
               "INSERT INTO spelling_text(rowid, spelling) SELECT id, spelling || char(31, 31) FROM labels "
               "WHERE graph = ? AND spelling IS NOT NULL ORDER BY id")  # one graph's rows, in rowid order
HASHSIZE = 64 << 20
TEXT_CHUNK = 1 << 16  # label rows put in the full-text tables at a time as a load streams
_HASHSIZE = ("INSERT INTO label_text(label_text, rank) VALUES ('hashsize', ?)",
             "INSERT INTO spelling_text(spelling_text, rank) VALUES ('hashsize', ?)")
_ANY_ROW = "SELECT 1 FROM labels UNION ALL SELECT 1 FROM types LIMIT 1"
_TABLE_INDEXES = ("SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('labels', 'types') "
                  "AND sql IS NOT NULL")
_DROP_TABLE_INDEXES = ("SELECT 'DROP INDEX \"' || replace(name, '\"', '\"\"') || '\"' FROM sqlite_master "
                       "WHERE type = 'index' AND tbl_name IN ('labels', 'types') AND sql IS NOT NULL")
# The label rows a load staged numbered from ?2 up to, not with, ?3 (labelsearch.row_id), of the
# lengths in the JSON array ?1, in rowid order (a row out of order makes FTS5 write its terms out)
# (40 is labelsearch.SEQ_BITS)
_INDEX_RANGE = ("INSERT INTO label_text(rowid, lowered) SELECT l.id, char(30) || l.lowered || char(31, 31) "
                "FROM json_each(?1) AS j CROSS JOIN labels l "
                "WHERE l.id >= (j.value << 40) + ?2 AND l.id < (j.value << 40) + ?3 ORDER BY l.id",
                "INSERT INTO spelling_text(rowid, spelling) SELECT l.id, l.spelling || char(31, 31) "
                "FROM json_each(?1) AS j CROSS JOIN labels l "
                "WHERE l.id >= (j.value << 40) + ?2 AND l.id < (j.value << 40) + ?3 AND l.spelling IS NOT NULL "
                "ORDER BY l.id")
_SEQ = "INSERT OR REPLACE INTO meta VALUES ('seq', ?)"  # the number the next label row gets
_STAGED_COUNTS = ("SELECT ?g ?p (COUNT(*) AS ?n) { VALUES ?p { <http://www.w3.org/2000/01/rdf-schema#label> "
                  "<https://w3id.org/kxgraph/ns#pinyin> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
                  "<https://w3id.org/kxgraph/ns#synthetic> } "
                  "GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ?p")
_FACTS = {  # find's rows: an entity's classes, labels with their language, and its kx:synthetic mark
    # (by the tail alone: with "AND entity = ?" SQLite leaves the index on the tail unused)
    "types": "SELECT entity, class FROM types WHERE substr(entity, -20) = substr(?, -20)",
    "others": "SELECT entity, class FROM other_types WHERE substr(entity, -20) = substr(?, -20)",
    "labels": "SELECT entity, label, lang FROM labels WHERE substr(entity, -20) = substr(?, -20) AND lang IS NOT NULL",
    "marked": "SELECT 1 FROM marked WHERE entity = ? LIMIT 1",
}
_NAMES = {  # a whole projection's names and marks (Index.names), in the order kept (no sort)
    "languages": "SELECT DISTINCT lang FROM labels",
    "labels": "SELECT entity, label FROM labels WHERE lang IS ? ORDER BY id",
    "marked": "SELECT DISTINCT entity FROM marked WHERE entity < ?1 OR entity >= ?2 ORDER BY entity",
}
# Lists of values are bound as one JSON array each (json_each), never written into the text.
# (entity, key) of the names with the keys asked, of entities of the classes, outside the graphs: from the
# few keys to their entities (CROSS JOIN keeps that order; from the classes' entities it took 50 ms a key)
_NAMED = {
    False: "SELECT DISTINCT n.entity, n.key FROM name_keys n CROSS JOIN types t ON t.entity = n.entity "
           "WHERE n.key IN (SELECT value FROM json_each(?)) AND n.kinds & ? "
           "AND t.class IN (SELECT value FROM json_each(?)) AND t.graph NOT IN (SELECT value FROM json_each(?))",
    True: "SELECT DISTINCT n.entity, n.key FROM name_keys n CROSS JOIN types t ON t.entity = n.entity "  # a range of keys
          "WHERE n.key >= ? AND n.key < ? AND n.kinds & ? "
          "AND t.class IN (SELECT value FROM json_each(?)) AND t.graph NOT IN (SELECT value FROM json_each(?))",
}
_UNKEYED = ("SELECT DISTINCT t.entity FROM types t WHERE t.class IN (SELECT value FROM json_each(?)) "
            "AND t.graph NOT IN (SELECT value FROM json_each(?)) AND t.entity NOT LIKE '\\_:%' ESCAPE '\\' "
            "AND NOT EXISTS (SELECT 1 FROM name_keyed k WHERE k.entity = t.entity)")
_TYPED = ("SELECT DISTINCT entity FROM types WHERE class IN (SELECT value FROM json_each(?)) "
          "AND graph NOT IN (SELECT value FROM json_each(?)) AND entity NOT LIKE '\\_:%' ESCAPE '\\' "
          "ORDER BY entity LIMIT ? OFFSET ?")


def _other_types(conn: sqlite3.Connection, raw: Any, node: Any, graph: str) -> None:
    """Keep the types the default and ontology graphs give (``types`` keeps the named data graphs')."""
    import pyoxigraph as ox

    if graph in (DEFAULT, ONTOLOGY_GRAPH):
        conn.executemany("INSERT INTO other_types VALUES (?, ?, ?)",
                         sorted((graph, _key(q.subject), q.object.value)
                                for q in raw.quads_for_pattern(None, ox.NamedNode(RDF + "type"), None, node)
                                if isinstance(q.object, ox.NamedNode)))


def _after(first: str) -> str:
    """The least text after every text that begins with the character ``first``."""
    return chr(ord(first) + 1) if ord(first) < 0x10FFFF else first + "\U0010ffff"


def _json(values: Iterable[str]) -> str:
    import json  # only imports use it: find starts without it

    return json.dumps(list(dict.fromkeys(values)), ensure_ascii=False)


def _connect(target: str, *, uri: bool = False) -> sqlite3.Connection:
    # A read-only reader manages its own transaction; a writer lets ``with conn:`` commit.
    return sqlite3.connect(target, uri=uri, timeout=5.0, isolation_level=None if uri else "",
                           check_same_thread=False)


def _key(term: Any) -> str:
    return f"_:{term.value}" if type(term).__name__ == "BlankNode" else term.value


def _term(key: str) -> Any:
    import pyoxigraph as ox

    return ox.BlankNode(key[2:]) if key.startswith("_:") else ox.NamedNode(key)


__all__ = ["Index", "FILE", "spell_labels", "written_graphs", "PERSON", "ORGANISATION", "BLOCK", "NEAR", "NEAR_MAX"]
