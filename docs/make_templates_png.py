"""Makes docs/templates.png: every template with its category's sample copy and a fitting photo.

    .venv/bin/python docs/make_templates_png.py [../shared/data/photos]

Only CC0 photos from the shared set are used (see its README); eggs, crafts and the
Mid-Autumn template are shown without a photo, which is how sellers without one see them.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image

from assistant.imaging.photo import open_photo
from assistant.poster.sheet import contact_sheet
from assistant.poster.templates import list_templates

PHOTOS = {  # all CC0
    "fruit-harvest": "grapes_01.jpg",
    "vegetable-field": "tomatoes_portrait_01.jpg",
    "honey-amber": "chamomile_flowers_01.jpg",
    "tea-ink": "tea_plantation_01.jpg",
    "homestay-dusk": "mountains_lake_01.jpg",
    "farmstay-green": "tea_plantation_01.jpg",
    "spring-festival": "dried_flowers_tea_market_01.jpg",
    "minimal-white": "grapes_01.jpg",
    "market-fresh": "tomatoes_portrait_01.jpg",
}

folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "shared" / "data" / "photos"
photos = {template_id: open_photo(folder / name) for template_id, name in PHOTOS.items()}
out = Path(__file__).resolve().parent / "templates.png"
sheet = contact_sheet(list_templates(), photos)
# 256 colours keep the file under 1 MB in the repository; the posters themselves are full colour.
sheet.quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.FLOYDSTEINBERG).save(out, optimize=True)
print(out)
