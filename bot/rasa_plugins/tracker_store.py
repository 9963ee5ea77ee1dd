"""The conversation store: Rasa's SQL tracker store, keeping personal numbers masked; it also
counts the turns (bot/rasa_plugins/turn_metrics.py) and names the conversation on the turn's log
records.

How Rasa 3.6 uses it (rasa/core/tracker_store.py, ``SQLTrackerStore``): at every message Rasa
rebuilds the conversation's tracker from the stored events of its latest session
(``retrieve``), runs the turn in memory, then stores the events the tracker has beyond the
number already stored (``save``, via ``_additional_events``). Nothing is kept in memory between
two messages, and Rasa replays the events again whenever it copies a tracker.

So what is stored is masked, and what a running form still needs comes back at ``retrieve``:

* Every new event is stored through ``bot.common.pii.mask`` (the one masking rule): the citizen's
  texts, the parse data (entity values), the assistant's texts and buttons, slot values, metadata;
  event types and names are kept as they are.
* The current values of ``CLEAR_SLOTS`` (phone, CCCD/BHXH code, the frozen submission, the
  handoff request: what the ticket needs and the masked events no longer hold) are also kept in
  the table ``clear_slot_values``, one row per conversation and slot, only while the slot holds
  a value: a row goes when its slot is cleared (a ticket filed, a form cancelled) or a new
  session starts, and ``purge`` forgets the rows of sessions that have expired.
* ``retrieve`` puts each kept value back into the slot event that set it, so the tracker and
  every replay of it have the value the form collected. A value no longer kept is forgotten
  (None, never a masked number): the form asks for it again.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event, SessionStarted, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.orm import Session, declarative_base

from bot.common import clock, logs
from bot.common.pii import mask
from bot.rasa_plugins import turn_metrics

CLEAR_SLOTS = ("phone", "id_number", "submission", "handoff_request")
# Keys of an event whose values are names, not what anybody typed.
_NAMES = frozenset({"event", "name", "input_channel", "message_id"})
DAY = 86400.0
CREATE_TRIES = 3

Base = declarative_base()


class ClearSlotValue(Base):
    """The clear value of a slot in ``CLEAR_SLOTS`` while a conversation's slot holds it."""

    __tablename__ = "clear_slot_values"

    sender_id = sa.Column(sa.String(255), primary_key=True)
    slot = sa.Column(sa.String(255), primary_key=True)
    value = sa.Column(sa.Text, nullable=False)  # JSON
    saved_at = sa.Column(sa.Float, nullable=False, index=True)  # bot/common/clock.py, Unix time


def masked(value: Any) -> Any:
    """``value`` (an event's dict, or any part of it) with personal numbers masked."""
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, list):
        return [masked(item) for item in value]
    if isinstance(value, dict):
        return {key: item if key in _NAMES else masked(item) for key, item in value.items()}
    return value


def _secure_delete(connection: Any, _record: Any) -> None:
    connection.execute("PRAGMA secure_delete = ON")


@dataclass(frozen=True)
class Purged:
    """What one purge deleted."""

    conversations: int
    events: int
    clear_values: int


class MaskingTrackerStore(SQLTrackerStore):
    """``SQLTrackerStore`` storing events masked, the values a form needs kept apart (above)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Replicas starting together on one PostgreSQL race to create the tables: the loser of
        # a CREATE TABLE gets "already exists" (DuplicateTable, or a unique violation in
        # pg_type) and tries again, finding them made.
        for attempt in range(1, CREATE_TRIES + 1):
            try:
                super().__init__(*args, **kwargs)
                if self.engine.dialect.name == "sqlite":  # deleted rows are overwritten
                    sa.event.listen(self.engine, "connect", _secure_delete)
                    self.engine.dispose()
                Base.metadata.create_all(self.engine)
                return
            except (sa.exc.ProgrammingError, sa.exc.IntegrityError):
                if attempt == CREATE_TRIES:
                    raise
                time.sleep(0.5 * attempt)

    def _additional_events(self, session: Session, tracker: DialogueStateTracker) -> Iterator:
        """The events Rasa is about to store, masked; its turns counted
        (bot/rasa_plugins/turn_metrics.py)."""
        new = list(super()._additional_events(session, tracker))
        turn_metrics.record(new)
        return (Event.from_parameters(masked(event.as_dict())) for event in new)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the new events masked, then the clear values of ``CLEAR_SLOTS`` and the time
        they were last held (one query for the conversation's kept rows; no commit when it has
        none and holds none, as in most turns)."""
        await super().save(tracker)
        values = {name: json.dumps(slot.value, ensure_ascii=False) for name in CLEAR_SLOTS
                  if (slot := tracker.slots.get(name)) is not None and slot.value is not None}
        with self.session_scope() as session:
            rows = {row.slot: row for row in self._kept_rows(session, tracker.sender_id)}
            if not rows and not values:
                return
            for name in CLEAR_SLOTS:
                row, value = rows.get(name), values.get(name)
                if value is None:
                    if row is not None:
                        session.delete(row)
                    continue
                row = row or ClearSlotValue(sender_id=tracker.sender_id, slot=name)
                row.value, row.saved_at = value, clock.timestamp()
                session.add(row)
            session.commit()

    @staticmethod
    def _kept_rows(session: Session, sender_id: str) -> list[ClearSlotValue]:
        return session.query(ClearSlotValue).filter(ClearSlotValue.sender_id == sender_id).all()

    async def _retrieve(
        self, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> DialogueStateTracker | None:
        """The stored tracker, with the kept clear values back in their slots: the events and
        the kept rows read in one session, the tracker built once (as Rasa's own ``_retrieve``
        builds it, from the events' dicts)."""
        logs.conversation.set(sender_id)  # on the log records of the rest of this turn
        turn_metrics.started()
        with self.session_scope() as session:
            rows = self._event_query(session, sender_id, fetch_events_from_all_sessions).all()
            events = [json.loads(row.data) for row in rows]
            kept = {row.slot: json.loads(row.value)
                    for row in self._kept_rows(session, sender_id)} if events else {}
        if not (self.domain and events):
            return None
        _restore(events, kept)
        return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)

    def purge(self, older_than_days: float) -> Purged:
        """Delete what is older than ``older_than_days`` (by the clock of bot/common/clock.py):
        every event of a conversation idle since then, and in the others every event older than that
        and older than their current session, which stays whole. Also forget the clear values of
        conversations idle for longer than a session lasts (they can no longer be used)."""
        now = clock.timestamp()
        cutoff = now - older_than_days * DAY
        config = self.domain.session_config
        expired = (now - config.session_expiration_time * 60 if config.are_sessions_enabled()
                   else cutoff)
        events = self.SQLEvent.__table__
        idle = (sa.select(events.c.sender_id).group_by(events.c.sender_id)
                .having(sa.func.max(events.c.timestamp) < cutoff))
        other = events.alias("other")
        session_start = (sa.select(sa.func.max(other.c.timestamp))
                         .where(other.c.sender_id == events.c.sender_id,
                                other.c.type_name == SessionStarted.type_name)
                         .scalar_subquery())
        with self.session_scope() as session:
            conversations = session.execute(
                sa.select(sa.func.count()).select_from(idle.subquery())).scalar_one()
            deleted = session.execute(events.delete().where(
                events.c.timestamp < cutoff,
                sa.or_(events.c.sender_id.in_(idle), events.c.timestamp < session_start),
            )).rowcount
            forgotten = session.query(ClearSlotValue).filter(
                ClearSlotValue.saved_at < expired).delete(synchronize_session=False)
            session.commit()
        return Purged(conversations, deleted, forgotten)


def _restore(events: list[dict[str, Any]], kept: dict[str, Any]) -> None:
    """Put the kept values into the last event setting each of ``CLEAR_SLOTS`` (None for a
    value not kept, or kept for another value than the one the event stored masked)."""
    for name in CLEAR_SLOTS:
        setter = next((e for e in reversed(events)
                       if e.get("event") == SlotSet.type_name and e.get("name") == name), None)
        if setter is None or setter.get("value") is None:
            continue
        value = kept.get(name)
        setter["value"] = value if value is not None and masked(value) == setter["value"] else None
