"""Guess whether a message is Vietnamese or English, offline and in microseconds.

The language of a message is the language of its sentence frame, not of its nouns:
function words ("what", "how", "my" / "tôi", "muốn", "của", "không") decide, and
Vietnamese-looking content words only count when no frame word is there. Left out
before counting: the spans the caller names (entities: places, codes, numbers,
insurance terms), capitalised words inside a sentence (names, places, "Vietnamese"),
acronyms, and a whole message that reads as a Vietnamese personal name. So "my name
is Trần Thị Bình", "I live in Hà Nội", "what is bảo hiểm xã hội một lần?" stay
English. Numbers, codes, names and replies such as "ok" return ``None`` so the
conversation keeps its language.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from bot.common.textnorm import fold

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_SENTENCE_END = re.compile(r"[.!?:;\n]\s*$")

# Vietnamese grammar and everyday words, with their diacritics; typed without them they
# are matched folded (a marked word must match exactly: "hội" is not "hỏi", "bảo" not "bao").
_VI_FRAME_MARKED = frozenset(
    """
    tôi mình bạn anh chị em cháu có chú ông bà không hông được muốn cần hỏi xin chào
    cảm cám ơn là gì nào sao bao nhiêu này thì mà và với của cho ở tại đến khi như đâu giúp
    trợ đi rồi nhé ơi vậy đã đang sẽ bị làm về những các giùm dùm luôn nữa ai đúng sai
    vâng ừ ạ à hả hay phải biết xem kiểm tra gửi hủy thôi tên nhân viên dạ ừm dừng đừng
    chưa vẫn nên thế đó kia bây giờ sửa đổi lại muốn mấy
    """.split()
)
_VI_FRAME = frozenset(fold(w) for w in _VI_FRAME_MARKED) | {"ko", "dc", "k"}
# Syllables that are Vietnamese typed without diacritics as often as English words: they
# count for Vietnamese only with their diacritics, and for English only in an English frame.
_SHARED = frozenset("a an do to me no on hi can in be the ban may".split())
# Domain syllables typed without diacritics (content words: weaker evidence).
_VI_CONTENT = frozenset(
    """
    hiem xa hoi y te that nghiep luong huu rut mot lan dong tien so the lam thu tuc
    khieu nai to cao kien nghi phan anh ho ra thai san om dau tra cuu phieu don
    """.split()
)
_EN_FRAME = frozenset(
    """
    i you your we our they he she it its is are was were been am does did what how when
    where why who which could would should will shall might please thanks thank hello
    hey of for at with and or not yes my want need get have has had about from this that
    there here any some just like know tell give help okay yeah yep sure nope let us
    if so but than then also still already after before because same as by up out
    """.split()
)
_EN_CONTENT = frozenset(
    """
    insurance social health unemployment pension benefit claim complaint card number
    money office officer person human ticket status request form contribution book
    apply withdraw pay paid work job company employer employee sick leave maternity
    edit change phone name email address cancel goodbye
    """.split()
)
# Common Vietnamese family names, folded: a short message starting with one is a name.
_SURNAMES = frozenset(
    """
    nguyen tran le pham hoang huynh phan vu vo dang bui do ho ngo duong ly dinh mai trinh
    truong lam cao luong ha ta quach kieu doan thai luu chu vuong tong la trieu khuc
    """.split()
)
_NAME_PARTS = frozenset("van thi duc minh huu dinh quoc thanh ngoc kim".split())


def detect_language(text: str, ignore: Iterable[tuple[int, int]] = ()) -> str | None:
    """Return ``"vi"``, ``"en"`` or ``None`` when the text gives no clear sign.

    ``ignore`` holds (start, end) spans of the NFC text that say nothing about the
    language (the entities found in it).
    """
    text = unicodedata.normalize("NFC", text)
    for start, end in ignore:
        text = text[:start] + " " * (end - start) + text[end:]
    words = _frame_words(text)
    if not words or _is_personal_name(words):
        return None
    vi_frame = vi_content = en_frame = en_content = 0
    marked_seen = False
    for word in words:
        folded = fold(word)
        marked = folded != word
        marked_seen = marked_seen or marked
        if marked:
            vi_frame += word in _VI_FRAME_MARKED
            vi_content += word not in _VI_FRAME_MARKED
        elif folded in _SHARED:
            continue
        else:
            vi_frame += folded in _VI_FRAME
            vi_content += folded in _VI_CONTENT
            en_frame += folded in _EN_FRAME
            en_content += folded in _EN_CONTENT
    if en_frame >= 2 and en_frame > vi_frame:
        return "en"  # an English sentence, whatever Vietnamese terms it quotes
    vi = vi_frame + vi_content / 2
    en = en_frame + en_content / 2
    if vi == en:
        return "vi" if vi and marked_seen else None  # "Hello bạn", "thanks nhé"
    return "vi" if vi > en else "en"


def _frame_words(text: str) -> list[str]:
    """The lowercased words that can carry the language: no names, places or acronyms."""
    kept = []
    matches = list(_WORD.finditer(text))
    titled = [m.group() for m in matches if m.group()[0].isupper()]
    if len(matches) >= 2 and len(titled) == len(matches):
        return []  # "Nguyễn Văn An", "Bến Nghé": a name or a place
    for match in matches:
        word = match.group()
        starts_sentence = not text[: match.start()].strip() or bool(
            _SENTENCE_END.search(text[: match.start()])
        )
        if len(word) >= 2 and word.isupper():
            continue  # an acronym: VSS, BHXH, CCCD
        if word[0].isupper() and not starts_sentence and word != "I":
            continue  # a name, a place, "Vietnamese"
        kept.append(word.lower())
    return kept


def _is_personal_name(words: list[str]) -> bool:
    """True for 2–5 words that read as a Vietnamese name ("tran thi binh")."""
    folded = [fold(w) for w in words]
    if not 2 <= len(folded) <= 5 or folded[0] not in _SURNAMES:
        return False
    return all(w in _NAME_PARTS or w not in _VI_FRAME | _EN_FRAME for w in folded[1:])
