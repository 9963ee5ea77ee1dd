"""Pydantic models of the HTTP API (requests are strict: unknown fields are refused)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    IPvAnyAddress,
    ValidationInfo,
    field_validator,
    model_validator,
)

from vss_tickets.domain.identifiers import check_digits, check_number, normalise_phone
from vss_tickets.domain.receipt import normalise_receipt
from vss_tickets.domain.states import STATES
from vss_tickets.domain.text import nfc

Kind = Literal["enquiry", "recommendation", "complaint", "denunciation"]
# The Law on Complaints and the Law on Denunciations: the sender must give their name.
NAME_REQUIRED = ("complaint", "denunciation")
State = Literal[STATES]  # type: ignore[valid-type]  # the codes of refdata/states.yaml

ChatState = Literal["waiting", "held", "closed"]

Text = Annotated[str, AfterValidator(nfc)]


def _required(value: str) -> str:
    if not value:
        raise ValueError("không được để trống / must not be empty")
    return value


ShortText = Annotated[str, Field(max_length=200), AfterValidator(nfc), AfterValidator(_required)]
LongText = Annotated[str, Field(max_length=5000), AfterValidator(nfc), AfterValidator(_required)]
Reason = Annotated[str, Field(max_length=2000), AfterValidator(nfc), AfterValidator(_required)]
TurnText = Annotated[str, Field(max_length=2000), AfterValidator(nfc), AfterValidator(_required)]
Slug = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z0-9_\-]+$")]
UnitCode = Annotated[str, Field(min_length=1, max_length=64)]


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid", str_max_length=5000)


class Citizen(Request):
    # Required for complaints and denunciations (checked on the ticket), optional otherwise.
    name: ShortText | None = None
    phone: str = Field(max_length=20)
    cccd: str | None = Field(default=None, max_length=20)
    bhxh_code: str | None = Field(default=None, max_length=20)

    @field_validator("phone")
    @classmethod
    def _phone(cls, v: str) -> str:
        return normalise_phone(v)

    @field_validator("cccd")
    @classmethod
    def _cccd(cls, v: str | None) -> str | None:
        return None if v in (None, "") else check_number("cccd", v)

    @field_validator("bhxh_code")
    @classmethod
    def _bhxh(cls, v: str | None) -> str | None:
        return None if v in (None, "") else check_number("bhxh_code", v)


MAX_TRANSCRIPT_TURNS = 100


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


class TranscriptTurn(Request):
    """One turn of the chat that led to the ticket (personal numbers masked by the sender)."""

    author: Literal["citizen", "assistant"]
    text: TurnText
    at: Annotated[AwareDatetime, AfterValidator(_utc)]


Transcript = Annotated[list[TranscriptTurn], Field(max_length=MAX_TRANSCRIPT_TURNS)]


class TicketCreate(Request):
    kind: Kind
    topic: Slug
    description: LongText
    channel: Slug = "rest"
    conversation_id: str | None = Field(default=None, max_length=200)
    language: Literal["vi", "en"] = "vi"
    citizen: Citizen
    province: ShortText | None = None
    commune: ShortText | None = None
    about_unit_code: UnitCode | None = None
    complex_case: bool = False
    remote_area: bool = False
    priority: Literal["normal", "high", "urgent"] = "normal"
    consent: bool
    # The conversation with the assistant, oldest turn first (at most 100 turns).
    transcript: Transcript | None = None
    # The citizen asked for a live chat with an officer: the ticket's chat waits for one.
    handoff: bool = False

    @field_validator("citizen")
    @classmethod
    def _named(cls, v: Citizen, info: ValidationInfo) -> Citizen:
        if v.name is None and info.data.get("kind") in NAME_REQUIRED:
            raise ValueError(
                "Khiếu nại, tố cáo phải ghi rõ họ tên người gửi (citizen.name) / "
                "A complaint or denunciation needs the sender's name (citizen.name)"
            )
        return v

    @field_validator("consent")
    @classmethod
    def _consent(cls, v: bool) -> bool:
        if not v:
            raise ValueError(
                "Cần sự đồng ý xử lý dữ liệu cá nhân (Nghị định 13/2023/NĐ-CP) / "
                "Consent to personal data processing is required (Decree 13/2023/ND-CP)"
            )
        return v


class RoutingQuery(Request):
    kind: Kind
    topic: Slug
    province: ShortText | None = None
    commune: ShortText | None = None
    about_unit_code: UnitCode | None = None


class UnitConcernedQuery(Request):
    level: Literal["grassroots", "province", "central"]
    province: ShortText | None = None
    commune: ShortText | None = None


class UnitOut(BaseModel):
    code: str
    name_vi: str
    name_en: str


class RoutingOut(BaseModel):
    unit: UnitOut
    reasons: list[str]


class DeadlinesOut(BaseModel):
    acceptance: date | None
    first_response: date | None
    resolution: date


class CitizenOut(BaseModel):
    name: str
    phone: str
    cccd: str | None
    bhxh_code: str | None


class MessageOut(BaseModel):
    author: str
    body: str
    staff: str | None
    created_at: datetime


class ConsultationOut(BaseModel):
    id: int
    ticket_code: str
    from_unit: str
    to_unit: str
    question: str
    answer: str | None
    status: str
    due_on: date
    created_at: datetime


class AuditOut(BaseModel):
    actor: str
    action: str
    from_state: str | None
    to_state: str | None
    reason: str | None
    details: dict[str, object]
    created_at: datetime


class TicketOut(BaseModel):
    code: str
    state: State
    kind: Kind
    topic: str
    priority: str
    unit: UnitOut
    deadlines: DeadlinesOut
    created_at: datetime
    updated_at: datetime
    channel: str
    conversation_id: str | None
    language: str
    description: str
    citizen: CitizenOut
    province: str | None
    commune: str | None
    assignee: str | None
    transfer_count: int
    escalation_level: int
    escalated_to: str | None
    paused_since: date | None
    routing_reasons: list[str]
    rejection_reason: str | None
    resolution: str | None
    rating: int | None
    # Live chat (human handoff): null | waiting | held | closed, and its details.
    chat_state: ChatState | None = None
    chat_officer: str | None = None
    chat_requested_at: datetime | None = None
    chat_closed_reason: Literal["released", "expired"] | None = None


class TicketCreated(TicketOut):
    """The create answer: the ticket and the citizen's receipt token (given only here; a replay
    of the same Idempotency-Key gives a new one and the earlier one stops working)."""

    receipt: str = Field(description="XXXX-XXXX-XXXX; proves the ticket is the citizen's")


class TranscriptTurnOut(BaseModel):
    author: Literal["citizen", "assistant"]
    text: str
    at: datetime


class TicketDetail(TicketOut):
    messages: list[MessageOut]
    consultations: list[ConsultationOut]
    audit: list[AuditOut]
    # The chat that led to the ticket: shown to staff of the ticket's unit (empty if none was
    # sent), null for every other caller.
    transcript: list[TranscriptTurnOut] | None = None


class CitizenTicketView(BaseModel):
    """What a verified citizen may see of a ticket."""

    code: str
    state: State
    kind: Kind
    unit: UnitOut
    deadlines: DeadlinesOut
    created_at: datetime
    updated_at: datetime
    messages: list[MessageOut]
    resolution: str | None


class TicketPage(BaseModel):
    items: list[TicketOut]
    total: int
    page: int
    page_size: int


def _last4(value: str | None) -> str | None:
    if value is None:
        return None
    return check_digits(value, 4, "4 số cuối điện thoại", "The last four phone digits")


def _receipt(value: str | None) -> str | None:
    return None if value is None else normalise_receipt(value)


class Verification(Request):
    """Proof that the citizen's ticket is theirs: the receipt token, the last four digits of the
    phone given at filing, or both (then both must match); and who is asking, for the limits on
    failed attempts."""

    # The assistant's conversation id (the sender), counted per code and over all codes.
    conversation_id: str = Field(min_length=1, max_length=200)
    # The citizen's IP address when the channel knows it (the web chat); counted over all codes.
    client_address: IPvAnyAddress | None = None
    phone_last4: Annotated[str, Field(max_length=20), AfterValidator(_last4)] | None = None
    receipt: Annotated[str, Field(max_length=40), AfterValidator(_receipt)] | None = None

    @model_validator(mode="after")
    def _some_proof(self) -> Verification:
        if self.phone_last4 is None and self.receipt is None:
            raise ValueError(
                "Cần mã biên nhận (receipt) hoặc 4 số cuối điện thoại (phone_last4) / "
                "Give the receipt or the last four phone digits (phone_last4)"
            )
        return self


class CitizenMessageIn(Verification):
    body: LongText


class RatingIn(Verification):
    rating: int = Field(ge=1, le=5)
    comment: Annotated[str, Field(max_length=2000), AfterValidator(nfc)] | None = None


class ReasonIn(Request):
    reason: Reason


class CitizenReopenIn(Verification):
    reason: Reason


class BodyIn(Request):
    body: LongText


class ResolveIn(Request):
    resolution: LongText


class TransferIn(Request):
    to_unit_code: UnitCode
    reason: Reason


class ConsultIn(Request):
    to_unit_code: UnitCode
    question: LongText
    due_in_working_days: int | None = Field(default=None, ge=1, le=30)


class AnswerIn(Request):
    answer: LongText


class LoginIn(Request):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=200)


class StaffOut(BaseModel):
    username: str
    full_name: str
    role: str
    unit: UnitOut


class LoginOut(BaseModel):
    token: str
    expires_at: datetime
    staff: StaffOut


ChatText = Annotated[str, Field(max_length=4000), AfterValidator(nfc), AfterValidator(_required)]


class ChatMessageIn(Request):
    """A citizen's message in a live chat, sent by the assistant for its conversation."""

    conversation_id: str = Field(min_length=1, max_length=200)
    body: ChatText
    # When the citizen wrote it in the conversation (Unix seconds): a message not after the
    # last one passed on is a repeat from another relay and is not added again.
    sent_at: float | None = Field(default=None, ge=0)


class ChatMessageOut(BaseModel):
    code: str
    state: State
    chat_state: ChatState
    duplicate: bool = False


class ActiveChat(BaseModel):
    """A live chat waiting for or held by an officer."""

    code: str
    conversation_id: str | None
    channel: str
    language: str
    state: Literal["waiting", "held"]
    officer: str | None
    requested_at: datetime
    relayed_until: float | None = None


class OutboxItem(BaseModel):
    id: int
    ticket_code: str
    event: str
    channel: str
    conversation_id: str | None
    payload: dict[str, object]
    created_at: datetime


class OutboxEntry(OutboxItem):
    """A notification of one ticket with its delivery state."""

    state: Literal["pending", "retrying", "delivered", "failed"]
    delivered_at: datetime | None
    attempts: int
    last_error: str | None
    next_attempt_at: datetime | None


class DeliveryFailureIn(Request):
    """Why a delivery failed (shown to staff; must not contain personal data)."""

    error: str = Field(min_length=1, max_length=500)


class AttachmentOut(BaseModel):
    """A citizen's file as kept: on `ticket`, or staged (null) until the conversation files one."""

    id: int
    ticket: str | None
    filename: str
    media_type: str
    size: int
    sha256: str


class AttachmentLimits(BaseModel):
    """What the service accepts: the largest file, and the types (sniffed from the content)."""

    max_bytes: int
    media_types: list[str]
