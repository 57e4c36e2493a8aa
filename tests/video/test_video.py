"""The short video, made for real and decoded back: codecs, size, sound, subtitles."""

from __future__ import annotations

import av
import numpy as np
import pytest
from PIL import Image

from assistant import video
from assistant.contracts import Cue, VideoRequest, VoiceOver
from assistant.errors import UserError
from assistant.files import wav_bytes
from assistant.imaging.photo import open_photo
from assistant.metrics import cer
from assistant.speech.audio import load_audio
from assistant.video.frames import FrameMaker, title_band
from assistant.video.soundtrack import clean_recording, mix
from assistant.video.subtitles import SafeArea, align_cues, split_long, to_srt

from conftest import photo, reference_transcript, speech_clip

CLIP = "zh_stepaudio_prompt_wav_yuqian.wav"  # 8 s of a woman speaking about crabs


def request(voice: VoiceOver, size=video.STORY, photos=("grapes_01.jpg",)) -> VideoRequest:
    pictures = [open_photo(photo(name)) for name in photos]
    end_card = Image.new("RGB", size, "#FFF8EC")
    return VideoRequest(pictures, end_card, "秋风起蟹脚痒", "¥88/斤", ("#D9480F", "#FFFFFF"), voice, size)


def her_voice(clean: bool = True) -> VoiceOver:
    samples = load_audio(speech_clip(CLIP))
    cues = [
        Cue(0.0, 2.8, "叫做秋风起蟹脚痒"),
        Cue(2.8, 5.8, "什么意思呢就是说这秋风一起"),
        Cue(5.8, 7.9, "螃蟹就该上市了"),
    ]
    return VoiceOver("own", samples, 16_000, cues, clean=clean)


def decoded(path):
    with av.open(str(path)) as container:
        v, a = container.streams.video[0], container.streams.audio[0]
        info = dict(
            video=v.codec_context.name,
            profile=v.codec_context.profile,
            size=(v.width, v.height),
            fps=float(v.average_rate),
            pix_fmt=v.codec_context.pix_fmt,
            audio=a.codec_context.name,
            seconds=float(container.duration / 1e6),
        )
        samples = np.concatenate([f.to_ndarray().reshape(-1) for f in container.decode(audio=0)])
    return info, samples


def test_the_video_is_h264_high_aac_30fps_9_16_and_as_long_as_her_voice(tmp_path):
    voice = her_voice(clean=False)
    made = video.make(request(voice), tmp_path / "video.mp4")
    info, sound = decoded(made.path)
    assert info["video"] == "h264" and info["profile"] == "High" and info["pix_fmt"] == "yuv420p"
    assert info["size"] == (1080, 1920) and info["fps"] == 30 and info["audio"] == "aac"
    assert abs(info["seconds"] - len(voice.samples) / voice.rate) <= 0.3
    assert np.sqrt(np.mean(sound**2)) > 0.01  # not silent
    with open(made.path, "rb") as f:  # +faststart: the index comes before the data
        head = f.read(64 * 1024)
    assert head.find(b"moov") != -1 and (head.find(b"mdat") == -1 or head.find(b"moov") < head.find(b"mdat"))
    assert made.path.with_suffix(".srt").read_text(encoding="utf-8").startswith("1\n00:00:00,000 --> ")
    assert made.path.stat().st_size < 15e6 * made.seconds / 30  # small enough for WeChat


def test_a_square_video_for_moments(tmp_path):
    info, _ = decoded(video.make(request(her_voice(), size=video.SQUARE), tmp_path / "square.mp4").path)
    assert info["size"] == (1080, 1080)


def test_subtitles_stay_inside_the_safe_area():
    req = request(her_voice(clean=False))
    cues = split_long(req.voice.cues)
    title = title_band(req.size, req.title, req.price, req.colours)
    with_subs = FrameMaker(req.photos, req.end_card, title, cues, req.size, 8.0, SafeArea())
    without = FrameMaker(req.photos, req.end_card, title, [], req.size, 8.0, SafeArea())
    for cue in cues:
        t = (cue.start + cue.end) / 2
        a = np.asarray(with_subs.frame(t), dtype=np.int16)
        b = np.asarray(without.frame(t), dtype=np.int16)
        ys, xs = np.nonzero(np.abs(a - b).max(axis=2) > 8)
        assert len(xs), cue.text  # the subtitle is drawn
        x0, y0, x1, y1 = SafeArea().box(*req.size)
        assert x0 <= xs.min() and xs.max() < x1 and y0 <= ys.min() and ys.max() < y1, cue.text


def test_her_recording_is_trimmed_and_levelled_and_the_subtitles_move_with_it():
    rate = 16_000
    tone = (0.02 * np.sin(np.arange(rate) * 2 * np.pi * 220 / rate)).astype(np.float32)  # a quiet 1 s "word"
    gap = np.zeros(3 * rate, dtype=np.float32)
    samples = np.concatenate([np.zeros(2 * rate, np.float32), tone, gap, tone, np.zeros(rate, np.float32)])
    cues = [Cue(2.0, 3.0, "一"), Cue(6.0, 7.0, "二")]
    cleaned, moved = clean_recording(samples, rate, cues)
    assert len(cleaned) / rate < 3.2  # 2 s before, a 3 s pause and 1 s after are gone
    assert np.sqrt(np.mean(cleaned**2)) > 0.05  # raised to speech level
    assert moved[0].start < 0.3 and 0.4 < moved[1].start - moved[0].end < 0.8  # the 3 s pause is now 0.6 s
    assert np.abs(cleaned).max() <= 0.98


def test_music_is_ducked_under_the_voice():
    rate = 16_000
    voice = np.concatenate([np.full(rate, 0.3, np.float32), np.zeros(rate, np.float32)])
    music = np.full(rate // 2, 0.5, np.float32)
    out = mix(voice, music, rate, 2.0)
    assert abs(out[rate // 2]) > 0.3  # voice on top
    assert np.abs(out[int(1.6 * rate)]) > np.abs(out[rate // 2] - 0.3)  # music louder once she stops


def test_her_corrected_words_keep_the_recognisers_times():
    segments = [(0.0, 2.8, "叫做秋风起泄脚扬"), (2.8, 5.8, "什么意思呢"), (5.8, 7.9, "螃蟹就该上市了")]
    cues = align_cues(segments, "叫做秋风起蟹脚痒，什么意思呢？螃蟹就该上市了。")
    assert [c.start for c in cues] == [0.0, 2.8, 5.8]
    assert cues[0].text.startswith("叫做秋风起蟹脚痒") and cues[2].text.startswith("螃蟹")
    assert "-->" in to_srt(cues)


def test_bad_input_is_refused_in_plain_chinese(tmp_path):
    with pytest.raises(UserError) as raised:
        video.check(request(her_voice(), photos=()))
    assert "照片" in raised.value.zh
    with pytest.raises(UserError) as raised:
        video.check(request(VoiceOver("own", np.zeros(16_000 * 600, np.float32), 16_000)))
    assert "分钟" in raised.value.zh
    with pytest.raises(UserError) as raised:
        video.check(request(VoiceOver("own", None)))
    assert "声音" in raised.value.zh


@pytest.mark.models
def test_the_videos_own_sound_is_understood_as_well_as_her_recording(pipeline, tmp_path):
    made = video.make(request(her_voice()), tmp_path / "video.mp4")
    _, sound = decoded(made.path)
    wav = tmp_path / "track.wav"
    wav.write_bytes(wav_bytes(sound, 48_000))
    reference = reference_transcript(CLIP)
    original = cer(reference, pipeline.transcribe(speech_clip(CLIP)).text)
    from_video = cer(reference, pipeline.transcribe(wav).text)
    assert from_video <= original + 0.1, (original, from_video)


def frame_at(path, seconds: float) -> np.ndarray:
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            if float(frame.pts * frame.time_base) >= seconds:
                return frame.to_ndarray(format="rgb24")
    raise AssertionError(f"no frame at {seconds} s")


def test_the_subtitle_reads_back_by_ocr_from_the_video_itself(ocr, tmp_path):
    made = video.make(request(her_voice(clean=False)), tmp_path / "video.mp4")
    cue = made.cues[1]
    result, _ = ocr(frame_at(made.path, (cue.start + cue.end) / 2))
    read = "".join(text for _, text, _ in result or [])
    assert cer(cue.text, read.replace(" ", "")) < 0.3 or cue.text in read, (cue.text, read)


@pytest.mark.models
def test_a_read_aloud_video_sounds_as_clear_as_the_voice_itself(pipeline, tmp_path):
    voice = pipeline.voice_over("read", script="我家的杏子又大又甜，一斤十五块，包邮。想要的朋友评论区留言！")
    source = tmp_path / "voice.wav"
    source.write_bytes(wav_bytes(voice.samples, voice.rate))
    made = video.make(request(voice), tmp_path / "video.mp4")
    _, sound = decoded(made.path)
    track = tmp_path / "track.wav"
    track.write_bytes(wav_bytes(sound, 48_000))
    script = "我家的杏子又大又甜，一斤十五块，包邮。想要的朋友评论区留言！"
    assert cer(script, pipeline.transcribe(track).text) <= cer(script, pipeline.transcribe(source).text) + 0.1
    assert [c.text for c in made.cues][:1] == ["我家的杏子又大又甜，一斤十五块，包邮"]


@pytest.mark.models
def test_a_broken_photo_or_music_that_is_not_audio_is_refused_in_plain_chinese(pipeline, tmp_path):
    from assistant.contracts import Brief, Copy

    copy = Copy("杏子熟了", "又大又甜", ["个大", "味甜", "包邮"], {"video": "杏子熟了。"}, ["杏子"])
    brief = Brief("我家的杏子", product="杏子", price="15元/斤")
    voice = VoiceOver("none", None, cues=video.silent_cues(["杏子熟了"]))
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"not a photo")
    with pytest.raises(UserError) as raised:
        pipeline.make_video(copy, brief, voice, tmp_path / "out", photos=[str(broken)])
    assert "照片" in raised.value.zh
    noise = tmp_path / "song.mp3"
    noise.write_bytes(b"this is not music" * 100)
    with pytest.raises(UserError) as raised:
        pipeline.make_video(
            copy, brief, voice, tmp_path / "out", photos=[str(photo("grapes_01.jpg"))], music=str(noise)
        )
    assert "音频" in raised.value.zh
    assert not (tmp_path / "out" / "video.mp4").exists()  # nothing half-made is left


def test_a_failed_encode_leaves_no_half_video(tmp_path):
    from assistant.video.encoder import encode

    def frames():
        yield np.zeros((1920, 1080, 3), np.uint8)
        raise OSError("No space left on device")

    with pytest.raises(OSError):
        encode(tmp_path / "video.mp4", frames(), video.STORY, None, 16_000)
    assert list(tmp_path.iterdir()) == []
