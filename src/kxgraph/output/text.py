"""Small texts every writer shares: where something is in a file, and N-Triples strings."""

from __future__ import annotations

from typing import Any


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


__all__ = ["nt_escape", "where"]
