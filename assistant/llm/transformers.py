"""transformers back-end (+ torch): Hugging Face folders, a GPU when there is one.

A GGUF file is de-quantized once and cached as safetensors (``models.convert_gguf_once``),
so later loads take seconds instead of ~40 s.

As in the llama.cpp back-end, the system prompt and worked example (most of every prompt)
are evaluated once per platform and kept as a KV cache, copied for each request; only the
seller's brief is evaluated anew.
"""

from __future__ import annotations

import copy
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass

from assistant.config import Settings
from assistant.llm import Backend, GenerationOptions, Turns, cut_at_stop, register_backend
from assistant.models import ResolvedModel, convert_gguf_once


@dataclass(frozen=True)
class TorchOptions:
    """How the weights are held and run on torch.

    Measured on a 2-core AVX2 CPU (docs/benchmarks.md, issue 16): float32 decodes 23% faster
    than bf16 and int8 weights 55% faster again, but int8 changes the 0.5B model's answers
    (a test's apricot question was answered "阿里云开发的AI助手"), so it is a choice, not the default.

    Attributes:
        dtype: ``"auto"`` is fp16 on a GPU and bf16 on a CPU; or ``"float32"``, ``"bfloat16"``.
        int8: int8 weights for every linear layer (torch's dynamic quantization, from float32;
            CPU only). ``None``: on a CPU, yes.
        compile: ``torch.compile`` the forward pass (a slow first request while it compiles).
    """

    dtype: str = "auto"
    int8: bool | None = False
    compile: bool = False

    def int8_on(self, on_gpu: bool) -> bool:
        return not on_gpu and self.int8 is not False

    @property
    def label(self) -> str:
        int8 = {None: ["int8 if CPU"], True: ["int8"], False: []}[self.int8]
        return "+".join([self.dtype, *int8, *(["compile"] if self.compile else [])])


class TransformersGenerator:
    """Hugging Face causal LMs on torch (bf16 on CPU, fp16 on GPU, unless ``TorchOptions`` say otherwise)."""

    _PREFIX_CACHE_SIZE = 8  # one per platform prompt (6), with room for a user's own

    def __init__(self, model: ResolvedModel, settings: Settings, options: TorchOptions = TorchOptions()):
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        started = time.perf_counter()
        folder = convert_gguf_once(model, settings) if model.format == "gguf" else model.path
        self.convert_s = time.perf_counter() - started
        torch.set_num_threads(settings.threads)
        self.device = "cuda" if torch.cuda.is_available() else "cpu"
        on_gpu = self.device == "cuda"
        int8 = options.int8_on(on_gpu)
        if int8:
            dtype = torch.float32  # dynamic quantization starts from fp32 weights
        elif options.dtype == "auto":
            dtype = torch.float16 if on_gpu else torch.bfloat16
        else:
            dtype = getattr(torch, options.dtype)
        self.tokenizer = AutoTokenizer.from_pretrained(str(folder))
        self.model = AutoModelForCausalLM.from_pretrained(str(folder), dtype=dtype).to(self.device)
        self.model.eval()
        if int8:
            self.model = torch.ao.quantization.quantize_dynamic(self.model, {torch.nn.Linear}, dtype=torch.qint8)
        if options.compile:
            self.model.forward = torch.compile(self.model.forward, dynamic=True)
        self.options = options
        self.load_s = time.perf_counter() - started
        self.name = f"transformers:{model.key}"
        self._prefix_caches: OrderedDict[tuple[int, ...], object] = OrderedDict()
        self._turns = Turns()  # one request at a time: poster texts first, then in turn

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer.encode(text, add_special_tokens=False))

    def _inputs(self, messages) -> dict:
        """The prompt's tensors, and ``past_key_values``: a copy of the shared prefix's cache."""
        inputs = dict(
            self.tokenizer.apply_chat_template(
                messages, add_generation_prompt=True, return_tensors="pt", return_dict=True
            ).to(self.device)
        )
        cache = self._prefix_cache(messages, inputs["input_ids"])
        if cache is not None:
            inputs["past_key_values"] = cache
        return inputs

    def _prefix_cache(self, messages, input_ids):
        import torch
        from transformers import DynamicCache

        if len(messages) < 2:
            return None
        prefix_text = self.tokenizer.apply_chat_template(messages[:-1], tokenize=False, add_generation_prompt=False)
        prefix = self.tokenizer(prefix_text, add_special_tokens=False, return_tensors="pt")["input_ids"].to(self.device)
        n = prefix.shape[1]
        if not 0 < n < input_ids.shape[1] or not torch.equal(input_ids[0, :n], prefix[0]):
            return None  # the template split the text differently: evaluate it all
        key = tuple(prefix[0].tolist())
        cache = self._prefix_caches.get(key)
        if cache is None:
            cache = DynamicCache()
            with torch.no_grad():
                self.model(input_ids=prefix, past_key_values=cache, use_cache=True)
            self._prefix_caches[key] = cache
            if len(self._prefix_caches) > self._PREFIX_CACHE_SIZE:
                self._prefix_caches.popitem(last=False)
        self._prefix_caches.move_to_end(key)
        return copy.deepcopy(cache)  # generation appends to it; the kept one stays the prefix's

    def _generate_kwargs(self, options: GenerationOptions) -> dict:
        kwargs = dict(
            max_new_tokens=options.max_tokens,
            repetition_penalty=options.repeat_penalty,
            pad_token_id=self.tokenizer.eos_token_id,
        )
        if options.temperature > 0:
            kwargs.update(do_sample=True, temperature=options.temperature, top_p=options.top_p)
        else:
            kwargs.update(do_sample=False, temperature=None, top_p=None, top_k=None)
        if options.stop:
            kwargs.update(stop_strings=list(options.stop), tokenizer=self.tokenizer)
        return kwargs

    def generate(self, messages, options: GenerationOptions = GenerationOptions()) -> str:
        import torch

        with self._turns.turn(options.urgent), torch.no_grad():
            if options.temperature > 0:
                torch.manual_seed(options.seed)
            inputs = self._inputs(messages)
            output = self.model.generate(**inputs, **self._generate_kwargs(options))
        new_tokens = output[0, inputs["input_ids"].shape[1] :]
        return cut_at_stop(self.tokenizer.decode(new_tokens, skip_special_tokens=True), options.stop)

    def stream(self, messages, options: GenerationOptions = GenerationOptions()) -> Iterator[str]:
        import torch
        from transformers import TextIteratorStreamer

        with self._turns.turn(options.urgent):
            streamer = TextIteratorStreamer(self.tokenizer, skip_prompt=True, skip_special_tokens=True)
            inputs = self._inputs(messages)
            if options.temperature > 0:
                torch.manual_seed(options.seed)

            def run():
                with torch.no_grad():
                    self.model.generate(**inputs, streamer=streamer, **self._generate_kwargs(options))

            worker = threading.Thread(target=run, daemon=True)
            worker.start()
            yield from streamer
            worker.join()


register_backend(Backend(name="transformers", load=TransformersGenerator, formats=("gguf", "hf")))
