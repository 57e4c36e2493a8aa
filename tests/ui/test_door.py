"""The classroom's door: the class code in, per-phone limits inside, the trainer's clear-out.

The first tests drive ``ClassDoor`` around a small app; the last starts the real app on the
LAN address (no model is loaded: ``--no-preload``) and knocks from outside.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import httpx
import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from assistant.contracts import Brief, Profile
from assistant.store import Store
from assistant.ui.door import ClassDoor, DoorLimits
from assistant.ui.lan import lan_address

from conftest import REPO, free_port


def _client(limits: DoorLimits = DoorLimits()) -> TestClient:
    async def page(request):
        return PlainTextResponse("木兰的页面")

    routes = [Route("/", page), Route("/gradio_api/queue/join", page, methods=["POST"])]
    routes.append(Route("/gradio_api/upload", page, methods=["POST"]))
    app = Starlette(routes=routes, middleware=[Middleware(ClassDoor, code="4821", key="k", limits=limits)])
    return TestClient(app, follow_redirects=False)


def test_without_the_code_a_phone_is_asked_for_it_in_chinese():
    client = _client()
    for path in ("/", "/gradio_api/queue/join", "/gradio_api/file=/etc/passwd", "/?class="):
        answer = client.get(path)
        assert answer.status_code == 403 and "课堂码" in answer.text and "木兰的页面" not in answer.text
    wrong = client.get("/?class=1234")
    assert wrong.status_code == 403 and "课堂码不对" in wrong.text


def test_the_scanned_code_lets_a_phone_in_for_the_day_and_leaves_the_address_bar():
    client = _client()
    door = client.get("/?class=4821&lang=zh")
    assert door.status_code == 303 and door.headers["location"] == "/?lang=zh"
    assert "HttpOnly" in door.headers["set-cookie"] and "4821" not in door.headers["set-cookie"]
    assert client.get("/").text == "木兰的页面"  # the cookie is enough from now on
    # Another class's cookie (another code) does not open this door.
    other = _client()
    other.cookies.set("mulan_class", "0" * 64)
    assert other.get("/").status_code == 403


def test_one_phone_cannot_fill_the_queue_or_the_upload_folder():
    client = _client(DoorLimits(joins_per_minute=5, upload_mb_per_hour=1))
    client.get("/?class=4821")
    said = [client.post("/gradio_api/queue/join").status_code for _ in range(8)]
    assert said == [200] * 5 + [429] * 3
    busy = client.post("/gradio_api/queue/join")
    assert "太快" in busy.text
    assert client.post("/gradio_api/upload", content=b"x" * 600_000).status_code == 200
    too_much = client.post("/gradio_api/upload", content=b"x" * 600_000)
    assert too_much.status_code == 413 and "文件太多" in too_much.text


def test_the_trainer_clears_the_phones_shelves_and_keeps_her_own(tmp_path):
    store = Store(tmp_path)
    phone = store.view("a" * 32)
    phone_entry = phone.save_brief(Brief("我家的杏子，电话13912345678"))
    phone.save_profile(Profile(shop="张家果园", contact="13912345678"))
    own = store.save_brief(Brief("培训老师自己的示范"))
    run = subprocess.run(
        [sys.executable, "-m", "assistant", "class-clear", "--yes"],
        cwd=REPO,
        env={**os.environ, "MULAN_DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0 and "已删除手机上做的 1 条记录" in run.stdout, run.stderr
    assert [e.id for e in store.entries()] == [own]
    assert not (store.folder / phone_entry).exists() and phone.load_profile().empty


def test_a_shelf_that_is_full_is_told_so(tmp_path, monkeypatch):
    import assistant.store as store_module

    monkeypatch.setattr(store_module, "MAX_SHELF_ENTRIES", 2)
    phone = Store(tmp_path).view("b" * 32)
    phone.save_brief(Brief("一"))
    phone.save_brief(Brief("二"))
    with pytest.raises(store_module.UserError) as info:
        phone.save_brief(Brief("三"))
    assert "删掉一些旧的" in info.value.zh


def test_the_real_app_on_the_lan_keeps_its_door(tmp_path):
    port = free_port()
    env = {**os.environ, "MULAN_DATA_DIR": str(tmp_path)}
    command = [sys.executable, "app.py", "--host", "0.0.0.0", "--port", str(port), "--no-preload"]
    with open(tmp_path / "app.log", "w") as log:
        app = subprocess.Popen([*command, "--class-code", "4821"], cwd=REPO, env=env, stdout=log, stderr=log)
    try:
        # From the LAN address, as a phone would: the laptop's own loopback needs no code.
        base = f"http://{lan_address()}:{port}"
        deadline = time.time() + 120
        while True:
            try:
                first = httpx.get(base + "/", timeout=5)
                break
            except httpx.TransportError:
                assert time.time() < deadline and app.poll() is None, (tmp_path / "app.log").read_text()
                time.sleep(1)
        assert first.status_code == 403 and "课堂码" in first.text
        assert httpx.get(base + "/config", timeout=5).status_code == 403
        with httpx.Client(base_url=base, timeout=10) as phone:
            assert phone.get("/?class=4821").status_code == 303
            page = phone.get("/")
            assert page.status_code == 200 and "木兰" in page.text
            assert phone.get("/config").status_code == 200
        log = (tmp_path / "app.log").read_text()
        assert "课堂码 / class code: 4821" in log and "?class=4821" in log
        assert (tmp_path / "class-code").read_text() == "4821"
        assert httpx.get(f"http://127.0.0.1:{port}/", timeout=5).status_code == 200  # the trainer's own browser
    finally:
        app.terminate()
        app.wait(timeout=30)
