"""transformers back-end (+ torch): Hugging Face folders, a GPU when there is one.

A GGUF file is de-quantized once and cached as safetensors (``models.convert_gguf_once``),
so later loads take seconds instead of ~40 s.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

from assistant.config import Settings
from assistant.llm import Backend, GenerationOptions, cut_at_stop, register_backend
from assistant.models import ResolvedModel, convert_gguf_once


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
        return self.tokenizer.apply_chat_template(
            messages, add_generation_prompt=True, return_tensors="pt", return_dict=True
        ).to(self.device)

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

        with self._lock, torch.inference_mode():
            if options.temperature > 0:
                torch.manual_seed(options.seed)
            inputs = self._inputs(messages)
            output = self.model.generate(**inputs, **self._generate_kwargs(options))
        new_tokens = output[0, inputs["input_ids"].shape[1] :]
        return cut_at_stop(self.tokenizer.decode(new_tokens, skip_special_tokens=True), options.stop)

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


register_backend(Backend(name="transformers", load=TransformersGenerator, formats=("gguf", "hf")))
