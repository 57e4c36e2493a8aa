"""Benchmark: the reviewer's fault counts (``copywriting/review.py``) on copy already written.

    .venv/bin/python bench/copy_faults.py OUT.json [OTHER.json ...] [--set reading] [--show kind]

Each file is the ``--json`` of ``bench/copy_eval.py`` (or of any run that wrote a list of
``{"id", "title", "slogan", "selling_points", "posts"}`` or ``{"id", "texts"}``): copy written
by any version of Mulan. The briefs are looked up by id in the set, so copy written by the
code of an earlier commit is scored by today's reviewer, side by side with today's copy.

Per platform it prints the share of texts with at least one fault, and per fault kind how
many texts have it. This measures; it is not a test.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.contracts import Brief
from assistant.copywriting import review

SETS = {
    "reading": Path(__file__).resolve().parent / "data" / "reading_set.jsonl",
    "understanding": Path(__file__).resolve().parent / "data" / "understanding_set.jsonl",
}
PLATFORMS = ("poster", "moments", "video", "xiaohongshu", "shop_title", "homestay")


def texts_of(row: dict) -> dict:
    """{platform: text}, the poster as a dict, from either output format."""
    if "texts" in row:
        return row["texts"]
    poster = {k: row.get(k) for k in ("title", "slogan", "selling_points", "hashtags")}
    return {"poster": poster, **row.get("posts", {})}


def faults(platform: str, text, brief: Brief) -> list[review.Fault]:
    if platform == "poster":
        return review.review_poster(text["title"], text["slogan"], text["selling_points"], brief)
    return review.review_text(platform, text, brief)


def score(path: Path, briefs: dict[str, Brief], show: str) -> None:
    rows = [r for r in json.loads(path.read_text(encoding="utf-8")) if "error" not in r]
    with_fault: dict[str, list[bool]] = {p: [] for p in PLATFORMS}
    kinds: dict[str, Counter] = {p: Counter() for p in PLATFORMS}
    for row in rows:
        brief = briefs[row["id"]]
        for platform, text in texts_of(row).items():
            found = faults(platform, text, brief)
            with_fault[platform].append(bool(found))
            kinds[platform].update({f.kind for f in found})
            for f in found:
                if f.kind == show:
                    print(f"  {row['id']:8s} {f.where:16s} {f.text}")
    print(f"\n{path.name}: {len(rows)} briefs")
    print(f"{'platform':12s} {'n':>3s} {'with a fault':>13s}  " + " ".join(f"{k:>13s}" for k in review.FAULTS))
    every = []
    for platform in PLATFORMS:
        found = with_fault[platform]
        if not found:
            continue
        every += found
        counts = " ".join(f"{kinds[platform][k]:13d}" for k in review.FAULTS)
        print(f"{platform:12s} {len(found):3d} {sum(found) / len(found):12.0%}  {counts}")
    print(f"{'all':12s} {len(every):3d} {sum(every) / max(1, len(every)):12.0%}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("outputs", nargs="+", type=Path)
    parser.add_argument("--set", default="reading", choices=sorted(SETS))
    parser.add_argument("--show", default="", help="print every fault of this kind")
    args = parser.parse_args()
    rows = [json.loads(line) for line in SETS[args.set].read_text(encoding="utf-8").splitlines() if line.strip()]
    briefs = {r["id"]: Brief(r["transcript"], product=r.get("product", ""), contact=r.get("contact", "")) for r in rows}
    for path in args.outputs:
        score(path, briefs, args.show)


if __name__ == "__main__":
    main()
