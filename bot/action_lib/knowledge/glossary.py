"""A general English-Vietnamese glossary of social, health and unemployment insurance words.

Used to give a question evidence from the entries' texts in the other language (an English
question is also matched, through its translated words, against the Vietnamese variants and
answers, and the reverse). Written from the field's ordinary vocabulary, not from any list of
questions; one line per concept, synonyms of one language separated by ``|``.
"""

from __future__ import annotations

from functools import cache

from bot.action_lib.knowledge.prepare import prepare

GLOSSARY: tuple[tuple[str, str], ...] = (
    # Schemes and bodies
    ("social insurance|social security", "bảo hiểm xã hội"),
    ("health insurance", "bảo hiểm y tế"),
    ("unemployment insurance", "bảo hiểm thất nghiệp"),
    ("insurance", "bảo hiểm"),
    ("unemployment|unemployed|jobless", "thất nghiệp"),
    ("voluntary", "tự nguyện"),
    ("compulsory|mandatory", "bắt buộc"),
    ("fund", "quỹ"),
    ("agency|office|authority", "cơ quan"),
    ("government|state", "nhà nước"),
    ("resolution", "nghị quyết"),
    ("decree", "nghị định"),
    ("decision", "quyết định"),
    ("law", "luật"),
    ("policy", "chính sách"),
    # People
    ("employee|worker|workers|employees", "người lao động"),
    ("employer|company|business|enterprise", "doanh nghiệp|công ty|người sử dụng lao động"),
    ("men|male|man", "nam giới|lao động nam"),
    ("women|female|woman", "nữ giới|lao động nữ"),
    ("wife", "vợ"),
    ("husband|father", "chồng|cha"),
    ("mother", "người mẹ"),
    ("child|children|baby|newborn", "trẻ em|con|trẻ sơ sinh"),
    ("student|pupil", "học sinh|sinh viên"),
    ("elderly|senior", "người cao tuổi"),
    ("household|family", "hộ gia đình"),
    ("poor", "hộ nghèo"),
    ("relative", "thân nhân"),
    ("citizen|people", "công dân|người dân"),
    ("officer|staff|official", "cán bộ|nhân viên|công chức"),
    ("dependant|dependent", "người phụ thuộc"),
    # Benefits
    ("pension|retirement|retire", "lương hưu|nghỉ hưu|hưu trí"),
    ("maternity|pregnancy|pregnant", "thai sản|mang thai"),
    ("childbirth|birth|give birth", "sinh con"),
    ("sickness|sick|illness|ill", "ốm đau"),
    ("disease", "bệnh"),
    ("accident", "tai nạn"),
    ("occupational", "nghề nghiệp"),
    ("death|died|survivor", "tử tuất|chết|qua đời"),
    ("funeral|burial", "mai táng"),
    ("allowance|benefit|benefits", "trợ cấp|chế độ|quyền lợi"),
    ("lump sum|one-time|one time", "một lần"),
    ("monthly", "hằng tháng|hàng tháng"),
    ("support|assistance|aid|help", "hỗ trợ"),
    ("training", "đào tạo|học nghề"),
    ("leave|time off", "nghỉ"),
    ("recuperation|convalescence", "dưỡng sức|phục hồi sức khỏe"),
    ("prenatal|antenatal", "khám thai"),
    ("miscarriage|abortion", "sẩy thai|phá thai"),
    ("adoption|adopt", "nhận nuôi"),
    ("contraception|sterilisation", "tránh thai|triệt sản"),
    ("medical|treatment|examination|hospital", "khám chữa bệnh|bệnh viện"),
    ("card", "thẻ"),
    ("book", "sổ"),
    # Money and contributions
    ("contribution|contribute|contributions", "đóng|mức đóng"),
    ("rate|percentage|percent", "tỷ lệ|phần trăm"),
    ("amount|level|how much", "mức|bao nhiêu"),
    ("salary|wage|income", "tiền lương|lương|thu nhập"),
    ("base salary|statutory pay|reference level", "lương cơ sở|mức tham chiếu"),
    ("minimum", "tối thiểu"),
    ("maximum|ceiling|cap", "tối đa|mức trần"),
    ("formula|calculate|calculation|computed", "cách tính|công thức"),
    ("average", "bình quân"),
    ("arrears|debt|owe|unpaid|late payment", "nợ|chậm đóng|trốn đóng"),
    ("refund|reimburse", "hoàn trả|thanh toán"),
    ("bank account|account", "tài khoản"),
    ("cash", "tiền mặt"),
    ("discount|reduction|reduce|cut", "giảm"),
    ("pause|suspend|suspension", "tạm dừng|tạm ngừng"),
    # Time
    ("year|years", "năm"),
    ("month|months", "tháng"),
    ("day|days", "ngày"),
    ("working day|working days", "ngày làm việc"),
    ("age|old", "tuổi"),
    ("deadline|time limit|within", "thời hạn|hạn"),
    ("duration|how long|period", "thời gian"),
    ("before", "trước"),
    ("after|from", "sau|từ"),
    ("now|currently|today|still", "hiện nay|bây giờ|còn"),
    ("early", "sớm"),
    ("late", "muộn|chậm"),
    # Procedure
    ("documents|papers|dossier|paperwork|application file", "hồ sơ|giấy tờ"),
    ("procedure|process|steps", "thủ tục|quy trình"),
    ("apply|application|submit|file", "nộp|đăng ký|làm hồ sơ"),
    ("register|registration|sign up", "đăng ký"),
    ("receive|get|collect", "nhận|hưởng|lĩnh"),
    ("withdraw|withdrawal|cash out", "rút|lãnh"),
    ("where", "ở đâu|nơi"),
    ("who|whom", "ai|đối tượng"),
    ("conditions|eligible|eligibility|qualify|requirement", "điều kiện"),
    ("online|internet|electronic", "trực tuyến|qua mạng|điện tử"),
    ("app|application software", "ứng dụng"),
    ("website|portal", "cổng|trang web"),
    ("phone|hotline|helpline|call", "điện thoại|đường dây nóng|tổng đài"),
    ("complaint|complain", "khiếu nại"),
    ("denunciation|denounce|report wrongdoing", "tố cáo"),
    ("feedback|petition", "phản ánh|kiến nghị"),
    ("reception|receive citizens", "tiếp công dân"),
    ("check|look up|verify", "tra cứu|kiểm tra"),
    ("wrong|error|mistake|incorrect", "sai|sai sót|nhầm"),
    ("correct|fix|amend|change", "sửa|điều chỉnh|thay đổi"),
    ("lost|lose", "mất"),
    ("reissue|replace|replacement", "cấp lại|đổi"),
    ("abroad|overseas|emigrate|settle", "ra nước ngoài|định cư"),
    ("contract|labour contract", "hợp đồng lao động|hợp đồng"),
    ("quit|resign|terminate|termination|leave job", "nghỉ việc|thôi việc|chấm dứt hợp đồng"),
    ("job|work|employment", "việc làm|làm việc"),
    ("identity card|id card|citizen id", "căn cước|căn cước công dân"),
)


def translate(text: str, language: str, *, toned: bool = False) -> str:
    """The glossary terms found in a prepared ``text`` of ``language``, in the other language.

    ``toned`` says the Vietnamese text kept its diacritics. Terms are matched longest first; the
    result is prepared text of the other language, empty when no term is found.
    """
    phrases = _phrases(language, toned)
    longest = max(len(key) for key in phrases)
    tokens = text.split()
    found = []
    start = 0
    while start < len(tokens):
        for length in range(min(longest, len(tokens) - start), 0, -1):
            translation = phrases.get(tuple(tokens[start : start + length]))
            if translation:
                found.append(translation)
                start += length
                break
        else:
            start += 1
    return " ".join(found)


@cache
def _phrases(language: str, toned: bool) -> dict[tuple[str, ...], str]:
    """Prepared terms of ``language`` (as word tuples) -> their prepared translations."""
    source = 0 if language == "en" else 1
    other = "vi" if language == "en" else "en"
    collected: dict[tuple[str, ...], list[str]] = {}
    for pair in GLOSSARY:
        translations = [prepare(term, other) for term in pair[1 - source].split("|")]
        for term in pair[source].split("|"):
            key = tuple(prepare(term, language, toned=toned).split())
            if key:
                collected.setdefault(key, []).extend(t for t in translations if t)
    return {key: " ".join(dict.fromkeys(words)) for key, words in collected.items() if words}
