"""Pure matching logic: text primitives, taxonomy, districts, pay, the encoder and the index."""
