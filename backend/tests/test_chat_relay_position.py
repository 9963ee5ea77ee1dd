"""The relay's position on a live chat: a citizen message passed on by two relays at once, or
again after a restart, is added to the thread once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from tests.conftest import SERVICE, create
from vss_tickets.domain import handoff
from vss_tickets.domain.models import Message, Ticket
from vss_tickets.infra.db import Database


def post(client, code: str, body: str, sent_at: float):
    return client.post(
        f"/api/v1/tickets/{code}/chat-messages",
        json={"conversation_id": "conv-1", "body": body, "sent_at": sent_at},
        headers=SERVICE,
    )


def citizen_messages(db: Database, code: str) -> int:
    with db.session() as session:
        return session.scalar(
            select(func.count(Message.id))
            .join(Ticket, Ticket.id == Message.ticket_id)
            .where(Ticket.code == code, Message.author == "citizen")
        )


def test_the_position_moves_forward_only_and_is_listed_by_the_sweep(client, db):
    code = create(client, handoff=True)["code"]
    before = citizen_messages(db, code)
    first = post(client, code, "Tôi bị mất sổ BHXH", 1000.5)
    assert first.status_code == 201 and first.json()["duplicate"] is False
    assert post(client, code, "Tôi bị mất sổ BHXH", 1000.5).json()["duplicate"] is True
    assert post(client, code, "cũ hơn", 999.0).json()["duplicate"] is True
    assert post(client, code, "mới", 1001.0).json()["duplicate"] is False
    assert citizen_messages(db, code) == before + 2
    (chat,) = client.post("/api/v1/chats/sweep", headers=SERVICE).json()
    assert chat["code"] == code and chat["relayed_until"] == 1001.0
    without_time = client.post(
        f"/api/v1/tickets/{code}/chat-messages",
        json={"conversation_id": "conv-1", "body": "không giờ"}, headers=SERVICE,
    )
    assert without_time.json()["duplicate"] is False  # older clients: always added
    assert post(client, code, "x", -1).status_code == 422


def test_relays_racing_on_one_message_add_it_once(client, db, settings, clock):
    code = create(client, handoff=True)["code"]
    before = citizen_messages(db, code)
    engines = [Database(settings.database_url) for _ in range(4)]

    def relay(engine: Database) -> bool:
        with engine.session(write=True) as session:
            return handoff.citizen_message(
                session, code, "conv-1", "cho tôi hỏi", clock.now(), sent_at=2000.0
            )[1]

    try:
        with ThreadPoolExecutor(len(engines)) as pool:
            added = list(pool.map(relay, engines))
    finally:
        for engine in engines:
            engine.dispose()
    assert added.count(True) == 1
    assert citizen_messages(db, code) == before + 1
