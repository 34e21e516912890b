"""How many seekers one posting may interrupt, and which: the best-fitting first.

A push spends a seeker's attention (and their `daily_cap` of 5 pushes a day): a 2-person job
pushed to the 44,201 seekers it reached at 1M seekers (scripts/bench_city.py) is spam, and uses
up the pushes the next postings would have had. So a posting is pushed to the best-fitting N
only; the others still find it when they ask, since ranking is not capped. The cap is applied
in one place, the push step of publishing (handlers.services.publishing), never in storage.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ReachCap:
    """N = max(floor, headcount × per_head), at most ceiling.

    per_head 30: about one pushed seeker in ten answers 感兴趣, and an employer wants about three
    candidates per opening to choose from. floor 50: a post without a headcount (or of one)
    still gets a shortlist. ceiling 500: a factory's hiring wave of 20+ heads gets 500; past that
    the rest find it in 找工作, and one publish writes at most 500 rows.
    """

    floor: int = 50
    per_head: int = 30
    ceiling: int = 500

    def limit(self, headcount: int | None) -> int:
        """How many seekers a posting asking for `headcount` people is pushed to."""
        return min(self.ceiling, max(self.floor, (headcount or 0) * self.per_head))
