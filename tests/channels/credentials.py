"""Obviously-fake channel credentials shared by the fake APIs, the harness and the e2e stack."""

ZALO_APP_ID = "4318003561281546071"
ZALO_APP_SECRET = "test-zalo-app-secret"
ZALO_OA_SECRET = "test-zalo-oa-secret-key"
ZALO_ACCESS_TOKEN = "access-0"
ZALO_REFRESH_TOKEN = "refresh-0"
FB_APP_SECRET = "test-facebook-app-secret"
FB_VERIFY_TOKEN = "test-facebook-verify-token"
FB_PAGE_TOKEN = "test-facebook-page-token"
GRAPH_VERSION = "v23.0"


def channel_env(zalo_url: str, graph_url: str, state_db: str) -> dict[str, str]:
    """The environment pointing the Zalo and Messenger channels at the fakes."""
    return {
        "CHANNELS_STATE_DB": state_db,
        "ZALO_APP_ID": ZALO_APP_ID,
        "ZALO_APP_SECRET": ZALO_APP_SECRET,
        "ZALO_OA_SECRET_KEY": ZALO_OA_SECRET,
        "ZALO_ACCESS_TOKEN": ZALO_ACCESS_TOKEN,
        "ZALO_REFRESH_TOKEN": ZALO_REFRESH_TOKEN,
        "ZALO_API_BASE": zalo_url,
        "ZALO_OAUTH_BASE": zalo_url,
        "FACEBOOK_APP_SECRET": FB_APP_SECRET,
        "FACEBOOK_VERIFY_TOKEN": FB_VERIFY_TOKEN,
        "FACEBOOK_PAGE_ACCESS_TOKEN": FB_PAGE_TOKEN,
        "GRAPH_API_BASE": graph_url,
        "GRAPH_API_VERSION": GRAPH_VERSION,
        # The fakes' file hosts (tests/channels/fake_*.py `host_file`) are on 127.0.0.1.
        "ATTACHMENT_HOSTS": "http://127.0.0.1",
    }
