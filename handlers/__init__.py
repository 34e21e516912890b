"""Channel-agnostic conversation: takes an `Incoming`, returns `Reply` values."""
