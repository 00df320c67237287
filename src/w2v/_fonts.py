"""Fonts for word labels: installed fonts that have the glyphs of every word, found at run time.

matplotlib draws text in one font family (DejaVu Sans by default), which has no Chinese,
Japanese or Korean characters and no emoji; each missing glyph is drawn as a box and raises a
``Glyph ... missing`` warning. :func:`label_fonts` looks at the words to draw and returns a
list of families: the default first, then installed fonts that cover what it lacks, which
matplotlib (3.6+) uses glyph by glyph. The fonts matplotlib knows are searched first, then the
system's fonts installed since matplotlib built its font list (say ``fonts-noto-cjk``, added
after a first plot). Words with a character no font has are returned, to be reported once.

:func:`display_text` puts a right-to-left word (Hebrew, Arabic) in the order its letters are
drawn left to right when matplotlib lays all text out left to right (before 3.11; there,
Arabic letters are also drawn unjoined). matplotlib 3.11 orders and shapes such text itself.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

#: Fonts that map every code point to a placeholder picture of its Unicode block (matplotlib
#: 3.10 ships one): they "have" every glyph but draw no letter.
_PLACEHOLDER_FONTS = ("last resort",)
_charmaps: dict[str, frozenset[int]] = {}


@dataclass
class LabelFonts:
    """The font families to draw some words with, and the words no installed font can draw."""

    families: list[str]
    missing: list[str] = field(default_factory=list)


def _charmap(path: str) -> frozenset[int]:
    """The code points a font file has glyphs for (empty if it cannot be drawn from)."""
    if path not in _charmaps:
        from matplotlib.ft2font import FT2Font

        try:
            font = FT2Font(path)
            # A bitmap-only font (colour emoji) cannot be scaled to the label's size.
            _charmaps[path] = frozenset(font.get_charmap()) if font.scalable else frozenset()
        except (OSError, RuntimeError, ValueError):
            _charmaps[path] = frozenset()
    return _charmaps[path]


def _family(path: str) -> str:
    from matplotlib.ft2font import FT2Font

    return FT2Font(path).family_name


def _usable(name: str) -> bool:
    return not name.lower().startswith(_PLACEHOLDER_FONTS)


def _known_fonts() -> list[tuple[str, str]]:
    """(family, path) of the fonts matplotlib knows, each file once."""
    from matplotlib import font_manager

    seen: dict[str, str] = {}
    for entry in font_manager.fontManager.ttflist:
        if _usable(entry.name):
            seen.setdefault(entry.fname, entry.name)
    return [(name, path) for path, name in seen.items()]


def _new_system_fonts() -> list[tuple[str, str]]:
    """(family, path) of the system's fonts that matplotlib's cached font list lacks."""
    from matplotlib import font_manager

    known = {entry.fname for entry in font_manager.fontManager.ttflist}
    found = []
    for path in sorted(set(font_manager.findSystemFonts()) - known):
        try:
            name = _family(path)
        except (OSError, RuntimeError, ValueError):
            continue
        if _usable(name):
            found.append((name, path))
    return found


def _resolve(name: str) -> str:
    """The file matplotlib draws the family ``name`` with ("" if it knows no such family)."""
    from matplotlib import font_manager

    try:
        return font_manager.findfont(
            font_manager.FontProperties(family=name), fallback_to_default=False
        )
    except ValueError:
        return ""


def _needs_no_glyph(cp: int) -> bool:
    """Format characters (joiners, direction marks) and variation selectors draw nothing."""
    return (
        unicodedata.category(chr(cp)) == "Cf"
        or 0xFE00 <= cp <= 0xFE0F
        or 0xE0100 <= cp <= 0xE01EF
        or chr(cp).isspace()
    )


def label_fonts(words: Iterable[str]) -> LabelFonts:
    """The families to draw ``words`` with (the default first) and the words left undrawable.

    Fallback fonts are chosen greedily, each covering the most of what is still missing.
    """
    from matplotlib import font_manager, rcParams

    words = list(words)
    default_path = font_manager.findfont(
        font_manager.FontProperties(family=rcParams["font.family"])
    )
    families = [_family(default_path)]
    need = {ord(c) for w in words for c in w if not _needs_no_glyph(ord(c))}
    need -= _charmap(default_path)
    for source in (_known_fonts, _new_system_fonts):
        pool = source() if need else []
        while need:
            best = max(pool, key=lambda font: len(need & _charmap(font[1])), default=None)
            if best is None or not need & _charmap(best[1]):
                break
            pool.remove(best)
            name, path = best
            if source is _new_system_fonts:
                font_manager.fontManager.addfont(path)  # so that the family name resolves
            # A family name draws with one file of it (the regular face), which may lack what
            # another face has (matplotlib 3.11.2's DejaVu Serif Bold has mathematical bold
            # letters, its regular face has not): count only what that file has.
            drawn = _charmap(_resolve(name))
            if not need & drawn:
                continue
            if name not in families:
                families.append(name)
            need -= drawn
    missing = [w for w in dict.fromkeys(words) if any(ord(c) in need for c in w)]
    return LabelFonts(families, missing)


def _strong(c: str) -> str:
    """'R' for right-to-left letters, 'L' for left-to-right ones and digits, '' otherwise."""
    kind = unicodedata.bidirectional(c)
    if kind in ("R", "AL"):
        return "R"
    if kind in ("L", "EN", "AN"):
        return "L"
    return ""


_lays_out_bidi: list[bool] = []


def matplotlib_orders_rtl() -> bool:
    """Whether this matplotlib lays right-to-left text out itself (3.11 does, with libraqm)."""
    if not _lays_out_bidi:
        try:
            from matplotlib import _text_helpers, font_manager
            from matplotlib.ft2font import FT2Font

            font = FT2Font(font_manager.findfont("DejaVu Sans"))
            first = next(iter(_text_helpers.layout("\u05d0\u05d1", font))).char
            _lays_out_bidi.append(first == "\u05d1")  # alef bet, drawn bet first
        except Exception:  # an older matplotlib, or its internals moved: reorder here
            _lays_out_bidi.append(False)
    return _lays_out_bidi[0]


def display_text(word: str) -> str:
    """``word`` as it must be handed to matplotlib to read right: :func:`visual_order` unless
    matplotlib orders right-to-left text itself."""
    return word if matplotlib_orders_rtl() else visual_order(word)


def visual_order(word: str) -> str:
    """``word`` with its right-to-left runs in the order they are drawn left to right.

    A word whose first strong character is right-to-left is drawn from its end: its runs are
    reversed, and so is each right-to-left run's characters (a combining mark stays after
    its letter), while left-to-right runs (digits, Latin) keep their order. Other words are
    returned unchanged.

    Examples
    --------
    >>> visual_order("שלום")
    'םולש'
    >>> visual_order("king")
    'king'
    """
    kinds = [_strong(c) for c in word]
    base = next((k for k in kinds if k), "L")
    if base != "R":
        return word
    # clusters: a character and the combining marks after it
    clusters: list[list[str]] = []
    for c, kind in zip(word, kinds, strict=True):
        if clusters and unicodedata.category(c).startswith("M"):
            clusters[-1][0] += c
        else:
            clusters.append([c, kind or "R"])  # neutrals follow the base direction
    runs: list[tuple[str, list[str]]] = []
    for text, kind in clusters:
        if runs and runs[-1][0] == kind:
            runs[-1][1].append(text)
        else:
            runs.append((kind, [text]))
    return "".join(
        "".join(reversed(texts)) if kind == "R" else "".join(texts)
        for kind, texts in reversed(runs)
    )


def many_labels_note(n: int, limit: int) -> str | None:
    """A note when ``n`` labels exceed ``limit`` (crowded and slow to place), else None."""
    if n <= limit:
        return None
    return (
        f"{n} labels on one map (more than {limit}): they will overlap and take long to place; "
        "draw fewer words or fewer --neighbours."
    )


def undrawable_note(missing: Sequence[str]) -> str:
    """The one note naming the words that no installed font can draw."""
    shown = ", ".join(repr(w) for w in missing[:10]) + (", ..." if len(missing) > 10 else "")
    return (
        f"{len(missing)} word(s) have characters that no installed font can draw, shown as "
        f"boxes: {shown}. Install a font that has them (e.g. Noto: fonts-noto-cjk, "
        "fonts-noto-core)."
    )
