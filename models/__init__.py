"""Domain dataclasses and the storage layer; imports nothing else from the project."""
