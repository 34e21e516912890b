"""Everything the bot answers, in order: `build_router()` composes the areas' routers.

Read top to bottom, the inclusion order is the precedence of fallbacks (the first that says
"mine" answers) and the order 帮助 and the Telegram menu list commands in. Commands, flows and
button payloads do not compete (a duplicate raises here), so only fallbacks depend on it.
"""

from __future__ import annotations

from handlers import (
    broadcast,
    checkins,
    commands,
    employer,
    feedback,
    followups,
    group_post,
    moderation,
    my_posts,
    onboarding,
    relay,
    staff,
)
from handlers.middleware import apologise_on_error, drop_retries, one_turn_per_user
from handlers.routing import Router


def build_router() -> Router:
    """The root router: inbound middleware outermost first, then the areas by precedence."""
    caseworker = Router("caseworker").include(
        staff.router,  # early: an invite code or deep link wins over any flow
        broadcast.router,
        followups.router,
        moderation.router,
    )
    employer_area = Router("employer area").include(
        group_post.router,  # early: a "J12" job code, after invite codes
        employer.router,  # a free-text job post (after check-in answers and relays)
        my_posts.router,
    )
    root = Router("root", inbound=[apologise_on_error, drop_retries, one_turn_per_user])
    return root.include(
        commands.router,  # seeker commands first: 帮助 lists them first
        caseworker,
        checkins.router,  # a bare 1/2/3 answering a check-in, before relay and post readers
        relay.router,  # a staff member's relayed group post, before the employer's reader
        employer_area,
        feedback.router,
        onboarding.router,  # last: the seeker's dialog takes whatever is left
    )
