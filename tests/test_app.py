"""The UI's plain functions (assistant.actions) and the Gradio app serving on loopback."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from PIL import Image

from assistant import actions
from assistant.facts import numbers_in
from conftest import REPO, photo, speech_clip


def test_transcribe_fills_the_text_and_keeps_it_on_error(helper, tmp_path):
    text, message = actions.transcribe(helper, str(speech_clip("zh_funasr_asr_example_zh.wav")), "普通话", "")
    assert "达摩院" in text and message.startswith("✅")
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    text, message = actions.transcribe(helper, str(empty), "普通话", "我已经改好的文字")
    assert text == "我已经改好的文字" and "空的" in message


def test_copy_streams_then_finishes(helper):
    steps = list(actions.stream_copy(helper, *actions.EXAMPLES[0], None, "热情", platforms=("moments",)))
    assert any(copy is None and shown.startswith("【海报文字】") for shown, copy, _ in steps)
    assert any(copy is None and shown.startswith("【朋友圈】") for shown, copy, _ in steps)
    partial = [copy for _, copy, message in steps if copy is not None and "已写好：海报文字" in message]
    assert partial and partial[0]["title"] and "moments" not in partial[0]["posts"]
    shown, copy, message = steps[-1]
    assert copy is not None and copy["style"] == "热情" and "15" in numbers_in(copy["posts"]["moments"])
    assert message.startswith("✅")
    fields = actions.copy_fields(actions.Copy.from_dict(copy))
    assert fields[0] == copy["title"] and copy["posts"]["moments"] in fields


def test_empty_brief_gives_a_message_not_an_error(helper):
    steps = list(actions.stream_copy(helper, "", "", "", "", None))
    assert steps == [("", None, "⚠️ 请先说一说或写一写要卖的东西。")]


def test_posters_use_the_users_edits(helper, tmp_path):
    transcript, product, price, contact = actions.EXAMPLES[0]
    copy = {"title": "模型标题", "slogan": "口号", "selling_points": ["一", "二", "三"],
            "posts": {"moments": "x"}, "hashtags": ["杏子"], "facts": {"product": "杏子"}}
    gallery, files, message = actions.render_posters(
        helper, copy, "我改的标题", "口号", "甜\n大\n包邮", transcript, product, price, contact,
        str(photo("grapes_01.jpg")), tmp_path)
    assert message.startswith("✅") and len(gallery) == len(files) >= 2
    for path in files:
        assert path.startswith(str(tmp_path)) and Image.open(path).size in {(1080, 1080), (1080, 1920)}
    assert '"title": "我改的标题"' in (tmp_path / next(p for p in tmp_path.iterdir()).name / "copy.json").read_text()


def test_posters_before_copy_ask_for_copy(helper, tmp_path):
    assert actions.render_posters(helper, None, "", "", "", "", "", "", "", None, tmp_path)[2] == "请先写文案（第 ③ 步）。"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_app_serves_on_loopback_only(tmp_path):
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "app.py", "--port", str(port), "--no-preload"], cwd=REPO,
                            env={**__import__("os").environ, "MULAN_DATA_DIR": str(tmp_path)},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.time() + 90
        page = None
        while time.time() < deadline and page is None:
            try:
                page = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).read().decode()
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(proc.stdout.read())
                time.sleep(1)
        assert page is not None, "app did not start"
        assert "木兰" in page
        listening = subprocess.run(["ss", "-ltnH", f"sport = :{port}"], capture_output=True, text=True).stdout
        local = [line.split()[3] for line in listening.splitlines() if line.strip()]
        if local:  # ss is in iproute2; where it exists, the socket must be bound to loopback only
            assert all(address.startswith("127.0.0.1:") for address in local), local
    finally:
        proc.terminate()
        proc.wait(timeout=30)
