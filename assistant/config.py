"""Settings: one dataclass, filled from ``MULAN_*`` environment variables.

This is the only module that reads the environment. Command-line flags override it
(see ``cli.py`` and ``app.py``). :func:`go_offline` sets the switches that keep every
library off the network; the package calls it on import, before anything else loads.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, fields
from pathlib import Path

import platformdirs

APP_NAME = "mulan"

# Offline by construction: no library may try a model hub or send analytics. These must be
# in the environment before transformers, huggingface_hub or gradio is first imported.
OFFLINE_SWITCHES = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "TOKENIZERS_PARALLELISM": "false",
}


def go_offline() -> None:
    for name, value in OFFLINE_SWITCHES.items():
        os.environ.setdefault(name, value)


def debug_enabled() -> bool:
    """``MULAN_DEBUG=1``: show the traceback of an unexpected error instead of one line."""
    return bool(os.environ.get("MULAN_DEBUG"))


def _default_models_dir() -> Path:
    return Path(platformdirs.user_cache_dir(APP_NAME)) / "models"


def _default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME))


COPY_MODEL_SIZES = ("default", "small")


@dataclass(frozen=True)
class Settings:
    """Where models come from and how hard the machine may work.

    Attributes:
        speech_model: a CTranslate2 Whisper folder of the user's own
            (``MULAN_SPEECH_MODEL``). ``None`` uses the embedded whisper-base.
        copy_model: a GGUF file or a Hugging Face model folder of the user's own
            (``MULAN_COPY_MODEL``). ``None`` uses the embedded Qwen2.5 1.5B GGUF.
        copy_model_size: which embedded copy model to use when ``copy_model`` is unset:
            ``"default"`` (1.5B) or ``"small"`` (0.5B) (``MULAN_COPY_MODEL_SIZE``).
        llm_backend: ``"auto"``, ``"llama-server"``, ``"llama.cpp"``, ``"transformers"`` or
            ``"openai"`` (``MULAN_LLM_BACKEND``). ``auto`` picks the server at ``llm_url`` when
            it is set, else for a GGUF file whichever measured faster on such a machine:
            ``llama-server`` on a CPU with AVX-512 and 8 GB, llama.cpp in this process
            elsewhere. ``llama-server`` starts llama.cpp's server on the GGUF (``llm_parallel``
            slots and a spare, on 127.0.0.1) for the app's lifetime.
        llm_url: an OpenAI-compatible server's base URL, e.g. ``http://192.168.1.10:8080/v1``
            (``MULAN_LLM_URL``): llama.cpp's llama-server, vLLM, Ollama, LM Studio. Set, the
            copy is written there and no local copy model is loaded.
        llm_model: the model name to ask that server for (``MULAN_LLM_MODEL``); empty takes
            the first one the server lists.
        llm_key: its API key, if it wants one (``MULAN_LLM_KEY``).
        llm_timeout_s: how long to wait for the server to start answering, and between two
            pieces of a streamed answer (``MULAN_LLM_TIMEOUT``), in seconds.
        llm_parallel: how many sellers the page lets write at once, taking turns on the model
            text by text (``MULAN_LLM_PARALLEL``); on a model server also how many of a
            seller's texts are asked for together, and the slots of ``llama-server``.
        models_dir: cache for assembled and converted weights (``MULAN_MODELS_DIR``).
        data_dir: where outputs and history live (``MULAN_DATA_DIR``).
        threads: CPU threads for inference (``MULAN_THREADS``); default all cores.
        max_audio_s: the longest recording accepted, in seconds (``MULAN_MAX_AUDIO_S``);
            10 minutes by default. Longer ones are refused with a message, never cut.
        voice_model: a voice folder of the user's own (``MULAN_VOICE_MODEL``) with
            ``fastspeech2.onnx``, ``mb_melgan.onnx`` and ``baker_mapper.json``; ``None``
            uses the embedded Baker voice built at install.
        fonts_dir: the user's own fonts (``MULAN_FONTS_DIR``), used for any character
            Noto Sans CJK SC lacks; ``fonts`` in the data folder by default.
    """

    speech_model: str | None = None
    copy_model: str | None = None
    copy_model_size: str = "default"
    llm_backend: str = "auto"
    llm_url: str | None = None
    llm_model: str = ""
    llm_key: str = ""
    llm_timeout_s: float = 60.0
    llm_parallel: int = 4
    models_dir: Path = field(default_factory=_default_models_dir)
    data_dir: Path = field(default_factory=_default_data_dir)
    threads: int = field(default_factory=lambda: os.cpu_count() or 2)
    max_audio_s: float = 600.0
    fonts_dir: Path | None = None
    voice_model: str | None = None

    def __post_init__(self):
        if self.fonts_dir is None:
            object.__setattr__(self, "fonts_dir", Path(self.data_dir) / "fonts")

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        values: dict = {}
        for name, (variable, kind) in ENVIRONMENT.items():
            text = os.environ.get(variable)
            if not text:
                continue
            try:
                values[name] = Path(text).expanduser() if kind is Path else kind(text)
            except ValueError:
                from assistant.errors import UserError

                raise UserError(f"设置 {variable} 的值「{text}」不对。", f"{variable}={text!r} is not valid.") from None
        known = {f.name for f in fields(cls)}
        values.update({k: v for k, v in overrides.items() if k in known and v is not None})
        settings = cls(**values)
        settings.validate()
        return settings

    def validate(self) -> None:
        from assistant.errors import UserError
        from assistant.llm import backend_names

        if self.llm_backend not in backend_names():
            raise UserError(
                f"不认识的文案引擎「{self.llm_backend}」，可选 {'、'.join(backend_names())}。",
                f"Unknown LLM back-end {self.llm_backend!r}; use one of {', '.join(backend_names())}.",
            )
        if self.llm_url is not None and not re.fullmatch(r"https?://[^\s/]+(/\S*)?", self.llm_url):
            raise UserError(
                f"模型服务器的地址「{self.llm_url}」不对，要像 http://192.168.1.10:8080/v1 这样。",
                f"The model server URL {self.llm_url!r} must look like http://HOST:PORT/v1.",
            )
        if self.copy_model_size not in COPY_MODEL_SIZES:
            raise UserError(
                f"不认识的模型大小「{self.copy_model_size}」，可选 {'、'.join(COPY_MODEL_SIZES)}。",
                f"Unknown copy model size {self.copy_model_size!r}; use one of {', '.join(COPY_MODEL_SIZES)}.",
            )


# Each setting's environment variable and how its text is read.
ENVIRONMENT: dict[str, tuple[str, type]] = {
    "speech_model": ("MULAN_SPEECH_MODEL", str),
    "copy_model": ("MULAN_COPY_MODEL", str),
    "copy_model_size": ("MULAN_COPY_MODEL_SIZE", str),
    "llm_backend": ("MULAN_LLM_BACKEND", str),
    "llm_url": ("MULAN_LLM_URL", str),
    "llm_model": ("MULAN_LLM_MODEL", str),
    "llm_key": ("MULAN_LLM_KEY", str),
    "llm_timeout_s": ("MULAN_LLM_TIMEOUT", float),
    "llm_parallel": ("MULAN_LLM_PARALLEL", int),
    "models_dir": ("MULAN_MODELS_DIR", Path),
    "data_dir": ("MULAN_DATA_DIR", Path),
    "threads": ("MULAN_THREADS", int),
    "max_audio_s": ("MULAN_MAX_AUDIO_S", float),
    "voice_model": ("MULAN_VOICE_MODEL", str),
    "fonts_dir": ("MULAN_FONTS_DIR", Path),
}
