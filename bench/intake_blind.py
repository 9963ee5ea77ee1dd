"""Blind intake bench: plays every scenario of ``bench/sets/intake_blind.yml`` as the citizen
through Rasa's REST channel with all processes running (tests/stack.py), reads the tickets back
from the ticket service and prints aggregate figures only (the set is FINAL: no scenario, answer
or miss is printed or written).

    .venv/bin/python bench/intake_blind.py [--out var/intake_blind.json]

The citizen opens with ``opening``. If the bot offers the intake (a "/file_complaint" button,
or the form's first question) that counts as *intake offered from the opening*; the citizen
presses the button, or else asks for the form in words. Then the citizen answers what the form
asks (read from the tracker's ``requested_slot``, as a person reads the question) from
``facts``: the description is the ``story``, the kind (when asked) the expected kind in the
scenario's language, the topic the value the bot suggests ("khác" / "other"), the office level
the ``office`` named in the facts, then province, commune, name, phone, CCCD or BHXH code, and
a yes to consent and summary in everyday words ("dạ đồng ý", "dung roi", "yes").

Figures: ticket filed; intake offered from the opening; kind right (ticket kind = expected);
kind asked (the form asked the kind); misconduct routed above the office concerned (the
ticket's unit is at a level above ``office_level_concerned``: grassroots < provincial <
central; central misconduct must reach the head of VSS or its Inspectorate); unit level as
expected; description typed twice (the form asked the description after an opening that told
at least 8 words); forms lost (the form was started and ended without a ticket)."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import requests
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot import clock  # noqa: E402
from tests.instants import WORKING_MORNING  # noqa: E402
from tests.stack import RASA_TOKEN, TICKETS_TOKEN, Stack  # noqa: E402

SET = ROOT / "bench" / "sets" / "intake_blind.yml"
MAX_TURNS = 30
STORY_WORDS = 8
# What the citizen types, by the scenario's form: vi (diacritics), vi_nodiac, en.
WORDS = {
    "vi": {"want": "Tôi muốn gửi yêu cầu đến cơ quan BHXH", "skip": "bỏ qua", "yes": "dạ đồng ý",
           "confirm": "dạ đúng rồi", "topic": "khác",
           "complaint": "khiếu nại", "denunciation": "tố cáo", "recommendation": "kiến nghị",
           "enquiry": "hỏi đáp", "grassroots": "BHXH cơ sở", "provincial": "BHXH tỉnh",
           "central": "BHXH Việt Nam"},
    "vi_nodiac": {"want": "toi muon gui yeu cau den co quan bhxh", "skip": "bo qua",
                  "yes": "dong y", "confirm": "dung roi", "topic": "khac",
                  "complaint": "khieu nai", "denunciation": "to cao",
                  "recommendation": "kien nghi", "enquiry": "hoi dap",
                  "grassroots": "bhxh co so", "provincial": "bhxh tinh",
                  "central": "bhxh viet nam"},
    "en": {"want": "I want to file a request with the social security office", "skip": "skip",
           "yes": "yes", "confirm": "yes, send it", "topic": "other",
           "complaint": "complaint", "denunciation": "denunciation",
           "recommendation": "recommendation", "enquiry": "enquiry",
           "grassroots": "grassroots office", "provincial": "provincial office",
           "central": "Vietnam Social Security central"},
}
RANK = {"grassroots": 0, "provincial": 1, "central": 2}


def unit_level(code: str) -> str:
    """The level of a unit from its code (refdata/loader.py: vss…, bhxh.<province>,
    bhxh.<province>.<office>)."""
    if code == "vss" or code.startswith("vss."):
        return "central"
    return "provincial" if code.count(".") == 1 else "grassroots"


class Citizen:
    """One scenario's citizen talking to the running stack."""

    def __init__(self, stack: Stack, scenario: dict[str, Any]) -> None:
        self.stack, self.scenario = stack, scenario
        self.words = WORDS[scenario["form"]]
        self.sender = f"blind-{uuid.uuid4().hex[:12]}"
        self.asked: list[str] = []

    def say(self, text: str) -> list[dict[str, Any]]:
        response = requests.post(f"{self.stack.rasa_url}/webhooks/rest/webhook", timeout=120,
                                 json={"sender": self.sender, "message": text})
        response.raise_for_status()
        return response.json()

    def tracker(self) -> dict[str, Any]:
        return requests.get(f"{self.stack.rasa_url}/conversations/{self.sender}/tracker",
                            params={"token": RASA_TOKEN}, timeout=30).json()

    def answer(self, slot: str) -> str:
        facts, words = self.scenario["facts"], self.words
        expected = self.scenario["expected"]
        level = expected.get("office_level_concerned")
        by_slot = {
            "description": self.scenario["story"],
            "ticket_kind": words[expected["kind"]],
            "topic": words["topic"],
            "office_level": facts.get("office") or words.get(level or "provincial"),
            "province": facts["province"],
            "commune": facts.get("commune") or words["skip"],
            "full_name": facts["name"],
            "phone": facts["phone"],
            "id_number": facts.get("cccd") or facts.get("bhxh_code") or words["skip"],
            "consent": words["yes"],
            "confirmed": words["confirm"],
        }
        return by_slot.get(slot, words["skip"])

    def play(self) -> dict[str, Any]:
        """The scenario's outcome (never printed one by one)."""
        opening = self.scenario["opening"]
        replies = self.say(opening)
        buttons = [b.get("payload") for m in replies for b in m.get("buttons", [])]
        tracker = self.tracker()
        in_form = (tracker.get("active_loop") or {}).get("name") == "intake_form"
        offered = in_form or "/file_complaint" in buttons
        told = len(opening.split()) >= STORY_WORDS
        started = in_form
        if not in_form:
            self.say("/file_complaint" if offered else self.words["want"])
        code, lost, repeats = None, False, 0
        for _ in range(MAX_TURNS):
            tracker = self.tracker()
            code = code or _ticket_code(tracker)
            loop = (tracker.get("active_loop") or {}).get("name")
            if loop == "intake_form":
                started = True
            elif started or code:
                lost = code is None
                break
            slot = tracker["slots"].get("requested_slot")
            if loop != "intake_form" or slot is None:
                if code:
                    break
                self.say("/file_complaint")  # the citizen asks again for the form
                continue
            repeats = repeats + 1 if self.asked and self.asked[-1] == slot else 0
            if repeats >= 3:
                lost = True
                break
            self.asked.append(slot)
            self.say(self.answer(slot))
        else:
            lost = code is None
        return {"code": code or _ticket_code(self.tracker()), "offered": offered,
                "kind_asked": "ticket_kind" in self.asked,
                "typed_twice": told and "description" in self.asked, "lost": lost}


def _ticket_code(tracker: dict[str, Any]) -> str | None:
    return tracker["slots"].get("ticket_code")


def score(stack: Stack, scenarios: list[dict[str, Any]]) -> dict[str, Any]:
    counts = {"scenarios": len(scenarios), "ticket_filed": 0, "intake_offered": 0,
              "kind_right": 0, "kind_asked": 0, "misconduct": 0, "misconduct_above": 0,
              "unit_level_as_expected": 0, "description_typed_twice": 0, "forms_lost": 0}
    for scenario in scenarios:
        outcome = Citizen(stack, scenario).play()
        expected = scenario["expected"]
        counts["intake_offered"] += outcome["offered"]
        counts["kind_asked"] += outcome["kind_asked"]
        counts["description_typed_twice"] += outcome["typed_twice"]
        counts["forms_lost"] += outcome["lost"]
        concerned = expected.get("office_level_concerned")
        misconduct = bool(expected.get("misconduct") and concerned)
        counts["misconduct"] += misconduct
        if not outcome["code"]:
            continue
        ticket = requests.get(f"{stack.tickets_url}/api/v1/tickets/{outcome['code']}",
                              headers={"Authorization": f"Bearer {TICKETS_TOKEN}"},
                              timeout=30).json()
        level = unit_level(ticket["unit"]["code"])
        counts["ticket_filed"] += 1
        counts["kind_right"] += ticket["kind"] == expected["kind"]
        counts["unit_level_as_expected"] += level == expected["unit_level"]
        if misconduct:
            counts["misconduct_above"] += (RANK[level] > RANK[concerned]
                                           or concerned == level == "central")
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="write the aggregate figures as JSON here")
    args = parser.parse_args()
    scenarios = yaml.safe_load(SET.read_text(encoding="utf-8"))["scenarios"]
    stack = Stack.configure(Path(tempfile.mkdtemp(prefix="intake-blind-")))
    started = time.monotonic()
    try:
        stack.start()
        stack.set_clock(WORKING_MORNING)
        counts = score(stack, scenarios)
    finally:
        stack.stop_all()
    n = counts["scenarios"]
    share = {k: round(100 * v / n, 1) for k, v in counts.items()
             if k not in ("scenarios", "misconduct", "misconduct_above")}
    share["misconduct_above"] = round(
        100 * counts["misconduct_above"] / max(counts["misconduct"], 1), 1)
    report = {"date": clock.now().isoformat(timespec="seconds"),
              "seconds": round(time.monotonic() - started), "counts": counts, "percent": share}
    print(json.dumps(report, indent=2))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
