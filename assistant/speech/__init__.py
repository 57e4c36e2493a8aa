"""Speech stage: a recording in, a :class:`~assistant.contracts.Transcript` out.

``audio.py`` decodes any recording, ``whisper.py`` runs faster-whisper, and
``cleanup.py`` makes its text readable (Simplified, punctuated, no hallucinations).

Recognisers sit behind :class:`Recogniser` and register themselves with
:func:`register_recogniser`, faster-whisper exactly like any other; a better engine a
centre copies in is one more module, and the pipeline does not change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from assistant.contracts import Progress, Transcript
from assistant.errors import UserError
from assistant.speech.audio import AudioLimits, load_audio
from assistant.speech.cleanup import hotwords_from
from assistant.speech.whisper import SpeechOptions, Transcriber

if TYPE_CHECKING:
    from assistant.models import ResolvedModel


class Recogniser(Protocol):
    load_s: float

    def transcribe(
        self, audio_path: str | Path, options: SpeechOptions | None = None, progress: Progress | None = None
    ) -> Transcript: ...


@dataclass(frozen=True)
class RecogniserBackend:
    """A registered recogniser: its name, the model formats it loads, and how to load one."""

    name: str
    load: Callable[["ResolvedModel", SpeechOptions, int], Recogniser]
    formats: tuple[str, ...]


_RECOGNISERS: dict[str, RecogniserBackend] = {}


def register_recogniser(backend: RecogniserBackend) -> RecogniserBackend:
    _RECOGNISERS[backend.name] = backend
    return backend


def load_recogniser(model: "ResolvedModel", options: SpeechOptions, threads: int) -> Recogniser:
    """The first registered recogniser that loads this model's format."""
    for backend in _RECOGNISERS.values():
        if model.format in backend.formats:
            return backend.load(model, options, threads)
    raise UserError(
        f"没有能加载这个语音模型（{model.format}）的听写引擎。",
        f"No registered recogniser loads {model.format} speech models.",
    )


register_recogniser(
    RecogniserBackend(
        "faster-whisper",
        lambda model, options, threads: Transcriber(model.path, options, threads),
        formats=("ctranslate2",),
    )
)

__all__ = [
    "AudioLimits",
    "Recogniser",
    "RecogniserBackend",
    "SpeechOptions",
    "Transcriber",
    "hotwords_from",
    "load_audio",
    "load_recogniser",
    "register_recogniser",
]
