"""#16 item 8: once an officer has claimed a ticket, another officer of the unit cannot act on it
(transfer, resume, close, reopen, consult, accept, reject), as for claim and reply; the holder
and a supervisor or admin in scope still can. Through the API and through the console."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import PASSWORD, SERVICE, create
from tests.test_console import CSRF

# action -> (how the holder brings a ticket they claimed to a state allowing it, the action's
# API path, its body, its console form)
ACTIONS: dict[str, tuple[list[tuple[str, dict[str, Any]]], str, dict[str, Any], dict[str, str]]]
ACTIONS = {
    "transfer": (
        [("accept", {}), ("claim", {})], "transfer",
        {"to_unit_code": "bhxh.hue", "reason": "Không thuộc địa bàn"},
        {"to_unit": "bhxh.hue", "reason": "Không thuộc địa bàn"},
    ),
    "resume": (
        [("accept", {}), ("claim", {}), ("request-info", {"body": "Xin gửi số sổ BHXH"})],
        "resume", {}, {},
    ),
    "close": (
        [("accept", {}), ("claim", {}), ("resolve", {"resolution": "Đã chi trả"})],
        "close", {}, {},
    ),
    "reopen": (
        [("accept", {}), ("claim", {}), ("resolve", {"resolution": "Đã chi trả"})],
        "reopen", {"reason": "Chưa nhận được tiền"}, {"reason": "Chưa nhận được tiền"},
    ),
    "consult": (
        [("accept", {}), ("claim", {})], "consult",
        {"to_unit_code": "vss.si_policy", "question": "Xin ý kiến về chế độ"},
        {"to_unit": "vss.si_policy", "question": "Xin ý kiến về chế độ"},
    ),
    "accept": ([("claim", {})], "accept", {}, {}),
    "reject": (
        [("claim", {})], "reject", {"reason": "Đã quá thời hiệu"}, {"reason": "Đã quá thời hiệu"},
    ),
}  # fmt: skip


def claimed(client, holder: dict, action: str) -> str:
    """A Hà Nội ticket the `holder` claimed and brought to a state in which `action` applies."""
    code = create(client)["code"]
    for path, body in ACTIONS[action][0]:
        response = client.post(f"/api/v1/tickets/{code}/{path}", json=body, headers=holder)
        assert response.status_code == 200, response.text
    return code


def ticket(client, code: str) -> dict[str, Any]:
    return client.get(f"/api/v1/tickets/{code}", headers=SERVICE).json()


@pytest.mark.parametrize("action", ACTIONS)
def test_another_officer_cannot(client, staff, action):
    holder = staff("bhxh.ha-noi", username="holder")
    peer = staff("bhxh.ha-noi", username="peer")
    code = claimed(client, holder, action)
    before = ticket(client, code)
    _, path, body, _ = ACTIONS[action]
    response = client.post(f"/api/v1/tickets/{code}/{path}", json=body, headers=peer)
    assert response.status_code == 409, response.text
    assert "claimed by holder" in response.json()["message"]
    after = ticket(client, code)
    assert (after["state"], after["unit"], after["assignee"]) == (
        before["state"], before["unit"], "holder"
    )  # fmt: skip
    assert len(after["audit"]) == len(before["audit"]) and after["consultations"] == []


@pytest.mark.parametrize("action", ACTIONS)
def test_the_holder_and_a_supervisor_can(client, staff, action):
    holder = staff("bhxh.ha-noi", username="holder")
    supervisor = staff("bhxh.ha-noi", "supervisor")
    _, path, body, _ = ACTIONS[action]
    for actor in (holder, supervisor):
        code = claimed(client, holder, action)
        response = client.post(f"/api/v1/tickets/{code}/{path}", json=body, headers=actor)
        assert response.status_code in (200, 201), response.text


@pytest.mark.parametrize("action", ACTIONS)
def test_another_officer_cannot_in_the_console(client, staff, action):
    holder = staff("bhxh.ha-noi", username="holder")
    staff("bhxh.ha-noi", username="peer")
    code = claimed(client, holder, action)
    before = ticket(client, code)
    token = CSRF.search(client.get("/console/login").text).group(1)
    login = client.post("/console/login", follow_redirects=False,
                        data={"username": "peer", "password": PASSWORD, "csrf": token})  # fmt: skip
    assert login.status_code == 303
    page = client.get(f"/console/tickets/{code}").text
    form = {"csrf": CSRF.search(page).group(1), **ACTIONS[action][3]}
    response = client.post(f"/console/tickets/{code}/{action}", data=form,
                           follow_redirects=False)  # fmt: skip
    assert response.status_code == 409 and "claimed by holder" in response.text
    assert ticket(client, code)["audit"] == before["audit"]
