"""llama.cpp back-end (llama-cpp-python): GGUF on CPU, fast and small."""

from __future__ import annotations

import functools
import importlib.util
import time
from collections.abc import Iterator

from assistant.errors import UserError
from assistant.llm import Backend, GenerationOptions, Turns, register_backend
from assistant.models import ResolvedModel


class LlamaCppGenerator:
    """GGUF on CPU through llama-cpp-python.

    The system prompt and worked example are the same for every request and make up
    most of the prompt (~460 of ~550 tokens), so their evaluated state is kept and
    restored before each request; only the seller's brief is evaluated anew. Every
    request starts from the identical restored state, so greedy output stays
    reproducible (a plain prompt cache would evaluate a different split each time).
    """

    # One per platform prompt and kind of worked example (the copywriter shows one of a few
    # dozen: a listing of goods, a homestay post …); ~14 MB each once its logits are trimmed.
    _PREFIX_CACHE_SIZE = 16

    def __init__(self, model: ResolvedModel, threads: int, n_ctx: int = 4096, flash_attn: bool = False):
        from llama_cpp import Llama
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        started = time.perf_counter()
        self.llm = Llama(
            model_path=str(model.path),
            n_ctx=n_ctx,
            n_threads=threads,
            n_threads_batch=threads,
            n_batch=512,
            seed=0,
            flash_attn=flash_attn,
            verbose=False,
        )
        self.load_s = time.perf_counter() - started
        self.name = f"llama.cpp:{model.key}"
        template = self.llm.metadata.get("tokenizer.chat_template")
        if not template:
            raise UserError(
                "这个 GGUF 模型文件里没有对话模板，不能用来写文案。",
                "This GGUF file has no chat template; use an instruct model.",
            )
        special = dict(eos_token=self._piece(self.llm.token_eos()), bos_token=self._piece(self.llm.token_bos()))
        self._prompt = Jinja2ChatFormatter(template, **special)
        self._history = Jinja2ChatFormatter(template, add_generation_prompt=False, **special)
        self._prefix_states: dict[tuple[int, ...], object] = {}
        # One llama context serves one request at a time: poster texts first, then in turn.
        self._turns = Turns()

    def _piece(self, token: int) -> str:
        return self.llm.detokenize([token], special=True).decode("utf-8", "ignore") if token >= 0 else ""

    def _tokenize(self, text: str) -> list[int]:
        return self.llm.tokenize(text.encode("utf-8"), add_bos=False, special=True)

    def _prepare(self, messages) -> list[int]:
        """Tokens of the whole prompt, with the model primed with the shared prefix."""
        tokens = self._tokenize(self._prompt(messages=messages).prompt)
        prefix = self._tokenize(self._history(messages=messages[:-1]).prompt) if len(messages) > 1 else []
        if not prefix or tokens[: len(prefix)] != prefix or len(prefix) >= len(tokens):
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
            self._prefix_states[key] = self._prefix_states.pop(key)  # used last: kept longest
            self.llm.load_state(state)
        return tokens

    def _kwargs(self, options: GenerationOptions) -> dict:
        return dict(
            max_tokens=options.max_tokens,
            temperature=options.temperature,
            top_p=options.top_p,
            repeat_penalty=options.repeat_penalty,
            seed=options.seed,
            stop=list(options.stop) or None,
            grammar=_grammar(options.json_schema) if options.json_schema else None,
        )

    def generate(self, messages, options: GenerationOptions = GenerationOptions()) -> str:
        return "".join(self.stream(messages, options))

    def count_tokens(self, text: str) -> int:
        return len(self._tokenize(text))

    def stream(self, messages, options: GenerationOptions = GenerationOptions()) -> Iterator[str]:
        with self._turns.turn(options.urgent):
            tokens = self._prepare(messages)
            for chunk in self.llm.create_completion(tokens, stream=True, **self._kwargs(options)):
                piece = chunk["choices"][0]["text"]
                if piece:
                    yield piece


@functools.lru_cache(maxsize=8)
def _grammar(json_schema: str):
    """The GBNF grammar of a JSON schema, built once per schema (it holds only the grammar
    text; each completion makes its own sampler from it)."""
    from llama_cpp import LlamaGrammar

    return LlamaGrammar.from_json_schema(json_schema, verbose=False)


register_backend(
    Backend(
        name="llama.cpp",
        load=lambda model, settings: LlamaCppGenerator(model, settings.threads),
        formats=("gguf",),
        available=lambda: importlib.util.find_spec("llama_cpp") is not None,
        missing=(
            "没有安装 llama-cpp-python。请运行 ./mulan.sh install，或改用 --llm-backend transformers。",
            "llama-cpp-python is not installed; run ./mulan.sh install or use --llm-backend transformers.",
        ),
    )
)
