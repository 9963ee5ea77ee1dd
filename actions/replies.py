"""Bilingual texts said by the custom actions, chosen by the ``language`` slot."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.common.contact import with_contact
from bot.common.vocabulary import kinds, state_statuses, topics

# key: (Vietnamese, English). Placeholders are filled with str.format.
TEXTS: dict[str, tuple[str, str]] = {
    "ask_ticket_kind": (
        "Bạn muốn gửi loại yêu cầu nào? Gõ \"dừng\" bất cứ lúc nào để hủy.",
        "What would you like to send? Type \"stop\" at any time to cancel.",
    ),
    "kind_unknown": (
        "Bạn vui lòng chọn một loại: khiếu nại, kiến nghị/phản ánh, tố cáo hoặc hỏi đáp.",
        "Please choose one: complaint, recommendation/report, denunciation or enquiry.",
    ),
    "ask_topic": (
        "Nội dung liên quan đến lĩnh vực nào? Chọn một mục hoặc gõ vài từ (ví dụ: lương hưu).",
        "Which area is it about? Pick one or type a few words (e.g. pension).",
    ),
    "topic_unknown": (
        "Tôi chưa nhận ra lĩnh vực này. Bạn chọn một mục bên dưới, hoặc gõ \"khác\".",
        "I did not recognise that area. Please pick one below, or type \"other\".",
    ),
    "ask_description": (
        "Bạn vui lòng mô tả nội dung: sự việc gì, khi nào, tại cơ quan BHXH nào "
        "(ít nhất {min} ký tự).",
        "Please describe it: what happened, when, and which office was involved "
        "(at least {min} characters).",
    ),
    "description_too_short": (
        "Mô tả hơi ngắn. Bạn vui lòng viết rõ hơn (ít nhất {min} ký tự).",
        "That is a little short. Please give more detail (at least {min} characters).",
    ),
    "description_too_long": (
        "Mô tả quá dài. Bạn vui lòng rút gọn dưới {max} ký tự.",
        "That is too long. Please keep it under {max} characters.",
    ),
    "ask_province": (
        "Sự việc xảy ra ở tỉnh/thành phố nào? (tên cũ trước 7/2025 cũng được, ví dụ Bình Dương)",
        "In which province or city did it happen? (names from before 7/2025 are fine too)",
    ),
    "province_needed": (
        "Cần biết tỉnh/thành phố nơi xảy ra sự việc để chuyển đúng cơ quan BHXH có trách "
        "nhiệm. Bạn vui lòng nhập tên tỉnh/thành phố (ví dụ: Hà Nội, Nghệ An).",
        "The province or city where it happened decides which VSS office handles it. Please "
        "type its name (e.g. Ha Noi, Nghe An).",
    ),
    "province_unknown": (
        "Tôi chưa nhận ra tỉnh/thành phố này. Bạn vui lòng nhập lại tên tỉnh/thành phố "
        "(ví dụ: Hà Nội, TP Hồ Chí Minh, Nghệ An).",
        "I do not recognise that province. Please type the province or city again "
        "(e.g. Ha Noi, Ho Chi Minh City, Nghe An).",
    ),
    "ask_commune": (
        "Xã/phường nào? Nếu không rõ, gõ \"bỏ qua\".",
        "Which commune or ward? If you are not sure, type \"skip\".",
    ),
    "commune_invalid": (
        "Tên xã/phường chưa hợp lệ. Bạn nhập lại (ví dụ: Phường Sài Gòn) hoặc gõ \"bỏ qua\".",
        "That commune name is not valid. Type it again (e.g. Sai Gon Ward) or \"skip\".",
    ),
    "ask_full_name_required": (
        "Theo quy định, {kind_lower} cần ghi rõ họ tên người gửi.{protected} Bạn vui lòng cho "
        "biết họ và tên.",
        "The law requires a {kind_lower} to name the person making it.{protected} What is your "
        "full name?",
    ),
    "denouncer_protected": (
        " Danh tính của người tố cáo được giữ bí mật theo quy định của pháp luật.",
        " The law keeps a denouncer's identity confidential.",
    ),
    "story_offer": (
        "Tôi có thể gửi ngay nội dung bạn vừa kể thành {what} đến cơ quan BHXH có trách nhiệm, "
        "bạn không cần viết lại. Bấm nút dưới đây, tôi sẽ chỉ hỏi thêm vài thông tin cần "
        "thiết. Bạn cũng có thể kể thêm trước khi gửi.",
        "I can send what you just told me as {what} to the responsible VSS office: you do not "
        "need to write it again. Press the button below and I will only ask for a few details. "
        "You can also add to it before sending.",
    ),
    "question_offer": (
        "Nếu bạn muốn cơ quan BHXH xem xét trường hợp của chính mình, tôi có thể nhận {what} "
        "ngay tại đây và chuyển đến đơn vị có trách nhiệm.",
        "If you want VSS to look into your own case, I can take {what} here and send it to the "
        "responsible office.",
    ),
    "a_request": ("một yêu cầu", "a request"),
    "send_story": ("Gửi nội dung này", "Send this"),
    "ask_office_level": (
        "Cán bộ hoặc đơn vị bạn phản ánh thuộc cơ quan BHXH cấp nào? Yêu cầu sẽ được chuyển "
        "đến cấp trên của đơn vị đó, không giao cho chính đơn vị bị phản ánh.",
        "Which level of VSS office do the staff or office you report belong to? The matter "
        "goes to the level above that office, never to the office itself.",
    ),
    "office_level_unknown": (
        "Bạn chọn một cấp: BHXH cơ sở (xã, phường), BHXH tỉnh/thành phố, hoặc BHXH Việt Nam.",
        "Please choose one: grassroots office (commune, ward), provincial office, or Vietnam "
        "Social Security (central).",
    ),
    "level_grassroots": ("BHXH cơ sở (xã, phường)", "Grassroots office"),
    "level_province": ("BHXH tỉnh, thành phố", "Provincial office"),
    "level_central": ("BHXH Việt Nam (trung ương)", "Vietnam Social Security (central)"),
    "summary_above": (
        "- Nơi xử lý: vì nội dung liên quan đến cán bộ của {concerned}, yêu cầu được chuyển "
        "đến {above} (cấp trên), không giao cho chính đơn vị bị phản ánh.",
        "- Handled by: as it concerns staff of {concerned}, it goes to {above} (the level "
        "above), never to the office concerned.",
    ),
    "summary_above_unknown": (
        "- Nơi xử lý: vì nội dung liên quan đến cán bộ của {concerned}, yêu cầu được chuyển "
        "đến cấp trên, không giao cho chính đơn vị bị phản ánh.",
        "- Handled by: as it concerns staff of {concerned}, it goes to the level above, never "
        "to the office concerned.",
    ),
    "ask_full_name_optional": (
        "Bạn vui lòng cho biết họ và tên (không bắt buộc, gõ \"bỏ qua\" nếu không muốn).",
        "What is your full name? (optional: type \"skip\" if you prefer not to say)",
    ),
    "name_invalid": (
        "Họ và tên chưa hợp lệ. Bạn vui lòng nhập họ tên bằng chữ (ví dụ: Nguyễn Văn An).",
        "That name is not valid. Please type your full name in letters (e.g. Nguyen Van An).",
    ),
    "ask_phone": (
        "Cho tôi xin số điện thoại để cơ quan BHXH liên hệ với bạn (ví dụ 0912345678).",
        "Which phone number can the office reach you on? (e.g. 0912345678)",
    ),
    "phone_invalid": (
        "Số điện thoại chưa hợp lệ. Số di động gồm 10 chữ số, bắt đầu bằng 0 (ví dụ 0912345678).",
        "That phone number is not valid. A mobile number has 10 digits starting with 0 "
        "(e.g. 0912345678).",
    ),
    "ask_id_number": (
        "Nếu có, bạn cho biết số CCCD (12 chữ số) hoặc mã số BHXH (10 chữ số) để tra cứu "
        "hồ sơ nhanh hơn. Không bắt buộc: gõ \"bỏ qua\".",
        "If you have it, give your citizen ID (12 digits) or social insurance code "
        "(10 digits) so the office finds your file faster. Optional: type \"skip\".",
    ),
    "id_number_invalid": (
        "Số CCCD có 12 chữ số, mã số BHXH có 10 chữ số. Bạn nhập lại hoặc gõ \"bỏ qua\".",
        "A citizen ID has 12 digits and a social insurance code 10. Type it again or \"skip\".",
    ),
    "ask_consent": (
        "Theo Nghị định 13/2023/NĐ-CP về bảo vệ dữ liệu cá nhân, bạn có đồng ý để cơ quan "
        "BHXH xử lý thông tin cá nhân bạn cung cấp chỉ nhằm giải quyết yêu cầu này không?",
        "Under Decree 13/2023/ND-CP on personal data protection, do you agree that VSS "
        "processes the personal data you gave only to handle this request?",
    ),
    "consent_refused": (
        "Không có sự đồng ý thì tôi không thể gửi yêu cầu. Bạn có thể đồng ý, gõ \"dừng\" "
        "để hủy, hoặc gọi tổng đài {hotline}.",
        "Without your consent I cannot send the request. You can agree, type \"stop\" to "
        "cancel, or call the hotline {hotline}.",
    ),
    "summary": (
        "Bạn kiểm tra lại thông tin trước khi gửi:\n{lines}",
        "Please check before I send it:\n{lines}",
    ),
    "summary_line": ("- {label}: {value}", "- {label}: {value}"),
    "ask_edit": (
        "Bạn muốn sửa mục nào?",
        "Which part would you like to change?",
    ),
    "explain": (
        "Tôi vẫn chưa ghi nhận được mục \"{field}\". Bạn có thể thử lại, gõ \"dừng\" để hủy, "
        "hoặc gặp cán bộ qua tổng đài {hotline}. Những gì bạn đã nhập vẫn được giữ lại.",
        "I still could not take the \"{field}\". You can try again, type \"stop\" to cancel, "
        "or talk to an officer on {hotline}. What you entered so far is kept.",
    ),
    "moving_on": (
        "Không sao, tôi bỏ qua mục \"{field}\" (không bắt buộc). Chúng ta tiếp tục.",
        "No problem, I will leave out the \"{field}\" (it is optional). Let us go on.",
    ),
    "level_moving_on": (
        "Không sao. Tôi coi đây là cán bộ BHXH cơ sở: yêu cầu được gửi đến BHXH tỉnh, thành "
        "phố, cấp trên của các cơ quan BHXH cơ sở.",
        "No problem. I will take it that the staff belong to a grassroots office: the matter "
        "goes to the provincial office above the grassroots offices.",
    ),
    "cancel_confirm": (
        "Bạn chắc chắn muốn hủy yêu cầu này? Những gì bạn đã nhập sẽ bị xóa và không có gì "
        "được gửi đi.",
        "Are you sure you want to cancel this request? What you entered will be deleted and "
        "nothing will be sent.",
    ),
    "cancel_yes": ("Có, hủy yêu cầu", "Yes, cancel it"),
    "cancel_no": ("Không, tiếp tục", "No, carry on"),
    "intake_cancelled": (
        "Vâng, tôi đã hủy yêu cầu. Chưa có thông tin nào được gửi đi.",
        "All right, I have cancelled the request. Nothing was sent.",
    ),
    "ticket_failed": (
        "Xin lỗi, hệ thống tiếp nhận chưa xác nhận yêu cầu của bạn nên chưa có mã phiếu. Thông "
        "tin bạn nhập vẫn được giữ lại: bấm \"Thử lại\" sau ít phút. Nếu yêu cầu thực ra đã tới "
        "hệ thống, bạn sẽ nhận đúng mã phiếu đó, không tạo phiếu trùng.",
        "Sorry, the intake system did not confirm your request, so there is no ticket code yet. "
        "What you entered is kept: press \"Try again\" in a few minutes. If the request did "
        "reach the system, you will get its code, never a duplicate ticket.",
    ),
    "try_again": ("Thử lại", "Try again"),
    "ticket_created": (
        "{kind} của bạn đã được tiếp nhận. Mã phiếu: {code}.",
        "Your {kind_lower} has been received. Ticket code: {code}.",
    ),
    "ticket_unit": (" Đơn vị xử lý: {unit}.", " Responsible office: {unit}."),
    "ticket_due": (" Hạn trả lời: {due}.", " Answer due by {due}."),
    "ticket_keep_code": (
        " Bạn hãy lưu mã phiếu để tra cứu tình trạng.",
        " Keep the code to check its status.",
    ),
    "ticket_receipt": (
        " Mã biên nhận: {receipt}. Bạn hãy lưu mã phiếu và mã biên nhận để tra cứu tình trạng; "
        "đừng đưa mã biên nhận cho người khác.",
        " Receipt: {receipt}. Keep the code and the receipt to check the status; do not share "
        "the receipt with anyone.",
    ),
    "ask_status_code": (
        "Bạn cho biết mã phiếu (dạng BHXH-2026-000123).",
        "What is the ticket code? (it looks like BHXH-2026-000123)",
    ),
    "status_code_invalid": (
        "Mã phiếu chưa đúng dạng. Mã gồm chữ BHXH, năm và sáu chữ số, ví dụ BHXH-2026-000123.",
        "That is not a ticket code. A code is BHXH, a year and six digits, "
        "e.g. BHXH-2026-000123.",
    ),
    "ask_status_digits": (
        "Để bảo mật, bạn cho biết 4 số cuối của số điện thoại đã dùng khi gửi phiếu, hoặc mã "
        "biên nhận (dạng XXXX-XXXX-XXXX).",
        "To protect your data, what are the last 4 digits of the phone number you gave "
        "when filing, or the receipt (it looks like XXXX-XXXX-XXXX)?",
    ),
    "status_digits_invalid": (
        "Bạn vui lòng nhập đúng 4 chữ số cuối của số điện thoại (ví dụ 5678) hoặc mã biên "
        "nhận (ví dụ 7K2M-9QXD-4HTP).",
        "Please type exactly the last 4 digits of the phone number (e.g. 5678) or the "
        "receipt (e.g. 7K2M-9QXD-4HTP).",
    ),
    "status_receipt_required": (
        "Mã phiếu này đã bị nhập sai số điện thoại nhiều lần nên tạm thời chỉ tra cứu được "
        "bằng mã biên nhận. Bạn vui lòng nhập mã biên nhận (dạng XXXX-XXXX-XXXX).",
        "This ticket code had too many wrong phone digits, so for now it can only be checked "
        "with its receipt. Please type the receipt (it looks like XXXX-XXXX-XXXX).",
    ),
    "status_too_many": (
        "Bạn đã nhập sai quá nhiều lần. Bạn vui lòng chờ khoảng {minutes} phút rồi thử lại, "
        "hoặc gọi tổng đài {hotline}.",
        "Too many wrong tries. Please wait about {minutes} minutes and try again, or call "
        "{hotline}.",
    ),
    "status_summary": (
        "Phiếu {code} ({kind}): {state}. Đơn vị xử lý: {unit}. Hạn trả lời: {due}.",
        "Ticket {code} ({kind}): {state}. Responsible office: {unit}. Answer due by {due}.",
    ),
    "status_cancelled": ("Đã dừng tra cứu. Bạn cần tôi giúp gì thêm không?",
                         "Status check stopped. Is there anything else I can help with?"),
    "status_last_reply": ("Tin nhắn mới nhất của cán bộ: {body}",
                          "Latest message from the officer: {body}"),
    "status_resolution": ("Kết quả giải quyết: {body}", "Outcome: {body}"),
    "status_not_found": (
        "Không tìm thấy phiếu với mã và số điện thoại này. Bạn kiểm tra lại mã phiếu và "
        "4 số cuối điện thoại.",
        "No ticket matches this code and phone number. Please check the code and the last "
        "4 digits.",
    ),
    "status_unavailable": (
        "Xin lỗi, hiện chưa tra cứu được trạng thái phiếu do hệ thống gặp sự cố. Bạn vui lòng "
        "thử lại sau ít phút.",
        "Sorry, the ticket system cannot be reached right now, so I cannot check the status. "
        "Please try again in a few minutes.",
    ),
    "handoff_open": (
        "Hiện đang trong giờ làm việc: cán bộ BHXH có thể hỗ trợ bạn qua tổng đài {hotline}. "
        "Tôi cũng có thể chuyển yêu cầu của bạn đến đơn vị có trách nhiệm dưới dạng phiếu "
        "tiếp nhận.",
        "It is within working hours: a VSS officer can help you on the hotline {hotline}. "
        "I can also pass your request to the responsible office as a ticket.",
    ),
    "handoff_closed": (
        "Hiện ngoài giờ làm việc của cán bộ. Cán bộ làm việc trở lại vào {when}. Bạn có thể "
        "gửi phiếu yêu cầu ngay bây giờ, đơn vị có trách nhiệm sẽ xử lý trong giờ làm việc.",
        "Our officers are not at work right now. They are next available on {when}. You can "
        "file a ticket now and the responsible office will handle it during working hours.",
    ),
    "handoff_when": ("{weekday}, ngày {date}, lúc {time}", "{weekday} {date} at {time}"),
    "weekday_0": ("thứ Hai", "Monday"),
    "weekday_1": ("thứ Ba", "Tuesday"),
    "weekday_2": ("thứ Tư", "Wednesday"),
    "weekday_3": ("thứ Năm", "Thursday"),
    "weekday_4": ("thứ Sáu", "Friday"),
    "weekday_5": ("thứ Bảy", "Saturday"),
    "weekday_6": ("Chủ nhật", "Sunday"),
    "handoff_unavailable": (
        "Bạn có thể gặp cán bộ BHXH qua tổng đài {hotline}. Tôi cũng có thể chuyển yêu cầu "
        "của bạn đến đơn vị có trách nhiệm dưới dạng phiếu tiếp nhận.",
        "You can talk to a VSS officer on the hotline {hotline}. I can also pass your request "
        "to the responsible office as a ticket.",
    ),
    "handoff_in_form": (
        "Chúng ta tiếp tục phiếu bạn đang điền.",
        "Let us carry on with the request you are filling in.",
    ),
    "handoff_start": (
        "Hiện đang trong giờ làm việc: tôi có thể kết nối bạn với cán bộ BHXH ngay tại cuộc trò "
        "chuyện này. Trước hết, cán bộ cần một vài thông tin của bạn. Gõ \"dừng\" để hủy.",
        "It is within working hours: I can put you through to a VSS officer here in this chat. "
        "First the officer needs a few details from you. Type \"stop\" to cancel.",
    ),
    "handoff_in_handoff_form": (
        "Tôi đang kết nối bạn với cán bộ: bạn vui lòng trả lời câu hỏi dưới đây.",
        "I am putting you through to an officer: please answer the question below.",
    ),
    "handoff_waiting": (
        "Yêu cầu gặp cán bộ của bạn đã được ghi nhận, mã phiếu {code}. Một cán bộ BHXH sẽ trả "
        "lời bạn ngay tại đây; trong lúc chờ, trợ lý ảo tạm dừng. Bạn cứ nhắn nội dung cần hỏi, "
        "cán bộ sẽ đọc được.",
        "Your request to talk to an officer has been recorded, ticket code {code}. A VSS officer "
        "will answer you here; while you wait, the assistant stays silent. Go ahead and write "
        "what you need: the officer will read it.",
    ),
    "handoff_failed": (
        "Xin lỗi, hệ thống tiếp nhận chưa xác nhận yêu cầu gặp cán bộ nên tôi chưa kết nối được. "
        "Bạn có thể gọi tổng đài {hotline}, hoặc thử lại sau ít phút.",
        "Sorry, the intake system did not confirm your request, so I could not put you through "
        "to an officer. You can call the hotline {hotline}, or try again in a few minutes.",
    ),
    "handoff_description": (
        "Người dân đề nghị trao đổi trực tiếp với cán bộ qua chat. "
        "(The citizen asks to talk to an officer in the chat.)",
        "Người dân đề nghị trao đổi trực tiếp với cán bộ qua chat. "
        "(The citizen asks to talk to an officer in the chat.)",
    ),
    "info_sent": (
        "Tôi đã chuyển nội dung bổ sung của bạn vào phiếu {code}. Thời hạn giải quyết được tính "
        "tiếp từ hôm nay.",
        "I have added your information to ticket {code}. The time to answer runs again from "
        "today.",
    ),
    "rating_thanks": (
        "Cảm ơn bạn đã đánh giá {rating}/5 cho phiếu {code}.",
        "Thank you for rating ticket {code} {rating}/5.",
    ),
    "rating_later": (
        "Bạn có thể đánh giá kết quả sau, khi tra cứu phiếu. Tôi có thể giúp gì thêm?",
        "You can rate the outcome later. Is there anything else I can help with?",
    ),
    "ask_reopen_reason": (
        "Bạn cho biết lý do chưa đồng ý với kết quả giải quyết, để đơn vị xem xét lại.",
        "Please tell me why you disagree with the outcome, so the office can look at it again.",
    ),
    "reopened": (
        "Phiếu {code} đã được mở lại; đơn vị có trách nhiệm sẽ xem xét lại và trả lời bạn.",
        "Ticket {code} is open again; the responsible office will look at it again and answer.",
    ),
    "reopen_refused": (
        "Phiếu {code} không còn mở lại được (đã quá thời hạn). Bạn có thể gửi một yêu cầu mới.",
        "Ticket {code} can no longer be reopened (the period has passed). You can file a new "
        "request.",
    ),
    "ticket_reply_failed": (
        "Xin lỗi, hệ thống chưa ghi nhận được nội dung của bạn cho phiếu {code}. Bạn vui lòng "
        "thử lại sau ít phút hoặc gọi tổng đài {hotline}.",
        "Sorry, the system did not record your answer for ticket {code}. Please try again in a "
        "few minutes or call the hotline {hotline}.",
    ),
    "did_you_mean": ("Có phải ý bạn là:", "Did you mean:"),
    "rephrase": (
        "Xin lỗi, tôi chưa hiểu ý bạn. Bạn có thể nói theo cách khác được không?",
        "Sorry, I did not understand. Could you say it another way?",
    ),
    "give_up": (
        "Xin lỗi, tôi vẫn chưa hiểu ý bạn. Cán bộ BHXH có thể hỗ trợ qua tổng đài {hotline}, "
        "hoặc tôi chuyển yêu cầu của bạn đến đơn vị có trách nhiệm dưới dạng phiếu tiếp nhận.",
        "I am sorry, I still cannot understand. A VSS officer can help on the hotline "
        "{hotline}, or I can pass your request to the responsible office as a ticket.",
    ),
    "ticket": ("Gửi phiếu yêu cầu", "File a ticket"),
    "something_else": ("Không, ý khác", "No, something else"),
    "send": ("Gửi", "Send"),
    "edit": ("Sửa", "Change"),
    "cancel": ("Hủy", "Cancel"),
    "agree": ("Đồng ý", "I agree"),
    "disagree": ("Không đồng ý", "I do not agree"),
    "skip": ("Bỏ qua", "Skip"),
    "stop": ("Dừng", "Stop"),
    "human": ("Gặp cán bộ", "Talk to an officer"),
    "try_human_again": ("Thử lại", "Try again"),
}

# Names of codes shown to the citizen: ticket kinds, topics, form fields and intents.
def _capitalised(labels: dict[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    return {code: (vi, en[:1].upper() + en[1:]) for code, (vi, en) in labels.items()}


# Names of codes shown to the citizen: ticket kinds and topics (the ticket service's own labels,
# bot/common/vocabulary.py), states (refdata/states.yaml), form fields and intents.
LABELS: dict[str, tuple[str, str]] = {
    **_capitalised(kinds()),
    **_capitalised(topics()),
    **{f"state_{code}": status for code, status in state_statuses().items()},
    "check_status": ("Tra cứu phiếu", "Check a ticket"),
    "ticket_kind": ("Loại yêu cầu", "Kind"),
    "topic": ("Lĩnh vực", "Area"),
    "description": ("Nội dung", "Description"),
    "province": ("Tỉnh/thành phố", "Province"),
    "commune": ("Xã/phường", "Commune"),
    "full_name": ("Họ và tên", "Full name"),
    "phone": ("Số điện thoại", "Phone"),
    "id_number": ("CCCD / mã số BHXH", "Citizen ID / SI code"),
    "office_level": ("Cấp cơ quan bị phản ánh", "Level of the office concerned"),
    "consent": ("Đồng ý xử lý dữ liệu", "Consent to data processing"),
    "confirmed": ("Xác nhận", "Confirmation"),
    "file_complaint": ("Gửi khiếu nại, kiến nghị", "File a complaint or request"),
    "request_human": ("Gặp cán bộ", "Talk to an officer"),
    "switch_language": ("Đổi ngôn ngữ", "Change language"),
    "greet": ("Chào hỏi", "Say hello"),
    "goodbye": ("Kết thúc", "Say goodbye"),
    "thanks": ("Cảm ơn", "Say thanks"),
    "chitchat": ("Hỏi về trợ lý ảo", "Ask about the assistant"),
    "stop": ("Dừng việc đang làm", "Stop what we are doing"),
}


def language_of(tracker: Tracker) -> str:
    """The conversation's language: ``"en"`` or ``"vi"`` (the default)."""
    return "en" if tracker.get_slot("language") == "en" else "vi"


def _pick(pair: tuple[str, str], language: str) -> str:
    vi, en = pair
    return en if language == "en" else vi


def text_in(language: str, key: str, **values: Any) -> str:
    """The text for ``key`` in ``language`` (``"vi"`` or ``"en"``)."""
    return with_contact(_pick(TEXTS[key], language)).format(**values)


def text(tracker: Tracker, key: str, **values: Any) -> str:
    """The text for ``key`` in the conversation's language."""
    return text_in(language_of(tracker), key, **values)


def label_in(language: str, code: str) -> str:
    """The citizen-facing name of a kind, topic, field or intent code in ``language``."""
    return _pick(LABELS[code], language) if code in LABELS else code


def label(tracker: Tracker, code: str) -> str:
    """The citizen-facing name of a kind, topic, field or intent code."""
    return label_in(language_of(tracker), code)


def button(tracker: Tracker, key: str, payload: str) -> dict[str, str]:
    """A button titled with the text (or label) for ``key``."""
    title = text(tracker, key) if key in TEXTS else label(tracker, key)
    return {"title": title, "payload": payload}


def say(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    key: str,
    buttons: list[dict[str, str]] | None = None,
    **values: Any,
) -> None:
    """Send the text for ``key`` in the conversation's language, with optional buttons."""
    dispatcher.utter_message(text=text(tracker, key, **values), buttons=buttons or [])
