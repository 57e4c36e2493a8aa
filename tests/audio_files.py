"""Write real recordings in the formats phones and browsers produce, with PyAV.

The files are made in the test's temporary folder from the shared clips, so the
repository never holds recordings and every format is exercised by a real encoder.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from assistant.files import wav_bytes


def write_wav(path: Path, samples: np.ndarray, rate: int = 16_000) -> Path:
    """16-bit mono WAV, for synthetic signals (silence, noise): the app's own writer."""
    path.write_bytes(wav_bytes(samples, rate))
    return path


def encode(
    samples: np.ndarray,
    path: Path,
    *,
    codec: str,
    rate: int,
    channels: int = 1,
    sample_format: str | None = None,
    container: str | None = None,
    bit_rate: int | None = None,
    container_options: dict[str, str] | None = None,
) -> Path:
    """Encode 16 kHz mono float32 samples with ``codec`` at ``rate`` Hz into ``path``."""
    import av

    with av.open(str(path), "w", format=container, container_options=container_options or {}) as out:
        stream = out.add_stream(codec, rate=rate, layout="stereo" if channels == 2 else "mono")
        if sample_format:
            stream.format = sample_format
        if bit_rate:
            stream.bit_rate = bit_rate
        resampler = av.AudioResampler(
            format=stream.format.name,
            layout=stream.layout.name,
            rate=rate,
            frame_size=stream.codec_context.frame_size or None,
        )
        for start in range(0, len(samples), 16_000):  # one second at a time: long files stay small in memory
            source = av.AudioFrame.from_ndarray(
                np.ascontiguousarray(samples[None, start : start + 16_000], dtype=np.float32),
                format="flt",
                layout="mono",
            )
            source.sample_rate = 16_000
            for frame in resampler.resample(source):
                frame.pts = None
                out.mux(stream.encode(frame))
        for frame in resampler.resample(None):
            frame.pts = None
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return path


# name: (file suffix, codec, sample rate, channels, sample format, container, bit rate)
FORMATS = {
    "wav-8k-mono-16bit": (".wav", "pcm_s16le", 8_000, 1, None, "wav", None),
    "wav-16k-mono-16bit": (".wav", "pcm_s16le", 16_000, 1, None, "wav", None),
    "wav-44k-stereo-16bit": (".wav", "pcm_s16le", 44_100, 2, None, "wav", None),
    "wav-48k-mono-24bit": (".wav", "pcm_s24le", 48_000, 1, None, "wav", None),
    "wav-48k-stereo-32bit": (".wav", "pcm_s32le", 48_000, 2, None, "wav", None),
    "wav-44k-mono-float": (".wav", "pcm_f32le", 44_100, 1, None, "wav", None),
    "mp3-44k-stereo": (".mp3", "libmp3lame", 44_100, 2, None, "mp3", 128_000),
    "m4a-aac-44k": (".m4a", "aac", 44_100, 1, None, "ipod", 96_000),
    "aac-adts-48k": (".aac", "aac", 48_000, 2, None, "adts", 128_000),
    "ogg-opus-48k": (".ogg", "libopus", 48_000, 1, None, "ogg", 32_000),
    "webm-opus-48k": (".webm", "libopus", 48_000, 1, None, "webm", 32_000),
    "flac-16k": (".flac", "flac", 16_000, 1, None, "flac", None),
    "flac-44k-stereo": (".flac", "flac", 44_100, 2, None, "flac", None),
    "amr-nb-8k": (".amr", "libopencore_amrnb", 8_000, 1, None, "amr", 12_200),
}


def write_browser_webm(samples: np.ndarray, path: Path) -> Path:
    """webm/opus as Chrome's MediaRecorder writes it: streamed, with no duration in the header."""
    return encode(
        samples, path, codec="libopus", rate=48_000, container="webm", bit_rate=32_000, container_options={"live": "1"}
    )


def write_format(samples: np.ndarray, folder: Path, name: str) -> Path:
    suffix, codec, rate, channels, sample_format, container, bit_rate = FORMATS[name]
    return encode(
        samples,
        folder / f"voice-{name}{suffix}",
        codec=codec,
        rate=rate,
        channels=channels,
        sample_format=sample_format,
        container=container,
        bit_rate=bit_rate,
    )
