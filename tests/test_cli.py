"""The make command end to end, as a user runs it, and its clean errors on bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from conftest import REPO, photo, speech_clip


def run(*args, env=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "assistant", *map(str, args)],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=900,
    )


def _check_outputs(out: Path, expect_transcript: bool) -> dict:
    assert (out / "transcript.txt").exists() == expect_transcript
    copy = json.loads((out / "copy.json").read_text(encoding="utf-8"))
    for key in ("title", "slogan", "selling_points", "posts", "hashtags"):
        assert key in copy
    assert isinstance(copy["selling_points"], list) and isinstance(copy["hashtags"], list)
    assert copy["posts"]["moments"]
    pngs = sorted(out.glob("*.png"))
    sizes = {Image.open(p).size for p in pngs}
    assert (1080, 1080) in sizes and (1080, 1920) in sizes
    return copy


@pytest.mark.models
def test_make_from_text_with_photo_price_and_contact(tmp_path):
    out = tmp_path / "out"
    result = run(
        "make",
        "--text",
        "我家的杏子又大又甜，一斤十五块，包邮",
        "--out",
        out,
        "--photo",
        photo("exif_orientation6_portrait_01.jpg"),
        "--price",
        "15元/斤",
        "--contact",
        "xingzi_88",
        "--product",
        "杏子",
        "--platforms",
        "poster,moments,shop_title",
    )
    assert result.returncode == 0, result.stderr
    copy = _check_outputs(out, expect_transcript=False)
    assert "15" in copy["posts"]["moments"] or "十五" in copy["posts"]["moments"]
    assert "copy (" in result.stdout and "posters (" in result.stdout and "peak memory" in result.stdout
    assert "[淘宝/拼多多标题" in result.stdout and set(copy["posts"]) == {"moments", "shop_title"}
    assert str(out / "copy.json") in result.stdout


@pytest.mark.models
def test_make_from_audio(tmp_path):
    out = tmp_path / "out"
    result = run("make", speech_clip("zh_funasr_asr_example_zh.wav"), "--out", out, "--platforms", "moments")
    assert result.returncode == 0, result.stderr
    _check_outputs(out, expect_transcript=True)
    assert "达摩院" in (out / "transcript.txt").read_text(encoding="utf-8")
    assert "transcript (" in result.stdout


@pytest.mark.parametrize(
    "make_input, zh",
    [
        ("missing", "找不到音频文件"),
        ("empty", "是空的"),
        ("corrupt", "无法读取"),
        ("silent", "没有听到说话"),
    ],
)
def test_bad_audio_gives_one_line_in_chinese_and_english(tmp_path, make_input, zh):
    audio = tmp_path / "voice.wav"
    if make_input == "empty":
        audio.write_bytes(b"")
    elif make_input == "corrupt":
        audio.write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk" * 50)
    elif make_input == "silent":
        subprocess.run(
            [
                sys.executable,
                "-c",
                (
                    "import wave,sys; w=wave.open(sys.argv[1],'wb'); w.setnchannels(1); w.setsampwidth(2);"
                    "w.setframerate(16000); w.writeframes(b'\\x00\\x00'*48000); w.close()"
                ),
                str(audio),
            ],
            check=True,
        )
    result = run("make", audio, "--out", tmp_path / "out")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert zh in lines[0] and " / " in lines[0]
    assert not (tmp_path / "out" / "copy.json").exists()


def test_photo_that_is_not_an_image(tmp_path):
    fake = tmp_path / "photo.jpg"
    fake.write_text("hello")
    result = run("make", "--text", "我家的杏子", "--photo", fake, "--out", tmp_path / "out")
    assert result.returncode == 2
    assert "不是照片" in result.stderr and "Traceback" not in result.stderr


def test_text_that_is_too_long(tmp_path):
    result = run("make", "--text", "杏子很甜。" * 400, "--out", tmp_path / "out")
    assert result.returncode == 2
    assert "太长" in result.stderr and "too long" in result.stderr and "Traceback" not in result.stderr


def test_unknown_platform_is_refused(tmp_path):
    result = run("make", "--text", "我家的杏子", "--platforms", "moments,weibo", "--out", tmp_path)
    assert result.returncode == 2 and "weibo" in result.stderr and "不认识的平台" in result.stderr


def test_audio_and_text_together_is_refused(tmp_path):
    result = run("make", "a.wav", "--text", "x", "--out", tmp_path)
    assert result.returncode == 2 and "二选一" in result.stderr


@pytest.mark.models
def test_transcribe_prints_json_per_file_and_one_line_for_a_bad_one(tmp_path):
    bad = tmp_path / "broken.m4a"
    bad.write_bytes(b"\x00\x00\x00\x18ftypM4A " + b"\x13" * 400)
    good = speech_clip("zh_funasr_asr_example_zh.wav")
    result = run("transcribe", good, bad, speech_clip("zh_fireredtts2_zh_S2.flac"), "--json", "--language", "auto")
    assert result.returncode == 2
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [Path(r["file"]).name for r in rows] == [good.name, "zh_fireredtts2_zh_S2.flac"]
    assert rows[0]["language"] == "zh" and "达摩院" in rows[0]["text"]
    assert rows[0]["duration_s"] == pytest.approx(5.55, abs=0.05)
    assert rows[0]["segments"][0]["end"] > rows[0]["segments"][0]["start"]
    assert {"decode_s", "transcribe_s", "rtf"} <= set(rows[0]["timings"])
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 1 and errors[0].startswith(f"{bad}\t") and "无法读取" in errors[0] and " / " in errors[0]


@pytest.mark.models
def test_transcribe_with_hotwords_prints_file_tab_text():
    clip = speech_clip("zh_sparktts_prompt_audio.wav")
    result = run("transcribe", clip, "--hotwords", "燕之屋,豆本豆")
    assert result.returncode == 0, result.stderr
    name, text = result.stdout.rstrip("\n").split("\t")
    assert name == str(clip) and "燕之屋" in text


@pytest.mark.models
def test_a_users_own_speech_model_plugs_in_with_one_setting(tmp_path, settings):
    from assistant import models

    embedded = models.resolve_speech_model(settings).path
    mine = tmp_path / "my-whisper-ct2"  # stands in for whisper-small/medium/turbo copied from ModelScope
    mine.mkdir()
    for item in embedded.iterdir():
        (mine / item.name).symlink_to(item)
    env = {"MULAN_SPEECH_MODEL": str(mine)}
    listing = run("models", env=env)
    speech_row = next(line for line in listing.stdout.splitlines() if line.startswith("speech"))
    assert "user" in speech_row, listing.stdout
    assert str(mine) in listing.stdout
    result = run("transcribe", speech_clip("zh_funasr_asr_example_zh.wav"), env=env)
    assert result.returncode == 0 and "达摩院" in result.stdout, result.stderr


@pytest.mark.models
def test_make_with_video_and_remake_it_from_the_folder(tmp_path):
    import av

    out = tmp_path / "out"
    done = run(
        "make",
        "--text",
        "我家的杏子又大又甜，一斤十五块，包邮",
        "--price",
        "15元/斤",
        "--out",
        str(out),
        "--photo",
        str(photo("grapes_01.jpg")),
        "--platforms",
        "poster,video",
        "--video",
    )
    assert done.returncode == 0, done.stderr
    for name in ("video.mp4", "video-square.mp4", "video.srt", "cover.jpg", "brief.json"):
        assert (out / name).is_file(), name
    with av.open(str(out / "video-square.mp4")) as container:
        assert (container.streams.video[0].width, container.streams.video[0].height) == (1080, 1080)
    again = run("video", "--entry", str(out), "--voice", "none")
    assert again.returncode == 0 and "voice: none" in again.stdout, again.stderr
    missing = run("video", "--entry", str(tmp_path / "nothing"))
    assert missing.returncode == 2 and "不是 make 做出来的文件夹" in missing.stderr


@pytest.mark.models
def test_her_shop_profile_and_her_own_code_reach_every_poster(tmp_path):
    """profile set once (with a photo of her WeChat code); make --profile uses it; the posters'
    code scans to her 名片 and the files are named for her product."""
    import segno
    import zxingcpp

    data = {"MULAN_DATA_DIR": str(tmp_path / "data")}
    card = "https://u.wechat.com/EDpB6Pjg7Nkv8rIPMVnlTdI"
    code_photo = tmp_path / "我的名片.jpg"
    code = Image.new("RGB", (900, 900), (150, 105, 60))
    buffer = tmp_path / "code.png"
    segno.make(card).save(buffer, scale=12)
    code.paste(Image.open(buffer).convert("RGB").rotate(14, expand=True, fillcolor=(150, 105, 60)), (80, 80))
    code.save(code_photo, quality=60)
    made = run(
        "profile", "set", "--shop", "张家果园", "--contact", "xingzi_88", "--qr-image", code_photo,
        "--logo", photo("grapes_01.jpg"), "--colour", "#2E7D32", env=data,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert "微信名片" in made.stdout
    shown = json.loads(run("profile", "show", "--name", "我的店", env=data).stdout)
    assert shown["qr"] == card and shown["shop"] == "张家果园" and Path(shown["logo"]).is_file()

    out = tmp_path / "out"
    result = run(
        "make", "--text", "我家的杏子又大又甜，一斤十五块，包邮", "--product", "杏子", "--out", out,
        "--profile", "我的店", "--platforms", "poster", env=data,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    brief = json.loads((out / "brief.json").read_text(encoding="utf-8"))
    assert (brief["shop"], brief["contact"], brief["qr"], brief["colour"]) == ("张家果园", "xingzi_88", card, "#2E7D32")
    pngs = sorted(out.glob("*.png"))
    assert len(pngs) >= 2 and all(p.name.startswith("杏子-") for p in pngs), [p.name for p in pngs]
    for png in pngs:
        assert [r.text for r in zxingcpp.read_barcodes(Image.open(png).convert("L"))] == [card], png.name

    missing = run("make", "--text", "杏子", "--out", out, "--profile", "别的店", env=data)
    assert missing.returncode == 2 and "没有叫「别的店」的店铺资料" in missing.stderr
    no_code = run("profile", "set", "--qr-image", photo("carrots_01.jpg"), env=data)
    assert no_code.returncode == 2 and "拍清楚一点" in no_code.stderr


@pytest.mark.models
def test_serve_model_runs_llama_server_and_make_writes_through_it(tmp_path):
    """serve-model starts a real llama-server on the embedded model; another Mulan's make
    uses it with --llm-url and loads no copy model of its own; Ctrl-C stops both."""
    import signal
    import time

    from conftest import free_port

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "assistant", "serve-model", "--port", str(port), "--parallel", "2", "--small"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        line = server.stdout.readline()
        assert f"http://127.0.0.1:{port}/v1" in line, line
        out = tmp_path / "out"
        made = run(
            "make", "--text", "我家的杏子又大又甜，一斤十五块，包邮", "--product", "杏子", "--out", out,
            "--platforms", "poster,moments", "--llm-url", f"http://127.0.0.1:{port}/v1",
        )  # fmt: skip
        assert made.returncode == 0, made.stderr
        copy = json.loads((out / "copy.json").read_text(encoding="utf-8"))
        assert copy["generator"].startswith("openai-http:") and copy["source"] != "fallback", copy["generator"]
        assert "15" in copy["posts"]["moments"] or "十五" in copy["posts"]["moments"]
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=60)
    time.sleep(1)
    down = run("make", "--text", "我家的杏子", "--out", tmp_path / "down", "--platforms", "poster",
               "--llm-url", f"http://127.0.0.1:{port}/v1")  # fmt: skip
    assert down.returncode == 0, down.stderr  # the server is gone: the rule-based copy, said plainly
    copy = json.loads((tmp_path / "down" / "copy.json").read_text(encoding="utf-8"))
    assert copy["source"] == "fallback" and any("连不上" in n for n in copy["notes"]), copy["notes"]
