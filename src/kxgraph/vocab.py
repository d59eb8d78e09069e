"""Namespaces and well-known IRIs of kxgraph, as plain strings (cheap to import).

Every module uses these instead of writing IRIs out; ``docs/iris.md`` documents them.
"""

import re

KX = "https://w3id.org/kxgraph/ns#"            # the ontology
ID = "https://w3id.org/kxgraph/id/"            # real entities (the Taiyuan report, the gazetteer)
SYN = "https://w3id.org/kxgraph/synthetic/"    # generated sample network, never real
GRAPH = "https://w3id.org/kxgraph/graph/"      # names of named graphs
INDICATOR = "https://w3id.org/kxgraph/indicator/"  # indicators of reported figures

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

PREFIXES: dict[str, str] = {
    "kx": KX, "kxid": ID, "syn": SYN, "kxg": GRAPH, "kxi": INDICATOR,
    "rdf": RDF, "rdfs": RDFS, "owl": OWL, "xsd": XSD, "sh": SH,
    "org": ORG, "foaf": FOAF, "schema": SCHEMA, "prov": PROV, "qb": QB,
    "sdmx-dimension": SDMX_DIM, "skos": SKOS, "dcterms": DCTERMS, "bibo": BIBO, "rov": ROV,
}

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
    chosen = PREFIXES if names is None else {n: PREFIXES[n] for n in names}
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in chosen.items())


def with_prefixes(sparql: str) -> str:
    """Prepend kxgraph's PREFIX lines for the prefixes a query uses but does not declare.

    >>> with_prefixes("ASK { ?s a kx:Academician }").splitlines()[0]
    'PREFIX kx: <https://w3id.org/kxgraph/ns#>'
    """
    declared = {m.lower() for m in re.findall(r"PREFIX\s+([\w-]*):", sparql, re.IGNORECASE)}
    used = [p for p in PREFIXES if p not in declared and re.search(rf"(?<![\w<-]){re.escape(p)}:", sparql)]
    return sparql_prefixes(used) + sparql if used else sparql


def expand_curie(text: str) -> str | None:
    """Expand ``kx:Academician`` to a full IRI; None when the prefix is unknown."""
    prefix, sep, local = text.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    return None


def shorten(iri: str) -> str:
    """Return the CURIE of an IRI when a known namespace covers it, else the IRI."""
    best = ""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(ns) > len(PREFIXES.get(best, "")):
            best = prefix
    return f"{best}:{iri[len(PREFIXES[best]):]}" if best else iri
