#!/usr/bin/env bash
# Mulan: one entry point for people and CI.
#   ./mulan.sh run [app.py flags]   install if needed, then start the app on http://127.0.0.1:7860
#   ./mulan.sh test [pytest args]   install if needed, then run the whole test suite
#   ./mulan.sh install              create or refresh .venv (idempotent; skipped when nothing changed)
#
# Environment:
#   MULAN_PYTHON        Python 3.11 interpreter to build the venv with (default: python3.11 or python3)
#   MULAN_TORCH_INDEX   pip index for torch when this machine has no local CPU wheel of torch 2.13.0
#                       (PyTorch's CPU-only wheel index); keeps pip from pulling a multi-GB CUDA build
#   MULAN_LLAMA_CMAKE   CMake flags for the llama.cpp build (default: chosen from this CPU, see below)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
cd "$ROOT"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# llama.cpp is compiled for the CPU it will run on, but not with -march=native: on this
# VM the CPU advertises AMX, and a native build died with "Illegal instruction". So the
# flags are chosen from /proc/cpuinfo: AVX2/FMA/F16C (every x86-64 PC since ~2015), plus
# AVX-512 where the CPU has it (+50% prompt speed measured here), never AMX. The flags
# are part of the wheel cache key, so a different CPU gets its own build.
LLAMA_VERSION="$(grep -E '^llama-cpp-python==' requirements-llama.txt | cut -d= -f3)"
llama_cpu_flags() {
  local flags="-DGGML_NATIVE=OFF" cpu
  cpu="$(grep -m1 -E '^flags' /proc/cpuinfo 2>/dev/null || true)"
  has() { [[ " $cpu " == *" $1 "* ]]; }
  if has avx2 && has fma && has f16c; then
    flags="$flags -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON"
    if has avx512f && has avx512bw && has avx512vl; then
      flags="$flags -DGGML_AVX512=ON"
      has avx512vbmi && flags="$flags -DGGML_AVX512_VBMI=ON"
      has avx512_vnni && flags="$flags -DGGML_AVX512_VNNI=ON"
      has avx512_bf16 && flags="$flags -DGGML_AVX512_BF16=ON"
    fi
  elif has avx; then
    flags="$flags -DGGML_AVX=ON"
  fi
  echo "$flags"
}
LLAMA_CMAKE="${MULAN_LLAMA_CMAKE:-$(llama_cpu_flags)}"

apt_install() {
  # Install Debian packages that are missing; needs root (or sudo).
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null; then sudo="sudo"; else
      say "Please install these Debian packages first: ${missing[*]}"; return 1; fi
  fi
  say "apt-get install ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

find_python() {
  if [ -n "${MULAN_PYTHON:-}" ]; then echo "$MULAN_PYTHON"; return; fi
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
      echo "$candidate"; return
    fi
  done
  return 1
}

install_stamp() {
  cat requirements.txt requirements-models.txt requirements-llama.txt requirements-dev.txt requirements-voice-convert.txt \
    <(echo "$LLAMA_CMAKE") "$0" | sha256sum | cut -c1-16
}

build_llama() {
  # Build llama-cpp-python once per (version, flags, Python) and keep the wheel: a
  # classroom reinstall then takes seconds instead of ~5 minutes of compiling.
  local key wheel_dir
  key="$(echo "$LLAMA_VERSION $LLAMA_CMAKE $("$PY" -c 'import sys; print(sys.version_info[:2])')" | sha256sum | cut -c1-12)"
  wheel_dir="${XDG_CACHE_HOME:-$HOME/.cache}/mulan/wheels/llama-$key"
  if ! ls "$wheel_dir"/llama_cpp_python-*.whl >/dev/null 2>&1; then
    say "Compiling llama.cpp (llama-cpp-python $LLAMA_VERSION, $LLAMA_CMAKE); this takes 5-15 minutes on 2 cores"
    mkdir -p "$wheel_dir.tmp"
    # Progress: ninja's [n/N] counter and the file being compiled, plus real errors.
    CMAKE_ARGS="$LLAMA_CMAKE" CMAKE_BUILD_PARALLEL_LEVEL="$(nproc)" \
      "$PY" -m pip wheel --no-deps --no-cache-dir -v "llama-cpp-python==$LLAMA_VERSION" -w "$wheel_dir.tmp" 2>&1 \
      | { grep --line-buffered -E '^\s*\[[0-9]+/[0-9]+\]|\[ *[0-9]+%\]|error:|ERROR|Successfully built' \
          | sed -u -E 's#^\s*(\[[0-9]+/[0-9]+\]).* -c .*/vendor/llama.cpp/(.*)$#    \1 \2#' || true; }
    rm -rf "$wheel_dir"; mv "$wheel_dir.tmp" "$wheel_dir"
  fi
  "$PY" -m pip install -q "$wheel_dir"/llama_cpp_python-*.whl
}

build_llama_server() {
  # llama.cpp's own llama-server (continuous batching, parallel slots) for serve-model and a
  # centre's server: built from the llama.cpp source llama-cpp-python vendors, with the same
  # CPU flags, once per (version, flags), and kept like the wheel. Not fatal: only
  # serve-model needs it, and it says so.
  local key bin_dir src
  key="$(echo "server $LLAMA_VERSION $LLAMA_CMAKE" | sha256sum | cut -c1-12)"
  bin_dir="${XDG_CACHE_HOME:-$HOME/.cache}/mulan/bin/llama-server-$key"
  if [ ! -x "$bin_dir/llama-server" ]; then
    say "Compiling llama-server (llama.cpp from llama-cpp-python $LLAMA_VERSION); about 10 minutes on 2 cores"
    src="$(mktemp -d)"
    if "$PY" -m pip download -q --no-binary :all: --no-deps "llama-cpp-python==$LLAMA_VERSION" -d "$src" 2>/dev/null \
      && tar xzf "$src"/llama_cpp_python-*.tar.gz -C "$src" \
      && cmake -S "$src"/llama_cpp_python-*/vendor/llama.cpp -B "$src/build" -DCMAKE_BUILD_TYPE=Release $LLAMA_CMAKE \
        -DBUILD_SHARED_LIBS=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_APP=OFF \
        -DLLAMA_BUILD_TOOLS=ON -DLLAMA_BUILD_SERVER=ON -DLLAMA_BUILD_UI=OFF -DLLAMA_USE_PREBUILT_UI=OFF \
        -DLLAMA_CURL=OFF -DLLAMA_OPENSSL=OFF >"$src/cmake.log" 2>&1 \
      && cmake --build "$src/build" --target llama-server -j "$(nproc)" 2>&1 \
        | { grep --line-buffered -E 'Linking|error:' || true; } \
      && [ -x "$src/build/bin/llama-server" ]; then
      mkdir -p "$bin_dir" && cp "$src/build/bin/llama-server" "$bin_dir/llama-server.tmp" \
        && mv "$bin_dir/llama-server.tmp" "$bin_dir/llama-server"
    else
      say "llama-server was not built (see $src): serve-model will not work; the rest does"
      return 0
    fi
    rm -rf "$src"
  fi
  cp "$bin_dir/llama-server" "$VENV/bin/llama-server"
}

install() {
  local stamp
  stamp="$(install_stamp)"
  if [ -x "$PY" ] && [ "$(cat "$VENV/.mulan-installed" 2>/dev/null)" = "$stamp" ]; then
    return 0
  fi
  # Compilers for llama.cpp.
  command -v cmake >/dev/null && command -v g++ >/dev/null || apt_install build-essential cmake
  # Bold CJK for poster titles (Regular comes from PyPI); colour emoji and DejaVu symbols as
  # per-character fallbacks, so posters and the page show no boxes.
  apt_install fonts-noto-cjk fonts-noto-color-emoji fonts-dejavu-core || say "fonts not installed: titles use a faux bold, emoji are left out"
  local python
  if ! python="$(find_python)"; then
    apt_install python3 python3-venv python3-dev
    python="$(find_python)" || { say "Python 3.11 is required"; exit 1; }
  fi
  [ -x "$PY" ] || { say "Creating $VENV with $python"; "$python" -m venv "$VENV"; }
  say "Installing torch 2.13.0 (CPU build)"
  "$PY" -m pip install -q ${MULAN_TORCH_INDEX:+--index-url "$MULAN_TORCH_INDEX"} torch==2.13.0
  "$PY" -c 'import torch, sys; sys.exit(0 if torch.version.cuda is None else 1)' \
    || say "Warning: torch came as a CUDA build; set MULAN_TORCH_INDEX to a CPU wheel index to save GBs"
  say "Installing Python packages and the embedded model packages (about 1.8 GB)"
  "$PY" -m pip install --progress-bar on -r requirements.txt -r requirements-models.txt -r requirements-dev.txt \
    2>&1 | { grep --line-buffered -vE "^(Requirement already satisfied|WARNING: Location)" || true; }
  "$PY" -m pip check >/dev/null || { "$PY" -m pip check; exit 1; }
  build_llama
  build_llama_server
  say "Assembling and verifying the embedded models"
  "$PY" -m assistant models --assemble
  echo "$stamp" > "$VENV/.mulan-installed"
}

cmd="${1:-run}"
[ $# -gt 0 ] && shift
case "$cmd" in
  install) install ;;
  run) install; exec "$PY" app.py "$@" ;;
  test)
    install
    # The browser test drives the page in Debian's Chromium (never Playwright's own download).
    command -v chromium >/dev/null || apt_install chromium || say "chromium not installed: the browser test will fail"
    exec "$PY" -m pytest "$@" ;;
  *) echo "usage: $0 {run|test|install} [args]" >&2; exit 64 ;;
esac
