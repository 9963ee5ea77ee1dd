"""Conversation ids: namespaced per channel and validated everywhere they are used.

A conversation id is ``<prefix>:<local id>``: ``rest:`` (Rasa's REST channel, the id the
client chose), ``web:`` (the web chat, a 32-hex session the server issued), ``zalo:`` (a Zalo
user id), ``fb:`` (a Messenger page-scoped id). The prefix comes from the channel that received
the message, never from the client, so no channel can speak for another channel's citizen; the
strict pattern keeps ids safe in URLs, logs and the ticket service.

Conversations started before the prefixes (a bare ``[A-Za-z0-9_-]{1,64}``) stay valid so that
their tickets are still delivered; they carry no channel of their own.
"""

from __future__ import annotations

import re

# Rasa's input channel name -> the prefix of its conversations.
PREFIXES = {"rest": "rest", "socketio": "web", "zalo": "zalo", "facebook": "fb"}
CHANNELS = {prefix: channel for channel, prefix in PREFIXES.items()}
MAX_LOCAL_LENGTH = 64
LOCAL_ID = {
    "rest": re.compile(r"[A-Za-z0-9_-]{1,64}"),
    "web": re.compile(r"[0-9a-f]{32}"),
    "zalo": re.compile(r"[0-9]{1,32}"),
    "fb": re.compile(r"[0-9]{1,32}"),
}
LEGACY_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
MAX_LENGTH = max(len(p) for p in CHANNELS) + 1 + MAX_LOCAL_LENGTH


class BadConversationId(ValueError):
    """A conversation id (or a channel's user id) that is not of the expected shape."""


def make(channel: str, local: object) -> str:
    """The conversation id of ``local`` (the channel's own user or session id) on ``channel``.

    Raises :class:`BadConversationId` for an unknown channel or a malformed id."""
    prefix = PREFIXES.get(channel)
    if prefix is None:
        raise BadConversationId(f"no conversations on channel {channel!r}")
    if not isinstance(local, str) or not LOCAL_ID[prefix].fullmatch(local):
        raise BadConversationId(f"malformed {channel} id")
    return f"{prefix}:{local}"


def channel_of(conversation: str) -> str | None:
    """The Rasa channel a valid namespaced id belongs to; None for a legacy id.

    Raises :class:`BadConversationId` when ``conversation`` is not a valid id at all."""
    if not isinstance(conversation, str) or len(conversation) > MAX_LENGTH:
        raise BadConversationId("malformed conversation id")
    prefix, colon, local = conversation.partition(":")
    if not colon:
        if LEGACY_ID.fullmatch(conversation):
            return None
        raise BadConversationId("malformed conversation id")
    if prefix not in LOCAL_ID or not LOCAL_ID[prefix].fullmatch(local):
        raise BadConversationId("malformed conversation id")
    return CHANNELS[prefix]


def local_of(conversation: str) -> str:
    """The channel's own id inside a namespaced conversation id (``zalo:123`` -> ``123``)."""
    return conversation.partition(":")[2] or conversation


def is_valid(conversation: object) -> bool:
    """True for a namespaced or legacy conversation id."""
    try:
        channel_of(conversation)  # type: ignore[arg-type]
    except BadConversationId:
        return False
    return True
