"""The caseworker's conversation: moderation, broadcasts, follow-ups, roles, relays."""
