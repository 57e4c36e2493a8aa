"""Benchmark: how often a poster line breaks inside a word, with word-aware breaking and without.

    .venv/bin/python bench/line_breaks.py [--sizes moments,story] [--limit N]

Every brief of bench/data/understanding_set.jsonl is turned into poster text the way the
app does without a model (``rule_based_draft``: her product, clauses and facts), and that
text is rendered in every template at each size. For each text slot that took two lines
or more, every break between two Chinese characters is counted, and whether it falls
inside a word as the segmenter reads the joined text.

"before" renders the same posters with breaking by characters only (the typesetting as
it was before issue 17); "after" is today's: words kept whole wherever any size in the
slot's range allows. Printed per role (title, slogan, selling points, other), with the
share of texts that had to be shortened. It measures; it is not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import platform as machine
import sys
import time
from collections import Counter
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.contracts import Brief, Copy
from assistant.copywriting import rule_based_draft
from assistant.imaging import typesetting
from assistant.language.words import breaks_inside_words
from assistant.poster.render import Renderer
from assistant.poster.templates import list_templates

DATA = Path(__file__).resolve().parent / "data" / "understanding_set.jsonl"


def briefs(limit: int | None) -> list[tuple[Copy, Brief]]:
    out = []
    for line in DATA.read_text(encoding="utf-8").splitlines():
        row = json.loads(line) if line.strip() else None
        if not row or row["kind"] == "nothing":
            continue
        brief = Brief(row["transcript"])
        draft = rule_based_draft(brief)
        copy = Copy(draft["title"], draft["slogan"], draft["selling_points"], posts={}, hashtags=draft["hashtags"])
        copy.facts = brief.facts.as_dict()
        out.append((copy, brief))
    return out[:limit] if limit else out


def measure(cases, sizes) -> dict[str, Counter]:
    renderer, by_role = Renderer(), {}
    for template in list_templates():
        for size in sizes:
            if size not in template.sizes:
                continue
            for copy, brief in cases:
                poster = renderer.render(template, copy, brief, None, size)
                for slot, layout in poster.layouts:
                    role = slot.role if slot.role in ("title", "slogan", "selling_points") else "other"
                    counts = by_role.setdefault(role, Counter())
                    counts["texts"] += 1
                    counts["shortened"] += layout.truncated
                    lines = [line.text for line in layout.lines]
                    if len(lines) > 1:
                        counts["multi_line"] += 1
                        joined = "".join(lines)
                        at = 0
                        for line in lines[:-1]:
                            at += len(line)
                            if typesetting._HAN_CHAR.match(joined[at - 1 : at] or "") and typesetting._HAN_CHAR.match(
                                joined[at : at + 1] or ""
                            ):
                                counts["breaks"] += 1
                        counts["inside"] += breaks_inside_words(lines)
    return by_role


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="moments,story")
    parser.add_argument("--limit", type=int)
    args = parser.parse_args()
    cases, sizes = briefs(args.limit), args.sizes.split(",")
    print(
        f"machine: {machine.machine()}, {os.cpu_count()} cores; date: {time.strftime('%Y-%m-%d')}; "
        f"{len(cases)} briefs x {len(list_templates())} templates x {len(sizes)} sizes"
    )
    by_characters = typesetting.units
    with mock.patch.object(typesetting, "units", lambda text, by_word=True: by_characters(text, by_word=False)):
        before = measure(cases, sizes)
    after = measure(cases, sizes)
    print(f"{'role':16s} {'texts':>6s} {'2+ lines':>9s} {'breaks':>7s} {'inside a word: before':>22s} {'after':>12s}")
    for role in ("title", "slogan", "selling_points", "other"):
        b, a = before.get(role, Counter()), after.get(role, Counter())
        print(
            f"{role:16s} {a['texts']:6d} {a['multi_line']:9d} {a['breaks']:7d} "
            f"{b['inside']:>9d}/{b['breaks']:<5d} {b['inside'] / max(1, b['breaks']):6.0%} "
            f"{a['inside']:>5d}/{a['breaks']:<5d} {a['inside'] / max(1, a['breaks']):4.0%}"
        )
    shortened = sum(c["shortened"] for c in after.values()), sum(c["shortened"] for c in before.values())
    print(f"shortened to fit: before {shortened[1]}, after {shortened[0]} texts")


if __name__ == "__main__":
    main()
