"""The llama-server back-end: the app's own llama.cpp server, on loopback, for its lifetime."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

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


@pytest.mark.models
def test_the_apps_own_server_stops_when_the_app_is_told_to_stop(tmp_path):
    """`kill` and systemd send SIGTERM; without a handler Python skips its exit hooks and the
    app's llama-server would be left running, holding its memory, after the app is gone."""
    import signal
    import subprocess
    import sys
    import time

    from conftest import REPO, free_port

    log = tmp_path / "app.log"
    env = {**os.environ, "MULAN_DATA_DIR": str(tmp_path), "MULAN_LLM_BACKEND": "llama-server"}
    with open(log, "w") as out:
        app = subprocess.Popen(
            [sys.executable, "app.py", "--port", str(free_port()), "--small"],
            cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 600
        while "copy model ready" not in log.read_text() and time.monotonic() < deadline and app.poll() is None:
            time.sleep(1)
        assert "copy model ready: llama-server:" in log.read_text(), log.read_text()[-2000:]
        server_pid = int(next((tmp_path / "logs").glob("llama-server-*.pid")).read_text())
        assert Path(f"/proc/{server_pid}").exists()
        app.send_signal(signal.SIGTERM)
        app.wait(timeout=60)
        deadline = time.monotonic() + 30
        while _running(server_pid) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not _running(server_pid), "the app's llama-server outlived the app"
    finally:
        if app.poll() is None:
            app.kill()


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ")[-1][0]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended; only its parent has not read its status yet
