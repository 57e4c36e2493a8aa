"""lan.py and --https: a classroom serves phones over https with a certificate made on first use."""

from __future__ import annotations

import os
import ssl
import stat
import subprocess
import sys
import time
import urllib.request

import pytest
from cryptography import x509

from assistant.ui.lan import ensure_certificate, lan_address, shelf_secret, terminal_qr

from conftest import REPO, free_port


def test_the_shelf_secret_is_made_once_kept_private_and_survives_a_restart(tmp_path):
    secret = shelf_secret(tmp_path / "data")
    assert len(secret) >= 32 and shelf_secret(tmp_path / "data") == secret
    assert stat.S_IMODE(os.stat(tmp_path / "data" / "browser-secret").st_mode) == 0o600
    assert shelf_secret(tmp_path / "other") != secret


def test_a_certificate_is_made_once_names_the_address_and_keeps_its_key_private(tmp_path):
    cert_path, key_path = ensure_certificate(tmp_path, "192.168.1.20")
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert {str(ip) for ip in names.get_values_for_type(x509.IPAddress)} == {"192.168.1.20", "127.0.0.1"}
    assert stat.S_IMODE(os.stat(key_path).st_mode) == 0o600
    first = cert_path.read_bytes()
    assert ensure_certificate(tmp_path, "192.168.1.20")[0].read_bytes() == first  # reused
    assert ensure_certificate(tmp_path, "10.0.0.5")[0].read_bytes() != first  # a new network: a new certificate


def test_the_lan_address_and_its_qr_code():
    assert lan_address().count(".") == 3
    drawing = terminal_qr("https://192.168.1.20:7860")
    assert len(drawing.splitlines()) > 10 and "█" in drawing


def test_the_app_serves_https_with_its_own_certificate(tmp_path):
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "app.py", "--port", str(port), "--https", "--no-preload"],
        cwd=REPO,
        env={**os.environ, "MULAN_DATA_DIR": str(tmp_path)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    unverified = ssl.create_default_context()
    unverified.check_hostname, unverified.verify_mode = False, ssl.CERT_NONE  # self-signed, as phones see it
    try:
        page, deadline = None, time.time() + 90
        while time.time() < deadline and page is None:
            try:
                page = (
                    urllib.request.urlopen(f"https://127.0.0.1:{port}/", timeout=5, context=unverified).read().decode()
                )
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(proc.stdout.read())
                time.sleep(1)
        assert page is not None and "木兰" in page
        assert (tmp_path / "tls" / "mulan-cert.pem").is_file()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert f"https://127.0.0.1:{port}" in proc.stdout.read()
