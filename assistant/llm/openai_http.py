"""An OpenAI-compatible model server: llama.cpp's llama-server, vLLM, Ollama, LM Studio.

For a class that has outgrown one laptop: Mulan sends the same chat messages to a server
that batches many sellers' requests, and streams the answer back. The official ``openai``
client does the HTTP, the server-sent events, the time-outs and the error types; this
module only maps our options onto a request and every failure onto one plain sentence.

Nothing is asked of the server when the back-end loads: a server that is down when the
app starts costs nothing until the first copy, and the page recovers when it is back.
"""

from __future__ import annotations

import importlib.util
import json
import threading
from collections.abc import Iterator
from urllib.parse import urlparse

from assistant.errors import ServerUnavailableError
from assistant.llm import Backend, GenerationOptions, Message, Turns, cut_at_stop, register_backend
from assistant.models import ResolvedModel

CONNECT_TIMEOUT_S = 5.0  # on a classroom LAN a server answers within milliseconds or not at all


class OpenAIHTTPGenerator:
    """Chat completions, streamed, against ``base_url`` (ending in ``/v1``)."""

    def __init__(self, base_url: str, model: str = "", api_key: str = "", timeout_s: float = 60.0, parallel: int = 4):
        import openai

        self.base_url = base_url.rstrip("/")
        self.parallel = max(1, parallel)  # requests one caller sends at once; the server batches them
        # No more requests in flight than that: beyond it they would queue inside the server,
        # poster texts behind everyone's others, and time out there (bench/serve.py, 20 sellers).
        self._turns = Turns(self.parallel)
        self._model = model
        self._takes_schemas = True  # until the server refuses one (see _stream)
        self._lock = threading.Lock()
        self.client = openai.OpenAI(
            base_url=self.base_url,
            api_key=api_key or "mulan",  # local servers want none; the client insists on one
            # The client's own Timeout: it is built on its own HTTP library (httpx2 since openai 3.x),
            # which refuses a plain httpx.Timeout.
            timeout=openai.Timeout(timeout_s, connect=CONNECT_TIMEOUT_S),
            max_retries=1,  # one quick retry for a dropped connection; a down server fails fast
        )

    @property
    def host(self) -> str:
        return urlparse(self.base_url).netloc

    @property
    def name(self) -> str:
        # llama-server names its model by the file's path: the file name says enough.
        model = self._model.rsplit("/", 1)[-1] if self._model else "server"
        return f"openai-http:{model}@{self.host}"

    def model(self) -> str:
        """The model to ask for: the configured one, else the first the server lists."""
        with self._lock:
            if not self._model:
                listed = self._call(lambda: self.client.models.list())
                ids = [m.id for m in listed.data]
                if not ids:
                    raise ServerUnavailableError(
                        f"模型服务器 {self.host} 上没有模型。", f"The server at {self.host} lists no models."
                    )
                self._model = ids[0]
        return self._model

    def _request(self, messages: list[Message], options: GenerationOptions, stream: bool) -> dict:
        request = dict(
            model=self.model(),
            messages=messages,
            max_tokens=options.max_tokens,
            temperature=options.temperature,
            top_p=options.top_p,
            seed=options.seed,
            stop=list(options.stop) or None,
            stream=stream,
            # llama-server reads repeat_penalty, vLLM repetition_penalty; others ignore both.
            extra_body={"repeat_penalty": options.repeat_penalty, "repetition_penalty": options.repeat_penalty},
        )
        if options.json_schema and self._takes_schemas:
            # OpenAI's structured output: llama-server and vLLM decode to the schema.
            schema = json.loads(options.json_schema)
            request["response_format"] = {"type": "json_schema", "json_schema": {"name": "answer", "schema": schema}}
        return request

    def generate(self, messages: list[Message], options: GenerationOptions = GenerationOptions()) -> str:
        return "".join(self.stream(messages, options))

    def stream(self, messages: list[Message], options: GenerationOptions = GenerationOptions()) -> Iterator[str]:
        with self._turns.turn(options.urgent):
            yield from self._stream(messages, options)

    def _stream(self, messages: list[Message], options: GenerationOptions) -> Iterator[str]:
        import openai

        request = self._request(messages, options, stream=True)
        try:
            chunks = self.client.chat.completions.create(**request)
        except openai.BadRequestError as exc:
            if "response_format" not in request:
                raise self._unavailable(exc) from exc
            # A server that takes no schema (an older Ollama or LM Studio) refuses the request:
            # it gets the text unconstrained, as the transformers back-end does, from now on.
            del request["response_format"]
            chunks = self._call(lambda: self.client.chat.completions.create(**request))
            self._takes_schemas = False
        except Exception as exc:
            raise self._unavailable(exc) from exc
        text, emitted, finished = "", 0, False
        try:
            for chunk in chunks:
                piece = chunk.choices[0].delta.content if chunk.choices else ""
                finished = finished or bool(chunk.choices and chunk.choices[0].finish_reason)
                if not piece:
                    continue
                text += piece
                cut = cut_at_stop(text, options.stop)  # servers stop too; this keeps the contract
                if cut != text:
                    if len(cut) > emitted:
                        yield cut[emitted:]
                    return
                yield piece
                emitted = len(text)
            if not finished:  # the connection closed before the server said it was done
                raise ConnectionError("the stream ended without a finish_reason")
        except Exception as exc:  # the stream was cut: what arrived so far is not a whole answer
            raise self._unavailable(exc) from exc
        finally:
            close = getattr(chunks, "close", None)
            if close:
                close()

    def count_tokens(self, text: str) -> int:
        # Qwen's tokenizer gives about one token per Chinese character; an estimate is all the
        # callers need, and asking the server would cost a round trip per call.
        return len(text)

    def _call(self, request):
        try:
            return request()
        except Exception as exc:
            raise self._unavailable(exc) from exc

    def _unavailable(self, exc: Exception) -> ServerUnavailableError:
        import openai

        where = self.host
        if isinstance(exc, openai.APITimeoutError):
            zh, en = f"模型服务器 {where} 太慢了，没有按时回答。", f"The model server at {where} timed out."
        elif isinstance(exc, openai.APIConnectionError):
            zh, en = f"模型服务器 {where} 连不上。", f"Cannot connect to the model server at {where}."
        elif isinstance(exc, openai.NotFoundError):
            zh = f"模型服务器 {where} 上没有模型「{self._model}」（或者地址不是 …/v1）。"
            en = f"The server at {where} has no model {self._model!r}, or the URL does not end in /v1."
        elif isinstance(exc, (openai.AuthenticationError, openai.PermissionDeniedError)):
            zh, en = f"模型服务器 {where} 不让用：密钥不对。", f"The model server at {where} refused the API key."
        elif isinstance(exc, openai.APIStatusError):
            zh = f"模型服务器 {where} 出错了（{exc.status_code}）。"
            en = f"The model server at {where} answered {exc.status_code}."
        else:
            zh, en = f"模型服务器 {where} 的回答中断了。", f"The answer from {where} broke off: {exc}"
        return ServerUnavailableError(zh + "请培训老师看看服务器。", en)


def _load(model: ResolvedModel, settings) -> OpenAIHTTPGenerator:
    return OpenAIHTTPGenerator(
        settings.llm_url, settings.llm_model, settings.llm_key, settings.llm_timeout_s, settings.llm_parallel
    )


register_backend(
    Backend(
        name="openai",
        load=_load,
        formats=("http",),
        available=lambda: importlib.util.find_spec("openai") is not None,
        missing=("没有安装 openai 客户端。请运行 ./mulan.sh install。", "The openai package is not installed."),
    )
)
