"""Benchmark: speech recognition on every shared clip, with the settings side by side.

    .venv/bin/python bench/asr.py [--configs app,beam1,float32,no-vad,no-gain] [--per-clip]

For each configuration: CER per group (Mandarin, Cantonese, Wu) after OpenCC t2s with
punctuation and spaces removed, real-time factor, load time and peak RSS so far; and
punctuation precision/recall on the clips whose reference is punctuated, for Whisper's
own marks alone ("whisper") and with the pause rule of ``join_segments`` ("app").
Mandarin and Wu clips are decoded as 普通话 ("zh"); Cantonese as 粤语 ("yue"),
as a user would choose in the app. The clips are read from ../shared/data/speech
(MULAN_SPEECH_DATA overrides) and never copied.

This measures; it is not a test, and nothing here is tuned to these sentences.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import resource
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant import models
from assistant.config import Settings
from assistant.errors import UserError
from assistant.metrics import edit_distance, punctuation_counts, strip_for_cer
from assistant.speech import SpeechOptions, Transcriber
from assistant.speech.audio import AudioLimits
from assistant.speech.cleanup import ToSimplified

DATA = Path(
    os.environ.get("MULAN_SPEECH_DATA", Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "speech")
)

CONFIGS = {
    "app": SpeechOptions(),
    "beam1": SpeechOptions(beam_size=1),
    "float32": SpeechOptions(compute_type="float32"),
    "no-vad": SpeechOptions(vad_filter=False),
    "no-gain": SpeechOptions(audio=AudioLimits(normalize_gain=False)),
    "prompt": SpeechOptions(initial_prompt="以下是普通话的句子。"),
}


def group_of(dialect: str) -> str:
    return dialect.split()[0].split("(")[0]  # "Mandarin", "Cantonese", "Wu"


def normalise(text: str, simplify) -> str:
    return strip_for_cer(simplify(text))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--configs", default=",".join(CONFIGS))
    parser.add_argument("--per-clip", action="store_true")
    args = parser.parse_args()
    settings = Settings.from_env()
    model_path = models.resolve_speech_model(settings).path
    with open(DATA / "manifest.tsv", encoding="utf-8") as f:
        clips = list(csv.DictReader(f, delimiter="\t"))
    simplify = ToSimplified()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores; date: {time.strftime('%Y-%m-%d')}; "
        f"model: {model_path.name}; clips: {len(clips)}"
    )
    summary = []
    for name in args.configs.split(","):
        options = CONFIGS[name]
        transcriber = Transcriber(model_path, options, settings.threads)
        errors: dict[str, list[int]] = {}
        punct = {"whisper": [0, 0, 0], "app": [0, 0, 0]}
        audio_s = compute_s = 0.0
        for clip in clips:
            group = group_of(clip["language_dialect"])
            language = "yue" if group == "Cantonese" else "zh"
            reference = normalise(clip["transcript"], simplify)
            started = time.perf_counter()
            try:
                transcript = transcriber.transcribe(DATA / clip["file"], replace(options, language=language))
                text, raw = transcript.text, "".join(seg.text for seg in transcript.segments)
            except UserError as exc:
                text = raw = ""
                print(f"  {clip['file']}: {exc.en}")
            compute_s += time.perf_counter() - started
            audio_s += float(clip["duration_s"])
            hypothesis = normalise(text, simplify)
            distance = edit_distance(reference, hypothesis)
            e = errors.setdefault(group, [0, 0])
            e[0] += distance
            e[1] += len(reference)
            if any(mark in clip["transcript"] for mark in "，。？！"):
                for kind, output in (("whisper", raw), ("app", text)):
                    counts = punctuation_counts(simplify(clip["transcript"]), output)
                    punct[kind] = [x + y for x, y in zip(punct[kind], counts)]
            if args.per_clip:
                print(f"  {name:8s} {clip['file'][:44]:44s} CER {distance / max(len(reference), 1):6.1%}  {text}")
        groups = {g: e[0] / e[1] for g, e in errors.items()}
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        summary.append((name, groups, compute_s / audio_s, transcriber.load_s, peak, punct))
    names = sorted({g for row in summary for g in row[1]})
    print(
        f"{'config':10s} "
        + " ".join(f"{g + ' CER':>14s}" for g in names)
        + f" {'RTF':>6s} {'load s':>7s} {'RSS MB':>7s}  punctuation P/R: whisper alone | with pause rule"
    )
    for name, groups, rtf, load, peak, punct in summary:
        pr = " | ".join(f"{c[0] / max(c[1], 1):4.0%}/{c[0] / max(c[2], 1):4.0%}" for c in punct.values())
        print(
            f"{name:10s} "
            + " ".join(f"{groups.get(g, float('nan')):14.1%}" for g in names)
            + f" {rtf:6.2f} {load:7.2f} {peak:7.0f}  {pr}"
        )
    print("RSS is the peak of the whole process so far, so it grows down the table.")


if __name__ == "__main__":
    main()
