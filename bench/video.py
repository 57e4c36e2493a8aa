"""Benchmark: the short video on this machine.

    .venv/bin/python bench/video.py [--seconds 30] [--presets superfast,veryfast,ultrafast]

A 1080×1920 video of ``--seconds`` made the way the app makes it (three photos, Mulan's
voice reading a script, subtitles, an end card), once per x264 preset: time to the first
preview frame, time for the whole video (and its ratio to real time), file size, and the
process's peak memory beyond what it held before. Then the 1:1 version with the chosen
default preset. This measures; it is not a test.
"""

from __future__ import annotations

import argparse
import os
import platform as machine
import resource
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import assistant  # noqa: F401  (offline switches)
from assistant import video
from assistant.contracts import Brief, Copy, Cue, VideoRequest, VoiceOver
from assistant.imaging.photo import open_photo
from assistant.pipeline import Pipeline
from assistant.poster.render import Renderer
from assistant.poster.templates import get_template

PHOTOS = Path(os.environ.get("MULAN_PHOTO_DATA", Path(__file__).resolve().parents[2] / "shared" / "data" / "photos"))
SCRIPT = (
    "你吃过这么甜的杏子吗？我家的杏子又大又甜，是老树上结的，个头大，水分足。一斤十五块，包邮到家。"
    "今年的杏子刚摘下来，当天摘当天发。想要的朋友评论区留言，或者私信我！"
)


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--presets", default="superfast,veryfast,ultrafast")
    args = parser.parse_args()
    pipeline = Pipeline()
    copy = Copy("杏子熟了", "又大又甜，一斤十五块", ["个大", "味甜", "包邮"], {}, ["杏子"])
    brief = Brief("我家的杏子又大又甜，一斤十五块，包邮", product="杏子", price="15元/斤", contact="13912340001")
    photos = [
        open_photo(PHOTOS / name)
        for name in ("grapes_01.jpg", "tea_plantation_01.jpg", "farmland_dawn_01.jpg")
        if (PHOTOS / name).is_file()
    ] or [open_photo(next(PHOTOS.glob("*.jpg")))]
    template = get_template("fruit-harvest")
    # Mulan's voice, repeated to the length asked for, with one cue per sentence.
    parts, cues, at = [], [], 0.0
    while at < args.seconds - 1:
        for speech in pipeline.speak(SCRIPT):
            if at >= args.seconds - 1:
                break
            parts.append(speech.samples)
            cues.append(Cue(round(at, 3), round(at + speech.seconds - 0.15, 3), speech.text))
            at += speech.seconds
    voice = VoiceOver("read", np.concatenate(parts)[: int(args.seconds * 24_000)], 24_000, cues)
    print(
        f"machine: {machine.machine()}, {os.cpu_count()} cores; date: {time.strftime('%Y-%m-%d')}; "
        f"{len(photos)} photos, {len(voice.samples) / 24_000:.1f} s of voice, {len(cues)} subtitles\n"
    )
    print(
        f"{'size':10s} {'preset':10s} {'preview s':>9s} {'video s':>8s} {'× real time':>11s} {'MB':>6s} "
        f"{'MB/30 s':>8s} {'peak +MB':>8s}"
    )
    with tempfile.TemporaryDirectory() as folder:
        for size_id, size, presets in (
            ("story", video.STORY, args.presets.split(",")),
            ("moments", video.SQUARE, [video.EncodeOptions().preset]),
        ):
            end_card = Renderer().render(template, copy, brief, photos[0], size_id).image
            request = VideoRequest(photos, end_card, copy.title, "¥15/斤", ("#D9480F", "#FFFFFF"), voice, size)
            for preset in presets:
                before = rss_mb()
                started = time.perf_counter()
                video.preview(request)
                preview_s = time.perf_counter() - started
                started = time.perf_counter()
                made = video.make(
                    request, Path(folder) / f"{size_id}-{preset}.mp4", replace(video.EncodeOptions(), preset=preset)
                )
                took = time.perf_counter() - started
                mb = made.path.stat().st_size / 1e6
                print(
                    f"{size[0]}x{size[1]:<5d} {preset:10s} {preview_s:9.2f} {took:8.1f} {took / made.seconds:11.2f} "
                    f"{mb:6.1f} {mb * 30 / made.seconds:8.1f} {max(0.0, rss_mb() - before):8.0f}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
