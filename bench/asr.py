"""Benchmark: speech recognition on every shared clip, with the settings side by side.

    .venv/bin/python bench/asr.py [--configs app,beam1,float32,no-vad,no-gain] [--per-clip]

For each configuration: CER per group (Mandarin, Cantonese, Wu) after OpenCC t2s with
punctuation and spaces removed, real-time factor, and for the first one load time and
peak RSS. Mandarin and Wu clips are decoded as 普通话 ("zh"); Cantonese as 粤语 ("yue"),
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

from assistant import models  # noqa: E402
from assistant.config import Settings  # noqa: E402
from assistant.errors import UserError  # noqa: E402
from assistant.metrics import edit_distance, strip_for_cer  # noqa: E402
from assistant.speech import SpeechOptions, Transcriber, _ToSimplified  # noqa: E402

DATA = Path(os.environ.get("MULAN_SPEECH_DATA", Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "speech"))

CONFIGS = {
    "app": SpeechOptions(),
    "beam1": SpeechOptions(beam_size=1),
    "float32": SpeechOptions(compute_type="float32"),
    "no-vad": SpeechOptions(vad_filter=False),
    "no-gain": SpeechOptions(normalize_gain=False),
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
    simplify = _ToSimplified()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores; date: {time.strftime('%Y-%m-%d')}; "
          f"model: {model_path.name}; clips: {len(clips)}")
    summary = []
    for name in args.configs.split(","):
        options = CONFIGS[name]
        transcriber = Transcriber(model_path, options, settings.threads)
        errors: dict[str, list[int]] = {}
        audio_s = compute_s = 0.0
        for clip in clips:
            group = group_of(clip["language_dialect"])
            language = "yue" if group == "Cantonese" else "zh"
            reference = normalise(clip["transcript"], simplify)
            started = time.perf_counter()
            try:
                text = transcriber.transcribe(DATA / clip["file"], replace(options, language=language)).text
            except UserError as exc:
                text = ""
                print(f"  {clip['file']}: {exc.en}")
            compute_s += time.perf_counter() - started
            audio_s += float(clip["duration_s"])
            hypothesis = normalise(text, simplify)
            distance = edit_distance(reference, hypothesis)
            e = errors.setdefault(group, [0, 0])
            e[0] += distance
            e[1] += len(reference)
            if args.per_clip:
                print(f"  {name:8s} {clip['file'][:44]:44s} CER {distance / max(len(reference), 1):6.1%}  {text}")
        groups = {g: e[0] / e[1] for g, e in errors.items()}
        summary.append((name, groups, compute_s / audio_s, transcriber.load_s))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    names = sorted({g for _, groups, _, _ in summary for g in groups})
    print(f"{'config':10s} " + " ".join(f"{g + ' CER':>14s}" for g in names) + f" {'RTF':>6s} {'load s':>7s}")
    for name, groups, rtf, load in summary:
        print(f"{name:10s} " + " ".join(f"{groups.get(g, float('nan')):14.1%}" for g in names) + f" {rtf:6.2f} {load:7.2f}")
    print(f"peak RSS (all configs in one process): {peak:.0f} MB")


if __name__ == "__main__":
    main()
