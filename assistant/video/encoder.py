"""MP4 out: H.264 High + AAC-LC with PyAV, whose wheel bundles libx264 (GPL) and AAC.

Frames are encoded as they are drawn, so memory stays flat whatever the length, and the
file is written under a temporary name with its index at the front (+faststart), so it
plays in WeChat while it is still loading, and a crash never leaves half a video.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

AUDIO_RATE = 48_000


@dataclass(frozen=True)
class EncodeOptions:
    """How the video is compressed.

    Attributes:
        fps: 30, what the apps show.
        preset: x264's speed/size trade. Drawing the frames, not x264, sets the pace here:
            ``veryfast`` took as long as ``superfast`` and ``ultrafast`` for a 30 s 1080×1920
            video, at 3.8 MB instead of 8.9 and 31.7 (docs/benchmarks.md).
        crf: quality (lower is better and bigger); 24 keeps a 30 s video under ~15 MB.
        audio_bitrate: AAC-LC, mono speech.
    """

    fps: int = 30
    preset: str = "veryfast"
    crf: int = 24
    audio_bitrate: int = 96_000


def encode(
    path: Path,
    frames: Iterable[np.ndarray],
    size: tuple[int, int],
    audio: np.ndarray | None,
    audio_rate: int,
    options: EncodeOptions = EncodeOptions(),
    progress=None,
    total_frames: int = 0,
) -> Path:
    """Write ``frames`` (RGB arrays of ``size``) and ``audio`` (mono float) to ``path``."""
    import av

    path = Path(path)
    tmp = path.with_name(path.name + ".tmp.mp4")
    try:
        _write(tmp, av, frames, size, audio, audio_rate, options, progress, total_frames)
    except BaseException:
        tmp.unlink(missing_ok=True)  # a failed video (full disk, a stop) leaves nothing behind
        raise
    os.replace(tmp, path)
    return path


def _write(tmp: Path, av, frames, size, audio, audio_rate, options: EncodeOptions, progress, total_frames) -> None:
    width, height = size
    with av.open(str(tmp), "w", format="mp4", options={"movflags": "+faststart"}) as container:
        video = container.add_stream("libx264", rate=options.fps)
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        video.options = {"preset": options.preset, "crf": str(options.crf), "profile": "high"}
        sound = None
        if audio is not None:
            sound = container.add_stream("aac", rate=AUDIO_RATE)
            sound.layout = "mono"
            sound.bit_rate = options.audio_bitrate
        # A second of sound goes in with each second of pictures, so the two are interleaved
        # and a phone can play the start before the rest has arrived.
        seconds = _audio_seconds(container, sound, audio, audio_rate) if sound is not None else iter(())
        for n, pixels in enumerate(frames):
            if n % options.fps == 0:
                next(seconds, None)
                if progress and total_frames:
                    progress(n / total_frames, f"正在做视频：{n // options.fps} / {total_frames // options.fps} 秒")
            for packet in video.encode(av.VideoFrame.from_ndarray(pixels, format="rgb24")):
                container.mux(packet)
        for packet in video.encode():
            container.mux(packet)
        for _ in seconds:  # the rest of the sound, and the encoder's tail
            pass


def _audio_seconds(container, stream, audio: np.ndarray, rate: int):
    """Encode ``audio`` one second per step (a generator), flushing at the end."""
    import av

    resampler = av.AudioResampler(format="fltp", layout="mono", rate=AUDIO_RATE)
    step = rate  # one second at a time
    pts = 0
    for start in range(0, len(audio), step):
        chunk = np.ascontiguousarray(audio[None, start : start + step], dtype=np.float32)
        frame = av.AudioFrame.from_ndarray(chunk, format="flt", layout="mono")
        frame.sample_rate = rate
        frame.pts = pts
        pts += chunk.shape[1]
        for resampled in resampler.resample(frame):
            for packet in stream.encode(resampled):
                container.mux(packet)
        yield
    for resampled in resampler.resample(None):
        for packet in stream.encode(resampled):
            container.mux(packet)
    for packet in stream.encode(None):
        container.mux(packet)
