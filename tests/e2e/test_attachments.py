"""A citizen's photo or document reaches the ticket through Zalo and Messenger (e2e: Rasa, the
action server and the ticket service running; the platforms are the local fakes, whose file
hosts serve what the citizen sent)."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import requests

from tests.channels.fake_graph import FakeGraph
from tests.channels.fake_zalo import FakeZalo
from tests.channels.test_attachments import PDF, PNG
from tests.channels.test_messenger import delivery, psid, text_event
from tests.channels.test_messenger import post as post_messenger
from tests.channels.test_zalo import post as post_zalo
from tests.channels.test_zalo import zalo_event
from tests.e2e.test_channels import Rasa, zalo_texts
from tests.e2e.test_intake_to_staff import file_complaint_without_diacritics
from tests.stack import RASA_TOKEN, Stack

TURN_SECONDS = 120


class TrackedChat:
    """A citizen on any channel: ``send`` delivers one message, ``delivered`` lists the texts
    the citizen has received on the channel (the tracker keeps personal numbers masked). A turn
    is over when the tracker has one more user message, ends listening, and every bot message
    of the turn has arrived; ``say_text`` gives those messages."""

    def __init__(self, stack: Stack, conversation: str, send: Callable[[str], object],
                 delivered: Callable[[], list[str]]) -> None:
        self.stack, self.conversation = stack, conversation
        self.send, self.delivered = send, delivered

    def events(self) -> list[dict]:
        tracker = requests.get(f"{self.stack.rasa_url}/conversations/{self.conversation}/tracker",
                               params={"token": RASA_TOKEN}, timeout=10).json()
        return tracker["events"]

    def say_text(self, message: str) -> str:
        users_before = sum(e["event"] == "user" for e in self.events())
        seen = len(self.delivered())
        self.send(message)
        deadline = time.monotonic() + TURN_SECONDS
        while True:
            events = self.events()
            users = [i for i, e in enumerate(events) if e["event"] == "user"]
            if len(users) > users_before and events[-1].get("name") == "action_listen":
                said = sum(e["event"] == "bot" for e in events[users[-1]:])
                if len(self.delivered()) >= seen + said:
                    return "\n".join(self.delivered()[seen:])
            assert time.monotonic() < deadline, f"no answer to {message!r}"
            time.sleep(0.3)


def files_on_ticket(stack: Stack, code: str) -> list[tuple[str, str, str]]:
    """(filename, media_type, channel) of the ticket's files, from the service's database."""
    path = Path(stack.env["TICKETS_DATABASE_URL"].removeprefix("sqlite:///"))
    with sqlite3.connect(path) as db:
        return db.execute(
            "SELECT a.filename, a.media_type, a.channel FROM attachments a "
            "JOIN tickets t ON t.id = a.ticket_id WHERE t.code = ? ORDER BY a.id", (code,),
        ).fetchall()


def audit_actions(stack: Stack, code: str) -> list[str]:
    path = Path(stack.env["TICKETS_DATABASE_URL"].removeprefix("sqlite:///"))
    with sqlite3.connect(path) as db:
        return [row[0] for row in db.execute(
            "SELECT e.action FROM audit_events e JOIN tickets t ON t.id = e.ticket_id "
            "WHERE t.code = ? ORDER BY e.id", (code,))]


def messenger_texts(fake: FakeGraph, user: str) -> list[str]:
    """The texts sent to a Messenger user (a button template's text included)."""
    return [m.get("text") or m["attachment"]["payload"].get("text", "")
            for m in fake.messages_to(user)]


def wait_for_text(texts: Callable[[], str], wanted: str, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while wanted not in texts():
        assert time.monotonic() < deadline, f"never got {wanted!r}; got {texts()!r}"
        time.sleep(0.3)
    return texts()


def test_a_zalo_photo_sent_before_filing_ends_on_the_ticket(
    stack: Stack, fake_zalo: FakeZalo
) -> None:
    rasa, user = Rasa(stack), zalo_event()["sender"]["id"]
    image = zalo_event(None, event_name="user_send_image", user=user)
    url = fake_zalo.host_file("the-bhyt-bi-tu-choi.jpg", PNG)
    image["message"]["attachments"] = [{"type": "image", "payload": {"url": url}}]
    assert post_zalo(rasa, image).json() == {"status": "accepted"}
    said = wait_for_text(lambda: zalo_texts(fake_zalo, user), "Đã nhận ảnh")
    assert "the-bhyt-bi-tu-choi.png" in said
    assert "phản ánh, khiếu nại bạn gửi trong cuộc trò chuyện này" in said  # staged

    chat = TrackedChat(stack, f"zalo:{user}",
                       lambda text: post_zalo(rasa, zalo_event(text, user=user)),
                       lambda: [m["message"]["text"] for m in fake_zalo.sent
                                if m["recipient"]["user_id"] == user])
    code = file_complaint_without_diacritics(chat)
    assert files_on_ticket(stack, code) == [("the-bhyt-bi-tu-choi.png", "image/png", "zalo")]
    assert audit_actions(stack, code) == ["created", "attachment_added"]


def test_a_messenger_document_sent_after_filing_goes_onto_the_open_ticket(
    stack: Stack, fake_graph: FakeGraph
) -> None:
    rasa, user = Rasa(stack), psid()
    chat = TrackedChat(stack, f"fb:{user}",
                       lambda text: post_messenger(rasa, delivery([text_event(user, text)])),
                       lambda: messenger_texts(fake_graph, user))
    code = file_complaint_without_diacritics(chat)

    url = fake_graph.host_file("quyet_dinh_n.pdf", PDF)
    event = text_event(user, "", attachments=[{"type": "file", "payload": {"url": url}}])
    del event["message"]["text"]
    assert post_messenger(rasa, delivery([event])).json()["accepted"] == 1

    said = wait_for_text(lambda: "\n".join(messenger_texts(fake_graph, user)),
                         "Đã nhận tệp quyet_dinh_n.pdf")
    assert f"Đã đính kèm vào yêu cầu {code}" in said
    assert "Received the" not in said.split("Đã nhận tệp")[-1]  # the conversation is Vietnamese
    assert files_on_ticket(stack, code) == [("quyet_dinh_n.pdf", "application/pdf", "facebook")]
    assert not fake_graph.rejected
