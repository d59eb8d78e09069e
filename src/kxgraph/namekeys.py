"""The normalised forms of names: what two names share when they mean one entity (a base module).

Cells are cleaned (``clean``); two names are the same name when their ``name_key`` is; a person's
name is compared without a bracketed note or a title after it (``person_name``), an organisation's
without brackets and legal-form suffixes (``core_name``). ``key`` is the form an import matches
held names on (``kxgraph.identity``), and the label index keeps it for every label beside the store
(``kxgraph.store.index``), so both sit below them: the standard library only.

>>> key("金智新（院士）", True), key("太原钢铁（集团）有限公司", False)
('金智新', '太原钢铁')
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

# Full-width ASCII becomes ASCII, except the Chinese punctuation people write in names on purpose.
_KEEP = set("（），；：！？")
_WIDTH = ({c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F) if chr(c) not in _KEEP} | {0x3000: 0x20}
          | dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff")))   # invisible characters go
HAN = "\u3400-\u4dbf\u4e00-\u9fff"
# Spaces between two Chinese characters pad names to one width (王　伟 beside 欧阳修): not content.
_PADDING = re.compile(f"(?<=[{HAN}]) +(?=[{HAN}])")
OPEN, CLOSE = "（(【[", "）)】]"
_BRACKETED = re.compile(r"\s*[（(【\[][^（()）【】\[\]]*[)）】\]]\s*$")
TITLES = re.compile(r"(正高级工程师|高级工程师|工程师|研究员|院士|教授|博士|高工|先生|女士|同志|老师)$")
LATIN = re.compile(r"^[A-Za-z][A-Za-z .'’-]*$")
_BRACKETS = re.compile(r"[(（\[【].*?[)）\]】]")
_LEGAL = re.compile(r"(股份有限公司|有限责任公司|有限公司|集团公司|总公司|分公司|股份公司|集团|公司|"
                    r"co\.?,?ltd\.?|ltd\.?|inc\.?|corp\.?|group)+$")
_NUMBERS = re.compile(r"[0-9一二三四五六七八九十百零〇]+")


def clean(value: Any, *, lines: bool = False) -> Any:
    r"""Normalise a cell: full-width ASCII to half-width, whitespace collapsed; non-text kept.

    With ``lines``, line breaks (Alt+Enter in Excel) are kept, for cells listing one name a line.

    >>> clean("王　伟 "), clean("示例甲\n示例乙"), clean("示例甲\n示例乙", lines=True)
    ('王伟', '示例甲示例乙', '示例甲\n示例乙')
    """
    if not isinstance(value, str):
        return value
    text = value.translate(_WIDTH)
    if lines and ("\n" in text or "\r" in text):
        return "\n".join(filter(None, (_PADDING.sub("", " ".join(line.split())) for line in text.splitlines())))
    text = " ".join(text.split())
    return _PADDING.sub("", text) if " " in text else text


def strip_note(name: str) -> str:
    """A person's name without the bracketed note written after it.

    >>> strip_note("示例院士甲（中国工程院院士）")
    '示例院士甲'
    """
    while name.rstrip()[-1:] in CLOSE and (shorter := _BRACKETED.sub("", name)) != name and shorter:
        name = shorter
    return name


@lru_cache(maxsize=1 << 18)
def name_key(name: str) -> str:
    """The form two names must share to denote the same entity (width, case, spaces ignored)."""
    return "".join(unicodedata.normalize("NFKC", name).casefold().split())


@lru_cache(maxsize=1 << 18)   # an import names 100,000s of entities: its names all fit
def person_name(name: str) -> str:
    """A person's name without a bracketed note or a title after it.

    >>> person_name("金智新院士"), person_name("殷瑞钰（中国工程院院士）"), person_name("王院士")
    ('金智新', '殷瑞钰', '王院士')
    """
    name = strip_note(clean(name))
    while (shorter := TITLES.sub("", name)) != name and len(shorter) >= 2:
        name = shorter
    return name


@lru_cache(maxsize=1 << 18)
def core_name(name: str) -> str:
    """A name without brackets and legal-form suffixes: 太原钢铁（集团）有限公司 → 太原钢铁."""
    key = _BRACKETS.sub("", name_key(name))
    return _LEGAL.sub("", key) or key


@lru_cache(maxsize=1 << 18)
def number_marks(name: str) -> tuple[str, ...]:
    """The numbers in a name's core (第一, 2号 …): names with different numbers are different on purpose.

    >>> number_marks("太原第一热电厂"), number_marks("太原钢铁有限公司")
    (('一',), ())
    """
    return tuple(_NUMBERS.findall(core_name(name)))


@lru_cache(maxsize=1 << 18)
def key(name: str, person: bool) -> str:
    """The normalised form two names share when they mean one entity."""
    return name_key(person_name(name)) if person else core_name(name)


@lru_cache(maxsize=1 << 18)
def latin_key(name: str) -> str | None:
    """Letters of a name written in Latin letters, lower case (``Li Deyi`` → ``lideyi``), else None."""
    if not LATIN.match(name.strip()):
        return None
    return re.sub(r"[^a-z]", "", name.lower())


def block(k: str) -> str:
    """Where an organisation's close names are looked for, as one text: two names ``why_alike`` can
    match share their first character and their numbers (1号/2号 differ on purpose).

    >>> block("太原第一热电厂") == block("太钢第一")
    True
    """
    return "\x1f".join((k[:1], *number_marks(k)))


BLANK = "\x1f"   # the unit separator: in no name (and, unlike NUL, whole in SQLite's JSON functions)


def blanked(k: str) -> list[str]:
    """A person's key with each character in turn blanked: two keys one character apart share one.

    >>> blanked("殷瑞钰") == ["\x1f瑞钰", "殷\x1f钰", "殷瑞\x1f"]
    True
    """
    return [k[:i] + BLANK + k[i + 1:] for i in range(len(k))]


__all__ = ["clean", "strip_note", "name_key", "person_name", "core_name", "number_marks", "key", "latin_key",
           "block", "blanked", "TITLES", "LATIN", "HAN", "OPEN", "CLOSE"]
