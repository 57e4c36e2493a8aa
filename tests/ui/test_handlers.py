"""The page's plain functions (assistant.ui.handlers) and the Gradio app serving on loopback."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image

from assistant.contracts import Change, Copy
from assistant.language.facts import numbers_in
from assistant.store import Store
from assistant.ui import handlers
from assistant.ui.handlers import CHECK, COPY, POSTER, Edits, Form, Work
from assistant.ui.jobs import SEEN_GRACE_S, Jobs

from conftest import REPO, free_port, photo, speech_clip

APRICOTS = Form(*handlers.EXAMPLES[0])  # transcript, product, price, contact


def written(**fields) -> Copy:
    return Copy.from_dict(
        {
            "title": "杏子熟了",
            "slogan": "又大又甜",
            "selling_points": ["一", "二", "三"],
            "posts": {},
            "hashtags": ["杏子"],
            "facts": {"product": "杏子"},
            **fields,
        }
    )


def test_transcribe_fills_the_text_and_keeps_it_on_error(pipeline, tmp_path):
    heard = handlers.listen(pipeline, str(speech_clip("zh_funasr_asr_example_zh.wav")), "普通话")
    assert "达摩院" in heard["transcript"] and heard["heard_msg"].startswith("✅") and heard["step"] == CHECK
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    failed = handlers.listen(pipeline, str(empty), "普通话")
    assert "transcript" not in failed and "空的" in failed["listen_msg"]  # her corrected text stays
    assert "step" not in failed  # not heard: she stays on ①


def test_copy_streams_then_finishes(pipeline):
    steps = list(handlers.write_copy(pipeline, Work(), Form(*handlers.EXAMPLES[0], style="热情"), ("moments",)))
    assert any("work" not in s and s["raw"].startswith("【海报文字】") for s in steps)
    assert any("work" not in s and s["raw"].startswith("【朋友圈】") for s in steps)
    partial = [s["work"].copy for s in steps if "work" in s and "已写好：海报文字" in s["write_msg"]]
    assert partial and partial[0].title and "moments" not in partial[0].posts
    last = steps[-1]
    copy = last["work"].copy
    assert copy.style == "热情" and "15" in numbers_in(copy.posts["moments"])
    assert last["write_msg"].startswith("✅")
    assert last["title"] == copy.title and last["post:moments"] == copy.posts["moments"]


def test_copy_goes_on_and_is_filed_when_her_page_goes_away_and_comes_back(pipeline, tmp_path):
    store, jobs = Store(tmp_path), Jobs()
    form = replace(APRICOTS, style="热情")
    following = handlers.write_and_file(jobs, "shelf-1", pipeline, store, Work(), form, ("朋友圈",))
    assert "raw" in next(following)
    following.close()  # the phone reloaded: Gradio lets go of the handler here
    back = list(handlers.resume(jobs, "shelf-1"))
    assert back[0]["form"] == form and back[0]["step"] == COPY, "her form comes back as she filled it"
    last = back[-1]
    entry = store.load(last["work"].entry_id)
    assert entry.copy.title == last["title"] and entry.copy.posts["moments"] == last["post:moments"]
    assert entry.brief.product == form.product and len(last["history"]) == 1
    for job in jobs.all_waiting("shelf-1"):  # seen to the end, and the grace for a reload is over
        job.seen_at -= SEEN_GRACE_S
    assert list(handlers.resume(jobs, "shelf-1")) == [{}], "seen to the end: not shown again"
    assert list(handlers.resume(jobs, "another-shelf")) == [{}]


def test_posters_made_while_her_page_was_away_come_back_after_her_copy(pipeline, tmp_path):
    store, jobs = Store(tmp_path), Jobs()
    form = Form(*handlers.EXAMPLES[0], photo=str(photo("grapes_01.jpg")))
    writing = handlers.write_and_file(jobs, "shelf-p", pipeline, store, Work(), form, ())
    work = list(writing)[-1]["work"]  # her copy, written and seen on the page
    making = handlers.in_background(
        jobs,
        "shelf-p",
        "posters",
        form,
        lambda: handlers.render_posters(pipeline, store, work, form, Edits(), ["moments"]),
    )
    for job in jobs.all_waiting("shelf-p"):  # the copy, seen a while ago
        job.seen_at -= SEEN_GRACE_S
    assert jobs.all_waiting("shelf-p") == []
    threading.Thread(target=next, args=(making,), daemon=True).start()  # 做海报, then her phone sleeps
    while not jobs.all_waiting("shelf-p"):
        time.sleep(0.01)
    back = list(handlers.resume(jobs, "shelf-p"))
    assert back[0]["step"] == POSTER and back[0]["form"] == form
    last = back[-1]
    assert last["gallery"] and all(Path(path).is_file() for path, _ in last["gallery"])
    assert "海报做好了" in last["poster_msg"]
    assert store.load(work.entry_id).posters, "filed in her 历史 under the same entry"


def test_empty_brief_gives_a_message_not_an_error(pipeline):
    steps = list(handlers.write_copy(pipeline, Work(), Form()))
    assert steps == [{"raw": "", "write_msg": "⚠️ 请先说一说或写一写要卖的东西。"}]


def test_posters_use_the_users_edits_and_land_in_the_history(pipeline, tmp_path):
    store = Store(tmp_path)
    form = Form(*handlers.EXAMPLES[0], photo=str(photo("grapes_01.jpg")))
    work = Work(copy=written(title="模型标题", slogan="口号", posts={"moments": "x"}))
    made = handlers.render_posters(pipeline, store, work, form, Edits("我改的标题", "口号", "甜\n大\n包邮"))
    files, entry_id = made["downloads"], made["work"].entry_id
    assert made["poster_msg"].startswith("✅") and len(made["gallery"]) == len(files) >= 2
    for path in files:
        assert path.startswith(str(store.folder / entry_id)) and Image.open(path).size in {(1080, 1080), (1080, 1920)}
    reopened = handlers.open_entry(Store(tmp_path), entry_id)  # as after a restart
    assert reopened["work"].copy.title == "我改的标题" and reopened["title"] == "我改的标题"
    assert reopened["form"].transcript == form.transcript and reopened["form"].price == form.price
    assert reopened["form"].photo.startswith(str(store.folder)) and reopened["downloads"] == files
    assert reopened["step"] == POSTER
    assert [label for label, _ in handlers.history_choices(store)] == [handlers.history_choices(store)[0][0]]


def test_posters_before_copy_ask_for_copy(pipeline, tmp_path):
    made = handlers.render_posters(pipeline, Store(tmp_path), Work(), Form())
    assert made == {"poster_msg": "请先写文案（第 ③ 步）。"}


def test_history_remembers_copy_and_deletes_only_what_was_chosen(tmp_path):
    store = Store(tmp_path)
    copy = written(
        title="散养土鸡蛋", slogan="蛋黄颜色深", posts={"moments": "土鸡蛋一块五一个。"}, hashtags=["土鸡蛋"]
    )
    eggs = Form("我家的土鸡蛋", "土鸡蛋", "1.5元/个")
    first = handlers.remember_copy(store, Work(copy=copy), eggs)["work"].entry_id
    again = handlers.remember_copy(
        store,
        Work(entry_id=first, copy=written(title="土鸡蛋又来了")),
        Form("我家的土鸡蛋", "土鸡蛋", "1.5元/个", style="热情"),
    )["work"].entry_id
    other = handlers.remember_copy(store, Work(copy=copy), Form("蜂蜜", "土蜂蜜"))["work"].entry_id
    assert again == first and other != first
    assert handlers.remember_copy(store, Work(), eggs) == {}  # nothing written: nothing filed
    assert handlers.open_entry(store, first)["work"].copy.title == "土鸡蛋又来了"
    assert handlers.open_entry(store, first)["form"].style == "热情"
    deleted = handlers.delete_entry(store, Work(entry_id=first), first)
    assert "已删除" in deleted["history_msg"] and deleted["work"].entry_id is None
    assert [entry_id for _, entry_id in handlers.history_choices(store)] == [other]
    assert handlers.open_entry(store, first)["history_msg"].startswith("⚠️")
    assert handlers.open_entry(store, "../../etc/passwd")["history_msg"].startswith("⚠️")
    assert handlers.delete_entry(store, Work(), None)["history_msg"] == "请先在上面选一条记录。"


def test_a_reopened_entry_keeps_its_advertising_law_changes(tmp_path):
    store = Store(tmp_path)
    change = Change("moments", "全网最甜的杏子", "很甜的杏子", "广告法")
    copy = written(posts={"moments": "很甜的杏子"}, raw={"moments": "全网最甜的杏子"}, seconds={"moments": 4.2})
    copy.changes.append(change)
    entry_id = handlers.remember_copy(store, Work(copy=copy), APRICOTS)["work"].entry_id
    reopened = handlers.open_entry(Store(tmp_path), entry_id)
    again = reopened["work"].copy
    assert again.changes == [change] and again.raw == copy.raw and again.seconds == copy.seconds
    assert change.explain() in reopened["write_msg"]  # she sees what was changed, as on the day
    assert reopened["step"] == COPY


def test_app_serves_on_loopback_only(tmp_path):
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "app.py", "--port", str(port), "--no-preload"],
        cwd=REPO,
        env={**__import__("os").environ, "MULAN_DATA_DIR": str(tmp_path)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
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


def test_the_chosen_template_and_sizes_are_rendered_and_a4_comes_with_a_pdf(pipeline, tmp_path):
    store = Store(tmp_path)
    thumbs, ids = handlers.template_gallery(tmp_path / "thumbnails")
    assert len(thumbs) == len(ids) >= 12 and all(Image.open(path).size == (360, 360) for path, _ in thumbs)
    work = Work(copy=written(posts={"moments": "x"}), template_id="tea-ink")
    made = handlers.render_posters(pipeline, store, work, APRICOTS, size_ids=["a4", "cover"])
    files = made["downloads"]
    assert made["poster_msg"].startswith("✅"), made["poster_msg"]
    assert [path.rsplit("/", 1)[1] for path in files] == [
        "杏子-A4.png",  # names she can find in her album, made from her product
        "杏子-A4.pdf",
        "杏子-公众号封面.png",
    ]
    assert [caption for _, caption in made["gallery"]] == ["茶·水墨 · A4 打印", "茶·水墨 · 公众号封面"]
    assert Image.open(files[0]).size == (2480, 3508) and Image.open(files[2]).size == (900, 383)
    assert len(made["gallery"]) == 2  # the PDF is for download, not for the gallery
    forged = handlers.render_posters(
        pipeline, store, Work(copy=work.copy, template_id="../../etc"), APRICOTS, size_ids=["moments"]
    )
    assert forged["poster_msg"].startswith("⚠️") and "模板" in forged["poster_msg"] and "gallery" not in forged
    none = handlers.render_posters(pipeline, store, work, APRICOTS, size_ids=[])
    assert none == {"poster_msg": "⚠️ 请至少选一个海报尺寸。"}
    assert "蜂蜜" in handlers.suggestion(Form("我家的土蜂蜜"), Work())["template_msg"]
    assert handlers.suggestion(Form("我家的土蜂蜜"), work) == {}  # she picked one: no hint


def test_a_brief_with_nothing_to_sell_is_stopped_on_step_two():
    assert handlers.brief_problem(Form(price="88元/斤")) == "⚠️ 请先说一说或写一写要卖的东西。"
    assert handlers.brief_problem(Form(product="杏子")) is None
    assert handlers.start_writing(Form(price="88元/斤"), "") == {"check_msg": "⚠️ 请先说一说或写一写要卖的东西。"}
    started = handlers.start_writing(Form(product="杏子"), "")
    assert started["step"] == COPY and started["work"] == Work() and len(started["shelf"]) == 32


def test_only_the_ticked_texts_are_written_and_the_homestay_text_only_for_a_homestay(pipeline):
    *_, last = handlers.write_copy(pipeline, Work(), APRICOTS, ["homestay"])  # apricots: not a homestay
    assert last["write_msg"].startswith("✅") and last["work"].copy.title and last["work"].copy.posts == {}


def test_template_previews_are_drawn_with_the_sellers_own_copy(pipeline, tmp_path):
    work = Work(copy=written())
    form = Form(*handlers.EXAMPLES[0], photo=str(photo("grapes_01.jpg")))
    assert handlers.template_previews(pipeline, Work(), form, Edits()) == {}  # no copy yet: keep the samples
    previews = handlers.template_previews(pipeline, work, form, Edits())["templates"]
    _, names = zip(*handlers.template_gallery(tmp_path)[0])
    assert [name for _, name in previews] == list(names)
    assert all(image.size == (360, 360) for image, _ in previews)
    edited = handlers.template_previews(pipeline, work, form, Edits(title="我改的标题"))["templates"]
    assert all(a.tobytes() != b.tobytes() for (a, _), (b, _) in zip(previews, edited))  # her edits show
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"not a photo")
    assert handlers.template_previews(pipeline, work, Form("杏子", photo=str(broken)), Edits()) == {}


def test_poster_progress_is_reported_for_each_poster(pipeline, tmp_path):
    heard = []
    made = handlers.render_posters(
        pipeline,
        Store(tmp_path),
        Work(copy=written(), template_id="tea-ink"),
        APRICOTS,
        size_ids=["moments", "cover"],
        progress=lambda f, m: heard.append((f, m)),
    )
    assert made["poster_msg"].startswith("✅")
    assert heard == [(0.0, "正在做第 1/2 张：朋友圈 1:1"), (0.5, "正在做第 2/2 张：公众号封面"), (0.95, "正在保存……")]


def test_each_stage_answers_bad_input_in_plain_chinese_and_keeps_the_input(pipeline, tmp_path):
    junk = tmp_path / "voice.wav"
    junk.write_bytes(bytes(range(256)) * 200)  # not a recording
    failed = handlers.listen(pipeline, str(junk), "普通话")
    assert "transcript" not in failed and failed["listen_msg"].startswith("⚠️") and "录音" in failed["listen_msg"]
    *_, last = handlers.write_copy(pipeline, Work(), Form("杏" * 5000))
    assert "work" not in last and last["write_msg"].startswith("⚠️") and "太长" in last["write_msg"]
    store = Store(tmp_path / "data")
    broken = tmp_path / "photo.jpg"
    broken.write_bytes(b"not a photo")
    for contact, picture, expected in (("x" * 3000, None, "联系方式"), ("xingzi_88", str(broken), "照片")):
        made = handlers.render_posters(
            pipeline, store, Work(copy=written(hashtags=[])), Form("我家的杏子", "杏子", "15元/斤", contact, picture)
        )
        assert list(made) == ["poster_msg"] and made["poster_msg"].startswith("⚠️") and expected in made["poster_msg"]
    assert store.entries() == []  # a failed poster files nothing


def test_an_unforeseen_failure_reaches_the_page_as_a_chinese_message():
    import gradio as gr

    from assistant.ui.page import UNEXPECTED, friendly

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


def test_the_page_wires_every_event_to_a_handler_that_takes_its_parts(tmp_path):
    # Building the page binds each handler to the names of its inputs: a handler whose
    # parameters do not match would fail here, not when a seller taps the button.
    from assistant.pipeline import Pipeline
    from assistant.ui import page

    demo = page.build_ui(Pipeline(), Store(tmp_path), private_history=True)
    assert len(demo.fns) >= 20  # every button, tab and load event is wired

    def takes_a_shelf_id(work, shelf_id):
        return {}

    wiring = page.Wiring()
    wiring.add("work", None)
    wiring.add("shelf", None)
    with pytest.raises(TypeError):
        wiring.on(lambda *a, **k: None, takes_a_shelf_id, ["work", "shelf"], [])


def test_read_aloud_sends_each_sentence_to_the_player_as_it_is_made(pipeline):
    import base64
    import io
    import json
    import wave

    text = "我家的杏子又大又甜，一斤十五块，包邮。想要的朋友加我微信！"
    chunks = [json.loads(u["voice_stream"]) for u in handlers.read_aloud(pipeline, text, "慢一点", "tap-1")]
    assert [c["n"] for c in chunks] == [0, 1] and {c["id"] for c in chunks} == {"tap-1"}
    assert chunks[0]["text"] == "我家的杏子又大又甜，一斤十五块，包邮。"
    wav = base64.b64decode(chunks[0]["wav"].removeprefix("data:audio/wav;base64,"))
    with wave.open(io.BytesIO(wav)) as w:
        assert w.getframerate() == 24_000 and w.getnframes() / 24_000 > 2.0
    assert list(handlers.read_aloud(pipeline, text, "正常", "")) == []  # the tap stopped the voice
    assert list(handlers.read_aloud(pipeline, "🍑🍑", "正常", "tap-2")) == [{"voice_msg": "⚠️ 没有可以读的文字。"}]
    assert handlers.poster_words(Edits("杏子熟了", "又大又甜", "个大\n\n包邮")) == "杏子熟了。又大又甜。个大。包邮"


def test_a_video_is_made_filed_with_the_entry_and_reopened(pipeline, tmp_path):
    import av

    store = Store(tmp_path)
    copy = written(posts={"video": "杏子熟了！一斤十五块，包邮。想要的朋友评论区留言！"})
    form = Form(*handlers.EXAMPLES[0], photo=str(photo("grapes_01.jpg")))
    heard = []
    made = handlers.make_video(
        pipeline, store, Work(copy=copy), form, Edits(), "木兰读口播稿", progress=lambda f, m: heard.append(m)
    )
    assert made["video_msg"].startswith("✅"), made["video_msg"]
    names = sorted(p.rsplit("/", 1)[1] for p in made["video_files"])
    assert names == ["杏子-字幕.srt", "杏子-封面.jpg", "杏子-抖音视频.mp4", "杏子-朋友圈视频.mp4"]
    with av.open(made["video"]) as container:
        assert (container.streams.video[0].width, container.streams.video[0].height) == (1080, 1920)
    assert any("正在做视频" in m for m in heard) and heard[-1] == "正在保存……"
    reopened = handlers.open_entry(Store(tmp_path), made["work"].entry_id)
    assert reopened["video"] == made["video"] and len(reopened["video_files"]) == 4

    own = handlers.make_video(pipeline, store, Work(copy=copy), form, Edits(), "我自己的声音")
    assert list(own) == ["video_msg"] and "没有你的录音" in own["video_msg"]
    no_photo = handlers.make_video(pipeline, store, Work(copy=copy), Form(*handlers.EXAMPLES[0]), Edits(), "不要声音")
    assert list(no_photo) == ["video_msg"] and "照片" in no_photo["video_msg"]
    assert handlers.video_voice(Work(recording="/tmp/her.wav")) == {"video_voice": "我自己的声音"}


def test_her_recording_and_its_times_stay_with_the_entry_for_a_video_later(tmp_path):
    from assistant.contracts import Segment, Transcript

    store = Store(tmp_path / "data")
    clip = speech_clip("zh_stepaudio_prompt_wav_yuqian.wav")
    heard = Transcript("叫做秋风起泄脚扬。", [Segment(0.0, 2.8, "叫做秋风起泄脚扬")])
    work = Work(copy=written(), recording=str(clip), heard=heard)
    entry_id = handlers.remember_copy(store, work, APRICOTS)["work"].entry_id
    reopened = handlers.open_entry(Store(tmp_path / "data"), entry_id)["work"]
    assert reopened.recording and reopened.recording.endswith("recording.wav")
    assert Path(reopened.recording).read_bytes() == clip.read_bytes()  # a copy in her entry, not the upload
    assert reopened.heard == heard
    assert handlers.video_voice(reopened) == {"video_voice": "我自己的声音"}
    # Filed again from the reopened page: the entry's own copy stays, and nothing piles up.
    handlers.remember_copy(store, reopened, APRICOTS)
    assert sorted(p.name for p in (store.folder / entry_id).glob("recording.*")) == ["recording.wav"]


def test_no_part_of_the_page_offers_to_share_her_work_outside(tmp_path):
    """Gradio's default corner buttons include "share", which uploads to Hugging Face."""
    import gradio as gr

    from assistant.pipeline import Pipeline
    from assistant.ui import page

    demo = page.build_ui(Pipeline(), Store(tmp_path), private_history=True)
    media = [b for b in demo.blocks.values() if isinstance(b, (gr.Image, gr.Gallery, gr.Video, gr.Audio))]
    assert len(media) >= 6
    for block in media:
        buttons = block.get_config().get("buttons")
        assert isinstance(buttons, list) and "share" not in buttons, (type(block).__name__, block.label, buttons)


def test_her_code_is_read_from_her_screenshot_and_shown_back(tmp_path):
    import segno

    picture = tmp_path / "名片.png"
    segno.make("https://u.wechat.com/EDpB6Pjg7Nkv8rIPMVnlTdI").save(picture, scale=8)
    read = handlers.read_code(str(picture), APRICOTS)
    assert read["qr"] == "https://u.wechat.com/EDpB6Pjg7Nkv8rIPMVnlTdI"
    assert "微信名片" in read["qr_msg"] and read["qr_preview"].size == (240, 240)

    # A photo with no code: a hint, and the code she gave before stays in use.
    kept = replace(APRICOTS, qr=read["qr"])
    failed = handlers.read_code(photo("grapes_01.jpg"), kept)
    assert set(failed) == {"qr_msg"} and "拍清楚一点" in failed["qr_msg"] and "之前认出的码还在用" in failed["qr_msg"]
    assert handlers.read_code(None, kept) == {"qr": "", "qr_msg": "", "qr_preview": None}  # she removed it
    assert kept.brief().scan_code == read["qr"]

    # Reopened, the entry shows the code it was made with.
    store = Store(tmp_path / "data")
    entry_id = store.save_brief(kept.brief())
    reopened = handlers.open_entry(store, entry_id)
    assert reopened["form"].qr == read["qr"] and reopened["qr_preview"].size == (240, 240)


def test_my_shop_is_saved_once_and_fills_what_she_has_not_typed(tmp_path):
    store = Store(tmp_path).view("c" * 32)
    shop = handlers.ShopForm(shop="张家果园", contact="xingzi_88", style="热情", colour="rgba(46, 125, 50, 1)")
    saved = handlers.save_shop(store, shop, "https://u.wechat.com/EDpB6Pjg7Nkv8rIPMVnlTdI", None, Form())
    assert saved["shop_msg"].startswith("✅") and saved["shop_colour"] == "#2E7D32"
    filled = saved["form"]
    assert (filled.shop, filled.contact, filled.style, filled.colour) == ("张家果园", "xingzi_88", "热情", "#2E7D32")
    assert filled.qr.startswith("https://u.wechat.com/") and saved["qr_preview"].size == (240, 240)

    typed = Form("我家的杏子", contact="13800138000", style="文艺")
    kept = handlers.start_from_profile(store.load_profile(), typed)["form"]
    assert (kept.transcript, kept.contact, kept.style, kept.shop) == ("我家的杏子", "13800138000", "文艺", "张家果园")
    bad = handlers.save_shop(store, replace(shop, colour="not a colour"), "", None, typed)
    assert set(bad) == {"shop_msg"} and bad["shop_msg"].startswith("⚠️")
    assert handlers.start_from_profile(Store(tmp_path).view("d" * 32).load_profile(), typed) == {}


def test_a_trainer_makes_a_whole_class_from_pasted_rows_and_a_zip_of_photos(pipeline, tmp_path):
    import zipfile

    archive = tmp_path / "照片.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(photo("tomatoes_portrait_01.jpg"), "杏子.jpg")
    pasted = "卖什么\t价格\t描述\t照片\n杏子\t15元/斤\t我家的杏子又大又甜，包邮\t杏子.jpg\n\t88元/斤\t\t\n"
    store = Store(tmp_path / "data").view("e" * 32)
    made = handlers.make_class_batch(pipeline, store, None, pasted, [str(archive)])
    assert made["class_msg"].startswith("✅ 做好了 1 / 2 行"), made["class_msg"]
    assert "| 3 | （没有名字） | 没做成：请先说一说或写一写要卖的东西。 |" in made["class_msg"]
    with zipfile.ZipFile(made["class_files"][0]) as result:
        assert "01-杏子/杏子-朋友圈.png" in result.namelist()
    nothing = handlers.make_class_batch(pipeline, store, None, "", None)
    assert nothing == {"class_msg": "⚠️ 请上传表格，或者把 Excel 里的几行复制粘贴到框里。"}


def test_her_words_fill_product_price_and_contact_and_what_she_typed_wins():
    said = "大闸蟹，八十八一斤，微信号 xie_888"
    first = handlers.propose_fields(said, handlers.Proposal())
    assert "大闸蟹" in first["fields_msg"] and "88元/斤" in first["fields_msg"]
    assert handlers.apply_proposal(first["proposal"], "", "", "") == ("大闸蟹", "88元/斤", "xie_888")
    # She corrects the price in her words: the proposal follows. She typed her own product: it stays.
    second = handlers.propose_fields(said.replace("八十八", "九十八"), first["proposed"])
    assert handlers.apply_proposal(second["proposal"], "湖蟹", "88元/斤", "xie_888") == ("湖蟹", "98元/斤", "xie_888")
    # A contact from 我的店 (never proposed) is not replaced by one in her words.
    third = handlers.propose_fields(said, handlers.Proposal())
    assert handlers.apply_proposal(third["proposal"], "", "", "13800000001")[2] == "13800000001"
    # What was proposed and is no longer in her words goes; what she typed stays.
    fourth = handlers.propose_fields("大闸蟹", first["proposed"])
    assert handlers.apply_proposal(fourth["proposal"], "大闸蟹", "88元/斤", "xie_999") == ("大闸蟹", "", "xie_999")
    assert handlers.propose_fields("", handlers.Proposal())["fields_msg"] == ""


def test_before_a_poster_she_is_told_what_is_missing_and_an_unfit_word_gets_a_fix():
    misheard = Form("秋风起泄脚扬，湖里的大闸蟹上市了，八十八一斤", product="大闸蟹", price="88元/斤")
    work = Work(copy=written(title="秋风起泄脚扬", slogan="湖里的大闸蟹上市了", facts={"product": "大闸蟹"}))
    shown = handlers.poster_doubts(work, misheard)
    assert "「泄」" in shown["poster_check"] and "二维码" in shown["poster_check"] and "照片" in shown["poster_check"]
    assert "价格" not in shown["poster_check"]
    assert shown["fix_check"] and shown["fix_title"] == "🔁 标题改成「大闸蟹」"
    fixed = handlers.use_safe_title(work, misheard)
    assert fixed["title"] == "大闸蟹" and "泄" not in fixed["poster_check"] and fixed["fix_title"] == ""
    # Everything there: nothing to say, no buttons.
    complete = Form("我家的杏子又大又甜，一斤十五块", "杏子", "15元/斤", "xingzi_88", photo=str(photo("grapes_01.jpg")))
    nothing = {"poster_check": "", "fix_check": "", "fix_title": ""}
    assert handlers.poster_doubts(Work(copy=written()), complete) == nothing
