"""Posters: draw a :class:`Copy` and a :class:`Brief` onto a template at one canvas size.

Templates are data (``templates.py`` reads them); text is set by ``typesetting.py``,
so it is broken with 禁则, fitted to its box and never drawn outside it; decorations
come from ``decor.py`` and the photo from ``photo.py``. The renderer returns the image
together with every text layout, so tests can check the glyph boxes.

Paint order: background, back decorations, the non-text slots in template order
(photo, shapes, badges, QR), front decorations, then every text. Text is never covered.
"""

from __future__ import annotations

import functools
import re
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from assistant.contracts import Brief, Copy
from assistant.errors import UserError
from assistant.imaging.photo import (
    contain_fit,
    contrast,
    cover_fit,
    darker,
    hex_of,
    open_photo,
    photo_primary,
)
from assistant.imaging.qrcode import code_kind, draw_code
from assistant.imaging.typesetting import TextLayout, TextStyle, draw_layout, layout_text
from assistant.language.facts import contact_kind, contact_label
from assistant.poster.decor import draw_decoration, rgba
from assistant.poster.templates import PosterSize, Slot, Template


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return rgba(hex_colour)[:3]


def _mix(a: str, b: str, t: float) -> tuple[int, int, int]:
    ca, cb = _rgb(a), _rgb(b)
    return tuple(round(x + (y - x) * t) for x, y in zip(ca, cb))


def gradient(size: tuple[int, int], colors: list[str], direction: str = "vertical") -> Image.Image:
    """A gradient through ``colors`` (#rrggbb or #rrggbbaa): RGB when every stop is opaque, else RGBA.

    Vertical and horizontal ones are one row or column stretched with NEAREST (exact and
    fast); a diagonal one is drawn small and scaled up smoothly.
    """
    stops = np.array([rgba(c) for c in colors], dtype=np.float32)
    mode = "RGB" if (stops[:, 3] == 255).all() else "RGBA"
    stops = stops[:, : len(mode)]

    def ramp(count: int) -> np.ndarray:
        """``count`` colours evenly through the stops, as uint8 rows."""
        t = np.linspace(0, len(stops) - 1, count)
        k = np.minimum(t.astype(int), len(stops) - 2)
        f = (t - k)[:, None]
        return np.round(stops[k] + (stops[k + 1] - stops[k]) * f).astype(np.uint8)

    width, height = size
    if direction == "diagonal":
        colours = ramp(127)
        ys, xs = np.mgrid[0:64, 0:64]
        return Image.fromarray(colours[xs + ys]).resize(size, Image.BILINEAR)
    if direction == "horizontal":
        line = Image.fromarray(ramp(width)[None, :, :])
    else:
        line = Image.fromarray(ramp(height)[:, None, :])
    return line.resize(size, Image.NEAREST)


def _shape_mask(size: tuple[int, int], shape: str, radius: int, alpha: int = 255) -> Image.Image:
    mask = Image.new("L", size, 0)
    draw = ImageDraw.Draw(mask)
    radius = min(radius, min(size) // 2)
    if shape == "circle":
        draw.ellipse((0, 0, size[0] - 1, size[1] - 1), fill=alpha)
    else:
        draw.rounded_rectangle((0, 0, size[0] - 1, size[1] - 1), radius=radius, fill=alpha)
    return mask


def _squared(box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """The largest square centred in ``box``: circles and QR codes stay round and square at any aspect."""
    x0, y0, x1, y1 = box
    side = min(x1 - x0, y1 - y0)
    left, top = x0 + (x1 - x0 - side) // 2, y0 + (y1 - y0 - side) // 2
    return left, top, left + side, top + side


@functools.lru_cache(maxsize=8)
def _asset(path: Path) -> Image.Image:
    with Image.open(path) as image:
        return image.convert("RGB")


def _stamp(path) -> tuple[int, int]:
    stat = Path(path).stat()
    return stat.st_mtime_ns, stat.st_size


@functools.lru_cache(maxsize=4)
def _logo(path: str, mtime_ns: int, size: int) -> Image.Image:
    """Her logo, decoded once for all the posters and previews of a request (and the next):
    keyed by the file's time and size, so a new logo under the same name is read again.
    Callers only read it (``cover_fit`` makes a new image)."""
    return open_photo(path)


def contact_line(contact: str) -> str:
    """The contact as printed: "微信号：xingzi_88", "电话：138…", "网址：…"."""
    return f"{contact_label(contact)}：{contact}"


def scan_hint(brief: Brief) -> str:
    """The line beside the code: what scanning it does (her code's kind says), or, with no
    code, how to reach her."""
    if brief.scan_code:
        return code_kind(brief.scan_code).scan_hint
    if not brief.contact:
        return ""
    return {"phone": "打电话，下单更方便", "url": "上网店，下单更方便", "wechat": "加微信，下单更方便"}[
        contact_kind(brief.contact)
    ]


def readable_on(hex_colour: str, text: tuple[int, int, int]) -> str:
    """Her brand colour, darkened (or lightened) just enough that ``text`` on it stays readable (4.5:1)."""
    colour = hex_colour
    for _ in range(12):
        if contrast(_rgb(colour), text) >= 4.5:
            return colour
        colour = darker(colour, 0.85) if sum(text) > 382 else hex_of(_mix(colour, "#FFFFFF", 0.2))
    return colour


def price_display(price: str) -> str:
    """ "15元/斤" → "¥15/斤": the yuan sign reads as a price at a glance."""
    m = re.fullmatch(r"(\d+(?:\.\d+)?)元(/[^起]+)?(起)?", price.strip())
    return f"¥{m.group(1)}{m.group(2) or ''}{m.group(3) or ''}" if m else price


@dataclass
class Poster:
    template: Template
    size: PosterSize
    image: Image.Image
    layouts: list[tuple[Slot, TextLayout]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)  # seconds: photo, text, total

    @property
    def warnings(self) -> list[str]:
        out = list(self.notes)
        for slot, layout in self.layouts:
            if layout.truncated:
                out.append(f"{slot.role}: 文字太长，已缩短")
            if layout.omitted:
                out.append(f"{slot.role}: 无法显示的字符已省略：{layout.omitted}")
        return out


def _no_photo_panel(colours: dict, size: tuple[int, int], product: str) -> Image.Image:
    """A deliberate panel when there is no photo: theme gradient and the product name as a big seal."""
    primary = colours.get("primary", "#C2410C")
    panel = gradient(size, [primary, colours.get("primary_dark", primary)])
    short = min(size)
    draw_decoration(panel, "rings", (0, 0, *size), "top-right", short * 0.9, _mix(primary, "#FFFFFF", 0.14) + (255,))
    inner = (int(size[0] * 0.12), int(size[1] * 0.2), int(size[0] * 0.88), int(size[1] * 0.8))
    layout = layout_text(
        product[:4] or "好物",
        inner,
        TextStyle(
            min_size=max(12, short // 12),
            max_size=max(12, short // 3),
            weight="bold",
            align="center",
            valign="middle",
            max_lines=2,
            line_spacing=1.15,
        ),
    )
    draw_layout(panel, layout, _mix(primary, "#FFFFFF", 0.85))
    return panel


class Renderer:
    """Draws a :class:`Copy` and a :class:`Brief` onto a :class:`Template` at one of its sizes."""

    def render(
        self,
        template: Template,
        copy: Copy,
        brief: Brief,
        photo: Image.Image | None = None,
        size: str | PosterSize | None = None,
    ) -> Poster:
        started = time.perf_counter()
        if photo is None and brief.photo:
            photo = open_photo(brief.photo)
        size = template.size(size or template.sizes[0]) if not isinstance(size, PosterSize) else size
        colours = dict(template.theme)
        if brief.colour:  # her brand colour, kept readable under the template's text colour
            primary = readable_on(brief.colour, _rgb(colours["on_primary"]))
            colours.update(primary=primary, primary_dark=darker(primary))
        elif template.follow_photo and photo is not None:
            primary = photo_primary(photo, on=_rgb(colours["on_primary"]))
            if primary:
                colours.update(primary=primary, primary_dark=darker(primary))
        canvas = self._background(template, size, colours)
        poster = Poster(template, size, canvas)
        price = brief.price_shown
        code = brief.scan_code
        present = {
            "contact": bool(brief.contact or code),
            "qr": bool(code),
            "photo": photo is not None,
            "price": bool(price),
            "shop": bool(brief.shop),
            "logo": bool(brief.logo),
        }
        slots = [s for s in template.slots_for(size) if self._wanted(s, present)]

        self._decorate(canvas, template, size, colours, "back")
        photo_s = 0.0
        tags: dict[Slot, TextLayout] = {}  # shop tags are painted with the shapes, their text with the text
        for slot in slots:
            if slot.role == "photo":
                t0 = time.perf_counter()
                self._photo(canvas, slot, colours, photo, copy.facts.get("product") or copy.title)
                photo_s += time.perf_counter() - t0
            elif slot.role == "shape":
                self._fill(canvas, slot.box, slot, colours)
            elif slot.role == "price" and price and slot.shape != "none":
                self._fill(canvas, _squared(slot.box) if slot.shape == "circle" else slot.box, slot, colours)
            elif slot.role == "qr" and code:
                self._qr(canvas, slot, colours, code)
            elif slot.role == "shop":
                tags[slot] = self._shop_tag(canvas, slot, colours, brief)
        self._decorate(canvas, template, size, colours, "front")

        t0 = time.perf_counter()
        draw = ImageDraw.Draw(canvas)
        for slot in slots:
            if slot.role == "selling_points":
                self._points(poster, draw, colours, slot, copy.selling_points)
            elif slot.role == "shop" and slot in tags:
                draw_layout(poster.image, tags[slot], colours.get(slot.color, slot.color))
                poster.layouts.append((slot, tags[slot]))
            elif slot.role == "price":
                if price:
                    self._text(poster, draw, colours, slot, price_display(price), self._price_box(slot))
            elif slot.role in ("title", "slogan", "contact", "text"):
                text = {
                    "title": copy.title,
                    "slogan": copy.slogan,
                    "contact": contact_line(brief.contact) if brief.contact else brief.shop,
                    "text": slot.text.replace("{scan_hint}", scan_hint(brief))
                    .replace("{shop}", brief.shop)
                    .replace("{hashtags}", "  ".join(f"#{t}" for t in copy.hashtags[:3]))
                    .replace("{product}", copy.facts.get("product", "")),
                }[slot.role]
                if text.strip():
                    self._text(poster, draw, colours, slot, text, slot.box)
        poster.timings = {
            "photo_s": photo_s,
            "text_s": time.perf_counter() - t0,
            "total_s": time.perf_counter() - started,
        }
        return poster

    @staticmethod
    def _wanted(slot: Slot, present: dict[str, bool]) -> bool:
        if not slot.optional_on:
            return True
        return all(present[part.lstrip("!")] != part.startswith("!") for part in slot.optional_on.split("&"))

    # ------------------------------------------------------------------ painting

    @staticmethod
    def _background(template: Template, size: PosterSize, colours: dict) -> Image.Image:
        bg = template.background
        if bg["type"] == "solid":
            return Image.new("RGB", size.pixels, _rgb(colours.get(bg["color"], bg["color"])))
        if bg["type"] == "gradient":
            stops = [colours.get(c, c) for c in bg["colors"]]
            return gradient(size.pixels, stops, bg.get("direction", "vertical")).convert("RGB")  # no-op when opaque
        canvas = cover_fit(_asset(template.folder / bg["asset"]), size.pixels)
        if "tint" in bg:
            tint = rgba(colours.get(bg["tint"], bg["tint"]))
            canvas.paste(tint[:3], (0, 0, *size.pixels), Image.new("L", size.pixels, tint[3]))
        return canvas

    @staticmethod
    def _decorate(canvas, template: Template, size: PosterSize, colours: dict, layer: str) -> None:
        short = min(size.pixels)
        for d in template.decorations:
            if d.layer == layer:
                draw_decoration(
                    canvas,
                    d.kind,
                    template.region(d.region, size),
                    d.corner,
                    d.size * short / 1000,
                    rgba(colours.get(d.color, d.color), d.opacity),
                    colours,
                )

    @staticmethod
    def _fill(canvas, box, slot: Slot, colours: dict) -> None:
        x0, y0, x1, y1 = box
        dims = (x1 - x0, y1 - y0)
        if slot.gradient:
            layer = gradient(dims, [colours.get(c, c) for c in slot.gradient], slot.direction).convert("RGBA")
            mask = layer.getchannel("A")
            if slot.radius or slot.shape == "circle":
                mask = Image.composite(mask, Image.new("L", dims, 0), _shape_mask(dims, slot.shape, slot.radius))
            canvas.paste(layer.convert("RGB"), (x0, y0), mask)
            return
        colour = rgba(colours.get(slot.fill or "primary", slot.fill or "primary"))
        canvas.paste(colour[:3], (x0, y0, x1, y1), _shape_mask(dims, slot.shape, slot.radius, colour[3]))

    @staticmethod
    def _photo(canvas, slot: Slot, colours: dict, photo, product: str) -> None:
        box = _squared(slot.box) if slot.shape == "circle" else slot.box
        x0, y0, x1, y1 = box
        if slot.border:
            frame = rgba(colours.get(slot.border_color, slot.border_color))
            canvas.paste(frame[:3], box, _shape_mask((x1 - x0, y1 - y0), slot.shape, slot.radius, frame[3]))
            x0, y0, x1, y1 = x0 + slot.border, y0 + slot.border, x1 - slot.border, y1 - slot.border
        dims = (x1 - x0, y1 - y0)
        if photo is None:
            panel = _no_photo_panel(colours, dims, product)
        elif slot.fit == "contain":
            panel = contain_fit(photo, dims, _rgb(colours.get(slot.fill or "card", slot.fill or "card")))
        else:
            panel = cover_fit(photo, dims, slot.focus)
        radius = max(0, slot.radius - slot.border)
        mask = _shape_mask(dims, slot.shape, radius) if (radius or slot.shape == "circle") else None
        canvas.paste(panel, (x0, y0), mask)

    @staticmethod
    def _qr(canvas, slot: Slot, colours: dict, payload: str) -> None:
        x0, y0, x1, y1 = _squared(slot.box)
        side = x1 - x0
        if slot.card:
            card = rgba(colours.get(slot.card, slot.card))
            canvas.paste(card[:3], (x0, y0, x1, y1), _shape_mask((side, side), "rect", round(side * 0.08), card[3]))
            pad = round(side * 0.05)
            x0, y0, side = x0 + pad, y0 + pad, side - 2 * pad
        canvas.paste(draw_code(payload, side), (x0, y0))

    @staticmethod
    def _shop_tag(canvas, slot: Slot, colours: dict, brief: Brief) -> TextLayout:
        """A rounded tag as long as her shop name, her logo in a circle at its start; returns the
        name's layout, drawn with the other text."""
        x0, y0, x1, y1 = slot.box
        height = y1 - y0
        pad = round(height * 0.3)
        logo = None
        if brief.logo:
            try:
                logo = _logo(str(brief.logo), *_stamp(brief.logo))
            except (UserError, OSError):
                logo = None  # 我的店 checks the logo when she adds it; a damaged file costs only the logo
        side = height - 2 * round(height * 0.1)
        text_left = x0 + (round(height * 0.1) + side + pad // 2 if logo is not None else pad)
        inset = round(height * 0.1)
        layout = layout_text(brief.shop, (text_left, y0 + inset, x1 - pad, y1 - inset), slot.style)
        right = max((line.ink[2] for line in layout.lines), default=text_left) + pad
        tag = (x0, y0, min(x1, right), y1)
        colour = rgba(colours.get(slot.card or "card", slot.card or "card"))
        dims = (tag[2] - tag[0], height)
        canvas.paste(colour[:3], tag, _shape_mask(dims, "rect", height // 2, colour[3]))
        if logo is not None:
            at = (x0 + round(height * 0.1), y0 + round(height * 0.1))
            canvas.paste(cover_fit(logo, (side, side)), at, _shape_mask((side, side), "circle", 0))
        return layout

    @staticmethod
    def _price_box(slot: Slot) -> tuple[int, int, int, int]:
        """Where the price text goes inside its badge: clear of a circle's curve or a pill's ends."""
        if slot.shape == "none":
            return slot.box
        box = _squared(slot.box) if slot.shape == "circle" else slot.box
        x0, y0, x1, y1 = box
        w, h = x1 - x0, y1 - y0
        inset_x, inset_y = (0.17, 0.17) if slot.shape == "circle" else (min(0.2, slot.radius / max(w, 1) * 0.6), 0.06)
        return round(x0 + w * inset_x), round(y0 + h * inset_y), round(x1 - w * inset_x), round(y1 - h * inset_y)

    @staticmethod
    def _text(poster, draw, colours, slot, text, box):
        style = slot.style
        layout = layout_text(text, box, style)
        draw_layout(poster.image, layout, colours.get(slot.color, slot.color))
        poster.layouts.append((slot, layout))

    def _points(self, poster, draw, colours, slot, points):
        points = [p for p in points if p.strip()]
        if not points:
            return
        x0, y0, x1, y1 = slot.box
        # Each row must hold at least the smallest font size; drop what cannot fit, and say so.
        rows_that_fit = max(1, int((y1 - y0) // (slot.style.min_size * 1.45)))
        if len(points) > rows_that_fit:
            poster.notes.append(f"selling_points: 卖点太多，只放了前 {rows_that_fit} 个")
            points = points[:rows_that_fit]
        row = (y1 - y0) / len(points)
        entries = []
        for i, point in enumerate(points):
            top = y0 + row * i
            dot = min(row * 0.3, slot.style.max_size * 0.45)
            text_box = (round(x0 + dot * 2.2), round(top), x1, round(top + row))
            entries.append((point, text_box, top, layout_text(point, text_box, slot.style)))
        # One size for all points, so the list reads as a list.
        common = min(entry[-1].size for entry in entries)
        bullet = colours.get(slot.bullet or "primary", slot.bullet or "primary")
        for point, text_box, top, layout in entries:
            if layout.size != common:
                layout = layout_text(point, text_box, replace(slot.style, max_size=common))
            dot = min(row * 0.3, common * 0.45)
            cy = top + row / 2
            draw.ellipse((x0, cy - dot / 2, x0 + dot, cy + dot / 2), fill=bullet)
            draw_layout(poster.image, layout, colours.get(slot.color, slot.color))
            poster.layouts.append((slot, layout))
