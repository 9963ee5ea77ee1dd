"""What a citizen's story tells, by small keyword rules over the folded text: whether it is a
story at all, the kind of ticket and its topic when the words make them plain, and, for
misconduct of VSS staff, the level of the office concerned. ``None`` means "not sure": the
form then asks."""

from __future__ import annotations

import re
from dataclasses import dataclass

from actions import fields
from bot.textnorm import fold, nfc

# Phrases are folded (no diacritics, lowercase) and matched as whole words; "bhxh" and
# "bao hiem xa hoi" are both written where it matters.
EXPLICIT = (  # the citizen names the kind: it wins
    ("denunciation", ("to cao", "to giac", "denounce", "denunciation")),
    ("complaint", ("khieu nai", "complain", "complaint")),
    ("recommendation", ("kien nghi", "gop y", "de xuat", "suggest", "suggestion", "recommend",
                        "propose")),
)
BRIBE = (
    "doi tien", "hoi lo", "phong bi", "boi duong", "lot tay", "nhan tien", "lay tien", "chi tien",
    "dua tien", "vong vinh", "voi vinh", "nhung nhieu", "tham o", "tham nhung", "chiem doat",
    "bo tui", "an chan", "bao che", "lam gia", "gia mao", "tien ca phe", "bribe", "bribes",
    "bribery", "kickback", "kickbacks", "for money", "taking money", "took money", "takes money",
    "embezzle", "embezzled", "embezzling", "corrupt", "corruption", "forged", "under the table",
    "cover up", "covering up", "covered up",
)
# Money asked for or handed over ("đòi tôi đưa 2 triệu", "phải chi 500 nghìn", "asked me for
# 2 million"): with staff named, a bribe.
_MONEY = re.compile(
    r" (?:doi|bat|yeu cau|goi y|phai|dua|chi|asked|demanded|wanted|pay|paid)(?: [a-z0-9]+){0,5}"
    r" (?:tien|trieu|tr|nghin|ngan|tram|money|million|dong|vnd) ")
RUDE = (
    "quat", "quat thao", "hon lao", "tho lo", "cau gat", "coi thuong", "hach dich", "xuc pham",
    "chui", "nem", "doa", "gay kho de", "kho de", "thai do", "mat day", "rude", "rudely",
    "shout", "shouted", "shouting", "yelled", "insult", "insulted", "disrespect",
    "disrespectful", "harass", "harassed", "harassment", "threaten", "threatened", "humiliated",
)
STAFF = (
    "can bo", "nhan vien", "giam doc", "pho giam doc", "truong phong", "pho phong", "lanh dao",
    "chuyen vien", "quay", "mot cua", "officer", "officers", "official", "officials", "staff",
    "clerk", "director", "deputy director", "head of", "counter",
)
# Staff of an employer, not of VSS.
_EMPLOYER_STAFF = re.compile(
    r"\b(?:giam doc|chu|nhan vien|ke toan|truong phong) (?:cong ty|doanh nghiep|xi nghiep|"
    r"nha may|xuong)\b|\b(?:company|employer|firm)'?s? (?:director|owner|boss|accountant)\b")
EMPLOYER = ("cong ty", "doanh nghiep", "chu doanh nghiep", "xi nghiep", "nha may", "xuong",
            "chu su dung", "employer", "company", "firm", "factory", "boss")
UNPAID = (
    "khong dong", "chua dong", "no bhxh", "no bao hiem", "no dong", "tron dong", "cham dong",
    "chiem dung", "tru tien", "tru luong", "chi dong", "khong bao tang", "khong tham gia",
    "never paid", "not paid", "has not paid", "hasn t paid", "didn t pay", "does not pay",
    "doesn t pay", "not paying", "stopped paying", "deducts", "deducted", "never registered",
    "not registered", "evade", "evading", "evasion", "owes",
)
HARM = (  # delay, refusal, wrong data: a right not met
    "cham", "qua han", "qua hen", "lau roi", "chua nhan duoc", "chua duoc", "van chua",
    "chua thay", "chua co", "cho mai", "tu choi", "khong chiu nhan", "khong nhan",
    "khong tiep nhan", "khong cho", "tra ve", "tra lai", "bat ve", "sai", "nham", "bi thieu",
    "khong dung",
    "tinh sai", "ghi sai", "in sai", "delay", "delayed", "late", "still not", "still have not",
    "still haven t", "pending", "refused", "refuse", "refuses", "rejected", "turned away",
    "will not process", "won t process", "would not accept", "wrong", "incorrect", "mistake",
    "missing", "not been paid", "underpaid",
)
SUGGEST = ("mong", "nen co", "nen lam", "nen cho", "should", "it would help", "would be better",
           "improve", "please add", "phan anh", "report")
# A question for an officer: an enquiry when nothing else is told.
QUESTION = ("co duoc khong", "duoc khong", "khong a", "the nao", "lam sao", "bao nhieu", "bao gio",
            "o dau", "nhu the nao", "co phai", "hay khong", "vi sao", "tai sao", "how", "what",
            "when", "where", "why",
            "which", "can i", "do i", "is it", "am i", "should i")
LEVELS = (  # the most specific first: "BHXH huyện X, tỉnh Y" is about the grassroots office
    ("grassroots", ("bhxh xa", "bhxh phuong", "bhxh co so", "bhxh huyen", "bhxh quan",
                    "bhxh thi xa", "bhxh thi tran", "bao hiem xa hoi xa", "bao hiem xa hoi phuong",
                    "bao hiem xa hoi co so", "bao hiem xa hoi huyen", "bao hiem xa hoi quan",
                    "district", "grassroots", "ward office", "commune office", "local office",
                    "local social security", "local si")),
    ("province", ("bhxh tinh", "bhxh thanh pho", "bhxh tp", "bao hiem xa hoi tinh",
                  "bao hiem xa hoi thanh pho", "provincial", "province office", "city office")),
    ("central", ("bhxh viet nam", "bao hiem xa hoi viet nam", "trung uong", "central",
                 "headquarters", "vss head office")),
)
MIN_STORY_WORDS = 8
# The words of a bare request for the form ("tôi muốn gửi đơn khiếu nại về lương hưu").
_REQUEST_WORDS = frozenset(
    "toi minh em muon can gui lam don mot phieu yeu cau ve viec cho hoi i want would like to "
    "file make a an send lodge about my please help".split())


@dataclass(frozen=True)
class Reading:
    """The kind and topic a story makes plain (``None``: not sure) and, for misconduct of VSS
    staff, the level of the office concerned (``None``: not said)."""

    kind: str | None
    topic: str | None
    misconduct: bool
    level: str | None


def _folded(text: str) -> str:
    return f" {' '.join(re.findall(r'[0-9a-z]+', fold(nfc(text))))} "


def _has(folded: str, phrases: tuple[str, ...]) -> bool:
    return any(f" {phrase} " in folded for phrase in phrases)


def is_story(text: str) -> bool:
    """Whether the message tells what happened (it is the description), not only asks for the
    form: at least ``MIN_STORY_WORDS`` words beyond the request's own and the kind's name."""
    words = _folded(text).split()
    named = {w for _, phrases in EXPLICIT for p in phrases for w in p.split()}
    rest = [w for w in words if w not in _REQUEST_WORDS and w not in named]
    return len(rest) >= MIN_STORY_WORDS and len(nfc(text).strip()) >= fields.MIN_DESCRIPTION


def level_named(text: str) -> str | None:
    """The level of the VSS office a text names: grassroots, province or central."""
    folded = _folded(text)
    return next((level for level, phrases in LEVELS if _has(folded, phrases)), None)


# Short answers to "which office?": "cấp xã", "phường", "tỉnh", "trung ương".
_LEVEL_WORDS = (
    ("grassroots", ("xa", "phuong", "co so", "huyen", "quan", "thi xa", "thi tran", "local",
                    "district", "commune", "ward", "grassroots")),
    ("province", ("tinh", "thanh pho", "tp", "province", "provincial", "city")),
    ("central", ("trung uong", "viet nam", "central", "national", "headquarters")),
)


def level_answer(text: str) -> str | None:
    """The office level an answer to the level question names (the story's phrases, or one
    of the short words)."""
    folded = _folded(text)
    return level_named(text) or next(
        (level for level, words in _LEVEL_WORDS if _has(folded, words)), None)


def _about_staff(folded: str) -> bool:
    staff = _EMPLOYER_STAFF.sub(" ", folded)
    return _has(staff, STAFF)


def read(text: str) -> Reading:
    """The kind, topic, misconduct and office level a story makes plain."""
    folded = _folded(text)
    employer = _has(folded, EMPLOYER) and _has(folded, UNPAID)
    bribe = _has(folded, BRIBE) or bool(_MONEY.search(folded))
    rude = _has(folded, RUDE)
    misconduct = (bribe or rude) and _about_staff(folded)
    explicit = next((kind for kind, phrases in EXPLICIT if _has(folded, phrases)), None)
    if explicit:
        kind: str | None = explicit
    elif misconduct:
        kind = "denunciation" if bribe else "complaint"
    elif employer or _has(folded, HARM):
        kind = "complaint"
    elif _has(folded, SUGGEST):
        kind = "recommendation"
    elif "?" in text or _has(folded, QUESTION):
        kind = "enquiry"
    else:
        kind = None
    if misconduct:
        topic: str | None = "staff_conduct"
    elif employer:
        topic = "contributions"
    else:
        topic = fields.match_term("topic", text)
    return Reading(kind, topic, misconduct, level_named(text) if misconduct else None)
