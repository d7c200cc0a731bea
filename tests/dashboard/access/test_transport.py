"""TLS served directly with a certificate, and behind a reverse proxy; loud warnings when the
app is exposed without either; gunicorn without its shared control socket."""

from __future__ import annotations

import os
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import URL

from dashboard.cli.main import exposure_warnings
from dashboard.server import ACCESS_LOG_FORMAT, gunicorn_options
from geodata.db.embedded import free_loopback_port
from geodata.settings import Settings
from tests.dashboard.access.conftest import TrustCity


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (openssl, as an admin would make one)."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture(scope="module")
def https_app(
    trust: TrustCity, certificate: tuple[Path, Path], artifacts_dir: Path
) -> Iterator[str]:
    cert, key = certificate
    port = free_loopback_port()
    env = {**os.environ, "TANGGAP_DATABASE_URL": trust.url.render_as_string(hide_password=False),
           "TANGGAP_PORT": str(port), "TANGGAP_TLS_CERTFILE": str(cert),
           "TANGGAP_TLS_KEYFILE": str(key), "TANGGAP_WORKERS": "1"}  # fmt: skip
    log = (artifacts_dir / "https_app.log").open("w")
    process = subprocess.Popen([sys.executable, "-m", "dashboard", "serve"], env=env,
                               stdout=log, stderr=log)  # fmt: skip
    base = f"https://127.0.0.1:{port}"
    context = ssl.create_default_context(cafile=str(cert))
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=5, context=context).read()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("the HTTPS app did not start; see https_app.log") from None
                time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def test_with_a_certificate_the_app_serves_https_with_hsts(
    https_app: str, certificate: tuple[Path, Path]
) -> None:
    context = ssl.create_default_context(cafile=str(certificate[0]))
    with urllib.request.urlopen(https_app + "/masuk", timeout=10, context=context) as answer:
        assert answer.status == 200
        assert answer.headers["Strict-Transport-Security"] == "max-age=31536000"
        assert "secure" in (answer.headers["Set-Cookie"] or "").lower()
    plain = https_app.replace("https://", "http://")
    with pytest.raises(OSError):  # no plain HTTP on the same port
        urllib.request.urlopen(plain + "/masuk", timeout=5).read()


def test_a_token_in_the_url_never_reaches_the_access_log(
    https_app: str, certificate: tuple[Path, Path], artifacts_dir: Path
) -> None:
    context = ssl.create_default_context(cafile=str(certificate[0]))
    secret = "tgp_this-must-not-be-logged"
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{https_app}/api/v1/osmand?id=X&lat=1&lon=2&token={secret}",
                               timeout=10, context=context)  # fmt: skip
    assert refused.value.code == 401
    refused.value.close()
    time.sleep(0.5)  # gunicorn writes its access line after the response
    log = (artifacts_dir / "https_app.log").read_text()
    assert "GET /api/v1/osmand" in log and secret not in log


def test_behind_a_trusted_proxy_the_forwarded_scheme_and_address_count(
    trust: TrustCity, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dashboard.app import create_app

    settings = Settings(database_url=trust.url.render_as_string(hide_password=False),
                        trusted_proxies=1, allowed_hosts=("112.kotauji.go.id",))  # fmt: skip
    app = create_app(settings)
    client = app.server.test_client()
    proxied = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "112.kotauji.go.id",
               "X-Forwarded-For": "203.0.113.9"}  # fmt: skip
    answer = client.get("/masuk", headers=proxied)
    assert answer.status_code == 200
    assert answer.headers["Strict-Transport-Security"] == "max-age=31536000"
    direct = client.get("/masuk")  # Host 'localhost' is not the configured name
    assert direct.status_code == 400
    app.server.config["TANGGAP_ENGINE"].dispose()


def test_listening_beyond_loopback_without_tls_warns_loudly() -> None:
    assert exposure_warnings(Settings(host="127.0.0.1")) == []
    exposed = exposure_warnings(Settings(host="0.0.0.0"))
    assert any("No TLS" in line for line in exposed)
    assert any("TANGGAP_ALLOWED_HOSTS" in line for line in exposed)
    proxied = exposure_warnings(Settings(host="0.0.0.0", trusted_proxies=1,
                                         allowed_hosts=("112.kota.go.id",)))  # fmt: skip
    assert len(proxied) == 1  # still reachable from the network, said once


def test_gunicorn_has_no_shared_control_socket_and_logs_no_query_strings() -> None:
    options = gunicorn_options(Settings(database_url=str(URL.create("postgresql"))))
    assert options["control_socket_disable"] is True
    assert options["access_log_format"] == ACCESS_LOG_FORMAT
    assert "%(q)s" not in ACCESS_LOG_FORMAT and "%(r)s" not in ACCESS_LOG_FORMAT
    assert "%(U)s" in ACCESS_LOG_FORMAT  # the path alone
