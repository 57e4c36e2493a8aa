"""Posters out: PNG (a fast lossless writer), JPEG and PDF, and the files a seller downloads.

The PNG writer uses the 'Up' filter, and deflate spread over the CPU cores. Pillow's PNG
encoder runs one zlib stream on one core and spends most of a poster's render time there
(about 110 ms for 1080×1920 at its fastest useful level). Posters are photos above flat
panels, where the Up filter (each row minus the row above) compresses well at zlib
level 1. The stream is cut into blocks compressed in parallel (zlib releases the GIL) and
joined with sync flushes, as pigz does; the result is an ordinary PNG.
"""

from __future__ import annotations

import io
import os
import re
import struct
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from PIL import Image

from assistant.errors import UserError
from assistant.files import readable_stem, write_atomically
from assistant.poster.render import Poster
from assistant.poster.templates import PosterSize, get_template, load_sizes

EXPORT_FORMATS = ("png", "jpg", "pdf")

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_BLOCK = 1 << 20  # bytes of filtered rows per parallel deflate block
_POOL = ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1)), thread_name_prefix="png")


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def _deflate_block(data: bytes, last: bool, level: int) -> bytes:
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)  # raw deflate: the blocks are joined below
    return compressor.compress(data) + compressor.flush(zlib.Z_FINISH if last else zlib.Z_SYNC_FLUSH)


def encode_png(image: Image.Image, level: int = 1, dpi: int | None = None) -> bytes:
    """The image (RGB, RGBA or L) as PNG bytes; lossless."""
    if image.mode not in ("RGB", "RGBA", "L"):
        image = image.convert("RGB")
    pixels = np.asarray(image)
    height, width = pixels.shape[:2]
    channels = 1 if pixels.ndim == 2 else pixels.shape[2]
    rows = pixels.reshape(height, width * channels)
    filtered = np.empty((height, width * channels + 1), dtype=np.uint8)
    filtered[:, 0] = 2  # filter type Up for every row
    filtered[0, 1:] = rows[0]
    np.subtract(rows[1:], rows[:-1], out=filtered[1:, 1:], dtype=np.uint8)  # wraps modulo 256, as PNG wants
    raw = filtered.tobytes()
    blocks = [raw[i : i + _BLOCK] for i in range(0, len(raw), _BLOCK)]
    parts = list(
        _POOL.map(_deflate_block, blocks, [i == len(blocks) - 1 for i in range(len(blocks))], [level] * len(blocks))
    )
    stream = b"\x78\x01" + b"".join(parts) + struct.pack(">I", zlib.adler32(raw) & 0xFFFFFFFF)
    colour_type = {1: 0, 3: 2, 4: 6}[channels]
    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    extra = b""
    if dpi:
        per_metre = round(dpi / 0.0254)
        extra = _chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1))
    return _SIGNATURE + _chunk(b"IHDR", header) + extra + _chunk(b"IDAT", stream) + _chunk(b"IEND", b"")


def encode(poster: Poster, fmt: str) -> bytes:
    """PNG (lossless, ``png.py``: fast and parallel), JPEG (quality 92, no chroma subsampling, so red text
    on white stays sharp) or PDF (at the size's dpi: A4 prints at its real size)."""
    buffer = io.BytesIO()
    if fmt == "png":
        return encode_png(poster.image, dpi=poster.size.dpi if poster.size.for_print else None)
    elif fmt == "jpg":
        poster.image.save(buffer, format="JPEG", quality=92, subsampling=0, optimize=True)
    elif fmt == "pdf":
        poster.image.save(
            buffer,
            format="PDF",
            resolution=float(poster.size.dpi),
            quality=95,
            title=poster.template.name,
            creator="Mulan",
        )
    else:
        raise UserError(
            f"不认识的格式「{fmt}」，可选 {'、'.join(EXPORT_FORMATS)}。",
            f"Unknown export format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}.",
        )
    return buffer.getvalue()


def save(poster: Poster, path: Path) -> Path:
    """Write atomically, in the format the suffix names."""
    fmt = {".png": "png", ".jpg": "jpg", ".jpeg": "jpg", ".pdf": "pdf"}.get(path.suffix.lower())
    if fmt is None:
        raise UserError(
            f"「{path.name}」的后缀要是 .png、.jpg 或 .pdf。", f"{path}: the suffix must be .png, .jpg or .pdf."
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_atomically(path, encode(poster, fmt))


def poster_files(posters: list[Poster], product: str = "") -> list[tuple[str, bytes]]:
    """(file name, bytes): one PNG per poster, and a PDF too for print sizes. Named so she
    can find them in her album: 杏子-朋友圈.png; the template's name is added only when one
    size is made in several templates. Built with :func:`readable_stem`, so nothing she typed
    can make a path."""
    files = []
    many_templates = len({p.template.id for p in posters}) > 1
    stem_of_product = readable_stem(product, "海报")
    for poster in posters:
        words = [stem_of_product, size_word(poster.size)]
        if many_templates:
            words.append(readable_stem(poster.template.name, poster.template.id))
        stem = "-".join(words)
        files.append((f"{stem}.png", encode(poster, "png")))
        if poster.size.for_print:
            files.append((f"{stem}.pdf", encode(poster, "pdf")))
    return files


def size_word(size: PosterSize) -> str:
    """The size as one word for a file name: 朋友圈, 抖音, 小红书, 公众号封面, A4."""
    return readable_stem(re.split(r"[ /]", size.label)[0], size.id)


def poster_labels(posters: list[Poster]) -> list[str]:
    """A caption per file of :func:`poster_files`."""
    return [
        f"{p.template.name} · {p.size.label}{suffix}"
        for p in posters
        for suffix in (("", "（打印 PDF）") if p.size.for_print else ("",))
    ]


def caption_of_file(path: Path) -> str:
    """A reopened poster's caption in Chinese. Files made before readable names
    (``poster-fruit-harvest-moments.png``) get their template's and size's names."""
    old = re.fullmatch(r"poster-([a-z0-9-]+)-([a-z0-9]+)", path.stem)
    if old:
        try:
            return f"{get_template(old.group(1)).name} · {load_sizes()[old.group(2)].label}"
        except (UserError, KeyError):
            pass
    return path.stem.replace("-", " · ")
