"""The llama-server back-end: the app's own llama.cpp server, on loopback, for its lifetime."""

from __future__ import annotations

import os
from dataclasses import replace

import pytest

from assistant.llm import GenerationOptions, load_generator
from assistant.models import resolve_copy_model

MESSAGES = [{"role": "user", "content": "用一句话介绍杏子，不超过二十个字。"}]


@pytest.mark.models
def test_its_own_server_listens_on_loopback_and_a_killed_apps_server_is_stopped(settings, tmp_path):
    own = replace(settings, llm_backend="llama-server", data_dir=tmp_path, llm_parallel=2)
    model = resolve_copy_model(own)
    first = load_generator(model, own)
    try:
        assert first.name.startswith("llama-server:qwen2.5-coder") and first.parallel == 2
        assert first.server.url.startswith("http://127.0.0.1:")
        assert "杏" in first.generate(MESSAGES, GenerationOptions(max_tokens=32))
        # As if its app had been killed with -9: the pid file names an app no longer running.
        logs = tmp_path / "logs"
        (logs / f"llama-server-{os.getpid()}.pid").rename(logs / "llama-server-999999999.pid")
        second = load_generator(model, own)
        try:
            assert first.server.process.wait(timeout=30) is not None, "the leftover server was stopped"
            assert [p.name for p in logs.glob("*.pid")] == [f"llama-server-{os.getpid()}.pid"]
        finally:
            second.close()
        assert second.server.process.poll() is not None
    finally:
        first.close()
