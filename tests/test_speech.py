"""speech.py on the embedded whisper-base with real recordings."""

from __future__ import annotations

import wave

import numpy as np
import pytest

from assistant.errors import UserError
from assistant.speech import SAMPLE_RATE, _Hallucinations, fullwidth_punctuation, join_segments
from conftest import cer, reference_transcript, speech_clip


def _write_wav(path, samples: np.ndarray, rate: int = SAMPLE_RATE) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())


def test_funasr_clip_is_transcribed_within_10_percent_cer(transcriber):
    name = "zh_funasr_asr_example_zh.wav"
    transcript = transcriber.transcribe(speech_clip(name))
    error = cer(reference_transcript(name), transcript.text)
    assert error <= 0.10, (transcript.text, error)
    assert transcript.segments and transcript.segments[0].end > transcript.segments[0].start
    assert transcript.duration_s == pytest.approx(5.547, abs=0.05)


def test_output_is_simplified_chinese(transcriber):
    # This clip comes back in Traditional characters from Whisper without OpenCC.
    transcript = transcriber.transcribe(speech_clip("zh_kimiaudio_asr_example.wav"))
    assert "這" not in transcript.text and "開" not in transcript.text
    assert "这" in transcript.text
    assert cer(reference_transcript("zh_kimiaudio_asr_example.wav"), transcript.text) <= 0.25


def test_cantonese_choice_works_on_a_model_without_a_cantonese_token(transcriber):
    # whisper-base has 99 languages; "yue" must fall back to "zh" instead of looping on garbage.
    from dataclasses import replace

    name = "yue_wsyue_xg0011541_133580_136570.wav"
    transcript = transcriber.transcribe(speech_clip(name), replace(transcriber.options, language="yue"))
    assert cer(reference_transcript(name), transcript.text) <= 0.5, transcript.text
    assert len(transcript.text) < 30, transcript.text


def test_silence_gives_a_plain_chinese_message(transcriber, tmp_path):
    silent = tmp_path / "silent.wav"
    _write_wav(silent, np.zeros(SAMPLE_RATE * 3))
    with pytest.raises(UserError) as info:
        transcriber.transcribe(silent)
    assert "没有听到说话" in info.value.zh


def test_noise_only_is_not_turned_into_text(transcriber, tmp_path):
    noise = tmp_path / "noise.wav"
    _write_wav(noise, np.random.default_rng(0).normal(0, 0.02, SAMPLE_RATE * 4))
    with pytest.raises(UserError):
        transcriber.transcribe(noise)


@pytest.mark.parametrize("content, message", [
    (b"", "空的"),
    (b"this is not audio at all" * 100, "无法读取"),
])
def test_bad_files_give_clear_errors(transcriber, tmp_path, content, message):
    bad = tmp_path / "voice.wav"
    bad.write_bytes(content)
    with pytest.raises(UserError) as info:
        transcriber.transcribe(bad)
    assert message in info.value.zh


def test_missing_file(transcriber, tmp_path):
    with pytest.raises(UserError) as info:
        transcriber.transcribe(tmp_path / "nothing.wav")
    assert "找不到" in info.value.zh


def test_too_long_recording_is_refused_before_decoding(transcriber, tmp_path):
    long_file = tmp_path / "long.wav"
    # 11 minutes of near-silence at 8 kHz: the header alone tells the length.
    _write_wav(long_file, np.zeros(8000 * 660), rate=8000)
    with pytest.raises(UserError) as info:
        transcriber.transcribe(long_file)
    assert "太长" in info.value.zh


def test_known_hallucinations_are_recognised():
    filt = _Hallucinations.load()
    assert filt.is_hallucination("字幕由Amara.org社群提供")
    assert filt.is_hallucination("请不吝点赞 订阅 转发 打赏支持明镜与点点栏目")
    assert not filt.is_hallucination("我家的杏子又大又甜，一斤十五块")


def test_ascii_punctuation_after_chinese_becomes_full_width():
    assert fullwidth_punctuation("竟然想不到,竟然这么无礼, 好吗?ok, fine") == "竟然想不到，竟然这么无礼，好吗？ok, fine"


def test_segments_are_joined_into_sentences():
    assert join_segments(["我家的杏子又大又甜", "一斤十五块"]) == "我家的杏子又大又甜，一斤十五块。"
    assert join_segments(["真好吃！", "快来买"]) == "真好吃！快来买。"
