"""Speech stage: a recording in, a :class:`~assistant.contracts.Transcript` out.

``audio.py`` decodes any recording, ``whisper.py`` runs faster-whisper, and
``cleanup.py`` makes its text readable (Simplified, punctuated, no hallucinations).
"""

from assistant.speech.audio import AudioLimits, load_audio
from assistant.speech.cleanup import hotwords_from
from assistant.speech.whisper import SpeechOptions, Transcriber

__all__ = ["AudioLimits", "SpeechOptions", "Transcriber", "hotwords_from", "load_audio"]
