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
from typing import Callable

import numpy as np

from .errors import UserError

SAMPLE_RATE = 16_000
_DATA = Path(__file__).with_name("data")

Progress = Callable[[float, str], None]


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
        max_duration_s: longer recordings are refused with a clear message, not cut silently.
        min_duration_s: shorter clips cannot hold a sentence.
        normalize_gain: raise quiet recordings to a normal level before VAD and decoding.
    """

    language: str | None = "zh"
    beam_size: int = 5
    compute_type: str = "int8"
    vad_filter: bool = True
    hotwords: str | None = None
    max_duration_s: float = 600.0
    min_duration_s: float = 0.3
    normalize_gain: bool = True


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


# --------------------------------------------------------------------------- audio

def not_heard() -> UserError:
    return UserError("没有听到说话，请靠近手机再说一遍。",
                     "No speech was heard; please speak closer to the microphone and try again.")


def _probe_duration(path: Path) -> float | None:
    """Container duration without decoding, so a 2-hour file is refused cheaply."""
    import av

    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            if not container.streams.audio:
                raise UserError(
                    f"文件「{path.name}」里没有声音。请上传录音文件（wav、mp3、m4a、ogg 等）。",
                    f"{path.name} has no audio stream; upload a recording (wav, mp3, m4a, ogg …).",
                )
            if container.duration:
                return container.duration / 1_000_000
            stream = container.streams.audio[0]
            if stream.duration and stream.time_base:
                return float(stream.duration * stream.time_base)
    except UserError:
        raise
    except Exception as exc:  # PyAV raises many error types for bad containers
        raise UserError(
            f"无法读取音频文件「{path.name}」，文件可能已损坏或不是录音。",
            f"Cannot read audio file {path.name}: {type(exc).__name__}.",
        ) from None
    return None


def load_audio(path: str | Path, options: SpeechOptions = SpeechOptions()) -> np.ndarray:
    """Decode any format PyAV/FFmpeg reads into 16 kHz mono float32, with clear errors."""
    from faster_whisper.audio import decode_audio

    path = Path(path)
    if not path.is_file():
        raise UserError(f"找不到音频文件「{path}」。", f"Audio file not found: {path}.")
    if path.stat().st_size == 0:
        raise UserError(f"音频文件「{path.name}」是空的（0 字节）。", f"Audio file {path.name} is empty (0 bytes).")
    duration = _probe_duration(path)
    if duration is not None and duration > options.max_duration_s:
        raise UserError(
            f"录音太长了（{duration / 60:.0f} 分钟），最多 {options.max_duration_s / 60:.0f} 分钟。请说短一点再试。",
            f"Recording is too long ({duration:.0f} s); the limit is {options.max_duration_s:.0f} s.",
        )
    try:
        audio = decode_audio(str(path), sampling_rate=SAMPLE_RATE)
    except Exception as exc:
        raise UserError(
            f"无法读取音频文件「{path.name}」，文件可能已损坏或格式不支持。",
            f"Cannot decode audio file {path.name}: {type(exc).__name__}.",
        ) from None
    return check_audio(audio, options)


def check_audio(audio: np.ndarray, options: SpeechOptions = SpeechOptions()) -> np.ndarray:
    """Refuse silent, too short and too long audio; raise quiet audio to a normal level."""
    audio = np.asarray(audio, dtype=np.float32).reshape(-1)
    seconds = len(audio) / SAMPLE_RATE
    if seconds < options.min_duration_s:
        raise not_heard()
    if seconds > options.max_duration_s:
        raise UserError(
            f"录音太长了（{seconds / 60:.0f} 分钟），最多 {options.max_duration_s / 60:.0f} 分钟。请说短一点再试。",
            f"Recording is too long ({seconds:.0f} s); the limit is {options.max_duration_s:.0f} s.",
        )
    peak = float(np.max(np.abs(audio))) if audio.size else 0.0
    if peak < 10 ** (-70 / 20):  # below -70 dBFS is digital silence
        raise not_heard()
    if options.normalize_gain and peak < 0.5:
        # Quiet phone recordings confuse the VAD; bring the peak to -3 dBFS, at most +40 dB.
        gain = min(0.7 / peak, 100.0)
        audio = audio * gain
    return audio


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

    def is_hallucination(self, text: str) -> bool:
        norm = _PUNCT.sub("", text).lower()
        if not norm:
            return True
        return any(p == norm or (p in norm and len(p) * 2 >= len(norm)) for p in self.phrases)


class _ToSimplified:
    def __init__(self):
        import opencc

        self._converter = opencc.OpenCC("t2s")

    def __call__(self, text: str) -> str:
        return self._converter.convert(text)


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
        audio = load_audio(audio_path, options)
        decoded = time.perf_counter()
        transcript = self.transcribe_array(audio, options, progress)
        transcript.timings["decode_s"] = decoded - started
        return transcript

    def transcribe_array(self, audio: np.ndarray, options: SpeechOptions | None = None,
                         progress: Progress | None = None) -> Transcript:
        options = options or self.options
        audio = check_audio(audio, options)
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
        )
        segments: list[Segment] = []
        for seg in segments_iter:
            text = fullwidth_punctuation(self._simplify(seg.text.strip()))
            if progress:
                progress(min(seg.end / max(duration, 1e-6), 1.0), "正在听写")
            if self._hallucinations.is_hallucination(text):
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
