"""Benchmark: a trainer's batch (🧑‍🏫 全班一起做 / ``python -m assistant batch``) on this machine.

    .venv/bin/python bench/batch.py [--rows 10] [--platforms poster,moments] [--small]

``--rows`` products with photos, made the way the page and the CLI make them (copy for the
texts asked, the suggested template in the default sizes, report and zip): rows per minute,
each row's time (p50, p95), the zip's size and the process's peak memory. The model is
loaded before the clock starts, as it is in a running app. This measures; it is not a test.
"""

from __future__ import annotations

import argparse
import os
import platform as machine
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import assistant  # noqa: F401  (offline switches)
from assistant.batch import Row, make_batch
from assistant.config import Settings
from assistant.pipeline import Pipeline

PHOTOS = Path(os.environ.get("MULAN_PHOTO_DATA", Path(__file__).resolve().parents[2] / "shared" / "data" / "photos"))
PRODUCTS = [
    ("杏子", "15元/斤", "我家的杏子又大又甜，一斤十五块，包邮", "xingzi_88", "tomatoes_portrait_01.jpg"),
    ("土鸡蛋", "1.5元/个", "山里散养的土鸡蛋，吃玉米长大", "13800000002", ""),
    ("胡萝卜", "3元/斤", "自家地里的胡萝卜，脆甜", "hetao_01", "carrots_01.jpg"),
    ("菊花茶", "60元/斤", "自家种的菊花，晒干泡茶", "", "chamomile_flowers_01.jpg"),
    ("葡萄", "8元/斤", "新摘的葡萄，酸甜多汁", "13800000004", "grapes_01.jpg"),
    ("明前绿茶", "120元/斤", "清明前采的绿茶，手工炒的", "cha_07", "tea_plantation_01.jpg"),
    ("苗绣小包", "120元/个", "自己绣的苗绣小包，一针一线都是手工", "miaoxiu_ayi", ""),
    ("手工布鞋", "98元/双", "千层底布鞋，纳了一个月", "buxie_03", ""),
    ("干花", "35元/束", "集市上卖的干花，放一年不褪色", "junzi_05", "dried_flowers_tea_market_01.jpg"),
    ("小米", "8元/斤", "今年的新小米，熬粥香", "13800000011", "farmland_dawn_01.jpg"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10)
    parser.add_argument("--platforms", default="", help="comma-separated (default: all each row needs)")
    parser.add_argument("--small", action="store_true", help="the embedded 0.5B copy model")
    args = parser.parse_args()

    pipeline = Pipeline(Settings.from_env(copy_model_size="small" if args.small else None))
    started = time.perf_counter()
    pipeline.copywriter()  # load before the clock, as in a running app
    load_s = time.perf_counter() - started
    with tempfile.TemporaryDirectory(prefix="mulan-bench-batch-") as folder:
        photos = Path(folder) / "photos"
        photos.mkdir()
        rows = []
        for i in range(args.rows):
            product, price, text, contact, name = PRODUCTS[i % len(PRODUCTS)]
            if name:
                shutil.copy(PHOTOS / name, photos / name)
            rows.append(Row(i + 2, {"product": product, "price": price, "transcript": text, "contact": contact,
                                    "photo": name}))  # fmt: skip
        times: list[float] = []
        last = [time.perf_counter()]

        def progress(done, total, result):
            now = time.perf_counter()
            times.append(now - last[0])
            last[0] = now
            print(f"  [{done}/{total}] {result.product}: {'ok' if result.made else result.reason} "
                  f"({times[-1]:.1f} s)", flush=True)  # fmt: skip

        platforms = tuple(p for p in args.platforms.split(",") if p) or None
        made = make_batch(pipeline, rows, Path(folder) / "out", photos, platforms=platforms, progress=progress)
        size_mb = made.archive.stat().st_size / 1e6
    times.sort()
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    print(f"machine: {machine.machine()}, {os.cpu_count()} cores; model {'0.5B' if args.small else '1.5B'} "
          f"(loaded in {load_s:.1f} s); texts: {args.platforms or 'all'}")  # fmt: skip
    print(
        f"{made.made}/{len(made.rows)} rows in {made.seconds:.1f} s: {made.rows_per_minute:.2f} rows/min; "
        f"per row p50 {statistics.median(times):.1f} s, p95 {p95:.1f} s; "
        f"zip {size_mb:.1f} MB; peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
    )


if __name__ == "__main__":
    main()
