"""llama.cpp's own ``llama-server``, started on the embedded model (or hers) for other Mulans.

``python -m assistant serve-model`` runs it; the page and the CLI then use it through
``openai_http.py`` with ``--llm-url``. It decodes several sellers' requests together
(``--parallel`` slots, continuous batching) and keeps each slot's prompt evaluated, which
in-process llama.cpp cannot. ``./mulan.sh install`` builds it from the llama.cpp source
that llama-cpp-python vendors, with the same CPU flags, into ``.venv/bin/llama-server``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import UserError

CONTEXT_PER_SLOT = 4096  # the longest prompt (~1,200 tokens) and answer, with room to spare


def find_llama_server(configured: str | None = None) -> Path:
    """The llama-server binary: the one configured, else the one ./mulan.sh built into the venv."""
    candidates = [Path(configured)] if configured else []
    candidates += [Path(sys.executable).parent / "llama-server"]
    found = shutil.which("llama-server")
    if found:
        candidates.append(Path(found))
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise UserError(
        "没有找到 llama-server。请运行 ./mulan.sh install（会顺便编译它）。",
        f"llama-server not found (looked at {', '.join(map(str, candidates))}); run ./mulan.sh install.",
    )


@dataclass
class RunningServer:
    process: subprocess.Popen
    url: str  # the base URL for --llm-url, ending in /v1
    log: Path

    def stop(self, timeout_s: float = 20) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_llama_server(
    model: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8080,
    parallel: int = 2,
    threads: int = 2,
    binary: Path | None = None,
    log: Path | None = None,
    wait_s: float = 180,
) -> RunningServer:
    """Start llama-server on ``model`` (a GGUF file) and wait until it answers /health."""
    binary = binary or find_llama_server()
    log = log or Path(f"/tmp/mulan-llama-server-{port}.log")
    command = [
        str(binary),
        "--model", str(model),
        "--host", host,
        "--port", str(port),
        "--parallel", str(parallel),
        "--ctx-size", str(CONTEXT_PER_SLOT * parallel),  # shared by the slots
        "--threads", str(threads),
        "--threads-batch", str(threads),
        "--cont-batching",
        "--no-webui",  # nothing but the API: the page is Mulan's
    ]  # fmt: skip
    with open(log, "wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text(errors="replace")[-800:]
            raise UserError(
                "llama-server 没有启动起来，请看它的日志。", f"llama-server exited ({process.returncode}): {tail}"
            )
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as answer:
                if answer.status == 200:
                    return RunningServer(process, f"{url}/v1", log)
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    RunningServer(process, url, log).stop()
    raise UserError("llama-server 启动太慢了。", f"llama-server did not answer /health within {wait_s:.0f} s.")
