"""Notebook chart defaults: Chinese labels in matplotlib that render as characters, not boxes.

    import kxgraph.plot
    kxgraph.plot.chinese_font()      # 'WenQuanYi Micro Hei' (or Noto Sans CJK, SimHei …)

matplotlib's default font (DejaVu Sans) has no Chinese characters, so 院士 draws as two boxes
and a "Glyph missing" warning. ``chinese_font`` finds an installed CJK font and puts it first in
``rcParams["font.sans-serif"]``; it imports matplotlib, so nothing happens on ``import kxgraph``.
"""

from __future__ import annotations

import warnings

# Preferred first: fonts made for simplified Chinese, then the platforms' own.
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
             "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "SimHei", "Microsoft YaHei", "PingFang SC",
             "Heiti SC", "Hiragino Sans GB", "Noto Sans CJK JP", "Source Han Sans", "Arial Unicode MS")
# File names of the same fonts, for a font installed after matplotlib built its cache.
_FILES = ("notosanscjk", "notosanssc", "sourcehansans", "wqy", "simhei", "msyh", "pingfang", "hiragino")


def find_chinese_font() -> str | None:
    """The name of an installed font with Chinese characters (the most preferred), or None."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    for name in CJK_FONTS:
        if name in installed:
            return name
    for path in font_manager.findSystemFonts():
        if any(part in path.lower().replace("-", "").replace("_", "") for part in _FILES):
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):
                continue
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in installed), None)


def chinese_font() -> str | None:
    """Make matplotlib draw Chinese: put an installed CJK font first and return its name.

    Also draws the minus sign as "-" (CJK fonts often lack U+2212). Without any CJK font it
    warns, naming fonts to install, and returns None.

    >>> name = chinese_font()
    >>> import matplotlib
    >>> name is None or matplotlib.rcParams["font.sans-serif"][0] == name
    True
    """
    import matplotlib

    name = find_chinese_font()
    if name is None:
        warnings.warn("no Chinese font found for matplotlib; install one, e.g. fonts-noto-cjk or "
                      "fonts-wqy-microhei (Debian/Ubuntu), and restart the kernel", stacklevel=2)
        return None
    families = [name] + [f for f in matplotlib.rcParams["font.sans-serif"] if f != name]
    matplotlib.rcParams["font.sans-serif"] = families
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["axes.unicode_minus"] = False
    return name
