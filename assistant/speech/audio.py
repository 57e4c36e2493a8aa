"""Audio in: decode any recording a phone or browser makes into 16 kHz mono float32.

PyAV (FFmpeg, bundled in its wheel) reads wav, mp3, m4a/aac, ogg/opus, webm/opus, flac
and amr. Decoding streams frame by frame and stops as soon as the recording passes
the length limit: browser recordings (webm from MediaRecorder) often carry no duration
in their header, so the header alone cannot be trusted to refuse a 2-hour file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.contracts import Progress
from assistant.errors import UserError

SAMPLE_RATE = 16_000


@dataclass(frozen=True)
class AudioLimits:
    """What a recording must be to be worth transcribing.

    Attributes:
        max_duration_s: longer recordings are refused with a clear message, never cut
            silently. 10 minutes by default: a product description is under 1 minute,
            and 5 minutes transcribe in about a minute on 2 cores.
        min_duration_s: shorter clips cannot hold a word.
        normalize_gain: raise quiet recordings to a normal level before VAD and decoding.
    """

    max_duration_s: float = 600.0
    min_duration_s: float = 0.3
    normalize_gain: bool = True


def not_heard() -> UserError:
    return UserError(
        "没有听到说话，请靠近手机再说一遍。",
        "No speech was heard; please speak closer to the microphone and try again.",
    )


def too_long(seconds: float | None, limit: float) -> UserError:
    """``seconds`` is None when decoding stopped at the limit, before the end was known."""
    length = f"（{_minutes(seconds)}）" if seconds is not None else ""
    return UserError(
        f"录音太长了{length}，最多 {_minutes(limit)}。请说短一点，或分几段录。",
        f"Recording is too long ({f'{seconds:.0f} s' if seconds is not None else 'over the limit'}); "
        f"the limit is {limit:.0f} s.",
    )


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.0f} 分钟" if seconds >= 90 else f"{seconds:.0f} 秒"


def cannot_read(name: str, reason: str) -> UserError:
    return UserError(
        f"无法读取音频文件「{name}」，文件可能已损坏，或不是录音。请换一个录音文件（wav、mp3、m4a、ogg 等）。",
        f"Cannot read audio file {name}: {reason}.",
    )


def load_audio(path: str | Path, limits: AudioLimits = AudioLimits(), progress: Progress | None = None) -> np.ndarray:
    """Decode a recording with clear errors for every way a file can be wrong."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"找不到音频文件「{path.name}」。", f"Audio file not found: {path}.")
    if path.stat().st_size == 0:
        raise UserError(
            f"音频文件「{path.name}」是空的（0 字节），请重新录音。", f"Audio file {path.name} is empty (0 bytes)."
        )
    return check_audio(_decode(path, limits, progress), limits)


def _decode(path: Path, limits: AudioLimits, progress: Progress | None) -> np.ndarray:
    import av

    limit = int((limits.max_duration_s + 1) * SAMPLE_RATE)
    chunks: list[np.ndarray] = []
    samples = damaged = 0
    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            if not container.streams.audio:
                raise UserError(
                    f"文件「{path.name}」里没有声音。请上传录音文件（wav、mp3、m4a、ogg 等）。",
                    f"{path.name} has no audio stream; upload a recording (wav, mp3, m4a, ogg …).",
                )
            stream = container.streams.audio[0]
            declared = container.duration / 1_000_000 if container.duration else None
            if declared is not None and declared > limits.max_duration_s + 1:
                raise too_long(declared, limits.max_duration_s)  # refuse before decoding anything
            resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
            for packet in container.demux(stream):
                try:
                    frames = packet.decode()
                except av.error.InvalidDataError:
                    damaged += 1  # a damaged packet in the middle: skip it, as players do
                    continue
                for frame in frames:
                    samples += _append(chunks, resampler.resample(frame))
                if samples > limit:
                    raise too_long(None, limits.max_duration_s)
                if progress and declared:
                    progress(min(samples / SAMPLE_RATE / declared, 1.0), "正在读取录音")
            _append(chunks, resampler.resample(None))  # flush what the resampler holds back
    except UserError:
        raise
    except av.error.FFmpegError as exc:
        raise cannot_read(path.name, f"{type(exc).__name__}: {exc}") from None
    except (UnicodeDecodeError, ValueError, OSError) as exc:
        raise cannot_read(path.name, type(exc).__name__) from None
    if not chunks:
        if damaged:
            raise cannot_read(path.name, "no decodable audio frames")
        raise not_heard()  # a valid recording that holds nothing
    return np.concatenate(chunks).astype(np.float32, copy=False)


def _append(chunks: list[np.ndarray], frames) -> int:
    added = 0
    for frame in frames:
        chunk = frame.to_ndarray().reshape(-1)
        chunks.append(chunk)
        added += chunk.size
    return added


def check_audio(audio: np.ndarray, limits: AudioLimits = AudioLimits()) -> np.ndarray:
    """Refuse silent, too short and too long audio; raise quiet audio to a normal level."""
    audio = np.asarray(audio, dtype=np.float32).reshape(-1)
    seconds = len(audio) / SAMPLE_RATE
    if seconds < limits.min_duration_s:
        raise not_heard()
    if seconds > limits.max_duration_s + 1:
        raise too_long(seconds, limits.max_duration_s)
    # The 99.9th percentile rather than the maximum: a click from handling the phone
    # must not hide that the voice itself is quiet. A strided sample keeps it cheap.
    level = float(np.quantile(np.abs(audio[:: max(1, len(audio) // 200_000)]), 0.999))
    if level < 10 ** (-70 / 20):  # below -70 dBFS is digital silence
        raise not_heard()
    if limits.normalize_gain and level < 0.35:
        # Quiet phone recordings confuse the VAD and the decoder: bring the loud end of the
        # voice to -6 dBFS (at most +40 dB), which leaves headroom for its peaks.
        gain = min(0.5 / level, 100.0)
        audio = np.clip(audio * gain, -1.0, 1.0)
    return audio
