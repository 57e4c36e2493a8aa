"""Voice stage: copy read aloud, for sellers who read slowly.

``normalize.py`` turns copy into what a person says (十五元一斤, 幺三九…), ``pinyin.py``
into the symbols of the voice, and each back-end (``baker.py``: the embedded Baker voice on
onnxruntime) turns symbols into sound. Back-ends register themselves with
:func:`register_voice`; a better voice a user copies in is one more module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import numpy as np

from assistant.errors import UserError
from assistant.voice.normalize import for_speech, sentences_for_speech

if TYPE_CHECKING:
    from assistant.config import Settings
    from assistant.models import ResolvedModel

MAX_CHARS = 2000  # a whole page of copy; more is not something she wants read to her
SPEEDS = (0.7, 1.3)  # slower for older sellers, a little faster for the impatient; 1.0 is the voice's own pace


@dataclass(frozen=True)
class Speech:
    """One sentence as sound: float32 samples in [-1, 1] at ``rate`` Hz, and the words said."""

    samples: np.ndarray
    rate: int
    text: str

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.rate


class Voice(Protocol):
    name: str
    rate: int
    load_s: float

    def say(self, sentence: str, speed: float = 1.0) -> np.ndarray:
        """One sentence, already normalised for speech, as samples at ``rate``."""
        ...


@dataclass(frozen=True)
class VoiceBackend:
    name: str
    load: Callable[["ResolvedModel", "Settings"], Voice]
    formats: tuple[str, ...]


_VOICES: dict[str, VoiceBackend] = {}


def register_voice(backend: VoiceBackend) -> VoiceBackend:
    _VOICES[backend.name] = backend
    return backend


def load_voice(model: "ResolvedModel", settings: "Settings") -> Voice:
    for backend in _VOICES.values():
        if model.format in backend.formats:
            return backend.load(model, settings)
    raise UserError(f"没有能用这个声音（{model.format}）的朗读引擎。", f"No voice back-end reads {model.format}.")


def check_text(text: str, speed: float = 1.0) -> str:
    """The text to read, or a plain-Chinese reason why there is nothing to read."""
    text = (text or "").strip()
    if not for_speech(text):
        raise UserError("没有可以读的文字。", "There is no text to read aloud.")
    if len(text) > MAX_CHARS:
        raise UserError(
            f"文字太长了（{len(text)} 字），一次最多读 {MAX_CHARS} 字。",
            f"The text is too long to read aloud ({len(text)} characters; at most {MAX_CHARS}).",
        )
    if not SPEEDS[0] <= speed <= SPEEDS[1]:
        raise UserError(
            f"语速要在 {SPEEDS[0]} 到 {SPEEDS[1]} 之间。",
            f"The speed must be between {SPEEDS[0]} and {SPEEDS[1]}.",
        )
    return text


def pause_after(sentence: str) -> float:
    """Seconds of silence after a piece: a breath after a comma, a real pause after a full stop."""
    return 0.35 if sentence[-1:] in "。！？!?" else 0.2


def sentence_sound(voice: Voice, sentence: str, speed: float = 1.0) -> np.ndarray:
    """One sentence as said, with its pause after it."""
    silence = np.zeros(round(pause_after(sentence) / speed * voice.rate), dtype=np.float32)
    return np.concatenate([voice.say(sentence, speed), silence])


def sentences(text: str, speed: float = 1.0) -> list[str]:
    """The pieces ``text`` is read in, after checking there is something to read."""
    return sentences_for_speech(check_text(text, speed))


def speak(voice: Voice, text: str, speed: float = 1.0) -> Iterator[Speech]:
    """``text`` read aloud sentence by sentence, each piece as soon as it is made, so that
    playback can start with the first."""
    for sentence in sentences(text, speed):
        yield Speech(sentence_sound(voice, sentence, speed), voice.rate, sentence)


from assistant.voice import baker as _baker  # noqa: E402,F401  (the embedded voice registers itself)

__all__ = [
    "MAX_CHARS",
    "SPEEDS",
    "Speech",
    "Voice",
    "VoiceBackend",
    "for_speech",
    "load_voice",
    "register_voice",
    "speak",
]
