"""Benchmark: poster render time per size, and where the time goes.

    .venv/bin/python bench/poster.py [--rounds 3] [--photo ../shared/data/photos/grapes_01.jpg]

Every template is rendered at every size ``--rounds`` times with its category's sample
copy and one photo (decoded once, as the app does for a request), then encoded as PNG
(and PDF for print sizes). Fonts are loaded before timing starts and stay cached across
renders, as in the running app; the first, cold render is reported on its own.

Printed per size: p50 and p95 of render + PNG encoding, and the share of that time spent
setting text (font loading, fitting, drawing), on the photo (scaling, cropping, masking),
on encoding, and on the rest (background, decorations, QR code). It measures; it is not a test.
"""

from __future__ import annotations

import argparse
import os
import platform as machine
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.imaging.photo import open_photo
from assistant.poster.export import encode
from assistant.poster.render import Renderer
from assistant.poster.sheet import sample
from assistant.poster.templates import list_templates, load_sizes

PHOTOS = Path(__file__).resolve().parents[2] / "shared" / "data" / "photos"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--photo", default=str(PHOTOS / "grapes_01.jpg"))
    args = parser.parse_args()

    templates = list_templates()
    renderer = Renderer()
    started = time.perf_counter()
    photo = open_photo(args.photo)
    decode_s = time.perf_counter() - started
    copy, brief = sample(templates[0].categories[0])
    started = time.perf_counter()
    cold = renderer.render(templates[0], copy, brief, photo, "story")
    encode(cold, "png")
    cold_s = time.perf_counter() - started
    for template in templates:  # warm every font size and asset once
        renderer.render(template, *sample(template.categories[0]), photo, "moments")

    print(
        f"machine: {machine.machine()}, {os.cpu_count()} cores; date: {time.strftime('%Y-%m-%d')}; "
        f"{len(templates)} templates x {args.rounds} rounds; photo {Path(args.photo).name} "
        f"{photo.width}x{photo.height}, decoded once in {decode_s * 1000:.0f} ms; "
        f"first (cold) 1080x1920 render + PNG {cold_s * 1000:.0f} ms\n"
    )
    print(
        f"{'size':12s} {'pixels':>10s} {'p50 ms':>7s} {'p95 ms':>7s} {'text':>6s} {'photo':>6s} {'encode':>7s} "
        f"{'other':>6s} {'PNG KB':>7s}  PDF"
    )
    for size_id, size in load_sizes().items():
        totals, text, pic, enc, kb, pdf = [], [], [], [], [], []
        for _ in range(args.rounds):
            for template in templates:
                copy, brief = sample(template.categories[0])
                t0 = time.perf_counter()
                poster = renderer.render(template, copy, brief, photo, size_id)
                t1 = time.perf_counter()
                data = encode(poster, "png")
                t2 = time.perf_counter()
                if size.for_print:
                    encode(poster, "pdf")
                    pdf.append(time.perf_counter() - t2)
                totals.append(t2 - t0)
                text.append(poster.timings["text_s"])
                pic.append(poster.timings["photo_s"])
                enc.append(t2 - t1)
                kb.append(len(data) / 1024)
        whole = sum(totals)
        shares = [sum(text) / whole, sum(pic) / whole, sum(enc) / whole]
        print(
            f"{size_id:12s} {size.width:>4d}x{size.height:<5d} {percentile(totals, 0.5) * 1000:7.0f} "
            f"{percentile(totals, 0.95) * 1000:7.0f} {shares[0]:6.0%} {shares[1]:6.0%} {shares[2]:7.0%} "
            f"{1 - sum(shares):6.0%} {statistics.mean(kb):7.0f}  "
            + (f"+{statistics.mean(pdf) * 1000:.0f} ms" if pdf else "")
        )


if __name__ == "__main__":
    main()
