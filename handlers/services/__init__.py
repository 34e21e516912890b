"""Application services the flows, the CLI, the console and the dispatcher call; no chat flow."""
