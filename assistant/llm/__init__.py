"""Text generation back-ends behind one small protocol, and the registry that finds them.

Callers (copywriting, the UI) see only :class:`TextGenerator`:
``generate(messages, options) -> str`` and ``stream(messages, options) -> Iterator[str]``.
Each back-end is one module that calls :func:`register_backend` when imported, the
built-in ones exactly like any other; a new engine is one more such module.

* ``llama_cpp.py``: llama-cpp-python in this process, GGUF only: the default.
* ``server.py``: llama.cpp's own ``llama-server``, started by the app on its GGUF
  (``--llm-backend llama-server``): a seller's texts and several sellers decoded together,
  which pays on machines with more cores than this laptop's two.
* ``transformers.py``: transformers + torch, Hugging Face folders (and GGUF, converted
  once), a GPU when there is one, no compiler needed.
* ``openai_http.py``: any OpenAI-compatible server (llama-server, vLLM, Ollama, LM Studio),
  when ``MULAN_LLM_URL`` / ``--llm-url`` is set.

``auto`` takes the first registered back-end that is installed and loads the model's
format: llama.cpp for GGUF, transformers for a Hugging Face folder; a back-end that says it
is faster on this machine goes first (llama-server, on a CPU with AVX-512: docs/server.md).
"""

from __future__ import annotations

import contextlib
import heapq
import importlib
import itertools
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from assistant.errors import UserError

if TYPE_CHECKING:
    from assistant.config import Settings
    from assistant.models import ResolvedModel

Message = dict  # {"role": "system" | "user" | "assistant", "content": str}
FORMAT_NAMES = {"gguf": ".gguf 模型文件", "hf": "Hugging Face 模型文件夹", "http": "模型服务器（要给 --llm-url）"}
AUTO = "auto"


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
        urgent: served before the other waiting requests (the poster text: her posters wait
            for it), where a back-end takes one request at a time.
        json_schema: the answer must be JSON of this schema (a JSON text; "" for free text).
            Back-ends that can constrain decoding to it do (llama.cpp turns it into a grammar,
            servers take OpenAI's ``response_format``); the others ignore it, and callers
            still parse leniently.
    """

    max_tokens: int = 512
    temperature: float = 0.0
    top_p: float = 0.9
    repeat_penalty: float = 1.1
    seed: int = 0
    stop: tuple[str, ...] = ()
    urgent: bool = False
    json_schema: str = ""


class TextGenerator(Protocol):
    name: str  # e.g. "llama.cpp:qwen2.5-coder-1.5b-instruct-q4_k_m"

    def generate(self, messages: list[Message], options: GenerationOptions = GenerationOptions()) -> str: ...

    def stream(self, messages: list[Message], options: GenerationOptions = GenerationOptions()) -> Iterator[str]: ...

    def count_tokens(self, text: str) -> int: ...


class Turns:
    """At most ``capacity`` requests at a time on a model: urgent requests first, the rest in
    the order they came. Several sellers then take turns text by text, so each gets her
    poster text early instead of waiting for whole copies ahead of her.

    In process the capacity is one (one llama context). In front of a model server it is
    the server's slots: a request that would only queue inside the server waits here instead,
    where the poster texts can go first and where waiting does not count against the
    client's time-out. While a poster text is being written, no other text joins it: texts
    decoded together each go slower (2 cores: about 5.5 tok/s each in four slots against 15
    alone), and her posters wait for that one."""

    def __init__(self, capacity: int = 1):
        self.capacity = max(1, capacity)
        self._changed = threading.Condition()
        self._serving = 0
        self._urgent_serving = 0
        self._waiting: list[tuple[int, int]] = []
        self._tickets = itertools.count()

    def _may_start(self, ticket: tuple[int, int]) -> bool:
        urgent = ticket[0] == 0
        return self._waiting[0] == ticket and self._serving < self.capacity and (urgent or self._urgent_serving == 0)

    @contextlib.contextmanager
    def turn(self, urgent: bool = False):
        ticket = (0 if urgent else 1, next(self._tickets))
        with self._changed:
            heapq.heappush(self._waiting, ticket)
            while not self._may_start(ticket):
                self._changed.wait()
            heapq.heappop(self._waiting)
            self._serving += 1
            self._urgent_serving += urgent
            self._changed.notify_all()  # the next in line may fit too
        try:
            yield
        finally:
            with self._changed:
                self._serving -= 1
                self._urgent_serving -= urgent
                self._changed.notify_all()


def cut_at_stop(text: str, stop: tuple[str, ...]) -> str:
    for s in stop:
        if s and s in text:
            text = text[: text.index(s)]
    return text


# --------------------------------------------------------------------------- registry


@dataclass(frozen=True)
class Backend:
    """A registered back-end.

    Attributes:
        name: what ``--llm-backend`` and ``MULAN_LLM_BACKEND`` call it.
        load: makes a :class:`TextGenerator` for a resolved model.
        formats: the model formats it loads (``"gguf"``, ``"hf"``).
        available: whether its library is installed (checked without importing it).
        missing: what to tell the user when it is chosen but not installed, (zh, en).
        faster_here: whether it measured faster on a machine like this one than the back-ends
            registered before it; ``auto`` then takes it first.
    """

    name: str
    load: Callable[["ResolvedModel", "Settings"], TextGenerator]
    formats: tuple[str, ...]
    available: Callable[[], bool] = lambda: True
    missing: tuple[str, str] = ("", "")
    faster_here: Callable[[], bool] = lambda: False


_BACKENDS: dict[str, Backend] = {}


def register_backend(backend: Backend) -> Backend:
    """Add a back-end; registration order is the order ``auto`` tries them in."""
    _BACKENDS[backend.name] = backend
    return backend


def backend_names() -> list[str]:
    """``auto`` and every registered back-end, for settings and command-line choices."""
    return [AUTO, *_BACKENDS]


def _auto_order(model: "ResolvedModel") -> list[Backend]:
    """The installed back-ends that load this model, the one faster on this machine first."""
    usable = [b for b in _BACKENDS.values() if model.format in b.formats and b.available()]
    if not usable:
        raise UserError(
            "没有能加载这个模型的文案引擎。请运行 ./mulan.sh install。",
            f"No installed back-end loads {model.format} models; run ./mulan.sh install.",
        )
    return sorted(usable, key=lambda b: not b.faster_here())  # stable: else in registration order


def choose_backend(model: "ResolvedModel", requested: str) -> Backend:
    if requested == AUTO:
        return _auto_order(model)[0]
    backend = _BACKENDS.get(requested)
    if backend is None:
        raise UserError(
            f"不认识的文案引擎「{requested}」，可选 {'、'.join(backend_names())}。",
            f"Unknown LLM back-end {requested!r}; use one of {', '.join(backend_names())}.",
        )
    if model.format not in backend.formats:
        kinds = "、".join(FORMAT_NAMES.get(f, f) for f in backend.formats)
        raise UserError(
            f"{backend.name} 只能加载{kinds}。",
            f"The {backend.name} back-end loads {', '.join(backend.formats)} models only.",
        )
    if not backend.available():
        raise UserError(*backend.missing)
    return backend


def load_generator(model: "ResolvedModel", settings: "Settings") -> TextGenerator:
    if settings.llm_backend != AUTO:
        return choose_backend(model, settings.llm_backend).load(model, settings)
    *faster, last = _auto_order(model)
    for backend in faster:
        try:
            return backend.load(model, settings)
        except UserError:
            continue  # the faster one would not start on this machine: the next one writes
    return last.load(model, settings)


# The built-in back-ends register themselves like any other, in the order ``auto`` tries
# them: for a GGUF file, llama.cpp in this process, unless llama-server says it is faster
# here (bench/serve.py, docs/benchmarks.md: on AVX-512 CPUs, not on AVX2 ones).
for _module in ("openai_http", "llama_cpp", "server", "transformers"):
    importlib.import_module(f"assistant.llm.{_module}")
