"""Photos and documents from Zalo and Messenger, over real HTTP: the channel harness fetches
them from the fakes' file hosts (allow-listed, capped, timed out) and the real ticket service
keeps them; what the citizen is told, and what is stored (nothing, when refused)."""

from __future__ import annotations

import asyncio
import hashlib
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from bot.common.settings import Settings
from bot.rasa_plugins.attachments import Attachments, Refused, RemoteFile, host_allowed, human_size
from tests.channels.conftest import Harness, wait_for
from tests.channels.fake_graph import FakeGraph
from tests.channels.fake_zalo import FakeZalo
from tests.channels.test_messenger import delivery, psid, text_event
from tests.channels.test_messenger import post as post_messenger
from tests.channels.test_zalo import post as post_zalo
from tests.channels.test_zalo import replies_to, zalo_event
from tests.stack import Stack

# A real PNG (1×1) and what must never be kept.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8cfc0f01f0005000201a5f1c4a20000000049454e44ae426082"
)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"
ELEVEN_MB = b"\xff\xd8\xff\xe0" + bytes(11 * 1024 * 1024)


@pytest.fixture(scope="module")
def harness(harness_env: dict[str, str], tickets: Stack,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    env = {**harness_env, "TICKETS_URL": tickets.tickets_url,
           "TICKETS_SERVICE_TOKEN": tickets.env["TICKETS_SERVICE_TOKEN"]}
    running = Harness(env, tmp_path_factory.mktemp("harness") / "harness.log")
    yield running
    running.stop()


def stored(tickets: Stack, conversation: str) -> list[tuple]:
    """(filename, media_type, size, sha256, channel) kept for a conversation."""
    path = Path(tickets.env["TICKETS_DATABASE_URL"].removeprefix("sqlite:///"))
    with sqlite3.connect(path) as db:
        return db.execute("SELECT filename, media_type, size, sha256, channel FROM attachments "
                          "WHERE conversation_id = ? ORDER BY id", (conversation,)).fetchall()


def zalo_file(event_name: str, url: str, **payload: object) -> dict:
    event = zalo_event(None, event_name=event_name)
    kind = "image" if event_name == "user_send_image" else "file"
    event["message"]["attachments"] = [{"type": kind, "payload": {"url": url, **payload}}]
    return event


def test_zalo_photo_and_document_are_kept_and_acknowledged(
        harness: Harness, fake_zalo: FakeZalo, tickets: Stack) -> None:
    image = zalo_file("user_send_image", fake_zalo.host_file("img-1.jpg", PNG),
                      thumbnail="http://127.0.0.1/t.jpg")
    user = image["sender"]["id"]
    assert post_zalo(harness, image).json() == {"status": "accepted"}
    wait_for(lambda: replies_to(fake_zalo, user), 20)
    document = zalo_file("user_send_file", fake_zalo.host_file("qd.pdf", PDF),
                         name="Quyết định hưởng.pdf", size=str(len(PDF)), type="pdf")
    document["sender"]["id"] = user
    post_zalo(harness, document)
    wait_for(lambda: len(replies_to(fake_zalo, user)) == 2, 20)
    photo_reply, pdf_reply = (m["text"] for m in replies_to(fake_zalo, user))
    assert photo_reply.startswith("Đã nhận ảnh img-1.png (0,1 KB).")  # named by its content
    assert "Received the photo img-1.png (0.1 KB)." in photo_reply  # language not known yet
    assert "Đã nhận tệp Quyết định hưởng.pdf" in pdf_reply
    assert stored(tickets, f"zalo:{user}") == [
        ("img-1.png", "image/png", len(PNG), hashlib.sha256(PNG).hexdigest(), "zalo"),
        ("Quyết định hưởng.pdf", "application/pdf", len(PDF), hashlib.sha256(PDF).hexdigest(),
         "zalo")]
    assert user not in {m["sender"] for m in harness.received()}  # no bot turn for a file


@pytest.mark.parametrize(("data", "chunked", "declared", "expected"), [
    (HTML, False, None, "chỉ nhận ảnh (JPEG, PNG, WebP) hoặc tệp PDF"),  # an .html named .jpg
    (ELEVEN_MB, True, None, "vượt quá 10,0 MB"),  # no Content-Length: stopped while streaming
    (ELEVEN_MB, False, None, "vượt quá 10,0 MB"),  # refused on its Content-Length
    (PNG, False, str(len(ELEVEN_MB)), "vượt quá 10,0 MB"),  # declared too big: not fetched
], ids=["html-named-jpg", "streamed-11-mb", "announced-11-mb", "declared-11-mb"])
def test_zalo_files_refused_are_not_kept(harness: Harness, fake_zalo: FakeZalo, tickets: Stack,
                                         data: bytes, chunked: bool, declared: str | None,
                                         expected: str) -> None:
    name = f"{uuid.uuid4().hex[:8]}.jpg"
    payload = {"name": name, **({"size": declared} if declared else {})}
    event = zalo_file("user_send_file", fake_zalo.host_file(name, data, chunked), **payload)
    user = event["sender"]["id"]
    post_zalo(harness, event)
    wait_for(lambda: replies_to(fake_zalo, user), 30)
    [reply] = replies_to(fake_zalo, user)
    assert expected in reply["text"] and name in reply["text"]
    assert stored(tickets, f"zalo:{user}") == []
    assert (name in fake_zalo.downloads) is (declared is None)


def test_files_from_hosts_not_allowed_are_never_fetched(harness: Harness, fake_zalo: FakeZalo,
                                                        tickets: Stack) -> None:
    event = zalo_file("user_send_image", "https://evil.example/anh.jpg")
    user = event["sender"]["id"]
    post_zalo(harness, event)
    wait_for(lambda: replies_to(fake_zalo, user), 20)
    assert "lỗi kết nối" in replies_to(fake_zalo, user)[0]["text"]
    assert stored(tickets, f"zalo:{user}") == []


def test_messenger_photo_is_kept_and_an_expired_url_is_refused(
        harness: Harness, fake_graph: FakeGraph, tickets: Stack) -> None:
    fresh, stale = psid(), psid()
    good = fake_graph.host_file("39178_n.jpg", PNG)
    expired = fake_graph.host_file("old_n.pdf", PDF, ttl=-60)
    events = [text_event(fresh, "", attachments=[{"type": "image", "payload": {"url": good}}]),
              text_event(stale, "", attachments=[{"type": "file", "payload": {"url": expired}}])]
    for event in events:
        del event["message"]["text"]
    answer = post_messenger(harness, delivery(events))
    assert answer.json()["accepted"] == 2
    wait_for(lambda: fake_graph.messages_to(fresh) and fake_graph.messages_to(stale), 20)
    assert "Đã nhận ảnh 39178_n.png" in fake_graph.messages_to(fresh)[0]["text"]
    assert "could not be received" in fake_graph.messages_to(stale)[0]["text"]
    assert ("old_n.pdf", 403) in fake_graph.downloads
    assert [row[:3] for row in stored(tickets, f"fb:{fresh}")] == [("39178_n.png", "image/png",
                                                            len(PNG))]
    assert stored(tickets, f"fb:{stale}") == []
    assert not fake_graph.rejected


def test_a_slow_file_host_is_given_up_after_the_timeout(fake_zalo: FakeZalo,
                                                       tickets: Stack) -> None:
    env = {"TICKETS_URL": tickets.tickets_url, "ATTACHMENT_HOSTS": "http://127.0.0.1",
           "TICKETS_SERVICE_TOKEN": tickets.env["TICKETS_SERVICE_TOKEN"]}
    files = Attachments(Settings.from_env(env))
    files.download_timeout = aiohttp.ClientTimeout(total=1)
    url = fake_zalo.host_file("slow.jpg", PNG)
    fake_zalo.file_delay = 3
    try:
        kept, text = asyncio.run(files.receive("conv-slow", "zalo", RemoteFile(url, "slow.jpg"),
                                               "slow.jpg", None, "en"))
    finally:
        fake_zalo.file_delay = 0
    assert not kept and text.startswith("The file slow.jpg could not be received")
    assert stored(tickets, "conv-slow") == []

    async def fetch() -> bytes:
        async with aiohttp.ClientSession() as http:
            return await files.fetch(http, RemoteFile(url, "x"), limit=len(PNG) - 1)

    with pytest.raises(Refused) as refused:
        asyncio.run(fetch())
    assert refused.value.reason == "too_large"


def test_allowed_hosts_and_sizes() -> None:
    hosts = ("https://zdn.vn", "https://fbcdn.net")
    assert host_allowed("https://f21-zpc.zdn.vn/a/b.jpg", hosts)
    assert host_allowed("https://scontent.xx.fbcdn.net/v/t1.jpg?oh=1", hosts)
    assert not host_allowed("http://f21-zpc.zdn.vn/a.jpg", hosts)  # not https
    assert not host_allowed("https://zdn.vn.evil.example/a.jpg", hosts)
    assert not host_allowed("https://evilzdn.vn/a.jpg", hosts)
    assert not host_allowed("file:///etc/passwd", hosts)
    assert human_size(1_258_291, "vi") == "1,2 MB" and human_size(1_258_291, "en") == "1.2 MB"
    assert human_size(2048, "vi") == "2,0 KB"


def test_the_allowed_hosts_come_from_one_setting() -> None:
    assert Settings.from_env({}).attachment_hosts == (
        "https://zdn.vn", "https://zadn.vn", "https://fbcdn.net", "https://fbsbx.com")
    listed = Settings.from_env({"ATTACHMENT_HOSTS": " https://a.example , ,http://127.0.0.1 "})
    assert listed.attachment_hosts == ("https://a.example", "http://127.0.0.1")
