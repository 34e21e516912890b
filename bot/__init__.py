"""Wiring: settings, channel adapters, dispatcher, scheduler and the `yizhan` command line."""
