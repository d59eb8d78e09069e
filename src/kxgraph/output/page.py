"""The one HTML page shell: every page kxgraph writes (views, reports, result tables) is one.

``templates/page.html`` holds the head: UTF-8 declared (a browser on a Chinese Windows machine
would otherwise guess GBK for a file opened from disk), a Content-Security-Policy that starts
from ``default-src 'none'`` (so a page fetches nothing, even if a value slipped through), the
common styles, and a slot for a banner (say, that the data is synthetic). A page's own styles,
body and, for views, inline scripts go in; the caller escapes what it puts in the body, and the
shell escapes the title and the banner.
"""

from __future__ import annotations

import html
import re

from kxgraph.resources import package_path

_SLOT = re.compile(r"__KX_(LANG|CSP|TITLE|STYLE|BANNER|BODY)__")
CSP = "default-src 'none'; style-src 'unsafe-inline'"
CSP_SCRIPTS = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:"


def page(body: str, *, title: str, style: str = "", banner: str | None = None, scripts: bool = False,
         lang: str = "zh") -> str:
    """Return a whole HTML page around ``body`` (already HTML); ``scripts`` allows inline scripts.

    >>> text = page("<p>hi</p>", title="<t>", banner="synthetic")
    >>> "<title>&lt;t&gt;</title>" in text and "default-src 'none'" in text and "synthetic" in text
    True
    """
    slots = {
        "LANG": html.escape(lang, quote=True),
        "CSP": CSP_SCRIPTS if scripts else CSP,
        "TITLE": html.escape(title),
        "STYLE": style,
        "BANNER": f'<p class="kx-banner" role="note">{html.escape(banner)}</p>\n' if banner else "",
        "BODY": body,
    }
    shell = package_path("templates/page.html").read_text(encoding="utf-8")
    return _SLOT.sub(lambda m: slots[m.group(1)], shell)


def template(name: str) -> str:
    """The text of a page part in ``templates/`` (``view.html``, ``view.css``, ``report.css`` …)."""
    return package_path(f"templates/{name}").read_text(encoding="utf-8")


__all__ = ["CSP", "CSP_SCRIPTS", "page", "template"]
