"""Text generation back-ends behind one small protocol.

Callers (copywriting, the UI) see only :class:`TextGenerator`:
``generate(messages, options) -> str`` and ``stream(messages, options) -> Iterator[str]``.
Two local back-ends implement it:

* ``llama.cpp`` (llama-cpp-python): fast and small on CPU, GGUF only.
* ``transformers`` (+ torch): loads Hugging Face folders, uses a GPU when there is one,
  needs no compiler. A GGUF file is de-quantized once and cached as safetensors, so
  later loads take seconds instead of ~40 s.

``auto`` picks llama.cpp for GGUF when it is importable, transformers otherwise.
An OpenAI-compatible HTTP back-end fits the same protocol (issue: scale-out).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Protocol

from .config import Settings
from .errors import UserError
from .models import ResolvedModel, converted_dir

Message = dict  # {"role": "system" | "user" | "assistant", "content": str}


@dataclass(frozen=True)
class GenerationOptions:
    """Sampling settings shared by every back-end.

    Attributes:
        max_tokens: upper bound on new tokens; keep structured outputs short.
        temperature: 0 means greedy, which is reproducible call after call.
        top_p: nucleus sampling when ``temperature > 0``.
        repeat_penalty: small models loop on hashtags without it; 1.1 is enough.
        seed: fixes sampling when ``temperature > 0`` (used by "regenerate").
        stop: strings that end the generation (not included in the output).
    """

    max_tokens: int = 512
    temperature: float = 0.0
    top_p: float = 0.9
    repeat_penalty: float = 1.1
    seed: int = 0
    stop: tuple[str, ...] = ()


class TextGenerator(Protocol):
    name: str  # e.g. "llama.cpp:qwen2.5-coder-1.5b-instruct-q4_k_m"

    def generate(self, messages: list[Message], options: GenerationOptions = GenerationOptions()) -> str: ...

    def stream(self, messages: list[Message], options: GenerationOptions = GenerationOptions()) -> Iterator[str]: ...

    def count_tokens(self, text: str) -> int: ...


def _cut_at_stop(text: str, stop: tuple[str, ...]) -> str:
    for s in stop:
        if s and s in text:
            text = text[: text.index(s)]
    return text


# --------------------------------------------------------------------------- llama.cpp


class LlamaCppGenerator:
    """GGUF on CPU through llama-cpp-python.

    The system prompt and worked example are the same for every request and make up
    most of the prompt (~460 of ~550 tokens), so their evaluated state is kept and
    restored before each request; only the seller's brief is evaluated anew. Every
    request starts from the identical restored state, so greedy output stays
    reproducible (a plain prompt cache would evaluate a different split each time).
    """

    _PREFIX_CACHE_SIZE = 8  # one per platform prompt (6), with room for a user's own

    def __init__(self, model: ResolvedModel, threads: int, n_ctx: int = 4096):
        from llama_cpp import Llama
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        started = time.perf_counter()
        self.llm = Llama(model_path=str(model.path), n_ctx=n_ctx, n_threads=threads, n_threads_batch=threads,
                         n_batch=512, seed=0, verbose=False)
        self.load_s = time.perf_counter() - started
        self.name = f"llama.cpp:{model.key}"
        template = self.llm.metadata.get("tokenizer.chat_template")
        if not template:
            raise UserError("这个 GGUF 模型文件里没有对话模板，不能用来写文案。",
                            "This GGUF file has no chat template; use an instruct model.")
        special = dict(eos_token=self._piece(self.llm.token_eos()), bos_token=self._piece(self.llm.token_bos()))
        self._prompt = Jinja2ChatFormatter(template, **special)
        self._history = Jinja2ChatFormatter(template, add_generation_prompt=False, **special)
        self._prefix_states: dict[tuple[int, ...], object] = {}
        # One llama context serves one request at a time.
        self._lock = threading.Lock()

    def _piece(self, token: int) -> str:
        return self.llm.detokenize([token], special=True).decode("utf-8", "ignore") if token >= 0 else ""

    def _tokenize(self, text: str) -> list[int]:
        return self.llm.tokenize(text.encode("utf-8"), add_bos=False, special=True)

    def _prepare(self, messages) -> list[int]:
        """Tokens of the whole prompt, with the model primed with the shared prefix."""
        tokens = self._tokenize(self._prompt(messages=messages).prompt)
        prefix = self._tokenize(self._history(messages=messages[:-1]).prompt) if len(messages) > 1 else []
        if not prefix or tokens[:len(prefix)] != prefix or len(prefix) >= len(tokens):
            self.llm.reset()
            return tokens
        key = tuple(prefix)
        state = self._prefix_states.get(key)
        if state is None:
            self.llm.reset()
            self.llm.eval(prefix)
            state = self.llm.save_state()
            # save_state copies the logits of every prefix token (n_tokens × 151,936 floats,
            # ~280 MB for a 460-token prefix). Only the last row can ever be sampled from;
            # load_state broadcasts it back. Six primed prompts drop from ~1.7 GB to ~0.1 GB.
            state.scores = state.scores[-1:].copy()
            if len(self._prefix_states) >= self._PREFIX_CACHE_SIZE:
                self._prefix_states.pop(next(iter(self._prefix_states)))
            self._prefix_states[key] = state
        else:
            self.llm.load_state(state)
        return tokens

    def _kwargs(self, options: GenerationOptions) -> dict:
        return dict(max_tokens=options.max_tokens, temperature=options.temperature, top_p=options.top_p,
                    repeat_penalty=options.repeat_penalty, seed=options.seed, stop=list(options.stop) or None)

    def generate(self, messages, options: GenerationOptions = GenerationOptions()) -> str:
        return "".join(self.stream(messages, options))

    def count_tokens(self, text: str) -> int:
        return len(self._tokenize(text))

    def stream(self, messages, options: GenerationOptions = GenerationOptions()) -> Iterator[str]:
        with self._lock:
            tokens = self._prepare(messages)
            for chunk in self.llm.create_completion(tokens, stream=True, **self._kwargs(options)):
                piece = chunk["choices"][0]["text"]
                if piece:
                    yield piece


# --------------------------------------------------------------------------- transformers


def convert_gguf_once(model: ResolvedModel, settings: Settings) -> Path:
    """De-quantize a GGUF file into a cached safetensors folder; reuse it later."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    target = converted_dir(model.path, model.key, settings)
    if (target / "converted.json").is_file():
        return target
    tmp = target.with_name(target.name + f".tmp{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    folder, name = str(model.path.parent), model.path.name
    tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=name)
    hf_model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, dtype=torch.bfloat16)
    # The de-quantized weights are plain tensors now; drop the GGUF quantizer so
    # save_pretrained writes ordinary safetensors.
    hf_model.hf_quantizer = None
    if hasattr(hf_model.config, "quantization_config"):
        del hf_model.config.quantization_config
    hf_model.save_pretrained(tmp)
    tokenizer.save_pretrained(tmp)
    (tmp / "converted.json").write_text(json.dumps({"source": str(model.path), "dtype": "bfloat16"}))
    shutil.rmtree(target, ignore_errors=True)
    os.replace(tmp, target)
    return target


class TransformersGenerator:
    """Hugging Face causal LMs on torch (bf16 on CPU, fp16 on GPU)."""

    def __init__(self, model: ResolvedModel, settings: Settings):
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        started = time.perf_counter()
        folder = convert_gguf_once(model, settings) if model.format == "gguf" else model.path
        self.convert_s = time.perf_counter() - started
        torch.set_num_threads(settings.threads)
        self.device = "cuda" if torch.cuda.is_available() else "cpu"
        dtype = torch.float16 if self.device == "cuda" else torch.bfloat16
        self.tokenizer = AutoTokenizer.from_pretrained(str(folder))
        self.model = AutoModelForCausalLM.from_pretrained(str(folder), dtype=dtype).to(self.device)
        self.model.eval()
        self.load_s = time.perf_counter() - started
        self.name = f"transformers:{model.key}"
        self._lock = threading.Lock()

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer.encode(text, add_special_tokens=False))

    def _inputs(self, messages):
        return self.tokenizer.apply_chat_template(messages, add_generation_prompt=True, return_tensors="pt",
                                                  return_dict=True).to(self.device)

    def _generate_kwargs(self, options: GenerationOptions) -> dict:
        kwargs = dict(max_new_tokens=options.max_tokens, repetition_penalty=options.repeat_penalty,
                      pad_token_id=self.tokenizer.eos_token_id)
        if options.temperature > 0:
            kwargs.update(do_sample=True, temperature=options.temperature, top_p=options.top_p)
        else:
            kwargs.update(do_sample=False, temperature=None, top_p=None, top_k=None)
        if options.stop:
            kwargs.update(stop_strings=list(options.stop), tokenizer=self.tokenizer)
        return kwargs

    def generate(self, messages, options: GenerationOptions = GenerationOptions()) -> str:
        import torch

        with self._lock, torch.inference_mode():
            if options.temperature > 0:
                torch.manual_seed(options.seed)
            inputs = self._inputs(messages)
            output = self.model.generate(**inputs, **self._generate_kwargs(options))
        new_tokens = output[0, inputs["input_ids"].shape[1]:]
        return _cut_at_stop(self.tokenizer.decode(new_tokens, skip_special_tokens=True), options.stop)

    def stream(self, messages, options: GenerationOptions = GenerationOptions()) -> Iterator[str]:
        import torch
        from transformers import TextIteratorStreamer

        with self._lock:
            streamer = TextIteratorStreamer(self.tokenizer, skip_prompt=True, skip_special_tokens=True)
            inputs = self._inputs(messages)
            if options.temperature > 0:
                torch.manual_seed(options.seed)

            def run():
                with torch.inference_mode():
                    self.model.generate(**inputs, streamer=streamer, **self._generate_kwargs(options))

            worker = threading.Thread(target=run, daemon=True)
            worker.start()
            yield from streamer
            worker.join()


# --------------------------------------------------------------------------- choice


def llama_cpp_available() -> bool:
    return importlib.util.find_spec("llama_cpp") is not None


def choose_backend(model: ResolvedModel, requested: str) -> str:
    if requested == "auto":
        return "llama.cpp" if model.format == "gguf" and llama_cpp_available() else "transformers"
    if requested == "llama.cpp":
        if model.format != "gguf":
            raise UserError("llama.cpp 只能加载 .gguf 模型文件。", "The llama.cpp back-end loads .gguf files only.")
        if not llama_cpp_available():
            raise UserError(
                "没有安装 llama-cpp-python。请运行 ./mulan.sh install，或改用 --llm-backend transformers。",
                "llama-cpp-python is not installed; run ./mulan.sh install or use --llm-backend transformers.",
            )
    return requested


def load_generator(model: ResolvedModel, settings: Settings) -> TextGenerator:
    backend = choose_backend(model, settings.llm_backend)
    if backend == "llama.cpp":
        return LlamaCppGenerator(model, settings.threads)
    return TransformersGenerator(model, settings)
