"""The one-button offer to send what the citizen wrote as a ticket: after a story, after a
knowledge answer that cannot settle the citizen's own case, and in the fallback."""

from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from actions import story
from actions.replies import label_in, text_in
from bot.common.user_text import typed

PAYLOAD = "/file_complaint"


def offer_story(dispatcher: CollectingDispatcher, language: str, told: str) -> None:
    """Offer ``told`` as a ticket of the kind it makes plain: a story is sent as it is; a
    question ("tố cáo cán bộ ở đâu?") gets the offer to take the matter here."""
    kind = story.read(told).kind
    what = label_in(language, kind).lower() if kind else text_in(language, "a_request")
    if story.is_story(told):
        message, title = text_in(language, "story_offer", what=what), "send_story"
    else:
        message, title = text_in(language, "question_offer", what=what), "ticket"
    dispatcher.utter_message(text=message, buttons=[
        {"title": text_in(language, title), "payload": PAYLOAD}])


def offer_if_for_an_officer(dispatcher: CollectingDispatcher, language: str, message: str) -> bool:
    """Offer ``message`` as a ticket when the citizen typed it and it asks for what only an
    officer can do (``story.wants_action``); whether the offer was made."""
    if not (typed(message) and story.wants_action(message)):
        return False
    offer_story(dispatcher, language, message)
    return True
