"""Benchmark: how well the reading (``language/reading.py``) understands seller texts.

    .venv/bin/python bench/reading_eval.py [--split dev|heldout|all] [--verbose] [--slots product,price]

``bench/data/reading_set.jsonl`` holds seller texts written and labelled by hand *before* the
reading's rules saw them (issue 28): spoken sentences, misheard transcripts, keyword listings
pasted from shops, long posts, homestays, crafts. Each has a ``split``: ``dev`` (the rules may
be tuned on it) or ``heldout`` (never looked at while tuning; scored to see how far they carry).

Per slot it prints how often the reading agrees with the label:
- exact slots (product, category, is_homestay, input, price, contact): equal after
  normalising width and spaces; ``misheard`` texts count as ``spoken`` input;
- place, variety, shipping, price_note, suits, story: equal, or one holds the other (中宁 for
  宁夏中宁), and both empty counts as agreeing;
- pack: the same numbers;
- selling: recall and precision of her selling phrases (a labelled phrase is found when a
  phrase read holds it or is held by it).
This measures; it is not a test.
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.contracts import Brief
from assistant.language.facts import numbers_in

SET = Path(__file__).resolve().parent / "data" / "reading_set.jsonl"
EXACT = ("product", "category", "is_homestay", "input", "price", "contact")
LOOSE = ("variety", "place", "shipping", "price_note", "suits", "story")
SLOTS = EXACT + LOOSE + ("pack", "selling")


def rows(split: str) -> list[dict]:
    found = [json.loads(line) for line in SET.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in found if split == "all" or r["split"] == split]


def norm(value) -> str:
    return unicodedata.normalize("NFKC", str(value)).replace(" ", "").strip("，,。")


def agrees(slot: str, got, want) -> bool:
    if slot == "input":
        want = "spoken" if want == "misheard" else want
    if slot in EXACT:
        return norm(got) == norm(want)
    if slot == "pack":
        return numbers_in(norm(got)) == numbers_in(norm(want))
    got, want = norm(got), norm(want)
    return got == want or bool(got and want and (got in want or want in got))


def selling_scores(got: list[str], want: list[str]) -> tuple[int, int, int, int]:
    """(labels found, labels, phrases read that match a label, phrases read)."""
    got, want = [norm(g) for g in got], [norm(w) for w in want]

    def match(a: str, b: str) -> bool:
        return bool(a and b) and (a in b or b in a)

    found = sum(any(match(w, g) for g in got) for w in want)
    right = sum(any(match(g, w) for w in want) for g in got)
    return found, len(want), right, len(got)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--split", default="dev", choices=["dev", "heldout", "all"])
    parser.add_argument("--verbose", action="store_true", help="print every disagreement")
    parser.add_argument("--slots", default="", help="only these slots (comma-separated)")
    args = parser.parse_args()
    slots = [s for s in args.slots.split(",") if s] or list(SLOTS)

    data = rows(args.split)
    right = dict.fromkeys(slots, 0)
    stated = dict.fromkeys(slots, 0)  # labels that are not empty
    stated_right = dict.fromkeys(slots, 0)
    selling = [0, 0, 0, 0]
    for row in data:
        expect = row["expect"]
        reading = Brief(row["transcript"]).reading
        for slot in slots:
            got = getattr(reading, slot)
            want = row["input"] if slot == "input" else expect.get(slot, "")
            if slot == "selling":
                for i, n in enumerate(selling_scores(list(got), list(want))):
                    selling[i] += n
                continue
            ok = agrees(slot, got, want)
            right[slot] += ok
            if want not in ("", [], {}, None, False):
                stated[slot] += 1
                stated_right[slot] += ok
            if args.verbose and not ok:
                print(f"{row['id']:8s} {slot:11s} read {got!r:24s} label {want!r:24s} | {row['transcript'][:50]}")
    n = len(data)
    print(f"{n} texts, split {args.split} ({SET.name})")
    print(f"{'slot':12s} {'agrees':>14s} {'when labelled':>16s}")
    for slot in slots:
        if slot == "selling":
            found, labels, ok, read = selling
            recall = found / labels if labels else 0
            precision = ok / read if read else 0
            print(f"{'selling':12s} recall {found}/{labels} ({recall:.0%}), precision {ok}/{read} ({precision:.0%})")
            continue
        share = right[slot] / n if n else 0
        labelled = f"{stated_right[slot]}/{stated[slot]}" if stated[slot] else "-"
        pct = f"({stated_right[slot] / stated[slot]:.0%})" if stated[slot] else ""
        print(f"{slot:12s} {right[slot]:>4d}/{n:<4d} {share:4.0%} {labelled:>10s} {pct}")


if __name__ == "__main__":
    main()
