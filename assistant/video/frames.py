"""The pictures of the video, one frame at a time, never the whole video in memory.

Timeline: her first photo with the title over it, then each photo in turn with a slow
zoom and pan around its focal point (Ken Burns), short cross-fades between them, and an
end card of at least 3 s with her price, contact and QR code. Subtitles are laid over
the photos, inside the apps' safe area.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from assistant.contracts import Cue
from assistant.imaging.photo import cover_fit, focal_point
from assistant.imaging.typesetting import TextStyle, draw_layout, layout_text
from assistant.video.subtitles import SafeArea, overlay

ZOOM = 1.10  # how far a photo zooms over its time on screen: slow enough to feel calm
FADE_S = 0.4


@dataclass(frozen=True)
class Timeline:
    total_s: float
    title_s: float
    end_s: float
    photo_spans: list[tuple[float, float]]  # (start, end) of each photo, the title photo first

    @classmethod
    def plan(cls, total_s: float, photos: int, title_s: float = 2.0, end_s: float = 3.0) -> "Timeline":
        body_end = total_s - end_s
        each = body_end / max(1, photos)
        spans = [(i * each, (i + 1) * each) for i in range(photos)]
        return cls(total_s, min(title_s, each), end_s, spans)


class _Moving:
    """One photo, zooming in (or out) around its focal point over its span."""

    def __init__(self, photo: Image.Image, size: tuple[int, int], inward: bool):
        self.size = size
        focus = focal_point(photo)
        big = (round(size[0] * ZOOM), round(size[1] * ZOOM))
        self.base = cover_fit(photo.convert("RGB"), big, focus)
        self.focus = focus
        self.inward = inward

    def at(self, progress: float) -> Image.Image:
        w, h = self.size
        bw, bh = self.base.size
        # Ease in and out, so the motion starts and ends gently.
        eased = 0.5 - 0.5 * np.cos(np.pi * min(max(progress, 0.0), 1.0))
        zoom = 1.0 + (ZOOM - 1.0) * (eased if self.inward else 1 - eased)
        cw, ch = bw / zoom, bh / zoom
        fx, fy = self.focus
        left = min(max(fx * bw - cw / 2, 0), bw - cw)
        top = min(max(fy * bh - ch / 2, 0), bh - ch)
        return self.base.resize((w, h), Image.BILINEAR, box=(left, top, left + cw, top + ch))


def title_band(size: tuple[int, int], title: str, price: str, colours: tuple[str, str]) -> Image.Image:
    """The title over the first photo, in the template's colours: a band near the top."""
    width, height = size
    layer = Image.new("RGBA", size, (0, 0, 0, 0))
    background, ink = colours
    top, bottom = round(height * 0.10), round(height * (0.30 if height > width else 0.34))
    band = Image.new("RGBA", (width, bottom - top), _rgba(background, 215))
    layer.alpha_composite(band, (0, top))
    title_box = (
        round(width * 0.08),
        top + round((bottom - top) * 0.08),
        round(width * 0.92),
        top + round((bottom - top) * (0.68 if price else 0.92)),
    )
    style = TextStyle(
        min_size=width // 18,
        max_size=width // 8,
        weight="bold",
        align="center",
        valign="middle",
        max_lines=2,
        line_spacing=1.15,
    )
    draw_layout(layer, layout_text(title, title_box, style), _rgba(ink))
    if price:
        price_box = (title_box[0], title_box[3], title_box[2], bottom - round((bottom - top) * 0.06))
        price_style = TextStyle(
            min_size=width // 28, max_size=width // 14, weight="bold", align="center", valign="middle", max_lines=1
        )
        draw_layout(layer, layout_text(price, price_box, price_style), _rgba(ink))
    return layer


def _rgba(hex_colour: str, alpha: int = 255) -> tuple[int, int, int, int]:
    value = hex_colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16), alpha


class FrameMaker:
    """Draws the frame at any time ``t``; frames are made as they are asked for."""

    def __init__(
        self,
        photos: list[Image.Image],
        end_card: Image.Image,
        title: Image.Image,
        cues: list[Cue],
        size: tuple[int, int],
        total_s: float,
        safe: SafeArea,
    ):
        self.size = size
        self.timeline = Timeline.plan(total_s, len(photos))
        self.moving = [_Moving(p, size, inward=i % 2 == 0) for i, p in enumerate(photos)]
        self.end_card = cover_fit(end_card.convert("RGB"), size, (0.5, 0.5))
        self.title = title
        self.cues = cues
        self.safe = safe
        self._overlays: dict[int, tuple[Image.Image, tuple[int, int, int, int]]] = {}

    def _photo_frame(self, index: int, t: float) -> Image.Image:
        start, end = self.timeline.photo_spans[index]
        # Move a little beyond the span, so the cross-fade blends two moving pictures.
        return self.moving[index].at((t - start + FADE_S) / (end - start + 2 * FADE_S))

    def _cue(self, t: float) -> int | None:
        for i, cue in enumerate(self.cues):
            if cue.start <= t < cue.end:
                return i
        return None

    def subtitle(self, index: int) -> tuple[Image.Image, tuple[int, int, int, int]]:
        if index not in self._overlays:
            layer, box = overlay(self.cues[index].text, self.size, self.safe)
            self._overlays[index] = (layer.crop(box), box)
        return self._overlays[index]

    def frame(self, t: float) -> Image.Image:
        timeline = self.timeline
        end_start = timeline.total_s - timeline.end_s
        if t >= end_start + FADE_S / 2:
            return self._with_subtitle(self.end_card, t)  # her last words (price, contact) are subtitled too
        index = next((i for i, (a, b) in enumerate(timeline.photo_spans) if t < b), len(self.moving) - 1)
        picture = self._photo_frame(index, t)
        start, end = timeline.photo_spans[index]
        if index + 1 < len(self.moving) and t > end - FADE_S / 2:
            mix = (t - (end - FADE_S / 2)) / FADE_S
            picture = Image.blend(picture, self._photo_frame(index + 1, t), min(mix, 1.0))
        elif index == len(self.moving) - 1 and t > end_start - FADE_S / 2:
            mix = (t - (end_start - FADE_S / 2)) / FADE_S
            picture = Image.blend(picture, self.end_card, min(mix, 1.0))
        if t < timeline.title_s:
            picture = picture.convert("RGBA")
            fade = min(1.0, (timeline.title_s - t) / FADE_S)  # the title leaves gently
            title = self.title if fade >= 1 else Image.blend(Image.new("RGBA", self.size), self.title, fade)
            picture.alpha_composite(title)
            picture = picture.convert("RGB")
        return self._with_subtitle(picture, t)

    def _with_subtitle(self, picture: Image.Image, t: float) -> Image.Image:
        cue = self._cue(t)
        if cue is None:
            return picture
        layer, box = self.subtitle(cue)
        region = picture.crop(box).convert("RGBA")
        region.alpha_composite(layer)
        picture = picture.copy()
        picture.paste(region.convert("RGB"), box[:2])
        return picture

    def frames(self, fps: int, ahead: int = 6, workers: int = 2):
        """Every frame in order, as RGB arrays. A few are drawn ahead on worker threads:
        Pillow lets go of the GIL while it resizes, so on 2 cores drawing and encoding
        overlap; never more than ``ahead`` frames are held."""
        from collections import deque
        from concurrent.futures import ThreadPoolExecutor

        count = round(self.timeline.total_s * fps)
        with ThreadPoolExecutor(workers, thread_name_prefix="frames") as pool:
            pending: deque = deque()
            for n in range(count):
                pending.append(pool.submit(lambda n=n: np.asarray(self.frame(n / fps))))
                if len(pending) >= ahead:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
