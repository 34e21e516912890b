"""The caseworker web console: server-rendered pages under /console (issue 9)."""
