"""The embedded voice: Baker (标贝) FastSpeech2 + multi-band MelGAN, 24 kHz, on onnxruntime."""

from __future__ import annotations

import threading
import time

import numpy as np

from assistant.config import Settings
from assistant.models import ResolvedModel
from assistant.voice import VoiceBackend, register_voice
from assistant.voice.pinyin import SymbolTable

RATE = 24_000


class BakerVoice:
    """Text → symbols → mel (FastSpeech2) → waveform (MelGAN). Deterministic: the same
    sentence gives the same samples, which is what lets the pipeline cache them."""

    def __init__(self, model: ResolvedModel, settings: Settings):
        import onnxruntime as ort

        started = time.perf_counter()
        options = ort.SessionOptions()
        options.intra_op_num_threads = settings.threads
        options.inter_op_num_threads = 1
        providers = ["CPUExecutionProvider"]
        self.acoustic = ort.InferenceSession(str(model.path / "fastspeech2.onnx"), options, providers=providers)
        self.vocoder = ort.InferenceSession(str(model.path / "mb_melgan.onnx"), options, providers=providers)
        self.symbols = SymbolTable(model.path / "baker_mapper.json")
        self._inputs = {i.name for i in self.acoustic.get_inputs()}
        self._mels = self.vocoder.get_inputs()[0].name
        self.name = f"baker:{model.key}"
        self.rate = RATE
        self.load_s = time.perf_counter() - started
        self._lock = threading.Lock()  # one sentence at a time: two would only share the same cores

    def say(self, sentence: str, speed: float = 1.0) -> np.ndarray:
        ids = self.symbols.encode(sentence)
        feeds = {
            "input_ids": np.array([ids], dtype=np.int32),
            "speaker_ids": np.array([0], dtype=np.int32),
            # FastSpeech2's speed ratio scales durations: above 1 is slower.
            "speed_ratios": np.array([1.0 / speed], dtype=np.float32),
            "f0_ratios": np.array([1.0], dtype=np.float32),
            "energy_ratios": np.array([1.0], dtype=np.float32),
        }
        with self._lock:
            mel = self.acoustic.run(None, {k: v for k, v in feeds.items() if k in self._inputs})[1]
            audio = self.vocoder.run(None, {self._mels: mel})[0][0, :, 0]
        return np.clip(audio, -1.0, 1.0).astype(np.float32)


register_voice(VoiceBackend("baker-onnx", BakerVoice, formats=("baker-onnx",)))
