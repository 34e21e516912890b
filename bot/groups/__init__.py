"""WeCom customer groups (#21): digests, change events, the daily job, the origin report."""
