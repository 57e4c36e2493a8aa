"""Makes paper.jpg, the rice-paper ground of this template: self-made, CC0.

    python templates/tea-ink/make_paper.py

Warm off-white with soft mottling and a few long fibres, from a fixed seed so the
file is reproducible.
"""

import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

SIZE = 900
rng = random.Random(20261129)

base = Image.new("RGB", (SIZE, SIZE), (246, 241, 228))
# Mottling: coarse random noise, blurred into soft clouds.
noise = Image.new("L", (SIZE // 10, SIZE // 10))
noise.putdata([rng.randint(0, 255) for _ in range(noise.width * noise.height)])
noise = noise.resize((SIZE, SIZE), Image.BICUBIC).filter(ImageFilter.GaussianBlur(18))
shade = Image.new("RGB", (SIZE, SIZE), (228, 219, 198))
base = Image.composite(shade, base, noise.point(lambda v: v * 0.35))
# Fibres: thin, faint, curved strokes.
draw = ImageDraw.Draw(base)
for _ in range(260):
    x, y = rng.uniform(0, SIZE), rng.uniform(0, SIZE)
    points = [(x, y)]
    for _ in range(6):
        x += rng.uniform(-14, 14)
        y += rng.uniform(-14, 14)
        points.append((x, y))
    tone = rng.randint(212, 232)
    draw.line(points, fill=(tone, tone - 6, tone - 18), width=1)
base = base.filter(ImageFilter.GaussianBlur(0.6))
base.save(Path(__file__).with_name("paper.jpg"), quality=85)
