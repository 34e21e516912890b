"""Delivery: the dispatcher's lanes, per-channel pacing and the delivery errors."""
