"""The WeChat official account: API client, callback, events, rendering, sender."""
