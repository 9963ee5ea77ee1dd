"""Intake bench: plays every scenario of a set (``bench/sets/intake_blind.yml``, and since
4 December 2026 ``intake_blind2.yml`` and ``intake_blind3.yml``, are development sets;
``intake_blind4.yml`` is the blind one) as the citizen through Rasa's REST channel with all
processes running (tests/stack.py), reads the tickets back from the ticket service and prints
aggregate figures only.

    .venv/bin/python bench/intake_blind.py [--set bench/sets/intake_blind.yml]
        [--out var/intake_blind.json] [--misses var/intake_misses.json]

``--misses`` writes each missed scenario's conversation (not offered, kind, unit level,
province, typed twice, lost, misconduct routing); it is refused for a set not in
``DEVELOPMENT`` (a blind set's misses are not read).

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
expected; province right (the ticket's unit is in the expected province, of the scenarios that
expect one and a unit below the centre); description typed twice (the form asked the
description after an opening that told the problem, ``told_problem``; the first run's count,
asked after an opening of 8 words or more, is ``description_asked_after_8``); forms lost (the
form was started and ended without a ticket)."""

from __future__ import annotations

import argparse
import json
import re
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

from bot.common import clock  # noqa: E402
from bot.common.textnorm import fold  # noqa: E402
from tests.instants import WORKING_MORNING  # noqa: E402
from tests.stack import RASA_TOKEN, TICKETS_TOKEN, Stack  # noqa: E402

SET = ROOT / "bench" / "sets" / "intake_blind.yml"
# Sets whose misses have been read (any other set is blind: aggregates only).
DEVELOPMENT = ("intake_blind.yml", "intake_blind2.yml", "intake_blind3.yml")
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
# Words that tell nothing of what happened (folded): greetings, pronouns, asking and requesting,
# the kinds' names, the office addressed. An opening with at least TOLD_WORDS other words told
# the problem, and asking the description after it makes the citizen type it twice. (The first
# run counted every opening of 8 words or more, also "Cho tôi hỏi, tôi muốn tố cáo một cán bộ
# bảo hiểm thì làm thế nào?": that figure is still reported, as ``description_asked_after_8``.)
NOT_TOLD = frozenset("""
toi minh em e mk tui bac chau anh chi ong ba chung ta chao xin cho hoi muon can gui lam nop co
the duoc dc a nhe voi ve mot viec nay do thi nao sao bao nhieu gi dau ai nhu de cua la
khieu nai to cao giac gop y phan anh kien nghi de nghi yeu cau don dap chut
quan bao hiem xa hoi bhxh bhyt vss
i m my me we our us you hello hi please want would d like to need help with a an the about file
make send lodge submit some can how what where when why who which do does is are am it this that
for of in on at complaint complain report suggestion recommendation denunciation denounce enquiry
question social insurance security office vietnam
""".split())
TOLD_WORDS = 4


def told_problem(opening: str) -> bool:
    """Whether the opening told something of what happened (not only asked or requested)."""
    words = re.findall(r"[0-9a-z]+", fold(opening))
    return sum(w not in NOT_TOLD for w in words) >= TOLD_WORDS


def unit_level(code: str) -> str:
    """The level of a unit from its code (refdata/loader.py: vss…, bhxh.<province>,
    bhxh.<province>.<office>)."""
    if code == "vss" or code.startswith("vss."):
        return "central"
    return "provincial" if code.count(".") == 1 else "grassroots"


def _bare(name: str) -> str:
    """A province's name without "TP" ("TP Hồ Chí Minh" → "Hồ Chí Minh"), folded."""
    return fold(re.sub(r"^(TP|Thành phố|Tỉnh)\s+", "", name.strip(), flags=re.IGNORECASE))


def province_of(code: str) -> str | None:
    """The province (folded name) of a provincial or grassroots unit's code (``bhxh.<code>…``)."""
    parts = code.split(".")
    if parts[0] != "bhxh" or len(parts) < 2:
        return None
    return next((_bare(p["name_vi"]) for p in _provinces() if p["code"] == parts[1]), None)


def _provinces() -> list[dict[str, Any]]:
    path = ROOT / "backend" / "vss_tickets" / "refdata" / "provinces.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))["provinces"]


class Citizen:
    """One scenario's citizen talking to the running stack."""

    def __init__(self, stack: Stack, scenario: dict[str, Any]) -> None:
        self.stack, self.scenario = stack, scenario
        self.words = WORDS[scenario["form"]]
        # The REST channel namespaces its conversations ("rest:<sender>"): the tracker is read
        # under that id (without the prefix the bench read an empty conversation).
        self.sender = f"rest:blind-{uuid.uuid4().hex[:12]}"
        self.asked: list[str] = []
        self.transcript: list[dict[str, Any]] = []

    def say(self, text: str) -> list[dict[str, Any]]:
        response = requests.post(f"{self.stack.rasa_url}/webhooks/rest/webhook", timeout=120,
                                 json={"sender": self.sender, "message": text})
        response.raise_for_status()
        self.transcript.append({"citizen": text, "bot": [
            m.get("text", "") + "".join(f" [{b.get('payload')}]" for b in m.get("buttons", []))
            for m in response.json()]})
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
            "province": facts.get("province"),
            "commune": facts.get("commune") or words["skip"],
            "full_name": facts.get("name"),
            "phone": facts.get("phone"),
            "id_number": facts.get("cccd") or facts.get("bhxh_code") or words["skip"],
            "consent": words["yes"],
            "confirmed": words["confirm"],
        }
        # a fact the scenario leaves empty (no place for a central matter) is skipped
        return by_slot.get(slot) or words["skip"]

    def play(self) -> dict[str, Any]:
        """The scenario's outcome (never printed one by one)."""
        opening = self.scenario["opening"]
        replies = self.say(opening)
        buttons = [b.get("payload") for m in replies for b in m.get("buttons", [])]
        tracker = self.tracker()
        in_form = (tracker.get("active_loop") or {}).get("name") == "intake_form"
        offered = in_form or "/file_complaint" in buttons
        told = told_problem(opening)
        long_opening = len(opening.split()) >= STORY_WORDS
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
                "typed_twice": told and "description" in self.asked,
                "asked_after_8": long_opening and "description" in self.asked, "lost": lost}


def _ticket_code(tracker: dict[str, Any]) -> str | None:
    return tracker["slots"].get("ticket_code")


def score(stack: Stack, scenarios: list[dict[str, Any]],
          misses: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The aggregate figures; with ``misses``, each missed scenario's conversation appended."""
    counts = {"scenarios": len(scenarios), "ticket_filed": 0, "intake_offered": 0,
              "kind_right": 0, "kind_asked": 0, "misconduct": 0, "misconduct_above": 0,
              "unit_level_as_expected": 0, "description_typed_twice": 0,
              "description_asked_after_8": 0, "forms_lost": 0, "province_named": 0,
              "province_right": 0}
    for scenario in scenarios:
        citizen = Citizen(stack, scenario)
        outcome = citizen.play()
        missed = [k for k in ("typed_twice", "lost") if outcome[k]]
        missed += [] if outcome["offered"] else ["not_offered"]
        expected = scenario["expected"]
        counts["intake_offered"] += outcome["offered"]
        counts["kind_asked"] += outcome["kind_asked"]
        counts["description_typed_twice"] += outcome["typed_twice"]
        counts["description_asked_after_8"] += outcome["asked_after_8"]
        counts["forms_lost"] += outcome["lost"]
        concerned = expected.get("office_level_concerned")
        misconduct = bool(expected.get("misconduct") and concerned)
        counts["misconduct"] += misconduct
        ticket: dict[str, Any] = {}
        if outcome["code"]:
            ticket = requests.get(f"{stack.tickets_url}/api/v1/tickets/{outcome['code']}",
                                  headers={"Authorization": f"Bearer {TICKETS_TOKEN}"},
                                  timeout=30).json()
            level = unit_level(ticket["unit"]["code"])
            counts["ticket_filed"] += 1
            counts["kind_right"] += ticket["kind"] == expected["kind"]
            counts["unit_level_as_expected"] += level == expected["unit_level"]
            missed += [] if ticket["kind"] == expected["kind"] else ["kind"]
            missed += [] if level == expected["unit_level"] else ["unit_level"]
            if expected.get("province") and expected["unit_level"] != "central":
                counts["province_named"] += 1
                right = province_of(ticket["unit"]["code"]) == _bare(expected["province"])
                counts["province_right"] += right
                missed += [] if right else ["province"]
            if misconduct and not (RANK[level] > RANK[concerned]
                                   or concerned == level == "central"):
                missed.append("misconduct_routing")
            elif misconduct:
                counts["misconduct_above"] += 1
        elif misconduct:
            missed.append("misconduct_routing")
        if misses is not None and missed:
            misses.append({"id": scenario.get("id"), "missed": missed,
                           "expected": expected, "unit": ticket.get("unit"),
                           "kind": ticket.get("kind"), "transcript": citizen.transcript})
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, default=SET, help="the scenario file")
    parser.add_argument("--out", type=Path, help="write the aggregate figures as JSON here")
    parser.add_argument("--misses", type=Path,
                        help="write each missed scenario's conversation here (development sets)")
    args = parser.parse_args()
    if args.misses and args.set.name not in DEVELOPMENT:
        parser.error(f"--misses reads a set's misses: only for {', '.join(DEVELOPMENT)}")
    scenarios = yaml.safe_load(args.set.read_text(encoding="utf-8"))["scenarios"]
    misses: list[dict[str, Any]] | None = [] if args.misses else None
    stack = Stack.configure(Path(tempfile.mkdtemp(prefix="intake-blind-")))
    started = time.monotonic()
    try:
        stack.start()
        stack.set_clock(WORKING_MORNING)
        counts = score(stack, scenarios, misses)
    finally:
        stack.stop_all()
    n = counts["scenarios"]
    share = {k: round(100 * v / n, 1) for k, v in counts.items()
             if k not in ("scenarios", "misconduct", "misconduct_above", "province_named",
                          "province_right")}
    share["misconduct_above"] = round(
        100 * counts["misconduct_above"] / max(counts["misconduct"], 1), 1)
    share["province_right"] = round(
        100 * counts["province_right"] / max(counts["province_named"], 1), 1)
    report = {"date": clock.now().isoformat(timespec="seconds"), "set": str(args.set),
              "seconds": round(time.monotonic() - started), "counts": counts, "percent": share}
    print(json.dumps(report, indent=2))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=2), encoding="utf-8")
    if args.misses:
        args.misses.parent.mkdir(parents=True, exist_ok=True)
        args.misses.write_text(json.dumps(misses, indent=1, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
