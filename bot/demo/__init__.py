"""The demo: `yizhan demo`'s story and the console's `--demo` data; not used by `yizhan run`."""
