"""Channel adapters: each turns platform payloads into `Incoming` and sends `Reply` values."""
