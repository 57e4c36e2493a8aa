"""Every recording format a phone or browser makes, and every way a file can be wrong.

The formats are encoded here, by real encoders (PyAV's FFmpeg), from a shared clip.
"""

from __future__ import annotations

import struct

import numpy as np
import pytest

from assistant.errors import UserError
from assistant.speech.audio import SAMPLE_RATE, AudioLimits, check_audio, load_audio

from audio_files import FORMATS, write_browser_webm, write_format, write_wav
from conftest import cer, reference_transcript, speech_clip

CLIP = "zh_funasr_asr_example_zh.wav"  # 5.5 s of clear read Mandarin


@pytest.fixture(scope="module")
def voice() -> np.ndarray:
    # At half level, so every format also goes through gain normalisation.
    return load_audio(speech_clip(CLIP), AudioLimits(normalize_gain=False)) * 0.5


@pytest.mark.parametrize("name", list(FORMATS))
def test_every_phone_and_browser_format_is_transcribed(transcriber, voice, tmp_path, name):
    path = write_format(voice, tmp_path, name)
    transcript = transcriber.transcribe(path)
    # Generous bounds: whisper-base turns 达摩院 into 打模样 on a 16-bit rounding difference
    # (3 of 19 characters), and on CPUs without AVX-512 its int8 kernels also hear 语音 as 运营
    # (4 of 19 in all). 8 kHz (plain or AMR) is telephone band and loses more.
    limit = 0.35 if FORMATS[name][2] <= 8_000 else 0.25
    assert cer(reference_transcript(CLIP), transcript.text) <= limit, (name, transcript.text)
    assert transcript.duration_s == pytest.approx(5.55, abs=0.25)


def test_browser_recording_without_a_duration_header(transcriber, voice, tmp_path):
    path = write_browser_webm(voice, tmp_path / "mic.webm")
    transcript = transcriber.transcribe(path)
    assert cer(reference_transcript(CLIP), transcript.text) <= 0.20, transcript.text


def test_a_long_browser_recording_is_refused_while_decoding(voice, tmp_path):
    # No duration in the header: the limit must be enforced while decoding, not after.
    path = write_browser_webm(voice, tmp_path / "mic.webm")
    with pytest.raises(UserError) as info:
        load_audio(path, AudioLimits(max_duration_s=2))
    assert "太长" in info.value.zh and "2 秒" in info.value.zh


def test_a_two_hour_recording_is_refused_from_its_header(tmp_path):
    path = tmp_path / "two-hours.wav"
    rate, seconds = 8000, 2 * 3600
    data_bytes = rate * seconds  # 8-bit mono
    with open(path, "wb") as f:
        f.write(
            b"RIFF"
            + struct.pack("<I", 36 + data_bytes)
            + b"WAVEfmt "
            + struct.pack("<IHHIIHH", 16, 1, 1, rate, rate, 1, 8)
            + b"data"
            + struct.pack("<I", data_bytes)
        )
        f.truncate(44 + data_bytes)  # a real 57 MB file of silence (sparse on disk)
    with pytest.raises(UserError) as info:
        load_audio(path)
    assert "太长" in info.value.zh and "120 分钟" in info.value.zh
    assert "Recording is too long" in info.value.en


def _unknown_codec_wav(path):
    # A well-formed WAV whose format tag (0x7777) no decoder knows.
    body = b"\x01\x02" * 8000
    path.write_bytes(
        b"RIFF"
        + struct.pack("<I", 36 + len(body))
        + b"WAVEfmt "
        + struct.pack("<IHHIIHH", 16, 0x7777, 1, 8000, 16000, 2, 16)
        + b"data"
        + struct.pack("<I", len(body))
        + body
    )


def _png_renamed(path):
    from PIL import Image

    Image.new("RGB", (64, 64), "orange").save(path, format="PNG")


BAD_FILES = {
    "zero bytes": (lambda p: p.write_bytes(b""), "空的"),
    "text renamed .wav": (lambda p: p.write_bytes("这不是录音".encode() * 200), "无法读取"),
    "random bytes": (lambda p: p.write_bytes(np.random.default_rng(1).bytes(50_000)), "无法读取"),
    "unknown codec": (_unknown_codec_wav, "无法读取"),
    "a photo renamed .wav": (_png_renamed, "没有声音"),
    "header only": (lambda p: write_wav(p, np.zeros(0)), "没有听到说话"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_files_give_a_plain_chinese_reason_and_the_process_stays_healthy(transcriber, tmp_path, case):
    make, expected = BAD_FILES[case]
    bad = tmp_path / "voice.wav"
    make(bad)
    with pytest.raises(UserError) as info:
        transcriber.transcribe(bad)
    assert expected in info.value.zh, info.value.zh
    assert info.value.en and "\n" not in info.value.zh
    # The same transcriber still works afterwards.
    assert "欢迎" in transcriber.transcribe(speech_clip(CLIP)).text


def test_a_damaged_middle_is_skipped_not_fatal(transcriber, voice, tmp_path):
    path = write_format(voice, tmp_path, "mp3-44k-stereo")
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 600] = np.random.default_rng(2).bytes(600)
    path.write_bytes(bytes(data))
    transcript = transcriber.transcribe(path)
    assert cer(reference_transcript(CLIP), transcript.text) <= 0.35, transcript.text


def test_missing_file(transcriber, tmp_path):
    with pytest.raises(UserError) as info:
        transcriber.transcribe(tmp_path / "nothing.wav")
    assert "找不到" in info.value.zh


def test_quiet_recording_is_raised_to_a_normal_level():
    quiet = np.sin(np.linspace(0, 2000, SAMPLE_RATE * 2)).astype(np.float32) * 0.01
    quiet[100] = 0.9  # a click from handling the phone must not stop the gain
    louder = check_audio(quiet)
    assert np.quantile(np.abs(louder), 0.999) == pytest.approx(0.5, abs=0.02)
    assert np.abs(louder).max() <= 1.0
    untouched = check_audio(quiet, AudioLimits(normalize_gain=False))
    assert np.array_equal(untouched, quiet)


def test_too_short_and_silent_audio_is_not_heard():
    for audio in (np.zeros(SAMPLE_RATE * 2), np.full(SAMPLE_RATE // 10, 0.3)):
        with pytest.raises(UserError) as info:
            check_audio(audio)
        assert "没有听到说话" in info.value.zh
