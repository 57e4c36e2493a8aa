"""png.py: the fast writer must be lossless and readable by an ordinary decoder."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from assistant.poster.export import encode_png


@pytest.mark.parametrize("mode", ["RGB", "RGBA", "L"])
def test_png_round_trips_exactly(mode):
    rng = np.random.default_rng(7)
    # Noise over 3 MB raw, so the stream is made of several parallel deflate blocks.
    shape = (1100, 1000) if mode == "L" else (1100, 1000, len(mode))
    pixels = rng.integers(0, 256, size=shape, dtype=np.uint8)
    pixels[:200] = 37  # and a flat panel, the usual poster case
    image = Image.fromarray(pixels)
    decoded = Image.open(io.BytesIO(encode_png(image)))
    decoded.load()
    assert decoded.mode == mode and decoded.size == (1000, 1100)
    assert decoded.tobytes() == image.tobytes()


def test_png_records_print_resolution():
    decoded = Image.open(io.BytesIO(encode_png(Image.new("RGB", (10, 10), "red"), dpi=300)))
    assert round(decoded.info["dpi"][0]) == 300


def test_poster_files_have_names_she_can_read_and_nothing_she_typed_makes_a_path():
    from assistant.contracts import Brief, Copy
    from assistant.poster.export import caption_of_file, poster_files
    from assistant.poster.render import Renderer
    from assistant.poster.templates import get_template

    copy = Copy("杏子熟了", "又大又甜", ["包邮"], posts={}, hashtags=[])
    brief = Brief("杏子")
    fruit, tea = get_template("fruit-harvest"), get_template("tea-ink")
    one = [Renderer().render(fruit, copy, brief, None, size) for size in ("moments", "story")]
    assert [name for name, _ in poster_files(one, "杏子")] == ["杏子-朋友圈.png", "杏子-抖音.png"]
    both = [Renderer().render(t, copy, brief, None, "moments") for t in (fruit, tea)]
    assert [name for name, _ in poster_files(both, "杏子")] == ["杏子-朋友圈-丰收暖橙.png", "杏子-朋友圈-茶水墨.png"]
    hostile = [name for name, _ in poster_files(one[:1], "../../etc/passwd\x00杏子.png")]
    assert hostile == ["etcpasswd杏子p-朋友圈.png"]
    assert [name for name, _ in poster_files(one[:1], "")] == ["海报-朋友圈.png"]
    assert caption_of_file(Path("poster-fruit-harvest-moments.png")) == "丰收·暖橙 · 朋友圈 1:1"  # made before
    assert caption_of_file(Path("杏子-朋友圈.png")) == "杏子 · 朋友圈"
