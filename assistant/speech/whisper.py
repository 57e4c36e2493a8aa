"""Speech to text with faster-whisper.

Settings follow the measurements in DESIGN.md: int8 on CPU, beam 5, Silero VAD,
``condition_on_previous_text=False`` and no initial prompt (Whisper echoes prompts on
unclear audio). ``cleanup.py`` turns the raw text into Simplified Chinese sentences.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.contracts import Progress, Segment, Transcript
from assistant.speech.audio import SAMPLE_RATE, AudioLimits, check_audio, load_audio, not_heard
from assistant.speech.cleanup import Hallucinations, ToSimplified, clean_text, join_segments


@dataclass(frozen=True)
class SpeechOptions:
    """How audio is transcribed. Defaults are the settings measured in DESIGN.md.

    Attributes:
        language: Whisper language code: ``"zh"`` (Mandarin, default), ``"yue"``, or
            ``None`` to detect it.
        beam_size: 5 is measurably better than greedy at RTF ≈ 0.2 on 2 cores.
        compute_type: ``"int8"`` on CPU: same accuracy as float32 here, half the memory.
        vad_filter: skip non-speech with Silero VAD, which also stops most silence hallucinations.
        hotwords: words to bias the decoder towards (product and place names).
        initial_prompt: text to condition the first window on. ``None`` by default: on the
            shared clips a prompt such as "以下是普通话的句子。" made CER worse (12.0% → 14.1%),
            and Whisper echoes it on unclear audio (the echo is filtered out).
        audio: length limits and gain normalisation (see ``audio.AudioLimits``).
    """

    language: str | None = "zh"
    beam_size: int = 5
    compute_type: str = "int8"
    vad_filter: bool = True
    hotwords: str | None = None
    initial_prompt: str | None = None
    audio: AudioLimits = AudioLimits()


class Transcriber:
    """faster-whisper behind a small interface: ``transcribe(path) -> Transcript``.

    Load once per process and share it: the model is thread-safe for reading, and
    loading takes about half a second, but memory is the real cost on a 2-core laptop.
    """

    def __init__(self, model_path: str | Path, options: SpeechOptions = SpeechOptions(), threads: int = 2):
        from faster_whisper import WhisperModel

        started = time.perf_counter()
        self.options = options
        self.model = WhisperModel(str(model_path), device="cpu", compute_type=options.compute_type, cpu_threads=threads)
        self.load_s = time.perf_counter() - started
        self._simplify = ToSimplified()
        self._hallucinations = Hallucinations.load()
        # Only large-v3 style vocabularies (100 languages) have a Cantonese token; older
        # models learned Cantonese under "zh", and given "yue" they loop on garbage.
        self.has_cantonese_token = self.model.model.num_languages >= 100

    def transcribe(
        self, audio_path: str | Path, options: SpeechOptions | None = None, progress: Progress | None = None
    ) -> Transcript:
        options = options or self.options
        started = time.perf_counter()
        audio = load_audio(audio_path, options.audio, progress)
        decoded = time.perf_counter()
        transcript = self._transcribe(audio, options, progress)
        transcript.timings["decode_s"] = round(decoded - started, 3)
        return transcript

    def transcribe_array(
        self, audio: np.ndarray, options: SpeechOptions | None = None, progress: Progress | None = None
    ) -> Transcript:
        """Transcribe 16 kHz mono samples (a microphone buffer, say)."""
        options = options or self.options
        return self._transcribe(check_audio(audio, options.audio), options, progress)

    def clean(self, raw: str) -> str:
        """Whisper's text as a reader wants it: Simplified, no loops, full-width punctuation."""
        return clean_text(raw, self._simplify)

    def _transcribe(self, audio: np.ndarray, options: SpeechOptions, progress: Progress | None) -> Transcript:
        duration = len(audio) / SAMPLE_RATE
        started = time.perf_counter()
        language = options.language
        if language == "yue" and not self.has_cantonese_token:
            language = "zh"
        segments_iter, info = self.model.transcribe(
            audio,
            language=language,
            beam_size=options.beam_size,
            vad_filter=options.vad_filter,
            condition_on_previous_text=False,
            hotwords=options.hotwords or None,
            initial_prompt=options.initial_prompt or None,
        )
        segments: list[Segment] = []
        for seg in segments_iter:
            text = self.clean(seg.text)
            if progress:
                progress(min(seg.end / max(duration, 1e-6), 1.0), "正在听写")
            if self._hallucinations.is_hallucination(text, options.initial_prompt):
                continue
            segments.append(Segment(round(seg.start, 2), round(seg.end, 2), text))
        elapsed = time.perf_counter() - started
        if not segments:
            raise not_heard()
        return Transcript(
            text=join_segments([s.text for s in segments]),
            segments=segments,
            language=info.language,
            duration_s=round(duration, 3),
            timings={"transcribe_s": round(elapsed, 3), "rtf": round(elapsed / max(duration, 1e-6), 3)},
        )
