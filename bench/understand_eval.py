"""Benchmark: how well Mulan understands her words, against hand labels. No model needed.

    .venv/bin/python bench/understand_eval.py [--verbose] [--json out.json]

For every brief in bench/data/understanding_set.jsonl (fruit, vegetables, eggs, meat,
crafts, homestays; spoken prices, ASR errors, fillers, her own claims, Taobao-style
keyword strings, Cantonese, and briefs with nothing to sell), it reports:

- field extraction: per field (product, price as the poster shows it, contact, place), the
  share of briefs where ``facts.understand`` gives exactly the label, and for product and
  price the share among the briefs that state them (the issue-17 goal: ≥ 90%);
- the fact guard, scored on labelled sentences a copy might hold:
  true facts kept (sentences true to her, often in other words: 没打农药 → 不打农药),
  which must be 100%; and inventions caught (a number, place, certification, health
  effect or concrete quality she never stated), the guard's recall.

This measures; it is not a test (the tests pin single cases).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.contracts import Brief
from assistant.copywriting import compliance
from assistant.language.facts import understand

DATA = Path(__file__).resolve().parent / "data" / "understanding_set.jsonl"
FIELDS = ("product", "price", "contact", "place")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="print every miss")
    parser.add_argument("--json", help="write the figures to this file")
    parser.add_argument(
        "--added",
        help="only one batch, labelled before the rules saw it: the date it was added (YYYY-MM-DD, "
        "a letter after it for a second batch that day)",
    )
    args = parser.parse_args()
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    if args.added:
        rows = [row for row in rows if row.get("added") == args.added]

    right = dict.fromkeys(FIELDS, 0)
    stated = dict.fromkeys(FIELDS, 0)
    stated_right = dict.fromkeys(FIELDS, 0)
    kept = kept_total = caught = caught_total = 0
    misses = []
    for row in rows:
        found = understand(row["transcript"])
        for name in FIELDS:
            want, got = row["expect"][name], getattr(found, name)
            right[name] += got == want
            if want:
                stated[name] += 1
                stated_right[name] += got == want
            if got != want:
                misses.append(f"{row['id']:20s} {name:8s} want {want!r:14s} got {got!r}")
        brief = Brief(row["transcript"])
        for sentence in row["kept"]:
            text, _ = compliance.guard_facts(sentence, brief.source, brief.allowed_numbers(), "eval")
            kept_total += 1
            kept += text == sentence
            if text != sentence:
                misses.append(f"{row['id']:20s} guard    dropped her true {sentence!r}")
        for sentence in row["dropped"]:
            text, _ = compliance.guard_facts(sentence, brief.source, brief.allowed_numbers(), "eval")
            caught_total += 1
            caught += text != sentence
            if text == sentence:
                misses.append(f"{row['id']:20s} guard    let through {sentence!r}")

    figures = {
        "briefs": len(rows),
        **{f"{name}_exact": right[name] / len(rows) for name in FIELDS},
        **{f"{name}_when_stated": stated_right[name] / max(1, stated[name]) for name in FIELDS},
        "true_facts_kept": kept / max(1, kept_total),
        "true_facts": kept_total,
        "inventions_caught": caught / max(1, caught_total),
        "inventions": caught_total,
    }
    print(f"{len(rows)} briefs from {DATA.name}")
    print(f"{'field':10s} {'exact, all briefs':>18s} {'right when stated':>18s}")
    for name in FIELDS:
        print(
            f"{name:10s} {right[name]:>10d}/{len(rows)} {figures[name + '_exact']:5.0%}"
            f" {stated_right[name]:>10d}/{stated[name]} {figures[name + '_when_stated']:5.0%}"
        )
    print(f"guard: true facts kept {kept}/{kept_total} ({figures['true_facts_kept']:.0%}),", end=" ")
    print(f"inventions caught {caught}/{caught_total} ({figures['inventions_caught']:.0%})")
    if args.verbose:
        print("\n".join(misses))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
