"""Small repository classes with explicit SQL; each is the only writer of its tables."""
