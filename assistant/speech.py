"""Speech to text: audio loading, faster-whisper, Simplified output, hallucination filter.

Settings follow the measurements in DESIGN.md: int8 on CPU, beam 5, Silero VAD,
``condition_on_previous_text=False`` and no initial prompt (Whisper echoes prompts on
unclear audio); the output is converted to Simplified Chinese with OpenCC ``t2s``
because Whisper often writes Traditional characters.
"""

from __future__ import annotations

import re
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from .audio import SAMPLE_RATE, AudioLimits, Progress, check_audio, load_audio, not_heard
from .text import collapse_loops

_DATA = Path(__file__).with_name("data")


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


@dataclass
class Segment:
    start: float
    end: float
    text: str


@dataclass
class Transcript:
    text: str
    segments: list[Segment] = field(default_factory=list)
    language: str = "zh"
    duration_s: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


# --------------------------------------------------------------------------- text clean-up

_PUNCT = re.compile(r"[\s\u3000，。！？、；：,.!?;:\"'“”‘’（）()《》【】…—\-]+")
_END_PUNCT = "。！？!?…"


@dataclass(frozen=True)
class _Hallucinations:
    phrases: tuple[str, ...]

    @classmethod
    def load(cls) -> "_Hallucinations":
        lines = (_DATA / "hallucinations.txt").read_text(encoding="utf-8").splitlines()
        phrases = tuple(_PUNCT.sub("", line).lower() for line in lines if line.strip() and not line.startswith("#"))
        return cls(phrases)

    def is_hallucination(self, text: str, prompt: str | None = None) -> bool:
        """A known silence phrase, or an echo of the prompt we gave the decoder."""
        norm = _PUNCT.sub("", text).lower()
        if not norm:
            return True
        if prompt and len(norm) >= 4 and norm in _PUNCT.sub("", prompt).lower():
            return True
        return any(p == norm or (p in norm and len(p) * 2 >= len(norm)) for p in self.phrases)


class _ToSimplified:
    def __init__(self):
        import opencc

        self._converter = opencc.OpenCC("t2s")

    def __call__(self, text: str) -> str:
        return self._converter.convert(text)


# 著 is both the Simplified 著 of 著名 and the Traditional form of the particle 着
# (带著 → 带着). OpenCC t2s cannot tell them apart and leaves 著; only these words keep it.
_ZHU_WORDS = re.compile("著名|著作|著称|著述|著录|著书|著者|著有|显著|名著|原著|专著|编著|论著|土著|昭著|卓著|巨著|遗著|译著|合著|拙著|新著")


def particle_zhe(text: str) -> str:
    if "著" not in text:
        return text
    keep = {m.start() + m.group().index("著") for m in _ZHU_WORDS.finditer(text)}
    return "".join("着" if ch == "著" and i not in keep else ch for i, ch in enumerate(text))


_HALF_TO_FULL = {",": "，", "?": "？", "!": "！", ";": "；", ":": "："}


def fullwidth_punctuation(text: str) -> str:
    """Whisper often writes ASCII commas in Chinese; after a Chinese character they become "，"."""
    return re.sub(r"(?<=[\u4e00-\u9fff])\s*([,?!;:])\s*",
                  lambda m: _HALF_TO_FULL[m.group(1)], text)


def join_segments(texts: list[str]) -> str:
    """Join segment texts into readable sentences.

    Whisper often gives Chinese segments without punctuation; a pause between segments
    is a clause boundary, so a comma goes there, and a full stop at the end.
    """
    pieces = [t.strip() for t in texts if t.strip()]
    out = ""
    for i, piece in enumerate(pieces):
        piece = re.sub(r"\s+", "，", piece) if re.search(r"[\u4e00-\u9fff]\s+[\u4e00-\u9fff]", piece) else piece
        out += piece
        last = i == len(pieces) - 1
        if piece[-1] not in _END_PUNCT + "，,、；;：:":
            out += "。" if last else "，"
    return out


def hotwords_from(*texts: str) -> str | None:
    """The words a seller types ("燕之屋，景德镇、杏子") as faster-whisper's hotword string."""
    words = [w for text in texts for w in re.split(r"[\s,，、;；/]+", text or "") if w]
    return " ".join(dict.fromkeys(words)) or None


# --------------------------------------------------------------------------- transcriber


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
        self._simplify = _ToSimplified()
        self._hallucinations = _Hallucinations.load()
        # Only large-v3 style vocabularies (100 languages) have a Cantonese token; older
        # models learned Cantonese under "zh", and given "yue" they loop on garbage.
        self.has_cantonese_token = self.model.model.num_languages >= 100

    def transcribe(self, audio_path: str | Path, options: SpeechOptions | None = None,
                   progress: Progress | None = None) -> Transcript:
        options = options or self.options
        started = time.perf_counter()
        audio = load_audio(audio_path, options.audio, progress)
        decoded = time.perf_counter()
        transcript = self._transcribe(audio, options, progress)
        transcript.timings["decode_s"] = round(decoded - started, 3)
        return transcript

    def transcribe_array(self, audio: np.ndarray, options: SpeechOptions | None = None,
                         progress: Progress | None = None) -> Transcript:
        """Transcribe 16 kHz mono samples (a microphone buffer, say)."""
        options = options or self.options
        return self._transcribe(check_audio(audio, options.audio), options, progress)

    def clean(self, raw: str) -> str:
        """Whisper's text as a reader wants it: Simplified, no loops, full-width punctuation."""
        return fullwidth_punctuation(collapse_loops(particle_zhe(self._simplify(raw.strip()))))

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
