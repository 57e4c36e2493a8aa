"""png.py: the fast writer must be lossless and readable by an ordinary decoder."""

from __future__ import annotations

import io

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
