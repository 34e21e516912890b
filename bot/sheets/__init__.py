"""Sheets in and out: reading caseworkers' files, imports, templates and Excel exports."""
