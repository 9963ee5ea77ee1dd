"""Console wording: Vietnamese first, English on request (`?lang=en`, kept in a cookie)."""

from __future__ import annotations

from fastapi import Request

from vss_tickets.domain.states import LABELS as STATE_LABELS
from vss_tickets.refdata import read_yaml

LANGS = ("vi", "en")
LANG_COOKIE = "vss_lang"

ACTION_LABELS = {
    "accept": ("Thụ lý", "Accept"),
    "reject": ("Không thụ lý", "Reject"),
    "claim": ("Nhận xử lý", "Claim"),
    "reply": ("Trả lời người dân", "Reply to the citizen"),
    "request_info": (
        "Yêu cầu bổ sung (tạm dừng thời hạn)",
        "Ask for information (pauses the clock)",
    ),
    "resume": ("Tiếp tục xử lý", "Resume"),
    "transfer": ("Chuyển đơn vị", "Transfer"),
    "consult": ("Xin ý kiến đơn vị khác", "Consult another unit"),
    "resolve": ("Giải quyết", "Resolve"),
    "close": ("Đóng", "Close"),
    "reopen": ("Mở lại", "Reopen"),
    "citizen_message": ("Tin nhắn của người dân", "Citizen message"),
    "created": ("Tạo yêu cầu", "Created"),
    "consultation_overdue": ("Xin ý kiến quá hạn", "Consultation overdue"),
    "rate": ("Đánh giá", "Rating"),
    "escalate": ("Báo cáo cấp trên (quá hạn)", "Escalated (overdue)"),
    "consultation_answered": ("Đơn vị được hỏi đã trả lời", "Consultation answered"),
    "take-chat": ("Nhận trao đổi trực tiếp", "Take over the chat"),
    "release-chat": ("Kết thúc trao đổi", "Release the chat"),
    "chat_taken": ("Nhận trao đổi trực tiếp", "Took over the chat"),
    "chat_released": ("Kết thúc trao đổi trực tiếp", "Released the chat"),
    "chat_expired": (
        "Trao đổi trực tiếp hết thời gian chờ",
        "Live chat expired (no officer took it)",
    ),
    "reveal": ("Xem số cá nhân đầy đủ", "Saw a personal number in full"),
    "answer": ("Trả lời xin ý kiến", "Answer the consultation"),
    "attachment_added": ("Người dân gửi tệp", "The citizen sent a file"),
    "attachment_downloaded": ("Mở tệp của người dân", "Opened a file of the citizen"),
}

WORDS = {
    "attachments": ("Tệp người dân gửi", "Files from the citizen"),
    "new_file": ("Tệp mới của người dân", "New file from the citizen"),
    "no_attachments": ("Người dân chưa gửi tệp nào.", "The citizen has sent no files."),
    "file": ("Tệp", "File"),
    "file_type": ("Loại tệp", "Type"),
    "file_size": ("Dung lượng", "Size"),
    "open_file": ("Mở", "Open"),
    "view_file": ("Xem ảnh", "View"),
    "download_file": ("Tải về", "Download"),
    "files_audited": (
        "Mỗi lần xem hoặc tải về được ghi vào nhật ký.",
        "Every view or download is recorded in the audit trail.",
    ),
    "app": ("Bàn làm việc cán bộ BHXH", "VSS staff console"),
    "login": ("Đăng nhập", "Log in"),
    "logout": ("Đăng xuất", "Log out"),
    "username": ("Tên đăng nhập", "Username"),
    "password": ("Mật khẩu", "Password"),
    "queue": ("Danh sách yêu cầu", "Queue"),
    "dashboard": ("Theo dõi, giám sát", "Supervision"),
    "switch": ("English", "Tiếng Việt"),
    "state": ("Trạng thái", "State"),
    "kind": ("Loại", "Kind"),
    "topic": ("Chủ đề", "Topic"),
    "all": ("Tất cả", "All"),
    "overdue": ("Quá hạn", "Overdue"),
    "at_risk": ("Sắp đến hạn", "At risk"),
    "mine": ("Của tôi", "Mine"),
    "search": ("Mã yêu cầu hoặc số điện thoại", "Ticket code or phone"),
    "filter": ("Lọc", "Filter"),
    "find": ("Tìm", "Find"),
    "export": ("Xuất CSV", "Export CSV"),
    "code": ("Mã", "Code"),
    "citizen": ("Người dân", "Citizen"),
    "phone": ("Điện thoại", "Phone"),
    "channel": ("Kênh, hội thoại", "Channel, conversation"),
    "unit": ("Đơn vị", "Unit"),
    "assignee": ("Cán bộ xử lý", "Assignee"),
    "nobody": ("Chưa có", "Nobody"),
    "due": ("Hạn giải quyết", "Resolution due"),
    "days_left": ("Ngày làm việc còn lại", "Working days left"),
    "total": ("Tổng", "Total"),
    "open": ("Đang mở", "Open"),
    "answered": ("Đã trả lời", "Answered"),
    "no_tickets": ("Không có yêu cầu nào", "No tickets"),
    "previous": ("Trang trước", "Previous"),
    "next": ("Trang sau", "Next"),
    "description": ("Nội dung", "Description"),
    "thread": ("Trao đổi với người dân", "Thread with the citizen"),
    "from_citizen": ("Người dân", "Citizen"),
    "from_staff": ("Cán bộ", "Staff"),
    "transcript": ("Hội thoại với trợ lý ảo", "Chat transcript"),
    "from_assistant": ("Trợ lý ảo", "Assistant"),
    "no_transcript": (
        "Không có bản ghi hội thoại kèm yêu cầu này",
        "No chat transcript came with this ticket",
    ),
    "live_chat": ("Trao đổi trực tiếp với người dân", "Live chat with the citizen"),
    "chat_waiting": ("Người dân đang chờ cán bộ từ", "The citizen has been waiting since"),
    "chat_held": ("Đang do cán bộ trao đổi:", "Held by"),
    "chat_closed": ("Đã kết thúc", "Closed"),
    "chat_released": ("cán bộ kết thúc", "released by the officer"),
    "chat_expired": ("hết thời gian chờ, không có cán bộ nhận", "expired, no officer took it"),
    "chat_badge": ("Chờ trao đổi", "Chat waiting"),
    "chats_waiting": ("Người dân đang chờ trao đổi trực tiếp", "Citizens waiting for a live chat"),
    "chat_reply_hint": (
        "Tin nhắn gửi người dân: dùng “Trả lời người dân”; người dân nhận ngay trong cuộc trò "
        "chuyện.",
        "Messages to the citizen: use “Reply to the citizen”; they reach the citizen's chat.",
    ),
    "deadlines": ("Thời hạn", "Deadlines"),
    "acceptance": ("Hạn thụ lý", "Acceptance due"),
    "first_response": ("Hạn phản hồi đầu tiên", "First response due"),
    "resolution": ("Hạn giải quyết", "Resolution due"),
    "paused": ("Tạm dừng từ", "Paused since"),
    "audit": ("Nhật ký thay đổi", "Audit trail"),
    "when": ("Thời điểm", "When"),
    "who": ("Người thực hiện", "Who"),
    "what": ("Việc", "What"),
    "why": ("Lý do / chi tiết", "Reason / details"),
    "actions": ("Xử lý", "Actions"),
    "message": ("Nội dung gửi người dân", "Message to the citizen"),
    "info_needed": ("Thông tin cần người dân bổ sung", "Information the citizen should add"),
    "reason": ("Lý do (bắt buộc)", "Reason (required)"),
    "to_unit": ("Đơn vị nhận", "To unit"),
    "question": ("Câu hỏi", "Question"),
    "answer": ("Nội dung trả lời", "Answer"),
    "days": ("Số ngày làm việc", "Working days"),
    "written_answer": ("Kết quả giải quyết (văn bản trả lời)", "Written answer"),
    "consultations": ("Xin ý kiến", "Consultations"),
    "consult_for_me": ("Đơn vị khác xin ý kiến đơn vị tôi", "Consultations addressed to my unit"),
    "send": ("Gửi", "Send"),
    "routing": ("Lý do định tuyến", "Why this unit"),
    "rating": ("Đánh giá của người dân", "Citizen rating"),
    "resolution_text": ("Kết quả giải quyết", "Resolution"),
    "transfers": ("Lượt chuyển", "Transfers"),
    "ping_pong": ("Chuyển ≥ 2 lần", "Transferred ≥ 2 times"),
    "on_time": ("Tỷ lệ đúng hạn", "On-time rate"),
    "median": ("Trung vị thời gian giải quyết (ngày)", "Median resolution time (days)"),
    "satisfaction": ("Mức hài lòng (1–5)", "Satisfaction (1–5)"),
    "resolved_count": ("Đã giải quyết", "Resolved"),
    "chart_title": ("Yêu cầu đang mở theo đơn vị", "Open tickets per unit"),
    "today": ("Hôm nay", "Today"),
    "role_officer": ("Cán bộ", "Officer"),
    "role_supervisor": ("Lãnh đạo đơn vị", "Supervisor"),
    "role_admin": ("Quản trị", "Administrator"),
    "error": ("Có lỗi", "Error"),
    "not_found": ("Không tìm thấy (hoặc không thuộc phạm vi của bạn)", "Not found (or not yours)"),
    "csrf": (
        "Phiên biểu mẫu không hợp lệ, vui lòng tải lại trang và thử lại",
        "Invalid form token; reload the page and try again",
    ),
    "forbidden_role": ("Trang này dành cho lãnh đạo đơn vị", "This page is for supervisors"),
    "required": ("Vui lòng nhập nội dung", "Please fill in this field"),
    "too_long": ("Nội dung quá dài", "Text too long"),
    "bad_days": ("Số ngày phải từ 1 đến 30", "Days must be 1 to 30"),
    "bad_phone": ("Không phải mã yêu cầu hay số điện thoại hợp lệ", "Not a code or phone number"),
    "done": ("Đã lưu", "Saved"),
    "back": ("Quay lại danh sách", "Back to the queue"),
    "show_number": ("Hiện số đầy đủ", "Show full number"),
    "cccd": ("Số CCCD", "Citizen ID (CCCD)"),
    "bhxh_code": ("Mã số BHXH", "Social insurance code"),
    "none_given": ("Không cung cấp", "Not given"),
    "assignee_only": (
        "chỉ cán bộ được giao xử lý xem được số đầy đủ",
        "only the assigned officer may see it in full",
    ),
    "reveal_refused": (
        "Chỉ cán bộ được giao xử lý yêu cầu xem được số CCCD và mã số BHXH đầy đủ",
        "Only the officer the ticket is assigned to may see the CCCD and BHXH code in full",
    ),
    "consulted_view": (
        "Đơn vị bạn được xin ý kiến về yêu cầu này: chỉ xem hồ sơ và trả lời xin ý kiến; số cá "
        "nhân được che, hội thoại với trợ lý ảo không hiển thị.",
        "Your unit was consulted on this ticket: you read the case and answer the consultation; "
        "personal numbers are masked and the chat transcript is not shown.",
    ),
    "transferred": ("Đã chuyển yêu cầu", "Ticket transferred"),
    "transferred_to": ("đã được chuyển đến", "has been transferred to"),
    "transferred_note": (
        "Yêu cầu không còn do đơn vị bạn xử lý. Đơn vị nhận tiếp tục giải quyết theo các thời "
        "hạn dưới đây.",
        "Your unit no longer handles the ticket. The receiving unit goes on within the deadlines "
        "below.",
    ),
    "transfer_reason": ("Lý do chuyển", "Reason for the transfer"),
    "open_ticket": ("Mở yêu cầu", "Open the ticket"),
    "live_ended": (
        "Trang đã ngừng tự cập nhật (phiên đăng nhập hết hạn hoặc yêu cầu không còn thuộc phạm "
        "vi của bạn). Vui lòng tải lại trang.",
        "This page stopped updating itself (the session ended or the ticket left your scope). "
        "Please reload the page.",
    ),
    "new_message": ("Tin nhắn mới của người dân", "New message from the citizen"),
    "sound_on": ("Âm báo: bật", "Sound: on"),
    "sound_off": ("Âm báo: tắt", "Sound: off"),
    "left_suffix": ("ngày", "days"),
    "overdue_by": ("quá", "late by"),
    "skip": ("Bỏ qua đến nội dung", "Skip to content"),
}


def pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def request_lang(request: Request) -> str:
    """`lang` from the query, else from the cookie, else Vietnamese."""
    for value in (request.query_params.get("lang"), request.cookies.get(LANG_COOKIE)):
        if value in LANGS:
            return value
    return "vi"


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


class Texts:
    """Lookup of words and data labels in one language, for templates."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        routing = read_yaml("routing.yaml")
        self._kinds = routing["kinds"]
        self._topics = routing["topics"]

    def __call__(self, key: str) -> str:
        return pick(WORDS[key], self.lang)

    def state(self, state: str) -> str:
        """Core's state labels; staff read the citizen-facing English of a pause differently."""
        if state == "waiting_citizen" and self.lang == "en":
            return "Waiting for the citizen"
        return _first_upper(pick(STATE_LABELS.get(state, (state, state)), self.lang))

    def action(self, action: str) -> str:
        return pick(ACTION_LABELS.get(action, (action, action)), self.lang)

    def kind(self, kind: str) -> str:
        return _first_upper(self._kinds.get(kind, {}).get(self.lang, kind))

    def topic(self, topic: str) -> str:
        return _first_upper(self._topics.get(topic, {}).get(self.lang, topic))

    @property
    def kinds(self) -> list[str]:
        return list(self._kinds)

    @property
    def topics(self) -> list[str]:
        return list(self._topics)
