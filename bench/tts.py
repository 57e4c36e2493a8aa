"""Benchmark: the voice that reads copy aloud, on this machine.

    .venv/bin/python bench/tts.py [--limit 10] [--copy rule|model] [--wav-dir out/]

Speed, in a process that loads only the voice:
- load time; real-time factor (synthesis time / audio time) over every text;
- first audio: from the call to the first sentence ready, cold (no cache), which is what
  she waits for after tapping 🔊; and the same text again (from the cache);
- peak memory (RSS) of the process with the voice loaded and speaking.

Intelligibility by machine (a proxy: whisper-base has errors of its own): every text is
spoken, transcribed with Mulan's own recogniser, and scored as CER against the text as
it should be read (``for_speech``), for
- the copy of each dev brief (``--copy rule``: the rule-based copy, made from her own
  words in milliseconds; ``--copy model``: the copy the LLM writes, as the app shows it);
- the normaliser's test list (prices, phone numbers, dates; tests/voice/test_normalize.py)
  and the 多音字 list (tests/voice/polyphones.tsv).
This measures; it is not a test.
"""

from __future__ import annotations

import argparse
import csv
import json
import platform as machine
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "voice"))

import assistant  # noqa: F401  (offline switches)
from assistant.config import Settings
from assistant.contracts import Brief
from assistant.copywriting import CopyOptions, Copywriter
from assistant.files import wav_bytes
from assistant.metrics import cer
from assistant.pipeline import Pipeline
from assistant.voice import for_speech

REPO = Path(__file__).resolve().parent.parent
DEV_SET = REPO / "bench" / "data" / "copy_dev_set.jsonl"


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def dev_copy(limit: int, how: str, pipeline: Pipeline) -> list[tuple[str, str, str]]:
    """(brief id, platform, text) for the first ``limit`` dev briefs."""
    rows = [json.loads(line) for line in DEV_SET.read_text(encoding="utf-8").splitlines() if line.strip()][:limit]
    writer = pipeline.copywriter() if how == "model" else Copywriter(None)
    texts = []
    for row in rows:
        brief = Brief(
            row["transcript"],
            product=row.get("product", ""),
            price=row.get("price", ""),
            contact=row.get("contact", ""),
        )
        copy = writer.write(brief, CopyOptions())
        texts.append((row["id"], "poster", "。".join([copy.title, copy.slogan, *copy.selling_points])))
        texts += [(row["id"], platform, text) for platform, text in copy.posts.items() if text]
    return texts


def test_lists() -> list[tuple[str, str, str]]:
    from test_normalize import READ_AS

    texts = [
        ("normaliser", "reading", written)
        for written, _ in READ_AS
        if any("\u4e00" <= c <= "\u9fff" for c in for_speech(written))
    ]
    with open(REPO / "tests" / "voice" / "polyphones.tsv", encoding="utf-8") as f:
        texts += [
            ("polyphones", "多音字", r[0]) for r in csv.reader(f, delimiter="\t") if r and not r[0].startswith("#")
        ]
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=10, help="dev briefs to speak (default 10 of 33)")
    parser.add_argument("--copy", choices=["rule", "model"], default="rule")
    parser.add_argument("--wav-dir", help="also keep every spoken text here as WAV, to listen to")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data:
        settings = Settings.from_env(data_dir=Path(data))  # a fresh, empty speech cache
        pipeline = Pipeline(settings)
        before = rss_mb()
        started = time.perf_counter()
        voice = pipeline.voice()
        load_s = time.perf_counter() - started
        # Speed first, in a process holding only the voice (the recogniser loads after).
        texts = test_lists() + dev_copy(args.limit, args.copy, pipeline)
        spoken, firsts, synth_s, audio_s = [], [], 0.0, 0.0
        for name, platform, text in texts:
            started = time.perf_counter()
            pieces = []
            for speech in pipeline.speak(text):
                if not pieces:
                    firsts.append(time.perf_counter() - started)
                pieces.append(speech.samples)
            synth_s += time.perf_counter() - started
            audio = np.concatenate(pieces)
            audio_s += len(audio) / voice.rate
            spoken.append((name, platform, text, audio))
        voice_peak = rss_mb()
        started = time.perf_counter()
        list(pipeline.speak(texts[-1][2]))
        cached_s = time.perf_counter() - started
        print(
            f"machine: {machine.machine()}, {settings.threads} threads; date: {time.strftime('%Y-%m-%d')}; "
            f"voice {voice.name}; {len(texts)} texts, {audio_s:.0f} s of speech\n"
        )
        print(
            f"load {load_s:.2f} s; RTF {synth_s / audio_s:.3f}; first audio p50 {statistics.median(firsts):.2f} s, "
            f"p95 {sorted(firsts)[int(0.95 * (len(firsts) - 1))]:.2f} s, max {max(firsts):.2f} s; "
            f"again from the cache {cached_s * 1000:.0f} ms"
        )
        print(f"peak RSS {voice_peak:.0f} MB (Python and libraries {before:.0f} MB before the voice loaded)\n")

        wav_dir = Path(args.wav_dir) if args.wav_dir else None
        if wav_dir:
            wav_dir.mkdir(parents=True, exist_ok=True)
        groups: dict[str, list[float]] = {}
        worst = []
        with tempfile.TemporaryDirectory() as folder:
            for index, (name, platform, text, audio) in enumerate(spoken):
                path = (wav_dir or Path(folder)) / f"{index:03d}-{name}-{platform}.wav"
                path.write_bytes(wav_bytes(audio, voice.rate))
                heard = pipeline.transcribe(path).text
                rate = cer(for_speech(text), heard)
                groups.setdefault(platform if name in ("normaliser", "polyphones") else f"copy: {platform}", []).append(
                    rate
                )
                worst.append((rate, for_speech(text), heard))
        print(f"{'what':22s} {'n':>4s} {'CER mean':>9s} {'median':>7s} {'max':>6s}")
        for group, rates in groups.items():
            print(
                f"{group:22s} {len(rates):4d} {statistics.mean(rates):9.1%} {statistics.median(rates):7.1%} "
                f"{max(rates):6.1%}"
            )
        every = [r for rates in groups.values() for r in rates]
        print(
            f"{'all':22s} {len(every):4d} {statistics.mean(every):9.1%} {statistics.median(every):7.1%} "
            f"{max(every):6.1%}\n"
        )
        print("hardest five (as it should be read → what whisper-base heard):")
        for rate, said, heard in sorted(worst, reverse=True)[:5]:
            print(f"  {rate:5.0%}  {said[:60]} → {heard[:60]}")


if __name__ == "__main__":
    main()
