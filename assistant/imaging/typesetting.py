"""Chinese typesetting for posters: fonts, line breaking with 禁则, fitting, balancing.

Rules, in order of priority:
1. Never draw outside the box: the fit is checked on real glyph ink boxes.
2. No closing punctuation at the start of a line, no opening one at the end (禁则).
3. Numbers, prices (¥15.8/斤) and Latin words stay unbroken; Chinese words too, where any
   size in the slot's range allows (湖里的/大闸蟹上市了, not 湖里的大闸/蟹上市了).
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

from PIL import Image, ImageDraw, ImageFont

from assistant.config import Settings
from assistant.errors import FontMissingError
from assistant.language.words import word_starts

# Noto Sans CJK collections: face 2 is Simplified Chinese (0 JP, 1 KR, 3 TC, 4 HK, 5-9 Mono).
SC_FACE_INDEX = 2
_DEBIAN_BOLD = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc")
# Per-character fallbacks after the user's own fonts: colour emoji, then symbols Noto CJK lacks
# (Debian's fonts-dejavu-core and fonts-noto-color-emoji; absent ones are skipped).
_SYSTEM_FALLBACKS = (Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),)
_COLOR_EMOJI = Path("/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf")
COLOR_EMOJI_SIZE = 109  # the one bitmap size in Noto Color Emoji
EMOJI_ADVANCE = 1.1  # an emoji is drawn one em square, with a little air after it
# Skin tones and other modifiers would draw as loose swatches next to their emoji; the base emoji is enough.
_EMOJI_MODIFIERS = set(chr(c) for c in range(0x1F3FB, 0x1F400))

# 禁则: may not begin a line / may not end a line.
NO_LINE_START = set("，。！？、；：）》」』】〕〉〗”’…—～·%‰,.!?;:)]}>°℃")
NO_LINE_END = set("（《「『【〔〈〖“‘([{<¥￥$#")
SENTENCE_ENDS = "。！？；!?;"
ELLIPSIS = "…"
_TRAILING = "".join(NO_LINE_START) + " "

_HAN_CHAR = re.compile(r"[\u4e00-\u9fff]")
# One unbreakable unit: a hashtag, a price or number with its unit, a Latin word, or one character.
_UNIT = re.compile(
    r"#[^\s#，。！？、,.!?]+"  # a hashtag is one word: "#农家好物", never "#农家/好物"
    r"|[¥￥$]?\d+(?:[.,:]\d+)*(?:%|元|块|角|斤|公斤|克|kg|g|ml|L)?(?:/(?:[\u4e00-\u9fff]|kg|g|ml|L))?"
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
    color: bool = False  # a colour bitmap font (emoji): drawn at its one size and scaled
    # Faces for characters this one lacks, tried in order. Part of the face's identity, so
    # every cache keyed on a face also knows which fallbacks it was measured with.
    fallbacks: tuple["FontFace", ...] = ()


@functools.lru_cache(maxsize=1)
def regular_face() -> FontFace:
    """The SC face of NotoSansCJK-Regular.ttc from the noto-cjk-sans-otc package."""
    try:
        dist = metadata.distribution("noto-cjk-sans-otc")
    except metadata.PackageNotFoundError:
        raise FontMissingError(
            "缺少中文字体包 noto-cjk-sans-otc，请运行 ./mulan.sh install。",
            "The font package noto-cjk-sans-otc is not installed; run ./mulan.sh install.",
        ) from None
    for file in dist.files or ():
        if file.name == "NotoSansCJK-Regular.ttc":
            return FontFace(Path(dist.locate_file(file)), SC_FACE_INDEX)
    raise FontMissingError(
        "中文字体包 noto-cjk-sans-otc 不完整，请运行 ./mulan.sh install。",
        "NotoSansCJK-Regular.ttc is missing from noto-cjk-sans-otc; run ./mulan.sh install.",
    )


@functools.lru_cache(maxsize=1)
def bold_face() -> FontFace:
    """Debian's real Bold when fonts-noto-cjk is installed, else Regular with a faux-bold stroke."""
    if _DEBIAN_BOLD.is_file():
        return FontFace(_DEBIAN_BOLD, SC_FACE_INDEX)
    return FontFace(regular_face().path, SC_FACE_INDEX, faux_bold=True)


def face_for(weight: str) -> FontFace:
    """The main face for ``weight``, with the fallbacks in force now (the user's font folder may change)."""
    base = bold_face() if weight == "bold" else regular_face()
    return replace(base, fallbacks=fallback_faces())


def user_font_dir() -> Path:
    """Where a user may add fonts (``Settings.fonts_dir``), read anew each time: she may add one while the app runs."""
    return Settings.from_env().fonts_dir


@functools.lru_cache(maxsize=4)
def _fallback_faces(folder: Path) -> tuple[FontFace, ...]:
    """Fonts tried, in order, for a character the main face lacks: the user's, then the system's."""
    faces = []
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if path.suffix.lower() in (".ttf", ".otf", ".ttc", ".otc") and path.is_file():
                try:
                    _codepoints(path, 0)
                except Exception:  # not a font after all: skip it rather than fail every poster
                    continue
                faces.append(FontFace(path, 0))
    if _COLOR_EMOJI.is_file():  # before DejaVu, whose few emoji are black and white
        faces.append(FontFace(_COLOR_EMOJI, 0, color=True))
    faces.extend(FontFace(path, 0) for path in _SYSTEM_FALLBACKS if path.is_file())
    return tuple(faces)


def fallback_faces() -> tuple[FontFace, ...]:
    return _fallback_faces(user_font_dir())


@functools.lru_cache(maxsize=8192)
def face_of(char: str, primary: FontFace) -> FontFace | None:
    """The face that draws ``char``: the main one if it can, else the first of its fallbacks that can."""
    if has_glyph(primary, char):
        return primary
    return next((face for face in primary.fallbacks if has_glyph(face, char)), None)


def load_font(face: FontFace, size: int) -> ImageFont.FreeTypeFont:
    # Noto Color Emoji holds bitmaps at one size only.
    return _load_font(face.path, face.index, COLOR_EMOJI_SIZE if face.color else size)


@functools.lru_cache(maxsize=256)
def _load_font(path: Path, index: int, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size, index=index)


@functools.lru_cache(maxsize=65536)
def _advance(face: FontFace, size: int, text: str) -> float:
    """The advance width of a run in one face, cached: fitting tries many sizes on the same units."""
    if face.color:
        return size * EMOJI_ADVANCE * len(text)
    return load_font(face, size).getlength(text)


def runs(text: str, primary: FontFace) -> list[tuple[str, FontFace]]:
    """``text`` cut into runs that one face draws, main face first (``drawable_text`` has
    already removed what no face can draw)."""
    out: list[tuple[str, FontFace]] = []
    for char in text:
        face = face_of(char, primary) or primary
        if out and out[-1][1] == face:
            out[-1] = (out[-1][0] + char, face)
        else:
            out.append((char, face))
    return out


@functools.lru_cache(maxsize=65536)
def measure(face: FontFace, size: int, text: str) -> float:
    """Advance width of ``text`` with per-character fallback."""
    return sum(_advance(f, size, part) for part, f in runs(text, face))


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
    """Split ``text`` into what some font can draw and the characters left out.

    Each character is drawn by the main face, else by the first fallback that has it (the
    user's fonts, DejaVu, colour emoji). One that no font has is left out cleanly instead
    of showing as a box; variation selectors, joiners and skin-tone modifiers go with it.
    """
    kept, dropped = [], []
    for char in unicodedata.normalize("NFC", text):
        if char in "\r\t\n":
            kept.append(" ")
        elif char in _EMOJI_MODIFIERS or (unicodedata.category(char) in ("Cf", "Mn") and not has_glyph(face, char)):
            continue  # ZWJ, variation selectors, skin tones: never drawn on their own
        elif face_of(char, face) is not None:
            kept.append(char)
        else:
            dropped.append(char)
    cleaned = re.sub(r"\s{2,}", " ", "".join(kept)).strip()
    return cleaned, "".join(dropped)


# --------------------------------------------------------------------------- breaking


def _han_words(text: str) -> list[str]:
    """``text`` as :data:`_UNIT` cuts it, with the characters of one Chinese word joined."""
    starts = word_starts(text)
    out: list[str] = []
    previous_han = False
    for m in _UNIT.finditer(text):
        han = _HAN_CHAR.fullmatch(m.group(0)) is not None
        if han and previous_han and m.start() not in starts:
            out[-1] += m.group(0)
        else:
            out.append(m.group(0))
        previous_han = han
    return out


def units(text: str, by_word: bool = True) -> list[str]:
    """Unbreakable units, with 禁则 punctuation glued to its neighbour. ``by_word`` keeps each
    Chinese word whole (湖里的/大闸蟹, not 大闸/蟹); without it, any two characters may part."""
    raw = _han_words(text) if by_word else _UNIT.findall(text)
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
    runs: list[tuple[str, FontFace, float]] = field(default_factory=list)  # (text, face, x from origin)


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


def _run_boxes(line: str, primary: FontFace, size: int, stroke: int):
    """Runs of one line with their x offsets, ink boxes relative to the origin, and the line's advance."""
    x = 0.0
    placed, boxes = [], []
    for part, face in runs(line, primary):
        if face.color:
            for i in range(len(part)):
                left = x + i * size * EMOJI_ADVANCE
                boxes.append((left, -size * 0.88, left + size, size * 0.12))
        else:
            s = stroke if face == primary else 0
            left, upper, right, lower = load_font(face, size).getbbox(part, anchor="ls", stroke_width=s)
            boxes.append((x + left, upper, x + right, lower))
        placed.append((part, face, x))
        x += _advance(face, size, part)
    ink = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
    return placed, ink, x


def _place(lines: list[str], face: FontFace, size: int, stroke: int, box, style: TextStyle) -> list[PlacedLine] | None:
    """Position lines in the box; ``None`` if their ink would leave it.

    The block is measured on nominal CJK metrics (0.88 em above the baseline, 0.12 em
    below), widened to the real ink where a glyph reaches further (a small bold 民, the
    descender of a p), so every title sits the same way and still never leaves its box.
    """
    x0, y0, x1, y1 = box
    pitch = size * style.line_spacing
    measured = [_run_boxes(line, face, size, stroke) for line in lines]
    block_top = min(-size * 0.88 - stroke, min(i * pitch + m[1][1] for i, m in enumerate(measured)))
    block_bottom = max(
        pitch * (len(lines) - 1) + size * 0.12 + stroke, max(i * pitch + m[1][3] for i, m in enumerate(measured))
    )
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
    for i, (line, (line_runs, (left, upper, right, lower), advance)) in enumerate(zip(lines, measured)):
        width = advance + 2 * stroke
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
        placed.append(PlacedLine(line, (x, baseline), ink, line_runs))
    return placed


def _try_size(text_units, face, size, box, style) -> list[PlacedLine] | None:
    stroke = stroke_for(face, size)
    width = box[2] - box[0] - 2 * stroke
    lines = balanced_wrap(text_units, width, functools.partial(measure, face, size))
    if lines is None or len(lines) > style.max_lines:
        return None
    if len(lines) > 1 and len(lines[-1].strip(_TRAILING)) <= 1:
        return None  # 土鸡/蛋: even balanced, one character would sit alone; a smaller size keeps it on one line
    return _place(lines, face, size, stroke, box, style)


def _fit(text: str, face, box, style) -> tuple[int, list[PlacedLine]] | None:
    """The largest size at which ``text`` fits, breaking between words where any size in the
    slot's range allows that, and between any two characters only where none does."""
    for by_word in (True, False):
        text_units = units(text, by_word)
        low, high = style.min_size, style.max_size
        found = None
        while low <= high:
            mid = (low + high) // 2
            placed = _try_size(text_units, face, mid, box, style)
            if placed is not None:
                found, low = (mid, placed), mid + 1
            else:
                high = mid - 1
        if found is not None:
            return found
    return None


def _shortenings(text: str) -> tuple[list[str], list[str]]:
    """Shorter versions of ``text``, longest first: cut at clause ends, and cut between words
    (野生山姜 包邮…, never 野生山姜满包邮免…)."""
    cuts = [i + 1 for i, ch in enumerate(text) if ch in SENTENCE_ENDS + "，,、" and i + 1 < len(text)]
    at_clauses = [text[:cut].rstrip("，,、；;") + ELLIPSIS for cut in reversed(cuts)]
    starts = word_starts(text)
    anywhere = []
    for cut in range(len(text) - 1, 0, -1):
        if cut not in starts:
            continue
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


def draw_layout(image: Image.Image, layout: TextLayout, color) -> None:
    """Draw every run in its face; colour emoji are drawn at their bitmap size and scaled to the text."""
    draw = ImageDraw.Draw(image)
    stroke = layout.stroke
    for line in layout.lines:
        x, baseline = line.origin
        for part, face, offset in line.runs or [(line.text, layout.face, 0.0)]:
            if face.color:
                for i, char in enumerate(part):
                    _paste_emoji(
                        image,
                        char,
                        round(x + offset + i * layout.size * EMOJI_ADVANCE),
                        round(baseline - layout.size * 0.88),
                        layout.size,
                    )
                continue
            s = stroke if face == layout.face else 0
            draw.text(
                (x + offset, baseline),
                part,
                font=load_font(face, layout.size),
                fill=color,
                anchor="ls",
                stroke_width=s,
                stroke_fill=color if s else None,
            )


@functools.lru_cache(maxsize=256)
def _emoji_bitmap(char: str, size: int) -> Image.Image:
    font = load_font(FontFace(_COLOR_EMOJI, 0, color=True), COLOR_EMOJI_SIZE)
    glyph = Image.new("RGBA", (COLOR_EMOJI_SIZE * 2, COLOR_EMOJI_SIZE * 2), (0, 0, 0, 0))
    ImageDraw.Draw(glyph).text((0, 0), char, font=font, embedded_color=True)
    drawn = glyph.crop(glyph.getbbox() or (0, 0, 1, 1))
    scale = size / max(drawn.size)
    return drawn.resize((max(1, round(drawn.width * scale)), max(1, round(drawn.height * scale))), Image.LANCZOS)


def _paste_emoji(image: Image.Image, char: str, left: int, top: int, size: int) -> None:
    bitmap = _emoji_bitmap(char, size)
    x, y = left + (size - bitmap.width) // 2, top + (size - bitmap.height) // 2
    if image.mode == "RGBA":
        image.alpha_composite(bitmap, (x, y))
    else:
        image.paste(bitmap.convert("RGB"), (x, y), bitmap.getchannel("A"))
