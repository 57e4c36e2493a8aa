"""The model-server back-end when the server fails: refused, slow, wrong model, 500, a cut stream.

A fake server stands in only for these failures (the copy itself is tested against a real
llama-server). Each failure must reach the seller as one plain Chinese sentence, give the
rule-based copy (labelled as such, never half an answer), lose nothing she typed, and the
next request must work again once the server is back.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from assistant.contracts import Brief
from assistant.copywriting import CopyOptions, Copywriter
from assistant.errors import ServerUnavailableError, UserError
from assistant.llm import GenerationOptions
from assistant.llm.openai_http import OpenAIHTTPGenerator
from assistant.ui import handlers

from conftest import free_port

MESSAGES = [{"role": "user", "content": "写一句杏子的广告"}]


class FakeServer:
    """An OpenAI-compatible server whose behaviour each test sets: ok, 500, 404, cut, slow."""

    def __init__(self):
        self.mode = "ok"
        self.requests: list[dict] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                if self.path.endswith("/models"):
                    self._json(200, {"object": "list", "data": [{"id": "qwen-fake", "object": "model"}]})
                else:
                    self._json(404, {"error": {"message": "not found"}})

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                server.requests.append(body)
                if server.mode == "500":
                    return self._json(500, {"error": {"message": "boom", "type": "server_error"}})
                if server.mode == "no schemas" and "response_format" in body:  # an older Ollama
                    return self._json(400, {"error": {"message": "unknown field response_format"}})
                if server.mode == "404" or body["model"] != "qwen-fake":
                    return self._json(404, {"error": {"message": f"model {body['model']} not found"}})
                if server.mode == "slow":
                    time.sleep(3)
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                pieces = ["杏子", "又大", "又甜", "，包邮。"]
                for i, piece in enumerate(pieces):
                    if server.mode == "cut" and i == 2:
                        self.wfile.write(b'data: {"choices": [{"delta": {"content"')  # half an event
                        self.wfile.flush()
                        self.connection.shutdown(2)
                        return
                    event = {"choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]}
                    self.wfile.write(f"data: {json.dumps(event, ensure_ascii=False)}\n\n".encode())
                    self.wfile.flush()
                done = {"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
                self.wfile.write(f"data: {json.dumps(done)}\n\ndata: [DONE]\n\n".encode())

            def _json(self, status, data):
                payload = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.port = free_port()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    fake = FakeServer()
    yield fake
    fake.close()


def test_a_streamed_answer_arrives_in_pieces_with_our_options(server):
    generator = OpenAIHTTPGenerator(server.url)
    options = GenerationOptions(max_tokens=64, temperature=0.7, seed=3, stop=("包邮",))
    pieces = list(generator.stream(MESSAGES, options))
    assert pieces == ["杏子", "又大", "又甜", "，"]  # cut at the stop string, as the local back-ends do
    sent = server.requests[-1]
    assert sent["model"] == "qwen-fake"  # none configured: the first the server lists
    assert (sent["max_tokens"], sent["temperature"], sent["seed"], sent["stream"]) == (64, 0.7, 3, True)
    assert sent["repeat_penalty"] == 1.1 and sent["stop"] == ["包邮"]
    assert generator.name == f"openai-http:qwen-fake@127.0.0.1:{server.port}"
    assert OpenAIHTTPGenerator(server.url).name == f"openai-http:server@127.0.0.1:{server.port}"  # not asked yet


def test_a_json_schema_goes_as_response_format_and_a_server_that_refuses_it_still_answers(server):
    schema = json.dumps({"type": "object", "properties": {"title": {"type": "string"}}})
    generator = OpenAIHTTPGenerator(server.url, model="qwen-fake")
    options = GenerationOptions(json_schema=schema)
    assert generator.generate(MESSAGES, options) == "杏子又大又甜，包邮。"
    format_sent = server.requests[-1]["response_format"]
    assert format_sent == {"type": "json_schema", "json_schema": {"name": "answer", "schema": json.loads(schema)}}

    server.mode = "no schemas"
    assert generator.generate(MESSAGES, options) == "杏子又大又甜，包邮。"  # asked again, unconstrained
    assert [("response_format" in r) for r in server.requests[-2:]] == [True, False]
    generator.generate(MESSAGES, options)
    assert "response_format" not in server.requests[-1]  # not offered again to a server that refused it


@pytest.mark.parametrize(
    "mode, said",
    [
        ("500", "出错了（500）"),
        ("404", "没有模型"),
        ("cut", "回答中断了"),
    ],
)
def test_each_server_failure_is_one_plain_sentence(server, mode, said):
    server.mode = mode
    with pytest.raises(ServerUnavailableError) as info:
        list(OpenAIHTTPGenerator(server.url, model="qwen-fake").stream(MESSAGES))
    assert said in info.value.zh and "请培训老师看看服务器" in info.value.zh


def test_a_refused_connection_and_a_slow_server_fail_fast_and_say_so(server):
    closed = f"http://127.0.0.1:{free_port()}/v1"
    started = time.perf_counter()
    with pytest.raises(ServerUnavailableError) as info:
        list(OpenAIHTTPGenerator(closed, model="x").stream(MESSAGES))
    assert "连不上" in info.value.zh and time.perf_counter() - started < 10
    server.mode = "slow"
    with pytest.raises(ServerUnavailableError) as info:
        list(OpenAIHTTPGenerator(server.url, model="qwen-fake", timeout_s=1).stream(MESSAGES))
    assert "太慢了" in info.value.zh


def test_with_the_server_down_she_gets_the_rule_based_copy_and_it_recovers(server):
    brief = Brief("我家的杏子又大又甜，一斤十五块，包邮", product="杏子", price="15元/斤")
    writer = Copywriter(OpenAIHTTPGenerator(server.url, model="qwen-fake"))
    server.mode = "500"
    started = time.perf_counter()
    copy = writer.write(brief, CopyOptions(platforms=("poster", "moments")))
    assert copy.source == "fallback" and copy.title and copy.posts["moments"]
    # One quick retry of the first text, then no more waiting on the server for this request.
    assert len(server.requests) == 2 and {r["max_tokens"] for r in server.requests} == {200}
    assert time.perf_counter() - started < 10
    explained = handlers.explain(copy)
    assert "模型服务器" in explained and "出错了（500）" in explained and "换一个" in explained

    server.mode = "ok"  # back again: the next request uses it
    again = writer.write(brief, CopyOptions(platforms=("poster",)))
    assert again.sources["poster"] != "fallback" or again.raw["poster"]
    assert again.raw["poster"] == "杏子又大又甜，包邮。"


def test_a_model_server_url_is_checked(monkeypatch):
    from assistant.config import Settings

    with pytest.raises(UserError) as info:
        Settings.from_env(llm_url="192.168.1.10:8080")
    assert "http://192.168.1.10:8080/v1" in info.value.zh
    settings = Settings.from_env(llm_url="http://127.0.0.1:8080/v1")
    from assistant.models import resolve_copy_model

    assert resolve_copy_model(settings).format == "http"  # nothing local is assembled
