"""How hopeless is guessing a receipt code? Figures for the closing note of issue 13. Prints; asserts nothing.

    .venv/bin/python bench/complaints_receipts.py [--open 10000] [--limit "10/minute;60/hour"]

A receipt is 20 random digits and a Damm check digit (``rules.RECEIPT_BITS`` = 66.4 bits; the check digit adds
none: a guesser computes it). Every look-up of a code counts against ``COMPLAINT_LOOKUP_RATE_LIMIT`` per client
(status page and the answer/"is it fixed?" forms alike), so the sustained guessing rate of one client is the
tightest of the limit's windows. Among N open complaints one guess hits with probability N / 10**20.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

HOURS_PER_YEAR = 24 * 365.25


def guesses_per_hour(rate_text: str) -> float:
    """The sustained look-ups per hour one client may make under a Flask-Limiter rate text ("10/minute;60/hour")."""
    from limits import parse_many

    return min(item.amount * 3600 / item.get_expiry() for item in parse_many(rate_text))


def figures(rate_text: str, open_complaints: int, clients: int = 1) -> dict:
    from factorysafe.complaints.rules import RECEIPT_BITS, guesses_to_find_one

    per_hour = guesses_per_hour(rate_text) * clients
    expected = guesses_to_find_one(open_complaints)
    return {"bits": RECEIPT_BITS, "guesses_per_hour": per_hour, "open_complaints": open_complaints,
            "expected_guesses": expected, "years_to_expected_hit": expected / per_hour / HOURS_PER_YEAR,
            "chance_per_year": min(1.0, per_hour * HOURS_PER_YEAR * open_complaints / 10 ** 20)}


def main() -> None:
    from factorysafe.config import Defaults

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--open", type=int, default=10_000, help="open complaints (default 10,000)")
    parser.add_argument("--limit", default=Defaults.COMPLAINT_LOOKUP_RATE_LIMIT)
    args = parser.parse_args()
    print(f"receipt entropy: {figures(args.limit, 1)['bits']:.1f} bits; look-up limit per client: {args.limit}")
    for clients in (1, 1_000, 1_000_000):
        f = figures(args.limit, args.open, clients)
        print(f"{clients:>9,} client address(es): {f['guesses_per_hour']:,.0f} guesses/hour; expected time to hit "
              f"one of {args.open:,} open receipts: {f['years_to_expected_hit']:.3g} years "
              f"(chance in one year: {f['chance_per_year']:.2g})")


if __name__ == "__main__":
    main()
