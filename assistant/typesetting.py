"""Chinese typesetting for posters: fonts, line breaking with 禁则, fitting, balancing.

Rules, in order of priority:
1. Never draw outside the box: the fit is checked on real glyph ink boxes.
2. No closing punctuation at the start of a line, no opening one at the end (禁则).
3. Numbers, prices (¥15.8/斤) and Latin words stay unbroken.
4. The largest font size in the slot's range that fits wins (binary search).
5. Lines are balanced, so no lone character sits on the last line.
6. If even the smallest size overflows, the text is shortened at a sentence boundary
   with an ellipsis, and the layout says so.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from dataclasses import dataclass, field, replace
from importlib import metadata
from pathlib import Path

from PIL import ImageDraw, ImageFont

# Noto Sans CJK collections: face 2 is Simplified Chinese (0 JP, 1 KR, 3 TC, 4 HK, 5-9 Mono).
SC_FACE_INDEX = 2
_DEBIAN_BOLD = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc")

# 禁则: may not begin a line / may not end a line.
NO_LINE_START = set("，。！？、；：）》」』】〕〉〗”’…—～·%‰,.!?;:)]}>°℃")
NO_LINE_END = set("（《「『【〔〈〖“‘([{<¥￥$#")
SENTENCE_ENDS = "。！？；!?;"
ELLIPSIS = "…"
_TRAILING = "".join(NO_LINE_START) + " "

# One unbreakable unit: a price or number with its unit, a Latin word, or one character.
_UNIT = re.compile(
    r"[¥￥$]?\d+(?:[.,:]\d+)*(?:%|元|块|角|斤|公斤|克|kg|g|ml|L)?(?:/(?:[\u4e00-\u9fff]|kg|g|ml|L))?"
    r"|[A-Za-z][A-Za-z0-9'’\-_.@]*"
    r"|\s+"
    r"|.",
    re.S,
)


# --------------------------------------------------------------------------- fonts


@dataclass(frozen=True)
class FontFace:
    path: Path
    index: int
    faux_bold: bool = False  # draw a stroke to thicken a Regular face


class FontNotFoundError(RuntimeError):
    pass


@functools.lru_cache(maxsize=1)
def regular_face() -> FontFace:
    """The SC face of NotoSansCJK-Regular.ttc from the noto-cjk-sans-otc package."""
    try:
        dist = metadata.distribution("noto-cjk-sans-otc")
    except metadata.PackageNotFoundError:
        raise FontNotFoundError(
            "缺少中文字体包 noto-cjk-sans-otc，请运行 pip install -r requirements.txt / "
            "font package noto-cjk-sans-otc is not installed"
        ) from None
    for file in dist.files or ():
        if file.name == "NotoSansCJK-Regular.ttc":
            return FontFace(Path(dist.locate_file(file)), SC_FACE_INDEX)
    raise FontNotFoundError("NotoSansCJK-Regular.ttc is missing from noto-cjk-sans-otc")


@functools.lru_cache(maxsize=1)
def bold_face() -> FontFace:
    """Debian's real Bold when fonts-noto-cjk is installed, else Regular with a faux-bold stroke."""
    if _DEBIAN_BOLD.is_file():
        return FontFace(_DEBIAN_BOLD, SC_FACE_INDEX)
    return FontFace(regular_face().path, SC_FACE_INDEX, faux_bold=True)


def face_for(weight: str) -> FontFace:
    return bold_face() if weight == "bold" else regular_face()


@functools.lru_cache(maxsize=256)
def load_font(face: FontFace, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(face.path), size, index=face.index)


@functools.lru_cache(maxsize=65536)
def _advance(face: FontFace, size: int, unit: str) -> float:
    """One unit's advance width, cached: fitting tries many sizes and widths on the same units."""
    return load_font(face, size).getlength(unit)


@functools.lru_cache(maxsize=8)
def _codepoints(path: Path, index: int) -> frozenset[int]:
    from fontTools.ttLib import TTCollection, TTFont

    if path.suffix.lower() in (".ttc", ".otc"):
        font = TTCollection(str(path), lazy=True)[index]
    else:
        font = TTFont(str(path), lazy=True)
    return frozenset(font.getBestCmap())


def has_glyph(face: FontFace, char: str) -> bool:
    return ord(char) in _codepoints(face.path, face.index)


def stroke_for(face: FontFace, size: int) -> int:
    return max(1, round(size * 0.035)) if face.faux_bold else 0


# --------------------------------------------------------------------------- cleaning


def drawable_text(text: str, face: FontFace) -> tuple[str, str]:
    """Split ``text`` into what the font can draw and the characters left out.

    An emoji or any character without a glyph is left out cleanly instead of showing
    as a box; variation selectors and joiners go with it.
    """
    kept, dropped = [], []
    for char in unicodedata.normalize("NFC", text):
        if char in "\r\t\n":
            kept.append(" ")
        elif unicodedata.category(char) in ("Cf", "Mn") and not has_glyph(face, char):
            continue  # ZWJ, variation selectors: invisible anyway
        elif has_glyph(face, char):
            kept.append(char)
        else:
            dropped.append(char)
    cleaned = re.sub(r"\s{2,}", " ", "".join(kept)).strip()
    return cleaned, "".join(dropped)


# --------------------------------------------------------------------------- breaking


def units(text: str) -> list[str]:
    """Unbreakable units, with 禁则 punctuation glued to its neighbour."""
    raw = _UNIT.findall(text)
    glued: list[str] = []
    pending_open = ""
    for unit in raw:
        if unit in NO_LINE_END:
            pending_open += unit
            continue
        unit = pending_open + unit
        pending_open = ""
        if glued and unit[0] in NO_LINE_START and not unit.isspace():
            glued[-1] += unit
        else:
            glued.append(unit)
    if pending_open:
        if glued:
            glued[-1] += pending_open
        else:
            glued.append(pending_open)
    return glued


def wrap(text_units: list[str], width: float, measure) -> list[str] | None:
    """Greedy line filling; ``None`` if some unit is wider than ``width`` on its own.

    ``measure`` gives one unit's advance; a line's width is the sum of its units (CJK has
    no kerning across characters, and each Latin word is one unit). The exact ink of the
    finished lines is checked when they are placed. A space only counts when text follows it.
    """
    lines: list[str] = []
    current: list[str] = []
    current_width = pending_space = 0.0
    for unit in text_units:
        if unit.isspace():
            if current:
                current.append(unit)
                pending_space += measure(unit)
            continue
        unit_width = measure(unit)
        if current_width + pending_space + unit_width <= width:
            current.append(unit)
            current_width += pending_space + unit_width
            pending_space = 0.0
            continue
        if unit_width > width:
            return None
        if current:
            lines.append("".join(current).rstrip())
        current, current_width, pending_space = [unit], unit_width, 0.0
    if current:
        lines.append("".join(current).rstrip())
    return lines


def balanced_wrap(text_units: list[str], width: float, measure) -> list[str] | None:
    """Wrap into as few lines as ``width`` allows, then narrow the measure as far as
    that line count holds, so the lines come out even and no orphan is left."""
    lines = wrap(text_units, width, measure)
    if not lines or len(lines) == 1:
        return lines
    target = len(lines)
    low, high = width / (target + 1), width
    best = lines
    for _ in range(12):
        mid = (low + high) / 2
        trial = wrap(text_units, mid, measure)
        if trial is not None and len(trial) <= target:
            best, high = trial, mid
        else:
            low = mid
    return best


# --------------------------------------------------------------------------- fitting


@dataclass(frozen=True)
class TextStyle:
    """How one text slot is set. Sizes are in pixels."""

    min_size: int = 24
    max_size: int = 72
    weight: str = "regular"  # "regular" or "bold"
    align: str = "left"  # left, center, right
    valign: str = "top"  # top, middle, bottom
    max_lines: int = 2
    line_spacing: float = 1.3


@dataclass
class PlacedLine:
    text: str
    origin: tuple[float, float]  # baseline-left anchor ("ls")
    ink: tuple[int, int, int, int]  # glyph ink box on the canvas


@dataclass
class TextLayout:
    box: tuple[int, int, int, int]  # x0, y0, x1, y1
    size: int
    face: FontFace
    lines: list[PlacedLine] = field(default_factory=list)
    truncated: bool = False
    omitted: str = ""  # characters without a glyph, left out

    @property
    def text(self) -> str:
        return "".join(line.text for line in self.lines)

    @property
    def stroke(self) -> int:
        return stroke_for(self.face, self.size)


def _place(lines: list[str], font, stroke: int, box, style: TextStyle) -> list[PlacedLine] | None:
    """Position lines in the box; ``None`` if their ink would leave it.

    The block is measured on nominal CJK metrics (0.88 em above the baseline, 0.12 em
    below), widened to the real ink where a glyph reaches further (a small bold 民, the
    descender of a p), so every title sits the same way and still never leaves its box.
    """
    x0, y0, x1, y1 = box
    size = font.size
    pitch = size * style.line_spacing
    boxes = [font.getbbox(line, anchor="ls", stroke_width=stroke) for line in lines]
    block_top = min(-size * 0.88 - stroke, min(i * pitch + b[1] for i, b in enumerate(boxes)))
    block_bottom = max(pitch * (len(lines) - 1) + size * 0.12 + stroke,
                       max(i * pitch + b[3] for i, b in enumerate(boxes)))
    height = block_bottom - block_top
    if height > y1 - y0:
        return None
    if style.valign == "middle":
        first_baseline = y0 + (y1 - y0 - height) / 2 - block_top
    elif style.valign == "bottom":
        first_baseline = y1 - block_bottom
    else:
        first_baseline = y0 - block_top
    placed = []
    for i, (line, (left, upper, right, lower)) in enumerate(zip(lines, boxes)):
        width = font.getlength(line) + 2 * stroke
        if style.align == "center":
            x = x0 + (x1 - x0 - width) / 2 + stroke
        elif style.align == "right":
            x = x1 - width + stroke
        else:
            x = x0 + stroke
        # A glyph may overhang its advance (the A of "Apricot" starts 1 px left of it): nudge it back in.
        x += max(0.0, x0 - (x + left)) - max(0.0, (x + right) - x1)
        baseline = first_baseline + i * pitch
        ink = (math.floor(x + left), math.floor(baseline + upper), math.ceil(x + right), math.ceil(baseline + lower))
        if ink[0] < x0 or ink[1] < y0 or ink[2] > x1 or ink[3] > y1:
            return None
        placed.append(PlacedLine(line, (x, baseline), ink))
    return placed


def _try_size(text_units, face, size, box, style) -> list[PlacedLine] | None:
    font = load_font(face, size)
    stroke = stroke_for(face, size)
    width = box[2] - box[0] - 2 * stroke
    lines = balanced_wrap(text_units, width, functools.partial(_advance, face, size))
    if lines is None or len(lines) > style.max_lines:
        return None
    if len(lines) > 1 and len(lines[-1].strip(_TRAILING)) <= 1:
        return None  # 土鸡/蛋: even balanced, one character would sit alone; a smaller size keeps it on one line
    return _place(lines, font, stroke, box, style)


def _fit(text: str, face, box, style) -> tuple[int, list[PlacedLine]] | None:
    text_units = units(text)
    low, high = style.min_size, style.max_size
    found = None
    while low <= high:
        mid = (low + high) // 2
        placed = _try_size(text_units, face, mid, box, style)
        if placed is not None:
            found, low = (mid, placed), mid + 1
        else:
            high = mid - 1
    return found


def _shortenings(text: str) -> tuple[list[str], list[str]]:
    """Shorter versions of ``text``, longest first: cut at clause ends, and cut anywhere."""
    cuts = [i + 1 for i, ch in enumerate(text) if ch in SENTENCE_ENDS + "，,、" and i + 1 < len(text)]
    at_clauses = [text[:cut].rstrip("，,、；;") + ELLIPSIS for cut in reversed(cuts)]
    anywhere = []
    for cut in range(len(text) - 1, 0, -1):
        head = text[:cut].rstrip("，,、；;。 ")
        if head:
            anywhere.append(head + ELLIPSIS)
    return at_clauses, anywhere


def _longest_that_fits(candidates: list[str], face, box, style) -> tuple[str, tuple] | None:
    """Binary search: candidates run longest to shortest, and a shorter prefix fits whenever a longer one does."""
    best = None
    low, high = 0, len(candidates) - 1
    while low <= high:
        mid = (low + high) // 2
        fitted = _fit(candidates[mid], face, box, style)
        if fitted is not None:
            best, high = (candidates[mid], fitted), mid - 1
        else:
            low = mid + 1
    return best


def layout_text(text: str, box: tuple[int, int, int, int], style: TextStyle) -> TextLayout:
    """Fit ``text`` into ``box``: the largest size that fits, shortened only as a last resort."""
    face = face_for(style.weight)
    cleaned, omitted = drawable_text(text, face)
    layout = TextLayout(box=box, size=style.min_size, face=face, omitted=omitted)
    if not cleaned:
        return layout
    found = _fit(cleaned, face, box, style)
    if found is None:
        layout.truncated = True
        at_min = replace(style, max_size=style.min_size)
        at_clauses, anywhere = _shortenings(cleaned)
        by_clause = _longest_that_fits(at_clauses, face, box, at_min)
        by_char = _longest_that_fits(anywhere, face, box, at_min)
        # A cut at a clause end reads better; take it unless it throws away much more text.
        if by_clause and (not by_char or len(by_clause[0]) >= 0.6 * len(by_char[0])):
            found = by_clause[1]
        elif by_char:
            found = by_char[1]
    if found is not None:
        layout.size, layout.lines = found
    return layout


def draw_layout(draw: ImageDraw.ImageDraw, layout: TextLayout, color) -> None:
    font = load_font(layout.face, layout.size)
    stroke = layout.stroke
    for line in layout.lines:
        draw.text(line.origin, line.text, font=font, fill=color, anchor="ls",
                  stroke_width=stroke, stroke_fill=color if stroke else None)
