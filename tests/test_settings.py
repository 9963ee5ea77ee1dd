import pytest

from bot.common.settings import CHANNEL_SECRETS, DEV_RASA_TOKEN, Settings


def test_defaults_are_local_and_development() -> None:
    settings = Settings.from_env({})
    assert settings.app_env == "development"
    assert settings.rasa_host == "127.0.0.1" and settings.rasa_port == 5005
    assert settings.actions_url == "http://127.0.0.1:5055/webhook"
    assert settings.tracker_db_url.startswith("sqlite:///") and settings.tracker_db_url.endswith(
        "var/tracker.db"
    )
    assert settings.problems() == []


def test_empty_values_fall_back_to_defaults() -> None:
    assert Settings.from_env({"RASA_PORT": "", "TICKETS_URL": ""}) == Settings.from_env({})


def test_production_refuses_development_defaults() -> None:
    problems = Settings.from_env({"APP_ENV": "production"}).problems()
    assert len(problems) == 4  # the channels with no secret set are off, not a problem
    assert any("RASA_TOKEN" in p for p in problems)
    assert any("ACTIONS_TOKEN" in p for p in problems)
    assert any("TICKETS_SERVICE_TOKEN" in p for p in problems)
    assert any("TRACKER_DB_URL" in p for p in problems)


def test_production_accepts_real_settings() -> None:
    env = {
        "APP_ENV": "production",
        "RASA_TOKEN": "a-long-random-value-Q7xK2mP9",
        "ACTIONS_TOKEN": "yet-another-random-value-W3zR8",
        "TICKETS_SERVICE_TOKEN": "another-long-random-value-L5vN1",
        "TRACKER_DB_URL": "postgresql://rasa@db:5432/rasa",
        **{name: f"real-{name.lower()}-0123456789abcdef" for name in CHANNEL_SECRETS},
    }
    assert Settings.from_env(env).problems() == []
    assert Settings.from_env(env).rasa_token != DEV_RASA_TOKEN


def test_ticket_service_url_follows_its_port() -> None:
    assert Settings.from_env({"TICKETS_PORT": "9000"}).tickets_url == "http://127.0.0.1:9000"
    explicit = {"TICKETS_PORT": "9000", "TICKETS_URL": "http://tickets.internal"}
    assert Settings.from_env(explicit).tickets_url == "http://tickets.internal"


def test_export_turns_off_telemetry_and_passes_endpoints() -> None:
    exported = Settings.from_env({"ACTIONS_PORT": "6000"}).export()
    assert exported["RASA_TELEMETRY_ENABLED"] == "false"
    assert exported["ACTIONS_URL"] == "http://127.0.0.1:6000/webhook"


def test_production_refuses_each_development_channel_secret_of_a_channel_in_use() -> None:
    in_use = {"APP_ENV": "production",
              "ZALO_OA_SECRET_KEY": "real-zalo-0123456789", "FACEBOOK_APP_SECRET": "0" * 32}
    problems = Settings.from_env(in_use).problems()
    for name in set(CHANNEL_SECRETS) - set(in_use):
        assert any(p.startswith(f"{name} ") for p in problems), name


def test_operations_settings() -> None:
    settings = Settings.from_env({})
    assert (settings.log_format, settings.metrics_token) == ("text", "")
    assert (settings.deliver_metrics_host, settings.deliver_metrics_port) == ("127.0.0.1", 5056)
    assert Settings.from_env({"LOG_FORMAT": "json"}).log_format == "json"
    with pytest.raises(ValueError, match="LOG_FORMAT"):
        Settings.from_env({"LOG_FORMAT": "xml"})
    weak = Settings.from_env({"APP_ENV": "production", "METRICS_TOKEN": "short"}).problems()
    assert any("METRICS_TOKEN is shorter" in p for p in weak)
