"""What the widget's history endpoint returns from a tracker's events."""

from __future__ import annotations

from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered

from bot.rasa_plugins.channels.transcript import is_web_conversation, transcript


def test_user_and_bot_messages_with_buttons_and_pressed_titles() -> None:
    buttons = [{"title": "Gửi khiếu nại", "payload": "/file_complaint"}]
    events = [
        ActionExecuted("action_listen"),
        UserUttered("xin chào", input_channel="socketio", metadata={"language": "vi"}),
        BotUttered("Xin chào!", data={"buttons": buttons}),
        SlotSet("language", "vi"),
        UserUttered("/file_complaint", input_channel="socketio",
                    metadata={"display": "Gửi khiếu nại"}),
        UserUttered("EXTERNAL: staff_reply", input_channel="zalo"),
        BotUttered("Cán bộ: đã nhận."),
    ]
    assert [(m["from"], m["text"], m.get("buttons")) for m in transcript(events)] == [
        ("user", "xin chào", None),
        ("bot", "Xin chào!", buttons),
        ("user", "Gửi khiếu nại", None),
        ("bot", "Cán bộ: đã nhận.", None),
    ]
    assert is_web_conversation(events)


def test_conversations_from_other_channels_are_not_web_conversations() -> None:
    assert not is_web_conversation([UserUttered("hi", input_channel="zalo")])
    assert not is_web_conversation([UserUttered("hi", input_channel="socketio"),
                                    UserUttered("hi", input_channel="rest")])
    assert is_web_conversation([])
