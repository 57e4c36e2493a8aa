"""Posters: templates are data (``templates/<id>/template.json``), this module draws them.

A template is a canvas size, a background, a colour theme and a list of slots. Each
slot has a role (photo, title, slogan, selling_points, price, qr, contact, shape, text)
and a box ``[x0, y0, x1, y1]`` in pixels. Text is set by ``typesetting.py``, so it is
broken with 禁则, fitted to its box and never drawn outside it. The renderer returns the
image together with every text layout, so tests can check the glyph boxes.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from PIL import Image, ImageDraw, ImageOps, UnidentifiedImageError

from .copywriting import Brief, Copy
from .errors import UserError
from .facts import contact_kind
from .typesetting import TextLayout, TextStyle, draw_layout, layout_text

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"

ROLES = {"photo", "title", "slogan", "selling_points", "price", "qr", "contact", "shape", "text"}
TEXT_ROLES = {"title", "slogan", "selling_points", "price", "contact", "text"}
MAX_PHOTO_PIXELS = 60_000_000  # a 50 MP phone photo is fine; larger is refused as a possible bomb
MAX_PHOTO_BYTES = 30 * 1024 * 1024
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


class TemplateError(ValueError):
    """A template file is malformed; the message names the file and the field."""


# --------------------------------------------------------------------------- schema


@dataclass(frozen=True)
class Slot:
    role: str
    box: tuple[int, int, int, int]
    style: TextStyle = TextStyle()
    color: str = "text"
    fill: str | None = None
    radius: int = 0
    shape: str = "rect"  # price badge / shape: rect, circle
    focus: tuple[float, float] = (0.5, 0.5)  # photo focal point, fractions of the photo
    text: str = ""  # literal text for role "text"; may use {scan_hint} and {hashtags}
    bullet: str | None = None  # selling_points: bullet colour
    # Draw only if this brief field is set ("contact", "photo", "price"), or only if it is not ("!contact").
    optional_on: str | None = None


@dataclass(frozen=True)
class Template:
    id: str
    name: str
    size: tuple[int, int]
    background: dict
    theme: dict[str, str]
    slots: tuple[Slot, ...]
    description: str = ""

    def color(self, name: str | None) -> str | None:
        if name is None:
            return None
        return self.theme.get(name, name)


def _fail(path: Path, where: str, message: str):
    raise TemplateError(f"{path}: {where}: {message}")


def _box(value, path, where, size) -> tuple[int, int, int, int]:
    if not (isinstance(value, list) and len(value) == 4 and all(isinstance(v, int) for v in value)):
        _fail(path, where, "box must be four integers [x0, y0, x1, y1]")
    x0, y0, x1, y1 = value
    if not (0 <= x0 < x1 <= size[0] and 0 <= y0 < y1 <= size[1]):
        _fail(path, where, f"box {value} is empty or outside the {size[0]}x{size[1]} canvas")
    return x0, y0, x1, y1


def load_template(path: Path) -> Template:
    """Read and validate one template.json; errors name the file and the field."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise TemplateError(f"{path}: cannot read JSON: {exc}") from None
    for key in ("id", "name", "size", "background", "theme", "slots"):
        if key not in data:
            _fail(path, key, "is required")
    size = data["size"]
    if not (isinstance(size, list) and len(size) == 2 and all(isinstance(v, int) and 100 <= v <= 10000 for v in size)):
        _fail(path, "size", "must be [width, height] in pixels")
    theme = data["theme"]
    for name, value in theme.items():
        if not (isinstance(value, str) and _HEX.match(value)):
            _fail(path, f"theme.{name}", f"{value!r} is not a #rrggbb colour")

    def colour(value, where):
        if value is None or value in theme or (isinstance(value, str) and _HEX.match(value)):
            return value
        _fail(path, where, f"{value!r} is neither a theme colour nor #rrggbb")

    background = data["background"]
    if background.get("type") not in ("solid", "gradient"):
        _fail(path, "background.type", "must be 'solid' or 'gradient'")
    for i, c in enumerate(background.get("colors", [])):
        colour(c, f"background.colors[{i}]")
    slots = []
    for i, raw in enumerate(data["slots"]):
        where = f"slots[{i}]"
        role = raw.get("role")
        if role not in ROLES:
            _fail(path, f"{where}.role", f"{role!r} is not one of {sorted(ROLES)}")
        box = _box(raw.get("box"), path, f"{where}.box", size)
        style = TextStyle()
        if role in TEXT_ROLES:
            sizes = raw.get("font_size")
            if not (isinstance(sizes, list) and len(sizes) == 2 and 8 <= sizes[0] <= sizes[1] <= 400):
                _fail(path, f"{where}.font_size", "must be [min, max] with 8 <= min <= max <= 400")
            if raw.get("weight", "regular") not in ("regular", "bold"):
                _fail(path, f"{where}.weight", "must be 'regular' or 'bold'")
            if raw.get("align", "left") not in ("left", "center", "right"):
                _fail(path, f"{where}.align", "must be left, center or right")
            style = TextStyle(min_size=sizes[0], max_size=sizes[1], weight=raw.get("weight", "regular"),
                              align=raw.get("align", "left"), valign=raw.get("valign", "middle"),
                              max_lines=int(raw.get("max_lines", 1)), line_spacing=float(raw.get("line_spacing", 1.3)))
        focus = raw.get("focus", [0.5, 0.5])
        slots.append(Slot(
            role=role, box=box, style=style, color=colour(raw.get("color", "text"), f"{where}.color"),
            fill=colour(raw.get("fill"), f"{where}.fill"), radius=int(raw.get("radius", 0)),
            shape=raw.get("shape", "rect"), focus=(float(focus[0]), float(focus[1])), text=raw.get("text", ""),
            bullet=colour(raw.get("bullet"), f"{where}.bullet"), optional_on=raw.get("optional_on"),
        ))
    return Template(id=data["id"], name=data["name"], size=(size[0], size[1]), background=background,
                    theme=theme, slots=tuple(slots), description=data.get("description", ""))


def list_templates(folder: Path = TEMPLATES_DIR) -> list[Template]:
    return [load_template(p) for p in sorted(folder.glob("*/template.json"))]


def get_template(template_id: str, folder: Path = TEMPLATES_DIR) -> Template:
    # Template ids come from the UI/CLI: accept only a known id, never a path.
    for template in list_templates(folder):
        if template.id == template_id:
            return template
    raise UserError(f"没有名为「{template_id}」的海报模板。", f"No poster template named {template_id!r}.")


# --------------------------------------------------------------------------- photo


def open_photo(path: str | Path) -> Image.Image:
    """Open a user photo upright, in RGB, refusing non-images and decompression bombs."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"找不到照片「{path.name}」。", f"Photo not found: {path}.")
    if path.stat().st_size > MAX_PHOTO_BYTES:
        raise UserError("照片文件太大了（超过 30 MB），请换一张。", "The photo is larger than 30 MB.")
    try:
        image = Image.open(path)  # lazy: reads the header only
        if image.width * image.height > MAX_PHOTO_PIXELS:
            raise Image.DecompressionBombError(f"{image.width}x{image.height}")
        image.draft("RGB", (2400, 2400))  # JPEG: decode at reduced scale, saves memory on 50 MP photos
        image = ImageOps.exif_transpose(image)
        image.load()
    except Image.DecompressionBombError:  # also raised by Pillow itself for far larger images
        raise UserError("照片像素太多了，请换一张普通手机照片。",
                        "The photo has too many pixels (possible decompression bomb).") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise UserError(f"「{path.name}」不是照片，或者文件坏了。请选一张 jpg 或 png 照片。",
                        f"{path.name} is not a readable image; use a JPEG or PNG photo.") from None
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB")


def cover_fit(photo: Image.Image, size: tuple[int, int], focus=(0.5, 0.5)) -> Image.Image:
    """Scale to cover ``size`` and crop around the focal point."""
    width, height = size
    scale = max(width / photo.width, height / photo.height)
    resized = photo.resize((max(width, round(photo.width * scale)), max(height, round(photo.height * scale))),
                           Image.LANCZOS)
    left = min(max(round(resized.width * focus[0] - width / 2), 0), resized.width - width)
    top = min(max(round(resized.height * focus[1] - height / 2), 0), resized.height - height)
    return resized.crop((left, top, left + width, top + height))


# --------------------------------------------------------------------------- drawing


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))


def _mix(a: str, b: str, t: float) -> tuple[int, int, int]:
    ca, cb = _rgb(a), _rgb(b)
    return tuple(round(x + (y - x) * t) for x, y in zip(ca, cb))


def _gradient(size, colors: list[str]) -> Image.Image:
    top, bottom = colors[0], colors[-1]
    column = Image.new("RGB", (1, size[1]))
    column.putdata([_mix(top, bottom, y / max(size[1] - 1, 1)) for y in range(size[1])])
    return column.resize(size)


def _rounded_mask(size, radius: int) -> Image.Image:
    mask = Image.new("L", size, 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, size[0] - 1, size[1] - 1), radius=radius, fill=255)
    return mask


def qr_image(contact: str, size: int) -> Image.Image:
    """A QR code for a phone number (tel:), a URL, or a WeChat ID (as text), with a quiet zone."""
    import segno

    kind = contact_kind(contact)
    payload = {"phone": f"tel:{re.sub(r'[^0-9+]', '', contact)}", "url": contact}.get(kind, contact)
    qr = segno.make(payload, error="m", micro=False)
    buffer = io.BytesIO()
    modules = qr.symbol_size(scale=1, border=4)[0]
    qr.save(buffer, kind="png", scale=max(1, size // modules), border=4)
    buffer.seek(0)
    return Image.open(buffer).convert("RGB").resize((size, size), Image.NEAREST)


def contact_label(contact: str) -> str:
    return {"phone": "电话", "url": "网址", "wechat": "微信"}[contact_kind(contact)]


def scan_hint(contact: str) -> str:
    return {"phone": "扫码打电话，下单更方便", "url": "扫码进店，下单更方便", "wechat": "扫码加微信，下单更方便"}[contact_kind(contact)]


@dataclass
class Poster:
    template: Template
    image: Image.Image
    layouts: list[tuple[Slot, TextLayout]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def warnings(self) -> list[str]:
        out = list(self.notes)
        for slot, layout in self.layouts:
            if layout.truncated:
                out.append(f"{slot.role}: 文字太长，已缩短")
            if layout.omitted:
                out.append(f"{slot.role}: 无法显示的字符已省略：{layout.omitted}")
        return out


def _no_photo_panel(template: Template, slot: Slot, product: str) -> Image.Image:
    """A deliberate panel when there is no photo: theme gradient and the product name as a big seal."""
    x0, y0, x1, y1 = slot.box
    size = (x1 - x0, y1 - y0)
    primary = template.theme.get("primary", "#C2410C")
    panel = _gradient(size, [primary, template.theme.get("primary_dark", primary)])
    draw = ImageDraw.Draw(panel)
    # Concentric rings give texture without any external asset.
    cx, cy = size[0] * 0.82, size[1] * 0.2
    for i, r in enumerate(range(int(max(size) * 0.9), 0, -int(max(size) * 0.09) or -1)):
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=_mix(primary, "#FFFFFF", 0.12 + 0.02 * (i % 2)), width=3)
    seal = product[:4] or "好物"
    inner = (int(size[0] * 0.12), int(size[1] * 0.2), int(size[0] * 0.88), int(size[1] * 0.8))
    layout = layout_text(seal, inner, TextStyle(min_size=40, max_size=320, weight="bold", align="center",
                                                valign="middle", max_lines=2, line_spacing=1.15))
    draw_layout(draw, layout, _mix(primary, "#FFFFFF", 0.85))
    return panel


class Renderer:
    """Draws a :class:`Copy` and a :class:`Brief` onto a :class:`Template`."""

    def render(self, template: Template, copy: Copy, brief: Brief, photo: Image.Image | None = None) -> Poster:
        if photo is None and brief.photo:
            photo = open_photo(brief.photo)
        bg = template.background
        colors = [template.color(c) for c in bg.get("colors", ["#FFFFFF"])]
        canvas = _gradient(template.size, colors) if bg["type"] == "gradient" else Image.new("RGB", template.size, colors[0])
        draw = ImageDraw.Draw(canvas)
        poster = Poster(template, canvas)
        price = brief.effective_price
        for slot in template.slots:
            if slot.optional_on == "contact" and not brief.contact:
                continue
            if slot.optional_on == "!contact" and brief.contact:
                continue
            if slot.optional_on == "price" and not price:
                continue
            if slot.optional_on == "photo" and photo is None:
                continue
            x0, y0, x1, y1 = slot.box
            if slot.role == "shape":
                self._shape(draw, template, slot)
            elif slot.role == "photo":
                size = (x1 - x0, y1 - y0)
                panel = cover_fit(photo, size, slot.focus) if photo is not None else \
                    _no_photo_panel(template, slot, copy.facts.get("product", copy.title))
                canvas.paste(panel, (x0, y0), _rounded_mask(size, slot.radius) if slot.radius else None)
            elif slot.role == "qr":
                if brief.contact:
                    side = min(x1 - x0, y1 - y0)
                    canvas.paste(qr_image(brief.contact, side), (x0 + (x1 - x0 - side) // 2, y0 + (y1 - y0 - side) // 2))
            elif slot.role == "price":
                if price:
                    self._shape(draw, template, slot)
                    inset = 0.17 if slot.shape == "circle" else 0.06
                    w, h = x1 - x0, y1 - y0
                    inner = (round(x0 + w * inset), round(y0 + h * inset), round(x1 - w * inset), round(y1 - h * inset))
                    self._text(poster, draw, template, slot, _price_display(price), inner)
            elif slot.role == "selling_points":
                self._points(poster, draw, template, slot, copy.selling_points)
            else:
                text = {
                    "title": copy.title,
                    "slogan": copy.slogan,
                    "contact": f"{contact_label(brief.contact)}：{brief.contact}" if brief.contact else "",
                    "text": slot.text.replace("{scan_hint}", scan_hint(brief.contact) if brief.contact else "")
                                    .replace("{hashtags}", "  ".join(f"#{t}" for t in copy.hashtags[:3])),
                }[slot.role]
                if text:
                    self._text(poster, draw, template, slot, text, slot.box)
        return poster

    @staticmethod
    def _shape(draw, template, slot):
        fill = template.color(slot.fill) or template.color("primary")
        if slot.shape == "circle":
            draw.ellipse(slot.box, fill=fill)
        else:
            draw.rounded_rectangle(slot.box, radius=slot.radius, fill=fill)

    @staticmethod
    def _text(poster, draw, template, slot, text, box):
        layout = layout_text(text, box, slot.style)
        draw_layout(draw, layout, template.color(slot.color))
        poster.layouts.append((slot, layout))

    def _points(self, poster, draw, template, slot, points):
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
        layouts = []
        for i, point in enumerate(points):
            top = y0 + row * i
            dot = min(row * 0.3, slot.style.max_size * 0.45)
            text_box = (round(x0 + dot * 2.2), round(top), x1, round(top + row))
            layouts.append((point, text_box, dot, top, layout_text(point, text_box, slot.style)))
        # One size for all points, so the list reads as a list.
        common = min(entry[-1].size for entry in layouts)
        for point, text_box, dot, top, layout in layouts:
            if layout.size != common:
                layout = layout_text(point, text_box, replace(slot.style, max_size=common))
            dot = min(dot, common * 0.45)
            cy = top + row / 2
            bullet = template.color(slot.bullet) or template.color("primary")
            draw.ellipse((x0, cy - dot / 2, x0 + dot, cy + dot / 2), fill=bullet)
            draw_layout(draw, layout, template.color(slot.color))
            poster.layouts.append((slot, layout))


def _price_display(price: str) -> str:
    """"15元/斤" → "¥15/斤": the yuan sign reads as a price at a glance."""
    m = re.fullmatch(r"(\d+(?:\.\d+)?)元(/.+)?", price.strip())
    return f"¥{m.group(1)}{m.group(2) or ''}" if m else price


def save(poster: Poster, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    poster.image.save(tmp, format="PNG", optimize=False, compress_level=6)
    tmp.replace(path)
    return path
