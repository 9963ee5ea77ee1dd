"""The Zalo and Graph API fakes on the ports the e2e stack points its channels at."""

from __future__ import annotations

from urllib.parse import urlparse

from tests.channels.credentials import (
    FB_PAGE_TOKEN,
    ZALO_ACCESS_TOKEN,
    ZALO_APP_ID,
    ZALO_APP_SECRET,
    ZALO_REFRESH_TOKEN,
)
from tests.channels.fake_graph import FakeGraph
from tests.channels.fake_zalo import FakeZalo


def _port(url: str) -> int:
    return int(urlparse(url).port or 0)


def zalo_for(env: dict[str, str]) -> FakeZalo:
    """A started fake Zalo where the stack with ``env`` sends its Zalo calls."""
    return FakeZalo(ZALO_APP_ID, ZALO_APP_SECRET, ZALO_ACCESS_TOKEN, ZALO_REFRESH_TOKEN,
                    port=_port(env["ZALO_API_BASE"])).start()


def graph_for(env: dict[str, str]) -> FakeGraph:
    """A started fake Graph API where the stack with ``env`` sends its Messenger calls."""
    return FakeGraph(FB_PAGE_TOKEN, port=_port(env["GRAPH_API_BASE"])).start()
