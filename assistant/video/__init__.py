"""Video stage: her photos, her voice (or Mulan's), subtitles and an end card, as an MP4.

A :class:`~assistant.contracts.VideoRequest` comes in with everything already decided:
the photos decoded, the end card drawn by the poster stage, the voice-over and its
timings from the recogniser or the voice. This stage never calls a model. ``soundtrack``
tidies and mixes the sound, ``subtitles`` times and sets the lines, ``frames`` draws the
pictures one at a time, and ``encoder`` writes H.264 + AAC as it goes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

from assistant.contracts import Cue, Progress, VideoRequest
from assistant.errors import UserError
from assistant.files import write_atomically
from assistant.video.encoder import EncodeOptions, encode
from assistant.video.frames import FrameMaker, title_band
from assistant.video.soundtrack import clean_recording, mix
from assistant.video.subtitles import SQUARE_SAFE_AREA, SafeArea, reading_cues, split_long, to_srt

MIN_S, MAX_S = 6.0, 60.0  # what the apps take well: a short video, never a long one
MAX_PHOTOS = 9
STORY, SQUARE = (1080, 1920), (1080, 1080)


@dataclass
class Video:
    path: Path
    size: tuple[int, int]
    seconds: float
    cues: list[Cue]
    cover: Image.Image | None = None  # a frame from its first second, for the cover image
    timings: dict[str, float] = field(default_factory=dict)


def check(request: VideoRequest) -> None:
    """What she must fix before a video can be made, in plain Chinese."""
    if not request.photos:
        raise UserError(
            "做视频要至少一张照片：在第 ② 步放一张，或者在「更多照片」里放。", "A video needs at least one photo."
        )
    if len(request.photos) > MAX_PHOTOS:
        raise UserError(f"照片太多了，一个视频最多 {MAX_PHOTOS} 张。", f"At most {MAX_PHOTOS} photos in a video.")
    voice = request.voice
    if voice.kind != "none" and (voice.samples is None or not len(voice.samples)):
        raise UserError("没有可以用的声音，请选「不要声音」或者重新录音。", "The voice-over is empty.")
    if voice.samples is not None and len(voice.samples) / voice.rate > MAX_S * 3:
        minutes = len(voice.samples) / voice.rate / 60
        raise UserError(
            f"这段录音有 {minutes:.0f} 分钟，短视频最多 {MAX_S:.0f} 秒。可以选「木兰读口播稿」，或者录一段短的。",
            f"The recording is {minutes:.1f} min; a short video takes at most {MAX_S:.0f} s.",
        )


def plan_sound(request: VideoRequest) -> tuple[np.ndarray | None, int, list[Cue], float]:
    """(voice samples, their rate, subtitle cues, total seconds) for the request."""
    voice = request.voice
    if voice.kind == "none":
        cues = voice.cues
        total = max(MIN_S, (cues[-1].end + 0.5) if cues else MIN_S)
        return None, 16_000, cues, min(total, MAX_S)
    samples = np.asarray(voice.samples, dtype=np.float32)
    cues = list(voice.cues)
    if voice.kind == "own" and voice.clean:
        samples, cues = clean_recording(samples, voice.rate, cues)
    seconds = len(samples) / voice.rate
    if seconds > MAX_S:
        raise UserError(
            f"去掉停顿以后还有 {seconds:.0f} 秒，短视频最多 {MAX_S:.0f} 秒。可以选「木兰读口播稿」，或者录一段短的。",
            f"The voice-over is {seconds:.0f} s after trimming; at most {MAX_S:.0f} s.",
        )
    return samples, voice.rate, cues, max(MIN_S, seconds + 0.2)


def _frame_maker(request: VideoRequest, cues: list[Cue], total: float) -> FrameMaker:
    size = request.size
    safe = SafeArea() if size[1] > size[0] else SQUARE_SAFE_AREA
    title = title_band(size, request.title, request.price, request.colours)
    return FrameMaker(list(request.photos), request.end_card, title, cues, size, total, safe)


def make(
    request: VideoRequest, path: Path, options: EncodeOptions = EncodeOptions(), progress: Progress | None = None
) -> Video:
    """Write the video to ``path`` (.mp4), its subtitles beside it (.srt), and return what was made."""
    check(request)
    started = time.perf_counter()
    voice, rate, cues, total = plan_sound(request)
    cues = split_long(cues)
    music = request.music
    if music is not None:
        music = _resample(np.asarray(music, dtype=np.float32), request.music_rate, rate)
    sound = mix(voice, music, rate, total) if (voice is not None or music is not None) else None
    maker = _frame_maker(request, cues, total)
    planned = time.perf_counter()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    count = round(total * options.fps)
    encode(path, maker.frames(options.fps), request.size, sound, rate, options, progress, count)
    write_atomically(path.with_suffix(".srt"), to_srt(cues))
    timings = {"plan_s": round(planned - started, 2), "encode_s": round(time.perf_counter() - planned, 2)}
    return Video(path, request.size, round(count / options.fps, 3), cues, maker.frame(0.5), timings)


def preview(request: VideoRequest, at: float = 0.5) -> Image.Image:
    """One frame of the video, quickly: what she sees while the whole video is made."""
    check(request)
    _, _, cues, total = plan_sound(request)
    return _frame_maker(request, split_long(cues), total).frame(at)


def silent_cues(texts: list[str]) -> list[Cue]:
    """Subtitles at reading speed, for a video without a voice."""
    return reading_cues(texts, start=0.8)


def _resample(samples: np.ndarray, source: int, target: int) -> np.ndarray:
    if source == target or not len(samples):
        return samples
    positions = np.arange(0, len(samples), source / target)
    return np.interp(positions, np.arange(len(samples)), samples).astype(np.float32)


__all__ = ["MAX_S", "SQUARE", "STORY", "EncodeOptions", "Video", "check", "make", "preview", "silent_cues"]
