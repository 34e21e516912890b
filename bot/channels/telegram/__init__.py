"""The Telegram channel: the adapter, its `yizhan run` part and its sender."""
