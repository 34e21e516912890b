"""微信客服: message sync, its `yizhan run` part, scene links, sessions, sender."""
