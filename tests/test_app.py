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
from assistant.store import Store
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


def test_posters_use_the_users_edits_and_land_in_the_history(helper, tmp_path):
    store = Store(tmp_path)
    transcript, product, price, contact = actions.EXAMPLES[0]
    copy = {"title": "模型标题", "slogan": "口号", "selling_points": ["一", "二", "三"],
            "posts": {"moments": "x"}, "hashtags": ["杏子"], "facts": {"product": "杏子"}}
    gallery, files, message, entry_id = actions.render_posters(
        helper, store, None, copy, "我改的标题", "口号", "甜\n大\n包邮", transcript, product, price, contact,
        str(photo("grapes_01.jpg")))
    assert message.startswith("✅") and len(gallery) == len(files) >= 2
    for path in files:
        assert path.startswith(str(store.folder / entry_id)) and Image.open(path).size in {(1080, 1080), (1080, 1920)}
    reopened = actions.open_entry(Store(tmp_path), entry_id)  # as after a restart
    assert reopened["copy"]["title"] == "我改的标题" and reopened["fields"][0] == "我改的标题"
    assert reopened["transcript"] == transcript and reopened["price"] == price
    assert reopened["photo"].startswith(str(store.folder)) and reopened["files"] == files
    assert [label for label, _ in actions.history_choices(store)] == [actions.history_choices(store)[0][0]]


def test_posters_before_copy_ask_for_copy(helper, tmp_path):
    result = actions.render_posters(helper, Store(tmp_path), None, None, "", "", "", "", "", "", "", None)
    assert result[2] == "请先写文案（第 ③ 步）。"


def test_history_remembers_copy_and_deletes_only_what_was_chosen(tmp_path):
    store = Store(tmp_path)
    copy = {"title": "散养土鸡蛋", "slogan": "蛋黄颜色深", "selling_points": ["a", "b", "c"],
            "posts": {"moments": "土鸡蛋一块五一个。"}, "hashtags": ["土鸡蛋"], "facts": {"product": "土鸡蛋"}}
    first = actions.remember_copy(store, None, "我家的土鸡蛋", "土鸡蛋", "1.5元/个", "", None, "朴实", copy)
    again = actions.remember_copy(store, first, "我家的土鸡蛋", "土鸡蛋", "1.5元/个", "", None, "热情",
                                  {**copy, "title": "土鸡蛋又来了"})
    other = actions.remember_copy(store, None, "蜂蜜", "土蜂蜜", "", "", None, "朴实", copy)
    assert again == first and other != first
    assert actions.open_entry(store, first)["copy"]["title"] == "土鸡蛋又来了"
    assert actions.open_entry(store, first)["style"] == "热情"
    assert "已删除" in actions.delete_entry(store, first)
    assert [entry_id for _, entry_id in actions.history_choices(store)] == [other]
    assert actions.open_entry(store, first)["message"].startswith("⚠️")
    assert actions.open_entry(store, "../../etc/passwd")["message"].startswith("⚠️")
    assert actions.delete_entry(store, None) == "请先在上面选一条记录。"


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


def test_the_chosen_template_and_sizes_are_rendered_and_a4_comes_with_a_pdf(helper, tmp_path):
    store = Store(tmp_path)
    thumbs, ids = actions.template_gallery(tmp_path / "thumbnails")
    assert len(thumbs) == len(ids) >= 12 and all(Image.open(path).size == (360, 360) for path, _ in thumbs)
    transcript, product, price, contact = actions.EXAMPLES[0]
    copy = {"title": "杏子熟了", "slogan": "又大又甜", "selling_points": ["一", "二", "三"],
            "posts": {"moments": "x"}, "hashtags": ["杏子"], "facts": {"product": "杏子"}}
    gallery, files, message, _ = actions.render_posters(
        helper, store, None, copy, "", "", "", transcript, product, price, contact, None, "tea-ink", ["a4", "cover"])
    assert message.startswith("✅"), message
    assert [path.rsplit("/", 1)[1] for path in files] == ["poster-tea-ink-a4.png", "poster-tea-ink-a4.pdf",
                                                         "poster-tea-ink-cover.png"]
    assert Image.open(files[0]).size == (2480, 3508) and Image.open(files[2]).size == (900, 383)
    assert len(gallery) == 2  # the PDF is for download, not for the gallery
    _, _, message, _ = actions.render_posters(helper, store, None, copy, "", "", "", transcript, product, price,
                                              contact, None, "../../etc", ["moments"])
    assert message.startswith("⚠️") and "模板" in message
    _, _, message, _ = actions.render_posters(helper, store, None, copy, "", "", "", transcript, product, price,
                                              contact, None, "tea-ink", [])
    assert message == "⚠️ 请至少选一个海报尺寸。"
    assert actions.suggested_template("我家的土蜂蜜", "")[0] == "honey-amber"


def test_a_brief_with_nothing_to_sell_is_stopped_on_step_two():
    assert actions.brief_problem("", "", "88元/斤", "", None) == "⚠️ 请先说一说或写一写要卖的东西。"
    assert actions.brief_problem("", "杏子", "", "", None) is None


def test_only_the_ticked_texts_are_written_and_the_homestay_text_only_for_a_homestay(helper):
    transcript, product, price, contact = actions.EXAMPLES[0]  # apricots: not a homestay
    *_, (_, copy, message) = actions.stream_copy(helper, transcript, product, price, contact, None,
                                                 platforms=["homestay"])
    assert message.startswith("✅") and copy["title"] and copy["posts"] == {}


def test_template_previews_are_drawn_with_the_sellers_own_copy(tmp_path):
    copy = {"title": "杏子熟了", "slogan": "又大又甜", "selling_points": ["一", "二", "三"],
            "posts": {}, "hashtags": ["杏子"], "facts": {"product": "杏子"}}
    transcript, product, price, contact = actions.EXAMPLES[0]
    args = (transcript, product, price, contact)
    assert actions.template_previews(None, "", "", "", *args, None) is None  # no copy yet: keep the samples
    previews = actions.template_previews(copy, "", "", "", *args, str(photo("grapes_01.jpg")))
    _, names = zip(*actions.template_gallery(tmp_path)[0])
    assert [name for _, name in previews] == list(names)
    assert all(image.size == (360, 360) for image, _ in previews)
    edited = actions.template_previews(copy, "我改的标题", "", "", *args, str(photo("grapes_01.jpg")))
    assert all(a.tobytes() != b.tobytes() for (a, _), (b, _) in zip(previews, edited))  # her edits show
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"not a photo")
    assert actions.template_previews(copy, "", "", "", *args, str(broken)) is None


def test_poster_progress_is_reported_for_each_poster(helper, tmp_path):
    heard = []
    copy = {"title": "杏子熟了", "slogan": "又大又甜", "selling_points": ["一", "二", "三"],
            "posts": {}, "hashtags": ["杏子"], "facts": {"product": "杏子"}}
    *_, message, _ = actions.render_posters(helper, Store(tmp_path), None, copy, "", "", "", *actions.EXAMPLES[0],
                                            None, "tea-ink", ["moments", "cover"],
                                            progress=lambda f, m: heard.append((f, m)))
    assert message.startswith("✅")
    assert heard == [(0.0, "正在做第 1/2 张：朋友圈 1:1"), (0.5, "正在做第 2/2 张：公众号封面"), (0.95, "正在保存……")]


def test_each_stage_answers_bad_input_in_plain_chinese_and_keeps_the_input(helper, tmp_path):
    junk = tmp_path / "voice.wav"
    junk.write_bytes(bytes(range(256)) * 200)  # not a recording
    text, message = actions.transcribe(helper, str(junk), "普通话", "我已经改好的文字")
    assert text == "我已经改好的文字" and message.startswith("⚠️") and "录音" in message
    *_, (_, copy, message) = actions.stream_copy(helper, "杏" * 5000, "", "", "", None)
    assert copy is None and message.startswith("⚠️") and "太长" in message
    store = Store(tmp_path / "data")
    copy = {"title": "杏子熟了", "slogan": "又大又甜", "selling_points": ["一", "二", "三"],
            "posts": {}, "hashtags": [], "facts": {"product": "杏子"}}
    broken = tmp_path / "photo.jpg"
    broken.write_bytes(b"not a photo")
    for contact, picture, expected in (("x" * 3000, None, "联系方式"), ("xingzi_88", str(broken), "照片")):
        gallery, files, message, entry_id = actions.render_posters(
            helper, store, None, copy, "", "", "", "我家的杏子", "杏子", "15元/斤", contact, picture)
        assert (gallery, files, entry_id) == ([], [], None) and message.startswith("⚠️") and expected in message
    assert store.entries() == []  # a failed poster files nothing


def test_an_unforeseen_failure_reaches_the_page_as_a_chinese_message():
    import gradio as gr
    from app import UNEXPECTED, friendly

    def broken(text):
        raise RuntimeError("disk full")

    def broken_stream(text):
        yield "half"
        raise RuntimeError("model crashed")

    with pytest.raises(gr.Error) as raised:
        friendly(broken)("我的字")
    assert raised.value.message == UNEXPECTED
    stream = friendly(broken_stream)("我的字")
    assert next(stream) == "half"
    with pytest.raises(gr.Error):
        next(stream)
    def said():
        raise gr.Error("请先录音")

    with pytest.raises(gr.Error) as raised:  # our own messages pass through untouched
        friendly(said)()
    assert raised.value.message == "请先录音"
