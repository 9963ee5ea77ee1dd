"""NLU parse latency against a running Rasa server's /model/parse (p50, p95, p99).

Usage: .venv/bin/python bench/nlu_latency.py [--url http://127.0.0.1:5005] [--requests 300]
The token comes from $RASA_TOKEN (as for `make run`). Texts are the held-out NLU examples,
sent one at a time after a warm-up, as a citizen's messages arrive.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from itertools import cycle, islice
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.nlu_eval import DEFAULT_HELDOUT, load_examples  # noqa: E402
from bot.common.settings import Settings  # noqa: E402

WARM_UP = 20


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile of ``values`` (``share`` in 0..1)."""
    ordered = sorted(values)
    return ordered[max(0, round(share * len(ordered)) - 1)]


def main() -> int:
    settings = Settings.from_env()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=f"http://127.0.0.1:{settings.rasa_port}")
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    texts = [text for _, text, _ in load_examples(DEFAULT_HELDOUT)]
    session = requests.Session()
    url = f"{args.url.rstrip('/')}/model/parse"
    timings = []
    for index, text in enumerate(islice(cycle(texts), WARM_UP + args.requests)):
        started = time.perf_counter()
        response = session.post(url, params={"token": settings.rasa_token},
                                json={"text": text}, timeout=30)
        elapsed = (time.perf_counter() - started) * 1000
        response.raise_for_status()
        if index >= WARM_UP:
            timings.append(elapsed)
    print(f"{url}: {len(timings)} parses after {WARM_UP} warm-up")
    print(f"p50 {percentile(timings, 0.50):.1f} ms  p95 {percentile(timings, 0.95):.1f} ms  "
          f"p99 {percentile(timings, 0.99):.1f} ms  mean {statistics.mean(timings):.1f} ms  "
          f"max {max(timings):.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
