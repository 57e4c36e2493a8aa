"""The video's sound: her own recording cleaned up, Mulan's voice, or quiet; music under it.

Her recording is made on a phone in a yard: quiet, with handling noise, long pauses while
she thinks, and silence before and after. For a video it is levelled, gently high-passed,
its ends trimmed and its long pauses shortened; the subtitles' times move with the cuts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from assistant.contracts import Cue


@dataclass(frozen=True)
class CleanupOptions:
    """How her recording is tidied for a video.

    Attributes:
        target_rms: the level speech is brought to (about -20 dBFS).
        max_gain: never raise quiet audio more than this (noise would come up with it).
        highpass_hz: cut rumble and handling noise below this.
        max_pause_s: a pause longer than this is shortened to it.
        keep_edge_s: speech keeps this much air before its first and after its last word.
        silence_db: frames this far below the loudest count as silence.
    """

    target_rms: float = 0.1
    max_gain: float = 12.0
    highpass_hz: float = 80.0
    max_pause_s: float = 0.6
    keep_edge_s: float = 0.15
    silence_db: float = 35.0


def highpass(samples: np.ndarray, rate: int, cutoff_hz: float) -> np.ndarray:
    """Rumble and handling noise below ``cutoff_hz`` taken out, in the frequency domain: no
    phase shift, so the subtitles stay on the words, and fast on a minute of audio."""
    if cutoff_hz <= 0 or len(samples) < 2:
        return samples.astype(np.float32)
    spectrum = np.fft.rfft(samples.astype(np.float64))
    freqs = np.fft.rfftfreq(len(samples), 1 / rate)
    # A gentle slope over one octave rather than a brick wall, which would ring.
    spectrum *= np.clip((freqs - cutoff_hz / 2) / (cutoff_hz / 2), 0.0, 1.0)
    return np.fft.irfft(spectrum, n=len(samples)).astype(np.float32)


def _speech_frames(samples: np.ndarray, rate: int, silence_db: float, frame_s: float = 0.02) -> np.ndarray:
    size = max(1, int(rate * frame_s))
    count = len(samples) // size
    frames = samples[: count * size].reshape(count, size)
    level = 20 * np.log10(np.sqrt((frames.astype(np.float64) ** 2).mean(axis=1)) + 1e-9)
    return level > level.max() - silence_db


def clean_recording(
    samples: np.ndarray,
    rate: int,
    cues: list[Cue],
    options: CleanupOptions = CleanupOptions(),
) -> tuple[np.ndarray, list[Cue]]:
    """Her recording levelled, high-passed, trimmed and with long pauses shortened, and the
    cues moved to match. What is cut is silence only: every word stays."""
    frame_s = 0.02
    voiced = _speech_frames(samples, rate, options.silence_db, frame_s)
    if not voiced.any():
        return samples.astype(np.float32), cues
    size = int(rate * frame_s)
    keep_frames = round(options.keep_edge_s / frame_s)
    max_gap = round(options.max_pause_s / frame_s)
    first, last = int(np.argmax(voiced)), len(voiced) - int(np.argmax(voiced[::-1])) - 1
    # Spans of the original to keep: speech, with each long pause cut down to max_pause.
    spans: list[tuple[int, int]] = []
    start = max(0, first - keep_frames)
    gap_start = None
    for i in range(first, last + 1):
        if voiced[i]:
            if gap_start is not None and i - gap_start > max_gap:
                spans.append((start, gap_start + max_gap // 2))
                start = i - max_gap // 2
            gap_start = None
        elif gap_start is None:
            gap_start = i
    spans.append((start, min(len(voiced), last + 1 + keep_frames)))
    pieces, mapping, kept = [], [], 0
    for a, b in spans:
        pieces.append(samples[a * size : b * size])
        mapping.append((a * frame_s, b * frame_s, kept * frame_s))
        kept += b - a

    def moved(t: float) -> float:
        for a, b, at in mapping:
            if t <= b:
                return at + max(0.0, t - a)
        return kept * frame_s

    audio = highpass(np.concatenate(pieces), rate, options.highpass_hz)
    rms = float(np.sqrt(np.mean(audio.astype(np.float64) ** 2))) or 1e-9
    gain = min(options.max_gain, options.target_rms / rms)
    peak = float(np.abs(audio).max()) * gain
    if peak > 0.98:  # never clip: the peak decides when it would
        gain *= 0.98 / peak
    new_cues = [Cue(round(moved(c.start), 3), round(moved(c.end), 3), c.text) for c in cues]
    return (audio * gain).astype(np.float32), [c for c in new_cues if c.end > c.start]


def fit_music(music: np.ndarray, seconds: float, rate: int, fade_s: float = 1.5) -> np.ndarray:
    """Music looped or cut to ``seconds``, faded in and out."""
    length = int(seconds * rate)
    if not len(music) or length <= 0:
        return np.zeros(max(0, length), dtype=np.float32)
    track = np.tile(music, int(np.ceil(length / len(music))))[:length].astype(np.float32)
    fade = min(int(fade_s * rate), length // 2)
    if fade:
        ramp = np.linspace(0.0, 1.0, fade, dtype=np.float32)
        track[:fade] *= ramp
        track[-fade:] *= ramp[::-1]
    return track


def mix(
    voice: np.ndarray | None,
    music: np.ndarray | None,
    rate: int,
    seconds: float,
    music_level: float = 0.25,
    ducked_level: float = 0.08,
) -> np.ndarray:
    """The voice, with the music under it: quieter (ducked) while she speaks."""
    length = int(seconds * rate)
    out = np.zeros(length, dtype=np.float32)
    speaking = np.zeros(length, dtype=np.float32)
    if voice is not None and len(voice):
        n = min(length, len(voice))
        out[:n] += voice[:n]
        frame = max(1, rate // 50)
        energy = np.abs(voice[:n])
        frames = len(energy) // frame
        if frames:
            loud = energy[: frames * frame].reshape(frames, frame).max(axis=1) > 0.02
            speaking[: frames * frame] = np.repeat(loud.astype(np.float32), frame)
            # Smooth the ducking over ~0.3 s so the music breathes, not pumps.
            kernel = np.ones(max(1, int(0.3 * rate)), dtype=np.float32)
            speaking = np.clip(np.convolve(speaking, kernel / kernel.size, mode="same") * 3, 0, 1)
    if music is not None and len(music):
        bed = fit_music(music, seconds, rate)
        out += bed * (music_level - (music_level - ducked_level) * speaking)
    peak = float(np.abs(out).max()) if len(out) else 0.0
    return out / peak * 0.98 if peak > 0.98 else out
