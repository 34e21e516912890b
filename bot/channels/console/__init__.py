"""The terminal channel: the chat adapter and the console sender."""
