"""Poster templates: data files, validated when loaded.

Three kinds of file under ``templates/`` (the schema is documented in templates/README.md):

- ``sizes.json``: the canvas sizes a seller needs (朋友圈 1080×1080, 抖音 1080×1920, …);
- ``layouts/<id>.json``: a layout family, one arrangement of slots per aspect class
  (tall, square, wide). Boxes are in per mille of the canvas (x of its width, y of its
  height); font sizes, radii and decoration sizes in per mille of its short side;
- ``<template>/template.json``: a look. It names a layout family, the sizes it offers,
  a background, a colour theme, decorations and small per-role overrides.

So one template adapts to every size it declares by rule: the arrangement is chosen by
the canvas's aspect, and every box and font size scales with the canvas. Circles and QR
codes are squared inside their boxes, so they stay round and scannable at any aspect.

Every error names the file and the field, so a designer editing JSON knows what to fix.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from assistant.datafiles import table_rows
from assistant.errors import TemplateError, UserError
from assistant.imaging.typesetting import TextStyle

TEMPLATES_DIR = Path(__file__).resolve().parent.parent.parent / "templates"
CATEGORY_WORDS = Path(__file__).resolve().parent / "data" / "categories.tsv"

# "shop": her shop name on a tag that fits its text, with her logo in a circle at its start.
ROLES = {"photo", "title", "slogan", "selling_points", "price", "qr", "contact", "shape", "text", "shop"}
TEXT_ROLES = {"title", "slogan", "selling_points", "price", "contact", "text", "shop"}
ASPECTS = ("tall", "square", "wide")
CATEGORIES = {
    "fruit",
    "vegetables",
    "eggs",
    "honey",
    "tea",
    "grain",
    "crafts",
    "homestay",
    "spring_festival",
    "mid_autumn",
    "general",
}
CORNERS = {"top-left", "top-right", "bottom-left", "bottom-right", "top", "bottom", "left", "right", "center"}
DECORATION_KINDS = {"rings", "leaves", "dots", "hexagons", "border", "fret", "lanterns", "moon", "mountains"}
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}(?:[0-9a-fA-F]{2})?$")
_ASSET = re.compile(r"^[A-Za-z0-9_-]+\.(?:png|jpg|jpeg)$")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,40}$")


def _fail(path: Path, where: str, message: str):
    raise TemplateError(f"{path}: {where}: {message}")


# --------------------------------------------------------------------------- sizes


@dataclass(frozen=True)
class PosterSize:
    id: str
    label: str
    width: int
    height: int
    dpi: int = 72
    for_print: bool = False  # also exported as PDF

    @property
    def pixels(self) -> tuple[int, int]:
        return self.width, self.height

    @property
    def aspect(self) -> str:
        """tall (9:16, 3:4, A4), wide (a 2.35:1 cover) or square: which arrangement is used."""
        if self.height >= 1.2 * self.width:
            return "tall"
        if self.width >= 1.6 * self.height:
            return "wide"
        return "square"


@functools.lru_cache(maxsize=4)
def load_sizes(folder: Path = TEMPLATES_DIR) -> dict[str, PosterSize]:
    path = folder / "sizes.json"
    data = _read_json(path)
    sizes = {}
    for size_id, raw in data.items():
        pixels = raw.get("size") if isinstance(raw, dict) else None
        if not (
            isinstance(pixels, list)
            and len(pixels) == 2
            and all(isinstance(v, int) and 100 <= v <= 10000 for v in pixels)
        ):
            _fail(path, f"{size_id}.size", "must be [width, height] in pixels, 100 to 10000")
        if not isinstance(raw.get("label"), str):
            _fail(path, f"{size_id}.label", "is required (the name shown to sellers)")
        sizes[size_id] = PosterSize(
            size_id, raw["label"], pixels[0], pixels[1], int(raw.get("dpi", 72)), bool(raw.get("print", False))
        )
    return sizes


# --------------------------------------------------------------------------- slots


@dataclass(frozen=True)
class Slot:
    """One slot resolved to pixels for one canvas size."""

    role: str
    box: tuple[int, int, int, int]
    style: TextStyle = TextStyle()
    color: str = "text"
    fill: str | None = None
    gradient: tuple[str, ...] = ()  # shape: colours from the first edge to the opposite one
    direction: str = "vertical"  # of the gradient: vertical (top → bottom) or horizontal (left → right)
    radius: int = 0
    shape: str = "rect"  # photo / price / shape: rect, circle (squared inside the box), none (price: text only)
    fit: str = "cover"  # photo: cover (fill the box, crop around the focus) or contain (whole photo, on ``fill``)
    focus: tuple[float, float] | str = (0.5, 0.5)  # photo focal point as fractions, or "auto" (saliency)
    border: int = 0  # photo: a frame of this many pixels in ``border_color``
    border_color: str = "card"
    text: str = ""  # role "text": may use {scan_hint}, {hashtags}, {product} and {shop}
    bullet: str | None = None  # selling_points: bullet colour
    card: str | None = None  # qr: a card of this colour behind the code; shop: the tag's colour
    # Draw only if the brief has this ("contact", "qr", "photo", "price", "shop", "logo"), or has not ("!contact");
    # "&" joins conditions.
    optional_on: str | None = None


_SLOT_KEYS = {
    "role",
    "box",
    "font_size",
    "weight",
    "align",
    "valign",
    "max_lines",
    "line_spacing",
    "color",
    "fill",
    "gradient",
    "direction",
    "radius",
    "shape",
    "fit",
    "focus",
    "border",
    "border_color",
    "text",
    "bullet",
    "card",
    "optional_on",
}
# A slot may be drawn only when something is there (or is not: "!"); "contact&!qr" needs both.
# "qr" is a code to scan (her own, a phone's tel:, a link); a typed WeChat ID is a contact but no code.
_CONDITIONS = {"contact", "qr", "photo", "price", "shop", "logo"}


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check_slot(raw: dict, path: Path, where: str, colour) -> None:
    unknown = set(raw) - _SLOT_KEYS
    if unknown:
        _fail(path, f"{where}.{sorted(unknown)[0]}", f"is not a slot field; known: {sorted(_SLOT_KEYS)}")
    role = raw.get("role")
    if role not in ROLES:
        _fail(path, f"{where}.role", f"{role!r} is not one of {sorted(ROLES)}")
    box = raw.get("box")
    if not (
        isinstance(box, list)
        and len(box) == 4
        and all(_number(v) for v in box)
        and 0 <= box[0] < box[2] <= 1000
        and 0 <= box[1] < box[3] <= 1000
    ):
        _fail(path, f"{where}.box", f"{box!r} must be [x0, y0, x1, y1] in per mille, 0 <= x0 < x1 <= 1000")
    if role in TEXT_ROLES:
        sizes = raw.get("font_size")
        if not (
            isinstance(sizes, list)
            and len(sizes) == 2
            and all(_number(v) for v in sizes)
            and 5 <= sizes[0] <= sizes[1] <= 400
        ):
            _fail(path, f"{where}.font_size", "must be [min, max] per mille of the short side, 5 <= min <= max <= 400")
    choices = {
        "weight": ("regular", "bold"),
        "align": ("left", "center", "right"),
        "valign": ("top", "middle", "bottom"),
        "shape": ("rect", "circle", "none"),
        "direction": ("vertical", "horizontal"),
        "fit": ("cover", "contain"),
    }
    for key, allowed in choices.items():
        if key in raw and raw[key] not in allowed:
            _fail(path, f"{where}.{key}", f"{raw[key]!r} must be one of {list(allowed)}")
    if not (isinstance(raw.get("max_lines", 1), int) and 1 <= raw.get("max_lines", 1) <= 12):
        _fail(path, f"{where}.max_lines", "must be an integer from 1 to 12")
    if not (_number(raw.get("line_spacing", 1.3)) and 1.0 <= raw.get("line_spacing", 1.3) <= 2.5):
        _fail(path, f"{where}.line_spacing", "must be a number from 1.0 to 2.5")
    for key in ("color", "fill", "bullet", "card", "border_color"):
        if key in raw:
            colour(raw[key], f"{where}.{key}")
    gradient = raw.get("gradient", [])
    if not (isinstance(gradient, list) and len(gradient) != 1):
        _fail(path, f"{where}.gradient", "must be a list of two or more colours")
    for i, c in enumerate(gradient):
        colour(c, f"{where}.gradient[{i}]")
    focus = raw.get("focus", [0.5, 0.5])
    if not (
        focus in ("auto", "center")
        or (isinstance(focus, list) and len(focus) == 2 and all(_number(v) and 0 <= v <= 1 for v in focus))
    ):
        _fail(path, f"{where}.focus", "must be [x, y] fractions, 'center' or 'auto'")
    condition = raw.get("optional_on")
    if condition is not None and (
        not isinstance(condition, str) or any(part.lstrip("!") not in _CONDITIONS for part in condition.split("&"))
    ):
        _fail(path, f"{where}.optional_on", f"must be one of {sorted(_CONDITIONS)}, each may have '!', joined by '&'")


def _resolve_slot(raw: dict, size: PosterSize) -> Slot:
    """Per mille → pixels for one canvas."""
    w, h = size.pixels
    short = min(w, h)
    x0, y0, x1, y1 = raw["box"]
    box = (round(x0 * w / 1000), round(y0 * h / 1000), round(x1 * w / 1000), round(y1 * h / 1000))
    style = TextStyle()
    if raw["role"] in TEXT_ROLES:
        low, high = (max(8, round(v * short / 1000)) for v in raw["font_size"])
        style = TextStyle(
            min_size=low,
            max_size=max(low, high),
            weight=raw.get("weight", "regular"),
            align=raw.get("align", "left"),
            valign=raw.get("valign", "middle"),
            max_lines=raw.get("max_lines", 1),
            line_spacing=float(raw.get("line_spacing", 1.3)),
        )
    focus = raw.get("focus", [0.5, 0.5])
    return Slot(
        role=raw["role"],
        box=box,
        style=style,
        color=raw.get("color", "text"),
        fill=raw.get("fill"),
        gradient=tuple(raw.get("gradient", ())),
        direction=raw.get("direction", "vertical"),
        radius=round(raw.get("radius", 0) * short / 1000),
        shape=raw.get("shape", "rect"),
        fit=raw.get("fit", "cover"),
        focus=(0.5, 0.5) if focus == "center" else focus if isinstance(focus, str) else (focus[0], focus[1]),
        border=round(raw.get("border", 0) * short / 1000),
        border_color=raw.get("border_color", "card"),
        text=raw.get("text", ""),
        bullet=raw.get("bullet"),
        card=raw.get("card"),
        optional_on=raw.get("optional_on"),
    )


# --------------------------------------------------------------------------- layouts


@dataclass(frozen=True)
class Arrangement:
    regions: dict[str, tuple[float, float, float, float]]  # per mille; decorations are placed in these
    slots: tuple[dict, ...]  # raw slot dicts, validated; resolved per size


@dataclass(frozen=True)
class Layout:
    id: str
    path: Path
    arrangements: dict[str, Arrangement]


@functools.lru_cache(maxsize=16)
def load_layout(layout_id: str, folder: Path = TEMPLATES_DIR) -> Layout:
    if not _ID.match(layout_id):
        raise TemplateError(f"layout id {layout_id!r} must be lower-case letters, digits and '-'")
    path = folder / "layouts" / f"{layout_id}.json"
    data = _read_json(path)
    arrangements = {}
    for aspect in ASPECTS:
        raw = data.get(aspect)
        if raw is None:
            continue
        if not isinstance(raw.get("slots"), list) or not raw["slots"]:
            _fail(path, f"{aspect}.slots", "must be a non-empty list")
        regions = {}
        for name, box in raw.get("regions", {}).items():
            if not (isinstance(box, list) and len(box) == 4 and all(_number(v) for v in box)):
                _fail(path, f"{aspect}.regions.{name}", "must be [x0, y0, x1, y1] in per mille")
            regions[name] = tuple(box)
        regions.setdefault("canvas", (0, 0, 1000, 1000))
        for i, slot in enumerate(raw["slots"]):
            # Colours are checked against each template's theme when the template loads.
            _check_slot(slot, path, f"{aspect}.slots[{i}]", lambda value, where: value)
        arrangements[aspect] = Arrangement(regions, tuple(raw["slots"]))
    if not arrangements:
        _fail(path, "tall/square/wide", "at least one arrangement is required")
    return Layout(layout_id, path, arrangements)


# --------------------------------------------------------------------------- templates


@dataclass(frozen=True)
class Decoration:
    kind: str
    region: str = "canvas"
    corner: str = "top-right"
    color: str = "primary"
    size: float = 200  # per mille of the short side
    opacity: float = 1.0
    layer: str = "back"  # back: over the background; front: over the photo, still under all text


@dataclass(frozen=True)
class Template:
    id: str
    name: str
    layout: Layout
    sizes: tuple[str, ...]
    background: dict
    theme: dict[str, str]
    categories: tuple[str, ...] = ()
    description: str = ""
    follow_photo: bool = False  # take the primary colours from the photo
    decorations: tuple[Decoration, ...] = ()
    overrides: dict = field(default_factory=dict)  # role → slot fields
    folder: Path = TEMPLATES_DIR

    def color(self, name: str | None) -> str | None:
        if name is None:
            return None
        return self.theme.get(name, name)

    def size(self, size_id: str) -> PosterSize:
        if size_id not in self.sizes:
            raise UserError(f"模板「{self.name}」没有这个尺寸。", f"Template {self.id} has no size {size_id!r}.")
        return load_sizes(self.folder.parent)[size_id]

    def arrangement(self, size: PosterSize) -> Arrangement:
        return self.layout.arrangements[size.aspect]

    def slots_for(self, size: PosterSize) -> list[Slot]:
        return [
            _resolve_slot({**raw, **self.overrides.get(raw["role"], {})}, size) for raw in self.arrangement(size).slots
        ]

    def region(self, name: str, size: PosterSize) -> tuple[int, int, int, int]:
        x0, y0, x1, y1 = self.arrangement(size).regions.get(name, (0, 0, 1000, 1000))
        w, h = size.pixels
        return round(x0 * w / 1000), round(y0 * h / 1000), round(x1 * w / 1000), round(y1 * h / 1000)


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise TemplateError(f"{path}: cannot read JSON: {exc}") from None
    if not isinstance(data, dict):
        raise TemplateError(f"{path}: the file must hold one JSON object")
    return data


def load_template(path: Path) -> Template:
    """Read and validate one template.json, with its layout family; errors name the file and field."""
    data = _read_json(path)
    folder = path.parent
    for key in ("id", "name", "layout", "sizes", "background", "theme"):
        if key not in data:
            _fail(path, key, "is required")
    if not (isinstance(data["id"], str) and _ID.match(data["id"])):
        _fail(path, "id", "must be lower-case letters, digits and '-'")
    theme = data["theme"]
    for name, value in theme.items():
        if name == "follow_photo":
            continue
        if not (isinstance(value, str) and _COLOUR.match(value)):
            _fail(path, f"theme.{name}", f"{value!r} is not a #rrggbb colour")
    for needed in ("primary", "text", "on_primary"):
        if needed not in theme:
            _fail(path, f"theme.{needed}", "is required")

    def colour(value, where, file=path):
        if value in theme or (isinstance(value, str) and _COLOUR.match(value)):
            return value
        _fail(file, where, f"{value!r} is neither a theme colour ({', '.join(sorted(theme))}) nor #rrggbb[aa]")

    background = data["background"]
    kind = background.get("type")
    if kind == "solid":
        colour(background.get("color"), "background.color")
    elif kind == "gradient":
        colors = background.get("colors")
        if not (isinstance(colors, list) and len(colors) >= 2):
            _fail(path, "background.colors", "a gradient needs two or more colours")
        for i, c in enumerate(colors):
            colour(c, f"background.colors[{i}]")
        if background.get("direction", "vertical") not in ("vertical", "horizontal", "diagonal"):
            _fail(path, "background.direction", "must be vertical, horizontal or diagonal")
    elif kind == "image":
        # An asset is a plain file name inside the template's own folder: never a path.
        asset = background.get("asset")
        if not (isinstance(asset, str) and _ASSET.match(asset)):
            _fail(path, "background.asset", "must be a file name like paper.png in the template folder")
        if not (folder / asset).is_file():
            _fail(path, "background.asset", f"{asset} is not in {folder}")
        if "tint" in background:
            colour(background["tint"], "background.tint")
    else:
        _fail(path, "background.type", "must be 'solid', 'gradient' or 'image'")

    try:
        layout = load_layout(str(data["layout"]), folder.parent)
    except TemplateError as exc:
        raise TemplateError(f"{path}: layout: {exc}") from None
    sizes = data["sizes"]
    known = load_sizes(folder.parent)
    if not (isinstance(sizes, list) and sizes):
        _fail(path, "sizes", f"must list size ids from sizes.json: {sorted(known)}")
    for i, size_id in enumerate(sizes):
        if size_id not in known:
            _fail(path, f"sizes[{i}]", f"{size_id!r} is not in sizes.json ({sorted(known)})")
        if known[size_id].aspect not in layout.arrangements:
            _fail(path, f"sizes[{i}]", f"layout {layout.id} has no {known[size_id].aspect} arrangement for {size_id}")

    categories = data.get("categories", [])
    for i, category in enumerate(categories):
        if category not in CATEGORIES:
            _fail(path, f"categories[{i}]", f"{category!r} is not one of {sorted(CATEGORIES)}")

    overrides = data.get("overrides", {})
    for role, fields in overrides.items():
        if role not in ROLES or not isinstance(fields, dict):
            _fail(path, f"overrides.{role}", f"must map a role ({sorted(ROLES)}) to slot fields")
        for key in fields:
            if key in ("role", "box"):
                _fail(path, f"overrides.{role}.{key}", "the layout places slots; a template may not move them")
    for aspect, arrangement in layout.arrangements.items():
        for i, raw in enumerate(arrangement.slots):
            merged = {**raw, **overrides.get(raw["role"], {})}
            where = f"overrides.{raw['role']} on {layout.path.name} {aspect}.slots[{i}]"
            _check_slot(merged, path, where, colour)

    decorations = []
    for i, raw in enumerate(data.get("decorations", [])):
        where = f"decorations[{i}]"
        if raw.get("kind") not in DECORATION_KINDS:
            _fail(path, f"{where}.kind", f"{raw.get('kind')!r} is not one of {sorted(DECORATION_KINDS)}")
        region = raw.get("region", "canvas")
        if any(region not in a.regions for a in layout.arrangements.values()):
            _fail(path, f"{where}.region", f"{region!r} is not a region of layout {layout.id}")
        if raw.get("corner", "top-right") not in CORNERS:
            _fail(path, f"{where}.corner", f"must be one of {sorted(CORNERS)}")
        if raw.get("layer", "back") not in ("back", "front"):
            _fail(path, f"{where}.layer", "must be 'back' or 'front'")
        if not (_number(raw.get("opacity", 1.0)) and 0 < raw.get("opacity", 1.0) <= 1):
            _fail(path, f"{where}.opacity", "must be a number above 0 and at most 1")
        if not (_number(raw.get("size", 200)) and 10 <= raw.get("size", 200) <= 1000):
            _fail(path, f"{where}.size", "must be per mille of the short side, 10 to 1000")
        decorations.append(
            Decoration(
                raw["kind"],
                region,
                raw.get("corner", "top-right"),
                colour(raw.get("color", "primary"), f"{where}.color"),
                float(raw.get("size", 200)),
                float(raw.get("opacity", 1.0)),
                raw.get("layer", "back"),
            )
        )

    return Template(
        id=data["id"],
        name=data["name"],
        layout=layout,
        sizes=tuple(sizes),
        background=background,
        theme={k: v for k, v in theme.items() if k != "follow_photo"},
        categories=tuple(categories),
        description=data.get("description", ""),
        follow_photo=bool(theme.get("follow_photo", False)),
        decorations=tuple(decorations),
        overrides=overrides,
        folder=folder,
    )


def list_templates(folder: Path = TEMPLATES_DIR) -> list[Template]:
    return [load_template(p) for p in sorted(folder.glob("*/template.json"))]


def get_template(template_id: str, folder: Path = TEMPLATES_DIR) -> Template:
    # Template ids come from the UI/CLI: accept only a known id, never a path.
    for template in list_templates(folder):
        if template.id == template_id:
            return template
    raise UserError(f"没有名为「{template_id}」的海报模板。", f"No poster template named {template_id!r}.")


# --------------------------------------------------------------------------- suggestions


@functools.lru_cache(maxsize=1)
def _category_words() -> tuple[tuple[str, str], ...]:
    return tuple(table_rows(CATEGORY_WORDS, 2))


def category_of(*texts: str) -> str:
    """The kind of product, from the first text that names one (pass the product name first)."""
    for text in texts:
        for word, category in _category_words():
            if word in (text or ""):
                return category
    return "general"


def recommend(templates: list[Template], *texts: str) -> list[Template]:
    """Templates made for this product first, then the all-purpose ones, then the rest."""
    category = category_of(*texts)

    def rank(t: Template) -> int:
        if category in t.categories:
            return 1 if "general" in t.categories and category != "general" else 0
        return 2 if "general" in t.categories else 3

    return sorted(templates, key=rank)
