"""#16 item 9, the ticket service: production refuses SQLite unless the documented override is
set; /docs and /openapi.json are not served in production; every CSV export and every answer
with personal data carries `Cache-Control: no-store`."""

from __future__ import annotations

from dataclasses import replace

import pytest
from fastapi.testclient import TestClient

from tests.conftest import PASSWORD, SERVICE, ticket_body
from tests.test_console import Console
from vss_tickets.app import create_app
from vss_tickets.infra.config import ConfigError, Settings

TOKEN = "a-production-service-token-of-32-chars"


def production(**overrides: object) -> Settings:
    return Settings(app_env="production", service_token=TOKEN, escalation_interval=0, **overrides)


def test_production_refuses_sqlite_unless_explicitly_allowed(monkeypatch):
    with pytest.raises(ConfigError, match="TICKETS_ALLOW_SQLITE_IN_PRODUCTION=1"):
        production(database_url="sqlite:////srv/vss/tickets.db").check_safe()
    production(database_url="sqlite:////srv/vss/tickets.db",
               allow_sqlite_in_production=True).check_safe()  # fmt: skip
    production(database_url="postgresql://vss@db.internal/tickets").check_safe()
    monkeypatch.setenv("TICKETS_ALLOW_SQLITE_IN_PRODUCTION", "1")
    assert Settings.from_env().allow_sqlite_in_production is True
    Settings(database_url="sqlite:////tmp/dev.db").check_safe()  # development: anything goes


def test_production_serves_no_api_docs(settings, clock):
    prod = replace(settings, app_env="production", service_token=TOKEN,
                   allow_sqlite_in_production=True)  # fmt: skip
    with TestClient(create_app(prod, clock)) as client:
        for path in ("/docs", "/openapi.json", "/docs/oauth2-redirect", "/redoc",
                     "/static-offline-docs/swagger-ui.css"):  # fmt: skip
            assert client.get(path).status_code == 404, path
        assert client.get("/health").status_code == 200
    with TestClient(create_app(settings, clock)) as client:  # development keeps them
        assert client.get("/docs").status_code == 200
        assert client.get("/openapi.json").status_code == 200


def test_csv_exports_and_personal_data_are_never_cached(client, staff):
    officer = staff("bhxh.ha-noi", username="can.bo.hn")
    created = client.post("/api/v1/tickets", json=ticket_body(), headers=SERVICE)
    code = created.json()["code"]
    answers = {
        "create (receipt)": created,
        "api csv": client.get("/api/v1/staff/tickets.csv", headers=officer),
        "queue": client.get("/api/v1/staff/tickets", headers=officer),
        "ticket": client.get(f"/api/v1/tickets/{code}", headers=officer),
        "citizen view": client.post(f"/api/v1/tickets/{code}/citizen-view", headers=SERVICE,
                                    json={"conversation_id": "conv-1", "phone_last4": "5678"}),
        "login (token)": client.post("/api/v1/auth/login",
                                     json={"username": "can.bo.hn", "password": PASSWORD}),
        "outbox": client.get(f"/api/v1/tickets/{code}/outbox", headers=SERVICE),
    }  # fmt: skip
    console = Console(client)
    console.login("can.bo.hn")
    answers["console csv"] = client.get("/console/export.csv")
    answers["console ticket"] = client.get(f"/console/tickets/{code}")
    for name, answer in answers.items():
        assert answer.is_success, (name, answer.text)
        assert answer.headers["cache-control"] == "no-store", name
        assert answer.headers["x-content-type-options"] == "nosniff", name
    assert answers["api csv"].headers["content-type"].startswith("text/csv")
    assert answers["console csv"].headers["content-type"].startswith("text/csv")
    stylesheet = client.get("/console/static/console.css")  # no personal data: may be cached
    assert stylesheet.headers["cache-control"] == "max-age=3600"

