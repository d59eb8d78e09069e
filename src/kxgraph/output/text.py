"""Small texts every writer shares: where something is in a file, and N-Triples strings."""

from __future__ import annotations

import re
from typing import Any

_BIDI = "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_UNSEEN = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI}]")


def where(*parts: Any) -> str:
    """``file:sheet:row:column``, leaving out the parts that are empty (``""``, ``0``, ``None``).

    >>> where("ws.xlsx", "工作站", 3, "建站时间"), where("ws.csv", None, "row 3")
    ('ws.xlsx:工作站:3:建站时间', 'ws.csv:row 3')
    """
    return ":".join(str(x) for x in parts if x not in ("", 0, None))


def nt_escape(text: str) -> str:
    """The body of an N-Triples (and Turtle) string literal: backslash, quote and line breaks escaped.

    >>> nt_escape('say "太原"\\n')
    'say \\\\"太原\\\\"\\\\n'
    """
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")


__all__ = ["nt_escape", "visible", "where"]


def visible(text: str) -> str:
    """``text`` with control and bidirectional-override characters written as ``\\uXXXX``.

    >>> visible("evil\\x1b[31m\\u202e")
    'evil\\\\u001b[31m\\\\u202e'
    """
    return _UNSEEN.sub(lambda m: f"\\u{ord(m[0]):04x}", text)
