"""Sentences she has heard before play at once: each is kept as a small WAV file.

Keyed by the voice, the speed and the sentence as said, so a text she hears again, or
another text sharing a sentence (the price line, the contact line), costs nothing.
Bounded by count: the oldest files go first.
"""

from __future__ import annotations

import hashlib
import wave
from pathlib import Path

import numpy as np

from assistant.files import wav_bytes, write_atomically

MAX_FILES = 2000  # about 3 s each at 24 kHz 16-bit: ~300 MB at most


class SpeechCache:
    def __init__(self, folder: Path, max_files: int = MAX_FILES):
        self.folder = Path(folder)
        self.max_files = max_files

    def _path(self, voice: str, speed: float, sentence: str) -> Path:
        key = hashlib.sha256(f"{voice}\n{speed:.2f}\n{sentence}".encode()).hexdigest()[:32]
        return self.folder / f"{key}.wav"

    def get(self, voice: str, speed: float, sentence: str) -> np.ndarray | None:
        path = self._path(voice, speed, sentence)
        try:
            with wave.open(str(path), "rb") as w:
                frames = w.readframes(w.getnframes())
        except (OSError, EOFError, wave.Error):
            return None
        path.touch()  # recently heard: kept longest
        return np.frombuffer(frames, dtype="<i2").astype(np.float32) / 32767

    def put(self, voice: str, speed: float, sentence: str, samples: np.ndarray, rate: int) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        write_atomically(self._path(voice, speed, sentence), wav_bytes(samples, rate))
        files = sorted(self.folder.glob("*.wav"), key=lambda p: p.stat().st_mtime)
        for old in files[: max(0, len(files) - self.max_files)]:
            old.unlink(missing_ok=True)
