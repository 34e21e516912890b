"""Fields stated in a seeker's first free-text message → fields the profile kept; prints JSON.

Each message goes through the real router (`ConsoleSession`, as `yizhan chat` sends it) on a
fresh SQLite file, one user per message. Gold fields were written by someone who does not read
`matching/` or `handlers/` (scripts/data/seeker_messages_{dev,blind}.jsonl; the blind file is
only scored, never read by a person working on the dialog).

A stated field counts as kept when the stored profile holds it: categories (every gold code
present), any (no trade stored and 岗位意愿 answered), districts (every gold district), pay
(pay_min and pay_unit together), work_form, daily_settlement_only, prefers_daily (the pay's period
is 日结 or 只要日结 is set), max_km, landmark (the stored anchor within 2 km of the place).
age, gender, benefits (what the seeker says about themselves, kept on the profile though the
form never asks them) are scored too: `kept_form` leaves them out, `kept_all` counts them.
`junk_categories` counts messages that stored a 其他 category (none of the gold states one;
must be 0).

    python scripts/eval_dialog.py [--set dev|blind] [--show-errors]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.channels.console.adapter import ConsoleSession  # noqa: E402
from handlers.context import Policy, Services  # noqa: E402
from matching.districts import haversine_km  # noqa: E402
from matching.landmarks import find_landmark  # noqa: E402
from models.db import Database  # noqa: E402
from models.seeker import SeekerProfile  # noqa: E402

DATA = ROOT / "scripts" / "data"
SELF = ("age", "gender", "benefits")  # what seekers say about themselves (not form questions)
LANDMARK_KM = 2.0


def _kept(name: str, want: Any, profile: SeekerProfile, answered: set[str]) -> bool:
    pay = profile.pay
    if name == "categories":
        return set(want) <= set(profile.categories)
    if name == "any":
        return bool(want) == (not profile.categories and "categories" in answered)
    if name == "districts":
        return set(want) <= set(profile.districts)
    if name == "pay_min":
        return pay.min is not None and abs(pay.min - float(want)) < 0.5
    if name == "pay_unit":
        return pay.unit is not None and pay.unit.value == want
    if name == "work_form":
        return profile.work_form is not None and profile.work_form.value == want
    if name == "daily_settlement_only":
        return profile.daily_settlement_only is bool(want)
    if name == "prefers_daily":
        return bool(want) == (pay.period == "日结" or profile.daily_settlement_only)
    if name == "max_km":
        return profile.max_km is not None and abs(profile.max_km - float(want)) < 0.5
    if name == "landmark":
        place = find_landmark(str(want))
        at = profile.location
        return (
            place is not None
            and at is not None
            and haversine_km(at.lat, at.lon, place.lat, place.lon) <= LANDMARK_KM
        )
    if name == "age":
        return profile.age == int(want)
    if name == "gender":
        return profile.gender == want
    if name == "benefits":
        return set(want) <= set(profile.benefits)
    return False


async def score(set_name: str, rows: list[dict[str, Any]], show_errors: bool) -> dict[str, Any]:
    """Send every first message, then compare the stored profile with the gold fields."""
    stated: Counter[str] = Counter()
    kept: Counter[str] = Counter()
    junk = 0
    errors: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        async with Database.open(Path(tmp) / "eval.db") as db:
            services = Services(db=db, policy=Policy())
            for row in rows:
                session = ConsoleSession(services, str(row["id"]))
                if row.get("lang") == "en":
                    await session.send("/lang en")
                await session.send(row["text"])
                user = await services.users.get(session.key)
                assert user is not None
                profile = await services.seekers.get(user.id) or SeekerProfile(user_id=user.id)
                state = await services.dialogs.load(user.id)
                answered = set(state.data.get("answered", [])) if state else set()
                gold = row["gold"]
                if profile.other_category:
                    junk += 1
                for name, want in gold.items():
                    if name == "pay_unit" and "pay_min" in gold:
                        continue  # pay is one field: figure and unit together
                    ok = _kept(name, want, profile, answered)
                    if name == "pay_min" and "pay_unit" in gold:
                        ok = ok and _kept("pay_unit", gold["pay_unit"], profile, answered)
                    stated[name] += 1
                    kept[name] += ok
                    if not ok and show_errors:
                        errors.append({"id": row["id"], "field": name, "gold": want})
    form = [n for n in stated if n not in SELF]
    n_form = sum(stated[n] for n in form)
    result: dict[str, Any] = {
        "set": set_name,
        "messages": len(rows),
        "stated_form_fields": n_form,
        "kept_form": round(sum(kept[n] for n in form) / max(n_form, 1), 3),
        "kept_all": round(sum(kept.values()) / max(sum(stated.values()), 1), 3),
        "junk_categories": junk,
        "per_field": {n: f"{kept[n]}/{stated[n]}" for n in sorted(stated)},
    }
    if show_errors:
        result["errors"] = errors
    return result


def main() -> None:
    """Score one set (dev by default) and print the figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", choices=("dev", "blind"), default="dev")
    parser.add_argument("--show-errors", action="store_true", help="list lost fields (dev only)")
    args = parser.parse_args()
    if args.set == "blind" and args.show_errors:
        parser.error("the blind set is scored only: no per-message errors")
    path = DATA / f"seeker_messages_{args.set}.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    result = asyncio.run(score(path.name, rows, args.show_errors))
    print(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
