"""What a citizen's story tells, by small keyword rules over the folded text: whether it is a
story at all, the kind of ticket and its topic when the words make them plain, and, for
misconduct of VSS staff, the level of the office concerned. ``None`` means "not sure": the
form then asks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from actions import fields
from bot.common.gazetteer import current_provinces, place_names
from bot.common.textnorm import fold, nfc

# Phrases are folded (no diacritics, lowercase) and matched as whole words; "bhxh" and
# "bao hiem xa hoi" are both written where it matters.
EXPLICIT = (  # the citizen names the kind: it wins
    ("denunciation", ("to cao", "to giac", "denounce", "denunciation")),
    ("complaint", ("khieu nai", "complain", "complaint")),
    ("recommendation", ("kien nghi", "gop y", "de xuat", "suggest", "suggestion", "recommend",
                        "propose")),
)
_KIND_NAMES = tuple(p for _, phrases in EXPLICIT for p in phrases)
BRIBE = (
    "doi tien", "hoi lo", "phong bi", "boi duong", "lot tay", "nhan tien", "lay tien", "chi tien",
    "dua tien", "vong vinh", "voi vinh", "nhung nhieu", "tham o", "tham nhung", "chiem doat",
    "bo tui", "an chan", "bao che", "lam gia", "gia mao", "tien ca phe", "bribe", "bribes",
    "bribery", "kickback", "kickbacks", "for money", "taking money", "took money", "takes money",
    "embezzle", "embezzled", "embezzling", "corrupt", "corruption", "forged", "under the table",
    "cover up", "covering up", "covered up", "bo duong", "ho so gia", "tai khoan ca nhan",
    "tk ca nhan", "tai khoan nguoi nha", "envelope", "personal account", "fake documents",
    "fake files",
)
# Money asked for or handed over ("đòi tôi đưa 2 triệu", "phải chi 500 nghìn", "asked me for
# 2 million", "gửi 30tr"): with staff named, a bribe. A bare "chi" (chỉ, "only", when typed
# without diacritics) counts only right before the amount.
_UNITS = (r"(?:tien|trieu|tr|nghin|ngan|k|tram|phan tram|chi phi|money|million|dong|vnd|"
          r"percent|a cut|dollars|usd|cash|a fee)")
# "phải trả tiền" (pay the hospital) or "gửi giấy nộp tiền" is no bribe: after a verb that
# does not itself demand, an amount must be named.
_MONEY = re.compile(
    r" (?:doi|bat|yeu cau|goi y|asked|asking|asks|demanded|wanted|unless)(?: [a-z0-9]+){0,5} "
    + _UNITS + " "
    r"| (?:phai|dua|gui|chuyen|pay|paid|transfer|transferred)(?: [a-z0-9]+){0,5}"
    r" (?:[0-9]+ )+" + _UNITS + " "
    r"| chi (?:[0-9]+ )+" + _UNITS + " ")
RUDE = (
    "quat", "quat thao", "hon lao", "tho lo", "cau gat", "coi thuong", "hach dich", "xuc pham",
    "chui", "nem", "doa", "gay kho de", "kho de", "thai do", "mat day", "cup may", "dap may",
    "rude", "rudely", "hung up",
    "shout", "shouted", "shouting", "yelled", "insult", "insulted", "disrespect",
    "disrespectful", "harass", "harassed", "harassment", "threaten", "threatened", "humiliated",
)
# Staff neglecting or obstructing a case, or refusing to receive a file: with staff (or an
# office) named, conduct of the office.
NEGLECT = (
    "phot lo", "lo di", "co tinh", "co y", "hen di hen lai", "hen lan hen lua", "dun day",
    "do loi", "khong tra loi", "khong nghe may", "gay kho khan", "lam kho", "ignored", "ignores",
    "ignoring", "deliberate", "deliberately", "obstruct", "obstructed", "stalled",
    "doesn t answer", "does not answer", "won t answer", "never answers", "waved me out",
    "hanh dan", "hach sach", "bat bo sung", "sai pham", "vi pham", "tieu cuc", "lam dung",
    "wrongdoing", "misconduct", "abuse of power", "laughed at",
)
REFUSE_TO_RECEIVE = (
    "khong chiu nhan", "khong tiep nhan", "khong nhan ho so", "tu choi nhan", "tu choi tiep nhan",
    "khong thu ly", "ne tra", "refused to even look", "refused to look", "refused to accept",
    "refused to receive", "refused to take", "turned me away", "turned away", "waved me away",
    "refused entry", "refused me entry", "khong cho vao", "duoi ve", "bi duoi",
    "would not accept",
    "won t accept", "would not take", "wouldn t accept", "wouldn t take",
)
# A file handed in and not received ("nộp đơn mà ko dc nhận", "mang hồ sơ lên không nhận").
# Or staff who would not take it ("cả ba lần cán bộ đều không nhận"; not "không nhận được").
_NOT_RECEIVED = re.compile(
    r" (?:nop|mang|gui|dua|submit|submitted|hand|handed)(?: [a-z0-9]+){0,6}"
    r" (?:khong|ko|k|chua) (?:duoc |dc |chiu |cho )?(?:nhan|tiep nhan) "
    r"| (?:can bo|nhan vien|chuyen vien)(?: [a-z0-9]+){0,2} (?:khong|ko) (?:chiu )?"
    r"(?:nhan|tiep nhan) (?!duoc|dc)")
STAFF = (
    "can bo", "nhan vien", "giam doc", "pho giam doc", "truong phong", "pho phong", "lanh dao",
    "chuyen vien", "truong ban", "pho truong ban", "quay", "mot cua", "officer", "officers",
    "official", "officials", "staff", "clerk", "director", "deputy director", "head of",
    "counter", "tong dai vien", "tong dai", "hotline operator", "hotline", "doan kiem tra",
    "doan thanh tra", "truong doan", "thanh tra vien", "inspection team", "team leader",
    "inspector", "inspectors", "specialist", "expert",
)
# A leader's relatives or interests tied to what the office decides (conflict of interest), or
# the office's data sold: with staff named, wrongdoing of the office.
CONFLICT = (
    "chau ruot", "em trai cua", "em gai cua", "vo ong", "vo cua", "chong cua", "nguoi nha",
    "co dong", "loi ich", "xung dot loi ich", "trung thau", "goi thau", "ban du lieu",
    "mua danh sach", "ban ra ngoai", "brother in law", "sister in law", "his wife", "her husband",
    "relative", "relatives", "shareholder", "conflict of interest", "won the contract",
    "sold our data", "selling data", "for a fee",
)
# Money handed to staff ("phải chuyển cho Giám đốc BHXH tỉnh một khoản phí").
_TO_STAFF = "(?:chuyen|dua|gui|nop|pay|paid|give|gave|hand|handed|carried)"
_PLACES = ("quay", "mot cua", "counter", "head of")  # where staff sit, not who they are
# Staff the citizen complains of or denounces ("tố cáo một cán bộ", "khiếu nại nhân viên tổng
# đài", "complain about how a provincial officer", "liên quan đến một cán bộ").
_STAFF_NAMED = re.compile(
    r" (?:khieu nai|to cao|to giac|phan anh|complain|complaint|complaints|report|reporting|"
    r"denounce|lien quan den|lien quan toi|against|xu ly|ky luat|discipline|punish)"
    r"(?: [a-z0-9]+){0,6}? (?:" + "|".join(p for p in STAFF if p not in _PLACES) + ") ")
_PAID_STAFF = re.compile(f" {_TO_STAFF}(?: tien)? (?:cho|to|the) (?:"
                         + "|".join(p for p in STAFF if p not in _PLACES) + ") ")
# Staff of an employer or a hospital, not of VSS.
_EMPLOYER_STAFF = re.compile(
    r"\b(?:giam doc|chu|nhan vien|ke toan|truong phong) (?:cong ty|doanh nghiep|xi nghiep|"
    r"nha may|xuong|nhan su|benh vien|phong kham|tiep don|y te)\b"
    r"|\b(?:company|employer|firm|hospital|clinic)'?s? (?:director|owner|boss|accountant|staff)\b"
    r"|\b(?:hr|payroll) (?:manager|officer|staff)\b")
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
    "khong dung", "tinh sai", "ghi sai", "in sai", "delay", "delayed", "late", "still not",
    "still have not", "still haven t", "pending", "refused", "refuse", "refuses", "rejected",
    "turned away", "will not process", "won t process", "would not accept", "wrong", "incorrect",
    "mistake", "missing", "not been paid", "underpaid", "tinh thieu", "khong dong y", "disagree",
    "stopped", "cut off", "bi cat", "ngung chi tra", "dung chi tra", "khong duoc tang",
    "khong duoc huong", "khong duoc chi tra", "khong duoc nhan", "khong thong bao",
    "khong dang nhap", "khong nhan duoc", "not showing", "doesn t show", "does not show", "denied",
)
# A request that an officer look at the citizen's own record or file: an enquiry when no
# misconduct, no named kind and no suggestion is told ("nhờ cán bộ xem giúp", "can someone
# check my record", "we just want to know whether anything is missing").
CHECK = (
    "kiem tra giup", "xem giup", "tra giup", "kiem tra lai giup", "kiem tra ho", "xem ho",
    "nho can bo", "nho bhxh", "nho anh chi", "can bhxh kiem tra", "check my", "check whether",
    "check if", "check why", "someone check", "look into", "verify my", "confirm whether",
)
KNOW = ("muon biet", "cho biet", "want to know", "would like to know", "need to know",
        "tell me whether", "tell us whether", "verify")
# A decision or act of the office the citizen contests: a complaint, even when an employer is
# part of the story ("nhận văn bản từ chối … tôi không đồng ý").
CONTEST = (
    "tu choi", "khong dong y", "khong chap nhan", "van ban tu choi", "quyet dinh", "bac ho so",
    "tra ve", "tra ho so", "tra lai ho so", "refused", "rejected", "refusal", "rejection",
    "disagree", "do not accept", "don t accept", "decision",
)
# A change asked of the office or the app (a suggestion even when a problem is told first).
PROPOSE = (
    "de nghi co", "de nghi mo", "de nghi them", "de nghi lap", "de nghi cho", "de nghi bo sung",
    "de nghi vssid", "de nghi bhxh phoi hop", "de nghi co quan", "nen co", "nen them",
    "mong co", "mong bhxh", "mong co quan", "it would help", "would be better", "please add",
    "could the office", "i suggest", "we suggest", "should add", "should allow",
    "should have", "should offer", "should provide", "would like the office to",
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
                 "headquarters", "vss head office", "vietnam social security", "tong dai",
                 "hotline",
                 "viet nam social security")),
)
_SHORTHAND = {"ko": "khong", "hok": "khong", "kg": "khong", "dc": "duoc", "cty": "cong ty"}
MIN_STORY_WORDS = 8
MIN_PROBLEM_WORDS = 4
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
    # "5tr", "500k": the amount and its unit as two words; "ko", "dc", "cty" written out.
    spaced = re.sub(r"(\d)([a-z])", r"\1 \2", fold(nfc(text)).replace("%", " percent "))
    words = [_SHORTHAND.get(w, w) for w in re.findall(r"[0-9a-z]+", spaced)]
    return f" {' '.join(words)} "


def _has(folded: str, phrases: tuple[str, ...]) -> bool:
    return any(f" {phrase} " in folded for phrase in phrases)


def is_story(text: str) -> bool:
    """Whether the message tells what happened (it is the description), not only asks for the
    form: at least ``MIN_STORY_WORDS`` words beyond the request's own and the kind's name, or
    ``MIN_PROBLEM_WORDS`` that state a problem ("lương hưu bị tính thiếu", "my pension has
    stopped and nobody explains why")."""
    folded = _folded(text)
    named = {w for p in _KIND_NAMES for w in p.split()}
    rest = [w for w in folded.split() if w not in _REQUEST_WORDS and w not in named]
    if len(nfc(text).strip()) < fields.MIN_DESCRIPTION:
        return False
    return len(rest) >= MIN_STORY_WORDS or (
        len(rest) >= MIN_PROBLEM_WORDS and _states_problem(folded))


def wants_action(text: str) -> bool:
    """Whether a message asks for what only an officer can do: it names a kind ("tố cáo ở
    đâu?"), says something went wrong, tells of staff misconduct, or asks that someone check
    the citizen's own record."""
    folded = _folded(text)
    return (_has(folded, _KIND_NAMES) or _states_problem(folded) or _has(folded, CHECK)
            or _has(folded, CONTEST) or read(text).misconduct)


def _states_problem(folded: str) -> bool:
    """Whether the text says something went wrong (not only what it is about)."""
    return any(_has(folded, phrases) for phrases in (HARM, UNPAID, RUDE, BRIBE, NEGLECT,
                                                     REFUSE_TO_RECEIVE))


def level_named(text: str) -> str | None:
    """The level of the VSS office a text names: grassroots, province or central; when it
    names several, the one nearest to the staff it speaks of ("BHXH tỉnh gửi ra BHXH Việt Nam,
    một chuyên viên ở đó…" is central)."""
    folded = _folded(text)
    named = [(folded.index(f" {p} "), level) for level, phrases in LEVELS for p in phrases
             if f" {p} " in folded]
    named += [(folded.index(office), "province") for office in _provincial_offices()
              if office in folded]
    if len({level for _, level in named}) <= 1:
        return named[0][1] if named else None
    staff = [m.start() for p in STAFF for m in re.finditer(f" {p} ", folded)]
    if not staff:
        return next(level for level, _ in LEVELS if level in {lv for _, lv in named})
    return min(named, key=lambda at: min(abs(at[0] - s) for s in staff))[1]


# Short answers to "which office?": "cấp xã", "phường", "tỉnh", "trung ương".
_LEVEL_WORDS = (
    ("grassroots", ("xa", "phuong", "co so", "huyen", "quan", "thi xa", "thi tran", "local",
                    "district", "commune", "ward", "grassroots")),
    ("province", ("tinh", "thanh pho", "tp", "province", "provincial", "city")),
    ("central", ("trung uong", "viet nam", "central", "national", "headquarters", "vss")),
)
_OFFICE = ("bhxh", "bao hiem xa hoi", "social insurance", "social security", "office")


@cache
def _provinces() -> tuple[str, ...]:
    """Every province name, current or former, with its short forms, folded."""
    return tuple({phrase for phrase, _, _ in _province_phrases()})


@cache
def _province_phrases() -> tuple[tuple[str, str | None, str], ...]:
    """(folded phrase, the phrase with its diacritics when it has any, province name as the
    reference data writes it) for every province phrase."""
    return tuple((folded, toned if toned != folded else None, name)
                 for name, phrases in place_names()["province"].items() for p in phrases
                 for folded, toned in [(_folded(p).strip(), _lowered(p).strip())])


def _lowered(text: str) -> str:
    words = re.findall(r"\w+", nfc(text).lower())
    return f" {' '.join(words)} "


# A word before a place's name that makes it a person's ("Trần Thị Huệ", "chị Huế").
_NAME_BEFORE = frozenset("thi van chi anh ong ba co em mr ms mrs miss".split())


def province_named(text: str) -> str | None:
    """The province a story names ("BHXH cơ sở Ý Yên, Nam Định"; a former province is kept as
    named, the ticket service maps it), when all it names belong to one current province;
    ``None`` when it names none or several (the form then asks). Typed with diacritics, the
    name must have them ("Huệ" is no "Huế"); a name after "thị", "chị", "Ms" is a person's."""
    folded, lowered = _folded(text), _lowered(text)
    toned = fold(lowered) != lowered
    named = {name for phrase, written, name in _province_phrases()
             if f" {phrase} " in folded
             and not (toned and written and f" {written} " not in lowered)
             and not any(f" {word} {phrase} " in folded for word in _NAME_BEFORE)}
    current = current_provinces()
    if len({current.get(name, name) for name in named}) != 1:
        return None
    # the longest name when one is part of another ("Hồ Chí Minh" in "TP Hồ Chí Minh")
    return max(named, key=len)


@cache
def _provincial_offices() -> tuple[str, ...]:
    """A provincial office named by its place, folded: "bhxh nghe an", "khanh hoa social
    insurance"."""
    return tuple(f" {office} " for place in _provinces() for office in (
        f"bhxh {place}", f"bao hiem xa hoi {place}", f"{place} social insurance",
        f"{place} social security"))


def level_answer(text: str) -> str | None:
    """The office level an answer to the level question names: the story's phrases, one of
    the short words, or an office by its place ("Phu Cat social insurance office": a
    province's office, else a grassroots one)."""
    folded = _folded(text)
    level = level_named(text) or next(
        (level for level, words in _LEVEL_WORDS if _has(folded, words)), None)
    if level or not _has(folded, _OFFICE):
        return level
    return "province" if _has(folded, _provinces()) else "grassroots"


def _about_staff(folded: str) -> bool:
    staff = _EMPLOYER_STAFF.sub(" ", folded)
    return _has(staff, STAFF)


def read(text: str) -> Reading:
    """The kind, topic, misconduct and office level a story makes plain."""
    folded = _folded(text)
    employer = _has(folded, EMPLOYER) and _has(folded, UNPAID)
    bribe = (_has(folded, BRIBE) or bool(_MONEY.search(folded))
             or bool(_PAID_STAFF.search(folded)))
    refused = _has(folded, REFUSE_TO_RECEIVE) or bool(_NOT_RECEIVED.search(folded))
    staff = _about_staff(folded)
    bribe = bribe or (staff and _has(folded, CONFLICT))
    misconduct = (staff and (bribe or refused or _has(folded, RUDE) or _has(folded, NEGLECT)
                             or bool(_STAFF_NAMED.search(_EMPLOYER_STAFF.sub(" ", folded)))))
    misconduct = misconduct or (refused and level_named(text) is not None)
    explicit = next((kind for kind, phrases in EXPLICIT if _has(folded, phrases)), None)
    contested = _has(folded, CONTEST)
    if explicit:
        kind: str | None = explicit
    elif misconduct and (bribe or refused or _has(folded, RUDE) or _has(folded, NEGLECT)):
        kind = "denunciation" if bribe else "complaint"
    elif misconduct:  # staff named, nothing said of what they did: the form asks
        kind = None
    elif _has(folded, PROPOSE):
        kind = "recommendation"
    elif contested:
        kind = "complaint"
    elif employer:  # a report of an employer's breach (phản ánh), not of a VSS decision
        kind = "recommendation"
    elif _has(folded, CHECK) or _has(folded, KNOW):
        kind = "enquiry"
    elif _has(folded, HARM):
        kind = "complaint"
    elif _has(folded, SUGGEST):
        kind = "recommendation"
    elif "?" in text or _has(folded, QUESTION):
        kind = "enquiry"
    else:
        kind = None
    if misconduct:
        topic: str | None = "staff_conduct"
    elif employer and not contested:
        topic = "contributions"
    else:
        topic = fields.match_term("topic", text)
    return Reading(kind, topic, misconduct, level_named(text) if misconduct else None)
