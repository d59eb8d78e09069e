"""The report's figures paragraphs written from the data (``kx report --write zh|en``, ``--diff``).

The sentences are templates (``data/taiyuan/writeup.yaml``) in the report's own words; each slot
``{slug}`` is filled with the count computed for indicator ``kxi:<slug>`` by its count query, so
every number in the text traces to a query (the ``trace`` column). No language model is involved.
``diff`` sets each sentence beside the source passage it rewrites and marks every number that
differs from the figure the report states (``75 → 74``).
"""

from __future__ import annotations

import re
from typing import Any

from kxgraph.errors import ParameterError, option
from kxgraph.output.results import Result
from kxgraph.resources import resource_path

COLUMNS = ["theme", "sentence", "source", "differences", "trace"]
_SLOT = re.compile(r"\{([a-z0-9-]+)\}")


def _templates() -> list[dict]:
    import yaml

    with open(resource_path("taiyuan/writeup.yaml"), encoding="utf-8") as handle:
        return yaml.safe_load(handle)["sentences"]


def _passages() -> dict[str, str]:
    import yaml

    with open(resource_path("taiyuan/facts.yaml"), encoding="utf-8") as handle:
        return yaml.safe_load(handle)["passages"]


def write(graph: Any, *, lang: str = "zh") -> Result:
    """One row per sentence: theme, generated sentence, source passage, differences, trace.

    ``differences`` lists ``name: reported → computed`` for every number that differs from the
    report; ``trace`` lists ``kxi:slug=value (sparql/queries/indicators/slug.rq)`` for every number.
    """
    if lang not in ("zh", "en"):
        raise ParameterError(f"{option('lang')} {lang!r}: choose zh or en")
    computed, reported, labels = {}, {}, {}
    for row in graph.report().records():
        slug = str(row["id"]).split(":", 1)[-1]
        computed[slug] = row["computed"]
        reported[slug] = str(row["reported"]).lstrip(">")
        labels[slug] = str(row["indicator"]).split(" / ")[0 if lang == "zh" else -1]
    passages = _passages()
    rows = []
    for template in _templates():
        text, diffs, trace = template[lang], [], []
        for slug in _SLOT.findall(text):
            value = computed.get(slug)
            if value is None:
                raise ParameterError(f"cannot write the {template['passage']!r} sentence: the graph has no count "
                                     f"for kxi:{slug} (load the report's figures and the entities first)")
            trace.append(f"kxi:{slug}={value} (sparql/queries/indicators/{slug}.rq)")
            if slug in reported and str(value) != reported[slug]:
                diffs.append(f"{labels[slug]}: {reported[slug]} → {value}")
        sentence = _SLOT.sub(lambda m: str(computed[m.group(1)]), text)
        source = passages[template["passage"]].replace("\n", "")
        rows.append((template["theme"][lang], sentence, source, "; ".join(diffs) or None, "; ".join(trace)))
    return Result.table(COLUMNS, rows)


def paragraphs(result: Result) -> str:
    """The sentences as paragraphs, one per theme, in the report's order."""
    out: list[list[str]] = []
    last = None
    for theme, sentence, *_ in result.rows:
        theme, sentence = str(getattr(theme, "value", theme)), str(getattr(sentence, "value", sentence))
        if theme != last:
            out.append([])
            last = theme
        out[-1].append(sentence)
    joiner = "" if result.rows and re.search(r"[\u4e00-\u9fff]", str(result.rows[0][1])) else " "
    return "\n\n".join(joiner.join(p) for p in out) + "\n"


def diff_text(result: Result) -> str:
    """Each generated sentence beside its source passage, differing numbers marked."""
    blocks = []
    for row in result.records():
        mark = row["differences"] or "no number differs / 数字一致"
        blocks.append(f"原文 source:    {row['source']}\n生成 generated: {row['sentence']}\n差异 differs:   {mark}")
    return "\n\n".join(blocks) + "\n"


__all__ = ["write", "paragraphs", "diff_text", "COLUMNS"]
