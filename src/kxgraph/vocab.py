"""Namespaces and well-known IRIs of kxgraph, as plain strings (cheap to import).

Every module uses these instead of writing IRIs out; ``docs/iris.md`` documents them.
"""

import re

KX = "https://w3id.org/kxgraph/ns#"            # the ontology
ID = "https://w3id.org/kxgraph/id/"            # real entities (the Taiyuan report, the gazetteer)
SYN = "https://w3id.org/kxgraph/synthetic/"    # generated sample network, never real
GRAPH = "https://w3id.org/kxgraph/graph/"      # names of named graphs
INDICATOR = "https://w3id.org/kxgraph/indicator/"  # indicators of reported figures
SOURCE = "https://w3id.org/kxgraph/source/"    # the records of sources (kx sources): kxsrc:<name>

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SH = "http://www.w3.org/ns/shacl#"
ORG = "http://www.w3.org/ns/org#"
FOAF = "http://xmlns.com/foaf/0.1/"
SCHEMA = "http://schema.org/"
PROV = "http://www.w3.org/ns/prov#"
QB = "http://purl.org/linked-data/cube#"
SDMX_DIM = "http://purl.org/linked-data/sdmx/2009/dimension#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
BIBO = "http://purl.org/ontology/bibo/"
ROV = "http://www.w3.org/ns/regorg#"
TIME = "http://www.w3.org/2006/time#"

# One prefix per kind of real entity, so that every printed CURIE is valid SPARQL (a CURIE's
# local part may not hold "/"): kxorg:taiyuan-cast is kxid:org/taiyuan-cast, the same IRI.
KINDS = ("org", "person", "place", "programme", "event", "plan", "publication", "honour", "need", "scheme",
         "membership", "period", "dataset", "figure", "source")

PREFIXES: dict[str, str] = {
    "kx": KX, "kxid": ID, **{f"kx{kind}": f"{ID}{kind}/" for kind in KINDS},
    "syn": SYN, "kxg": GRAPH, "kxi": INDICATOR, "kxsrc": SOURCE,
    "rdf": RDF, "rdfs": RDFS, "owl": OWL, "xsd": XSD, "sh": SH,
    "org": ORG, "foaf": FOAF, "schema": SCHEMA, "prov": PROV, "qb": QB,
    "sdmx-dimension": SDMX_DIM, "skos": SKOS, "dcterms": DCTERMS, "bibo": BIBO, "rov": ROV,
    "time": TIME,
}

# A generated network's resources (SYN + "seed-0-scale-1/academician-1") print with a prefix
# made from their graph's segment: syn-seed-0-scale-1:academician-1.
SYN_PREFIX = "syn-"

# Named graphs of the shipped sources.
TAIYUAN_GRAPH = GRAPH + "taiyuan-report"
GAZETTEER_GRAPH = GRAPH + "gazetteer"
ONTOLOGY_GRAPH = GRAPH + "ontology"

# Real entities other sources link to (defined in data/taiyuan and data/places).
TAIYUAN_REPORT = ID + "source/taiyuan-cast-8th-congress-report"
TAIYUAN_CAST = ID + "org/taiyuan-cast"
TAIYUAN_CITY = ID + "place/140100"

SHANXI_CAST = ID + "org/shanxi-cast"
CAST = ID + "org/cast"
SYNTHETIC_GRAPH = GRAPH + "synthetic"  # generated graphs are SYNTHETIC_GRAPH + "/seed-N-scale-K"

# Marker carried by every synthetic resource.
SYNTHETIC = KX + "synthetic"


def sparql_prefixes(names: list[str] | None = None) -> str:
    """Return ``PREFIX`` lines for the given prefix names (all when None)."""
    chosen = PREFIXES if names is None else {n: namespace(n) for n in names}
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in chosen.items())


_SYN_SEGMENT = re.compile(r"[A-Za-z0-9_][\w.-]*(?<!\.)")


def namespace(prefix: str) -> str | None:
    """The namespace of a prefix: a declared one, or a generated network's ``syn-<graph>``."""
    if prefix in PREFIXES:
        return PREFIXES[prefix]
    if prefix.startswith(SYN_PREFIX) and _SYN_SEGMENT.fullmatch(prefix[len(SYN_PREFIX):]):
        return f"{SYN}{prefix[len(SYN_PREFIX):]}/"
    return None


def with_prefixes(sparql: str) -> str:
    """Prepend kxgraph's PREFIX lines for the prefixes a query uses but does not declare.

    >>> with_prefixes("ASK { ?s a kx:Academician }").splitlines()[0]
    'PREFIX kx: <https://w3id.org/kxgraph/ns#>'
    """
    declared = {m.lower() for m in re.findall(r"PREFIX\s+([\w-]*):", sparql, re.IGNORECASE)}
    used = [p for p in prefixes_for(sparql) if p not in declared and re.search(rf"(?<![\w<-]){re.escape(p)}:", sparql)]
    return sparql_prefixes(used) + sparql if used else sparql


def prefixes_for(sparql: str) -> dict[str, str]:
    """The prefixes a query may use undeclared: ``PREFIXES`` and the ``syn-…`` ones it mentions.

    >>> prefixes_for("SELECT * { syn-seed-0-scale-1:academician-1 ?p ?o }")["syn-seed-0-scale-1"]
    'https://w3id.org/kxgraph/synthetic/seed-0-scale-1/'
    """
    found = {m: namespace(m) for m in re.findall(r"(?<![\w<:/#-])(syn-[\w.-]+):", sparql)}
    return {**PREFIXES, **{p: ns for p, ns in found.items() if ns}}


_ESCAPED = re.compile(r"\\([_~.\-!$&'()*+,;=/?#@%])")


def expand_curie(text: str) -> str | None:
    r"""Expand a CURIE to a full IRI; None when the prefix is unknown.

    Every printed form is accepted: ``kxorg:taiyuan-cast``, and the older ``kxid:org/taiyuan-cast``
    and ``kxid:org\/taiyuan-cast`` (SPARQL's escape); also ``<IRI>``.

    >>> expand_curie("kxorg:taiyuan-cast") == expand_curie(r"kxid:org\/taiyuan-cast") == TAIYUAN_CAST
    True
    """
    text = text.strip()
    if text.startswith("<") and text.endswith(">") and ":" in text:
        return text[1:-1]
    prefix, sep, local = text.partition(":")
    ns = namespace(prefix) if sep else None
    if ns is None or local.startswith("//"):
        return None
    return ns + _ESCAPED.sub(r"\1", local)


# A local part SPARQL and Turtle take as written (PN_LOCAL without escapes). Compiling it takes
# 10 ms (its character ranges are wide), so it is compiled only for a local part holding "%".
_PLAIN_LOCAL = (r"(?:[\w:\u00b7\u00c0-\U000effff]|%[0-9A-Fa-f]{2})"
                r"(?:(?:[\w.:\u00b7\u00c0-\U000effff-]|%[0-9A-Fa-f]{2})*"
                r"(?:[\w:\u00b7\u00c0-\U000effff-]|%[0-9A-Fa-f]{2}))?")
_ESCAPABLE = set("_~.-!$&'()*+,;=/?#@%")
_PUNCTUATION = str.maketrans("", "", "-._:")


def _plain(text: str) -> bool:
    """True when ``text`` is a local part as written: ``_PLAIN_LOCAL``'s test, without a regex unless
    ``text`` holds a percent escape."""
    if "%" in text:
        return re.fullmatch(_PLAIN_LOCAL, text) is not None
    if text[0] not in "-." and text[-1] != "." and text.translate(_PUNCTUATION).isalnum():
        return True  # the usual local part (academician-1, 太原): letters and digits between - . _ :
    last = len(text) - 1
    for i, c in enumerate(text):
        if not (c.isalnum() or c in "_:\u00b7" or 0xC0 <= ord(c) <= 0xEFFFF
                or (c == "-" and i > 0) or (c == "." and 0 < i < last)):
            return False
    return True


def _local(text: str) -> str | None:
    """``text`` as a CURIE's local part (escaping what must be), or None when it cannot be one."""
    if not text or _plain(text):
        return text
    out = []
    for i, c in enumerate(text):
        plain = c.isalnum() or c in "_:\u00b7" or ord(c) >= 0xC0 or (c == "-" and i > 0) or (
            c == "." and 0 < i < len(text) - 1)
        if plain:
            out.append(c)
        elif c in _ESCAPABLE:
            out.append("\\" + c)
        else:
            return None
    return "".join(out)


_BY_LENGTH = sorted(PREFIXES.items(), key=lambda item: -len(item[1]))


def shorten(iri: str) -> str:
    """Return the CURIE of an IRI (longest matching namespace), valid SPARQL as printed; else the IRI.

    >>> shorten(TAIYUAN_CAST), shorten(SYN + "seed-0-scale-1/academician-1")
    ('kxorg:taiyuan-cast', 'syn-seed-0-scale-1:academician-1')
    >>> print(shorten(ID + "figure/taiyuan-report/patents"))
    kxfigure:taiyuan-report\\/patents
    """
    if iri.startswith(SYN):
        segment, slash, rest = iri[len(SYN):].partition("/")
        if slash and _SYN_SEGMENT.fullmatch(segment):
            local = _local(rest)
            if local is not None:
                return f"{SYN_PREFIX}{segment}:{local}"
    for prefix, ns in _BY_LENGTH:
        if iri.startswith(ns):
            local = _local(iri[len(ns):])
            return f"{prefix}:{local}" if local is not None else iri
    return iri
