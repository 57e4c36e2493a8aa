"""Benchmark: wall time and peak memory of `python -m assistant make`, as a user runs it.

Each run is a fresh process (models load from the verified cache), so the figures
include model loading. Prints one row per input and the per-stage times the CLI reports.

    .venv/bin/python bench/make.py [--runs 2]
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("MULAN_SPEECH_DATA", REPO.parent / "shared" / "data" / "speech"))
PHOTOS = Path(os.environ.get("MULAN_PHOTO_DATA", REPO.parent / "shared" / "data" / "photos"))

CASES = {
    "apricot brief (text)": [
        "--text",
        "我家的杏子又大又甜，一斤十五块，包邮",
        "--contact",
        "xingzi_88",
        "--photo",
        str(PHOTOS / "grapes_01.jpg"),
    ],
    "funasr clip (5.5 s audio)": [str(SHARED / "zh_funasr_asr_example_zh.wav")],
}


def run_once(args: list[str]) -> tuple[float, float, str]:
    with tempfile.TemporaryDirectory() as out:
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        started = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "assistant", "make", *args, "--out", out], cwd=REPO, capture_output=True, text=True
        )
        wall = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        if proc.returncode:
            raise SystemExit(proc.stderr)
        # ru_maxrss of children is the max over all children so far; runs go largest-last-safe
        return wall, max(peak, before) / 1024, proc.stdout


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"date: {time.strftime('%Y-%m-%d')}"
    )
    print(f"{'input':28s} {'run':>3s} {'wall s':>7s} {'peak MB':>8s}  stages")
    for name, case in CASES.items():
        for i in range(args.runs):
            wall, peak, stdout = run_once(case)
            stages = "; ".join(m.group(0) for m in re.finditer(r"(transcript|copy|posters) \(\d+\.\d s", stdout))
            print(f"{name:28s} {i + 1:3d} {wall:7.1f} {peak:8.0f}  {stages})")


if __name__ == "__main__":
    main()
