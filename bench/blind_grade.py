"""Blind A/B/C grading of the copy, as issue 28 asks: write, mix, grade, tally.

    # 1. each version writes the same briefs (run once per checkout; --repo picks the code)
    .venv/bin/python bench/blind_grade.py write --repo /tmp/before --out before.json --split heldout --sample 24
    .venv/bin/python bench/blind_grade.py write --repo . --out after.json --split heldout --sample 24
    # 2. a packet with the versions hidden and mixed, the key kept apart
    .venv/bin/python bench/blind_grade.py packet before.json after.json --out round/ --items 48
    # 3. a reader who wrote neither grades round/packet.md into round/grades.tsv
    #    (one line per item: number, A|B|C, what is wrong), then
    .venv/bin/python bench/blind_grade.py tally round/

A = she would post it as it is; B = one small edit; C = not usable. Pairs are drawn so each
version is graded on the same (brief, platform) texts. ``write`` only uses what every version
of Mulan has had (Copywriter.write with the platforms), so an old checkout can be measured
with today's script. This measures; it is not a test.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

READING_SET = Path(__file__).resolve().parent / "data" / "reading_set.jsonl"
LABELS = {
    "poster": "海报文字",
    "moments": "朋友圈",
    "video": "抖音/快手口播",
    "xiaohongshu": "小红书",
    "shop_title": "网店标题",
    "homestay": "民宿介绍",
}


def reading_rows(split: str = "", sample: int = 0) -> list[dict]:
    rows = [json.loads(line) for line in READING_SET.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [r for r in rows if r.get("kind") != "nothing" and (not split or r.get("split") == split)]
    if sample:
        rows = random.Random(28).sample(rows, min(sample, len(rows)))  # as bench/copy_eval.py --sample
    return rows


def write(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(Path(args.repo).resolve()))
    from assistant import models
    from assistant.config import Settings
    from assistant.contracts import Brief
    from assistant.copywriting import Copywriter
    from assistant.copywriting.copywriter import CopyOptions
    from assistant.copywriting.platforms import default_platforms
    from assistant.llm import load_generator

    settings = Settings.from_env(llm_backend=args.llm_backend)
    writer = Copywriter(load_generator(models.resolve_copy_model(settings), settings))
    writer.prime()
    out = []
    for row in reading_rows(args.split, args.sample):
        brief = Brief(row["transcript"])
        began = time.perf_counter()
        copy = writer.write(brief, CopyOptions(platforms=tuple(default_platforms(brief))))
        seconds = time.perf_counter() - began
        poster = {
            "title": copy.title,
            "slogan": copy.slogan,
            "selling_points": list(copy.selling_points),
            "hashtags": list(copy.hashtags),
        }
        out.append({"id": row["id"], "seconds": round(seconds, 1), "texts": {"poster": poster, **copy.posts}})
        print(f"{row['id']} {seconds:5.1f} s", flush=True)
    Path(args.out).write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")


def shown(platform: str, text) -> str:
    if platform == "poster":
        points = "；".join(text.get("selling_points") or [])
        return f"标题：{text.get('title', '')}\n标语：{text.get('slogan', '')}\n卖点：{points}"
    return str(text)


def texts_of(row: dict) -> dict:
    """One brief's texts by platform, from ``write`` or from ``bench/copy_eval.py --json``
    (a whole copy), so a copy_eval run that measured faults and time can be graded too."""
    if "texts" in row:
        return row["texts"]
    poster = {k: row.get(k) for k in ("title", "slogan", "selling_points", "hashtags")}
    return {"poster": poster, **row.get("posts", {})}


def packet(args: argparse.Namespace) -> None:
    versions = [json.loads(Path(p).read_text(encoding="utf-8")) for p in args.outputs]
    texts = [{(r["id"], p): t for r in rows for p, t in texts_of(r).items() if t} for rows in versions]
    shared = sorted(set.intersection(*(set(t) for t in texts)))
    rng = random.Random(args.seed)
    pairs = rng.sample(shared, min(args.items // len(versions), len(shared)))
    said = {r["id"]: r["transcript"] for r in reading_rows()}
    items = [(v, key) for key in pairs for v in range(len(versions))]
    rng.shuffle(items)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    lines = ["# 文案盲评\n", "每条：A＝她可以原样发出去；B＝要改一个小地方；C＝不能用。\n"]
    key = {}
    for number, (version, (brief_id, platform)) in enumerate(items, 1):
        key[number] = {"version": args.outputs[version], "id": brief_id, "platform": platform}
        lines.append(
            f"## {number}\n她说的话：{said[brief_id]}\n平台：{LABELS.get(platform, platform)}\n"
            f"文案：\n{shown(platform, texts[version][(brief_id, platform)])}\n"
        )
    (out / "packet.md").write_text("\n".join(lines), encoding="utf-8")
    (out / "key.json").write_text(json.dumps(key, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{len(items)} items in {out / 'packet.md'}; key in {out / 'key.json'} (not for the reader)")


def tally(args: argparse.Namespace) -> None:
    out = Path(args.round)
    key = json.loads((out / "key.json").read_text(encoding="utf-8"))
    kind = {r["id"]: r.get("input", "") for r in reading_rows()}
    grades: dict[str, list[tuple[str, dict, str]]] = defaultdict(list)
    for line in (out / "grades.tsv").read_text(encoding="utf-8").splitlines():
        number, grade, *why = (line.split("\t") + [""])[:3]
        if number.strip() in key and grade.strip() in ("A", "B", "C"):
            item = key[number.strip()]
            grades[item["version"]].append((grade.strip(), item, why[0] if why else ""))
    for version, graded in grades.items():
        counts = Counter(g for g, _, _ in graded)
        n = len(graded)
        print(f"{version}: n={n}  A {counts['A'] / n:.0%}  A+B {(counts['A'] + counts['B']) / n:.0%}")
        for label, pick in (("platform", lambda i: i["platform"]), ("input", lambda i: kind.get(i["id"], ""))):
            cells: dict[str, Counter] = defaultdict(Counter)
            for g, item, _ in graded:
                cells[pick(item)][g] += 1
            print(
                f"  by {label}: "
                + "; ".join(
                    f"{k} {c['A']}/{sum(c.values())} A, {c['A'] + c['B']}/{sum(c.values())} A+B"
                    for k, c in sorted(cells.items())
                )
            )
        for g, item, why in graded:
            if g != "A" and why:
                print(f"    {g} {item['id']} {item['platform']}: {why}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    w = commands.add_parser("write", help="write every needed platform for a sample of the reading set")
    w.add_argument("--repo", default=".", help="the checkout whose code writes (default: this one)")
    w.add_argument("--out", required=True)
    w.add_argument("--split", default="heldout", help="dev or heldout (default: heldout, never tuned on)")
    w.add_argument("--sample", type=int, default=24)
    w.add_argument("--llm-backend", default="llama-server", help="default: the app's own llama-server")
    p = commands.add_parser("packet", help="mix the versions' texts for a blind reader")
    p.add_argument("outputs", nargs="+", help="one JSON per version, from write")
    p.add_argument("--out", required=True)
    p.add_argument("--items", type=int, default=48)
    p.add_argument("--seed", type=int, default=3)
    t = commands.add_parser("tally", help="A and A+B per version from the reader's grades.tsv")
    t.add_argument("round")
    args = parser.parse_args()
    {"write": write, "packet": packet, "tally": tally}[args.command](args)


if __name__ == "__main__":
    main()
