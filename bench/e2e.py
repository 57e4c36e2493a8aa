"""Benchmark: one seller's run through the page, with the models already loaded.

    .venv/bin/python bench/e2e.py [--rounds 3]

The same plain functions the page's buttons call (``assistant.actions``), in the page's
order, on a warm app (models loaded and prompts primed, as at start-up):

1. 15 s of voice (two shared clips and a pause, joined into one WAV) → the transcript;
2. 写文案 for every platform the brief needs, streamed; the poster text comes first;
3. as soon as the poster text is there, the suggested template at 1080×1080;
4. on ④, the twelve template previews drawn with her copy and a photo.

Printed per round: seconds until the transcript is shown, until the first poster exists
(voice + poster text + render), and until the copy for every platform is written (from
写文案), and how long the previews take. Targets (issue 6, 2 cores): ≤ 5 s, ≤ 15 s and ≤ 40 s.
It measures; it is not a test.
"""

from __future__ import annotations

import argparse
import os
import platform as machine
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.pipeline import Pipeline
from assistant.speech.audio import load_audio
from assistant.store import Store
from assistant.ui import handlers
from tests.audio_files import write_wav

SPEECH = Path(os.environ.get("MULAN_SPEECH_DATA", Path(__file__).resolve().parents[2] / "shared" / "data" / "speech"))
CLIPS = ["zh_stepaudio_prompt_wav_yuqian.wav", "zh_funasr_asr_example_zh.wav"]  # 8.1 s + 5.5 s
PHOTO = Path(os.environ.get("MULAN_PHOTO_DATA", SPEECH.parent / "photos")) / "grapes_01.jpg"
RATE = 16_000


def fifteen_seconds_of_voice(folder: Path) -> Path:
    """The clips joined with a pause between them and padded to 15.0 s, as 16 kHz mono WAV."""
    parts = []
    for name in CLIPS:
        parts += [load_audio(SPEECH / name), np.zeros(RATE // 2, dtype=np.float32)]
    voice = np.concatenate(parts)
    voice = np.concatenate([voice, np.zeros(max(0, 15 * RATE - len(voice)), dtype=np.float32)])[: 15 * RATE]
    return write_wav(folder / "voice-15s.wav", voice, RATE)


def one_round(pipeline: Pipeline, store: Store, voice: Path) -> tuple[float, float, float, float, str]:
    started = time.perf_counter()
    heard_updates = handlers.listen(pipeline, str(voice), "普通话")
    heard = time.perf_counter() - started
    if "transcript" not in heard_updates:
        raise SystemExit(f"transcription failed: {heard_updates['listen_msg']}")
    form = handlers.Form(heard_updates["transcript"])
    writing = time.perf_counter()
    first_poster = None
    work = handlers.Work()
    for updates in handlers.write_copy(pipeline, handlers.Work(), form):
        if "work" in updates and first_poster is None:  # the poster text is written first
            made = handlers.render_posters(pipeline, store, updates["work"], form, size_ids=["moments"])
            assert made.get("gallery"), "no poster was made"
            first_poster = time.perf_counter() - started
        work = updates.get("work", work)
    all_copy = time.perf_counter() - writing
    drawing = time.perf_counter()
    previews = handlers.template_previews(
        pipeline, work, handlers.Form(form.transcript, photo=str(PHOTO)), handlers.Edits()
    )
    assert previews, "no previews were drawn"
    return (
        heard,
        first_poster,
        all_copy,
        time.perf_counter() - drawing,
        f"{len(work.copy.posts)} texts; title {work.copy.title}",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        voice = fifteen_seconds_of_voice(folder)
        pipeline = Pipeline()
        started = time.perf_counter()
        pipeline.warm_up()
        print(
            f"machine: {machine.machine()}, {os.cpu_count()} cores; date: {time.strftime('%Y-%m-%d')}; "
            f"start-up (load + prime) {time.perf_counter() - started:.1f} s; voice {voice.name}\n"
        )
        store = Store(folder / "data")
        rows = []
        for n in range(args.rounds):
            heard, poster, copy_s, previews, what = one_round(pipeline, store, voice)
            rows.append((heard, poster, copy_s))
            print(
                f"round {n + 1}: transcript {heard:5.1f} s   first poster {poster:5.1f} s   "
                f"all copy {copy_s:5.1f} s   ④ previews {previews:4.2f} s   ({what})",
                flush=True,
            )
        for label, index, target in (("transcript", 0, 5), ("first poster", 1, 15), ("all copy", 2, 40)):
            values = [row[index] for row in rows]
            print(
                f"{label:13s} mean {statistics.mean(values):5.1f} s  max {max(values):5.1f} s  "
                f"target ≤ {target} s: {'met' if max(values) <= target else 'missed'}"
            )


if __name__ == "__main__":
    main()
