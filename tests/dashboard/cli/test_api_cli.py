"""``tanggap api token …`` as a user runs it: create, list, revoke; only the hash is stored."""

from __future__ import annotations

import typer
from sqlalchemy import Engine, text
from typer.testing import CliRunner

from dashboard.cli.live import api_app
from geodata.operations.api_tokens import authenticate


def test_create_list_and_revoke_a_token(engine: Engine, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO cities (code, name, timezone) "
                          "VALUES ('00.01', 'Kota Uji', 'Asia/Jakarta')"))  # fmt: skip
    monkeypatch.setenv("TANGGAP_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    app = typer.Typer()
    app.add_typer(api_app, name="api")
    runner = CliRunner()
    created = runner.invoke(app, ["api", "token", "create", "cad-uji"])
    assert created.exit_code == 0, created.output
    token = created.stdout.strip().splitlines()[-1]
    with engine.connect() as conn:
        assert authenticate(conn, token) is not None
        stored = conn.execute(text("SELECT token_hash FROM api_tokens")).scalar_one()
    assert token.startswith("tgp_") and token not in stored
    listed = runner.invoke(app, ["api", "token", "list"])
    assert "cad-uji" in listed.stdout and "active" in listed.stdout and token not in listed.stdout
    revoked = runner.invoke(app, ["api", "token", "revoke", "cad-uji"])
    assert revoked.exit_code == 0 and "revoked 1" in revoked.stdout
    again = runner.invoke(app, ["api", "token", "revoke", "cad-uji"])
    assert again.exit_code == 1
    with engine.connect() as conn:
        assert authenticate(conn, token) is None
