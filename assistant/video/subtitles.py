"""Subtitles: an .srt file, and the same lines burned into the picture where apps leave room.

抖音 and 快手 draw their buttons over the right ~15% of the picture and the caption over the
bottom ~20%, so a subtitle is set inside the safe area above that caption band, at most
two lines, broken with the same 禁则 rules as the posters, on a dark box that reads on
any photo.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from PIL import Image, ImageDraw

from assistant.contracts import Cue
from assistant.imaging.typesetting import TextStyle, draw_layout, layout_text
from assistant.language.text import EMOJI


@dataclass(frozen=True)
class SafeArea:
    """Fractions of the frame a subtitle must stay inside (the apps' buttons and caption are outside)."""

    left: float = 0.06
    right: float = 0.85  # the right ~15% holds the like / comment / share buttons
    top: float = 0.55
    bottom: float = 0.80  # the bottom ~20% holds the caption and music line

    def box(self, width: int, height: int) -> tuple[int, int, int, int]:
        return (
            round(width * self.left),
            round(height * self.top),
            round(width * self.right),
            round(height * self.bottom),
        )


SQUARE_SAFE_AREA = SafeArea(left=0.06, right=0.94, top=0.62, bottom=0.92)  # 朋友圈 draws nothing over it


def srt_time(seconds: float) -> str:
    ms = max(0, round(seconds * 1000))
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"


def to_srt(cues: list[Cue]) -> str:
    blocks = [f"{i}\n{srt_time(c.start)} --> {srt_time(c.end)}\n{c.text}\n" for i, c in enumerate(cues, 1)]
    return "\n".join(blocks)


def subtitle_text(text: str) -> str:
    """What a subtitle shows: her words without emoji, tags or a trailing full stop."""
    text = EMOJI.sub("", re.sub(r"#\S+", "", text))
    return re.sub(r"\s+", " ", text).strip().rstrip("。.")


def split_long(cues: list[Cue], max_chars: int = 28) -> list[Cue]:
    """A cue too long for two lines becomes several, at commas, its time shared by length."""
    out = []
    for cue in cues:
        text = subtitle_text(cue.text)
        if not text:
            continue
        parts = [p for p in re.split(r"(?<=[，,；;：:！!？?。])", text) if p.strip()] or [text]
        pieces, current = [], ""
        for part in parts:
            if current and len(current) + len(part) > max_chars:
                pieces.append(current)
                current = ""
            current += part
        pieces.append(current)
        pieces = [p[i : i + max_chars] for p in pieces for i in range(0, len(p), max_chars)]
        total = sum(len(p) for p in pieces) or 1
        start = cue.start
        for piece in pieces:
            end = start + (cue.end - cue.start) * len(piece) / total
            out.append(Cue(round(start, 3), round(end, 3), piece.strip("，, ")))
            start = end
    return out


def reading_cues(texts: list[str], start: float, chars_per_second: float = 4.0, gap: float = 0.3) -> list[Cue]:
    """Cues at reading speed, for a video with no voice."""
    cues, t = [], start
    for text in texts:
        text = subtitle_text(text)
        if text:
            length = max(1.5, len(text) / chars_per_second)
            cues.append(Cue(round(t, 3), round(t + length, 3), text))
            t += length + gap
    return cues


def overlay(text: str, size: tuple[int, int], safe: SafeArea) -> tuple[Image.Image, tuple[int, int, int, int]]:
    """The subtitle drawn on a transparent layer, and the box it covers (inside ``safe``)."""
    width, height = size
    x0, y0, x1, y1 = safe.box(width, height)
    style = TextStyle(
        min_size=max(28, width // 28),
        max_size=max(40, width // 15),
        weight="bold",
        align="center",
        valign="bottom",
        max_lines=2,
        line_spacing=1.25,
    )
    pad = max(10, width // 70)
    layout = layout_text(text, (x0 + pad, y0 + pad, x1 - pad, y1 - pad), style)
    layer = Image.new("RGBA", size, (0, 0, 0, 0))
    if not layout.lines:
        return layer, (x0, y1, x0, y1)
    left = min(line.ink[0] for line in layout.lines) - pad
    top = min(line.ink[1] for line in layout.lines) - pad
    right = max(line.ink[2] for line in layout.lines) + pad
    bottom = max(line.ink[3] for line in layout.lines) + pad
    box = (max(x0, left), max(y0, top), min(x1, right), min(y1, bottom))
    ImageDraw.Draw(layer).rounded_rectangle(box, radius=pad, fill=(0, 0, 0, 150))
    draw_layout(layer, layout, (255, 255, 255, 255))
    return layer, box


def align_cues(segments: list[tuple[float, float, str]], corrected: str) -> list[Cue]:
    """Her corrected words timed by the recogniser's segments: each segment's span of the
    recognised text is mapped onto the corrected text, so a fixed 错字 keeps its time."""
    import difflib

    heard = "".join(text for _, _, text in segments)
    if not segments or not corrected.strip():
        return []
    if heard == corrected:
        return [Cue(start, end, text) for start, end, text in segments]
    matcher = difflib.SequenceMatcher(None, heard, corrected, autojunk=False)
    position_map = {}
    for a, b, size in matcher.get_matching_blocks():
        for k in range(size + 1):
            position_map[a + k] = b + k

    def corrected_at(index: int) -> int:
        # The nearest matched position at or before ``index`` in the heard text.
        while index > 0 and index not in position_map:
            index -= 1
        return position_map.get(index, 0)

    cues, start_char = [], 0
    for i, (start, end, text) in enumerate(segments):
        start_char += len(text)
        cut = len(corrected) if i == len(segments) - 1 else corrected_at(start_char)
        previous = cues[-1][1] if cues else 0
        cues.append((start, cut, end, previous))
    return [
        Cue(start, end, corrected[previous:cut].strip())
        for start, cut, end, previous in cues
        if corrected[previous:cut].strip()
    ]
