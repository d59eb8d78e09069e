"""Pinyin spellings of Chinese labels, as ``kx find`` matches them: one speller for the label index
(``kxgraph.store.index``) and for the SPARQL path of ``kxgraph.explore.find``.

A character with several readings is spelt with its most common one, except the first character
of a label, which is spelt in every reading, its reading as a surname first (翟 zhai, di;
``resources/names/surname-readings.tsv``), so ``zhaiguangming`` and ``diguangming`` both find 翟光明.
"""

from __future__ import annotations

import functools
import unicodedata
from importlib import resources

from kxgraph.errors import NotFoundError

SURNAME_READINGS = "resources/names/surname-readings.tsv"  # inside the package


@functools.cache
def surname_readings() -> dict[str, str]:
    """Characters read differently as a surname, with that reading (``resources/names/surname-readings.tsv``)."""
    path = resources.files("kxgraph").joinpath(SURNAME_READINGS)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        raise NotFoundError(f"shipped file not found: kxgraph/{SURNAME_READINGS} "
                            "(is kxgraph installed completely?)") from None
    return dict(line.split("\t", 1) for line in text.splitlines() if line.strip() and not line.startswith("#"))


def first_readings(chars: set[str]) -> dict[str, list[str]]:
    """Every reading of the characters that have more than one, the surname reading first.

    >>> first_readings({"翟", "李"})
    {'翟': ['zhai', 'di']}
    """
    out = {}
    for char in sorted(c for c in chars if c and is_han(c)):
        readings = _readings(char)
        if len(readings) > 1:
            out[char] = list(readings)
    return out


@functools.lru_cache(maxsize=65536)
def _readings(char: str) -> tuple[str, ...]:
    from pypinyin import Style, pinyin

    surnames = surname_readings()
    heard = [r.replace("ü", "v") for r in pinyin(char, style=Style.NORMAL, heteronym=True)[0]]
    return tuple(dict.fromkeys(([surnames[char]] if char in surnames else []) + heard))


def spell_labels(labels: list[str], cache: dict[str, str] | None = None) -> list[str]:
    """Each label lower-cased with every Han character spelt in pinyin, spaces removed; a label
    whose first character has several readings gets one spelling per reading, separated by spaces
    (a search word has none, so it never matches across two of them).

    One ``str.translate`` over all labels, each distinct character looked up once:

    >>> spell_labels(["小店区", "翟光明"])
    ['xiaodianqu', 'diguangming zhaiguangming']
    """
    if not labels:
        return []
    from pypinyin import lazy_pinyin

    cache = {} if cache is None else cache
    text = "\n".join(label.replace("\n", " ") for label in labels).lower()
    for char in set(text) - cache.keys():
        if is_han(char):
            cache[char] = lazy_pinyin(char)[0]
    table = {ord(c): cache[c] for c in set(text) if c in cache}
    readings = first_readings({label.strip()[:1] for label in labels})
    out = []
    for label, spelling in zip(labels, text.translate(table).split("\n")):
        spelling = spelling.replace(" ", "")
        first = label.strip()[:1]
        if first in readings and spelling.startswith(cache[first]):
            rest = spelling[len(cache[first]):]
            spelling = " ".join(dict.fromkeys([spelling] + [reading + rest for reading in readings[first]]))
        out.append(spelling)
    return out


def is_han(char: str) -> bool:
    """True for a CJK ideograph."""
    return "CJK" in unicodedata.name(char, "")


__all__ = ["spell_labels", "first_readings", "surname_readings", "is_han"]
