"""Channel rendering: long answers split, button limits."""

from bot.common.limits import Button, Message, render, split_text


def _paragraphs(count: int, size: int = 300) -> str:
    return "\n\n".join(f"Đoạn {n}. " + "chữ " * (size // 4) for n in range(count))


def test_short_text_is_one_chunk() -> None:
    assert split_text("Ngắn gọn.", 100) == ["Ngắn gọn."]


def test_long_text_splits_at_paragraphs_within_the_limit() -> None:
    text = _paragraphs(12)
    chunks = split_text(text, 2000)
    assert len(chunks) > 1
    assert all(len(chunk) <= 2000 for chunk in chunks)
    assert " ".join(" ".join(chunks).split()) == " ".join(text.split())  # nothing lost


def test_text_without_breaks_splits_at_words() -> None:
    chunks = split_text("từ " * 500, 100)
    assert all(len(chunk) <= 100 for chunk in chunks)
    assert all(not chunk.endswith("t") or chunk.endswith("từ") for chunk in chunks)


def test_facebook_gets_three_buttons_short_titles_and_a_short_last_chunk() -> None:
    buttons = tuple(Button(f"Câu hỏi rất dài số {n} về bảo hiểm", f"/p{n}") for n in range(5))
    out = render([Message(_paragraphs(10), buttons)], "facebook")
    assert len(out) > 1
    assert all(len(m["text"]) <= 2000 for m in out)
    last = out[-1]
    assert len(last["text"]) <= 640
    assert [b["payload"] for b in last["buttons"]] == ["/p0", "/p1", "/p2"]
    assert all(len(b["title"]) <= 20 for b in last["buttons"])
    assert all("buttons" not in m for m in out[:-1])


def test_web_keeps_buttons_and_full_titles() -> None:
    buttons = (Button("Gặp cán bộ hỗ trợ ngay", "/request_human"),)
    out = render([Message("Xin chào", buttons)], "socketio")
    assert out == [
        {
            "text": "Xin chào",
            "buttons": [{"title": "Gặp cán bộ hỗ trợ ngay", "payload": "/request_human"}],
        }
    ]
