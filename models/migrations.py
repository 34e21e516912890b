"""Versioned schema migrations, applied in order on start; the schema is the contract.

Add a migration by appending a `Migration` with a new name; never edit one that has shipped.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Migration:
    """A named SQL script applied once, in the same transaction as its `_migrations` row."""

    name: str
    sql: str


CORE = """
-- A chat identity (channel + channel user id) and what it may do.
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    channel TEXT NOT NULL,
    channel_user_id TEXT NOT NULL,
    role TEXT NOT NULL DEFAULT 'seeker',        -- seeker / employer / caseworker / admin
    lang TEXT NOT NULL DEFAULT 'zh',
    display_name TEXT,
    district TEXT,                              -- caseworkers: their district
    station TEXT,                               -- caseworkers: their 驿站
    subscribed INTEGER NOT NULL DEFAULT 1,      -- 0 after "blocked by user" / unfollow
    last_inbound_at TEXT,                       -- for WeChat's 48-hour window
    created_at TEXT NOT NULL,
    UNIQUE (channel, channel_user_id)
);

-- The seeker profile (登记表 fields needed for matching; never 身份证号).
CREATE TABLE seekers (
    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    work_form TEXT,
    categories TEXT NOT NULL DEFAULT '[]',      -- JSON list of form codes
    other_category TEXT,
    pay TEXT NOT NULL DEFAULT '{}',             -- JSON {min,max,unit,negotiable,period}
    pay_hard INTEGER NOT NULL DEFAULT 0,
    daily_settlement_only INTEGER NOT NULL DEFAULT 0,
    districts TEXT NOT NULL DEFAULT '[]',
    max_km REAL,
    lat REAL,
    lon REAL,
    education TEXT,
    skills TEXT,
    experience TEXT,
    needs TEXT NOT NULL DEFAULT '[]',
    consent INTEGER,
    wish TEXT,
    paused INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'active',      -- active / employed / closed
    status_detail TEXT,
    quiet_start INTEGER NOT NULL DEFAULT 22,
    quiet_end INTEGER NOT NULL DEFAULT 7,
    daily_cap INTEGER NOT NULL DEFAULT 5,
    digest_hour INTEGER,
    penalties TEXT NOT NULL DEFAULT '{}',       -- JSON, learned from 不感兴趣 reasons
    completed_at TEXT,
    updated_at TEXT NOT NULL
);

-- Where each user is in a dialog; versioned so a changed flow does not strand old states.
CREATE TABLE dialog_states (
    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    flow TEXT NOT NULL,
    version INTEGER NOT NULL,
    step TEXT NOT NULL,
    data TEXT NOT NULL DEFAULT '{}',
    updated_at TEXT NOT NULL
);

-- Inbound platform message ids already handled (WeChat retries the same MsgId).
CREATE TABLE processed_messages (
    channel TEXT NOT NULL,
    message_id TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (channel, message_id)
);

CREATE TABLE postings (
    id INTEGER PRIMARY KEY,
    external_id TEXT UNIQUE,
    source TEXT,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    categories TEXT NOT NULL DEFAULT '[]',
    category_confidence REAL NOT NULL DEFAULT 0,
    district TEXT,
    address TEXT,
    lat REAL,
    lon REAL,
    pay TEXT NOT NULL DEFAULT '{}',
    pay_monthly REAL,                           -- monthly equivalent of the lower bound
    work_form TEXT,
    contact TEXT,
    phones TEXT NOT NULL DEFAULT '[]',
    headcount INTEGER,
    age_min INTEGER,
    age_max INTEGER,
    gender TEXT,
    benefits TEXT NOT NULL DEFAULT '[]',
    start TEXT,
    trust TEXT NOT NULL DEFAULT 'imported',
    risk_score REAL NOT NULL DEFAULT 0,
    risk_reasons TEXT NOT NULL DEFAULT '[]',
    status TEXT NOT NULL DEFAULT 'published',
    poster_user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    original_text TEXT,
    text_hash TEXT,
    dup_of INTEGER REFERENCES postings(id),
    seen_count INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    published_at TEXT,
    expires_at TEXT,
    verified_at TEXT,
    updated_at TEXT NOT NULL
);
CREATE INDEX postings_status ON postings (status, expires_at);
CREATE INDEX postings_hash ON postings (text_hash);

-- Every place a posting was seen (groups, imports, reposts).
CREATE TABLE posting_sources (
    id INTEGER PRIMARY KEY,
    posting_id INTEGER NOT NULL REFERENCES postings(id) ON DELETE CASCADE,
    source TEXT NOT NULL,
    seen_at TEXT NOT NULL,
    raw_text TEXT
);

-- The outbox: one delivery per (seeker, posting).
CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY,
    seeker_user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    posting_id INTEGER NOT NULL REFERENCES postings(id) ON DELETE CASCADE,
    state TEXT NOT NULL DEFAULT 'queued',
    score REAL NOT NULL DEFAULT 0,
    reason TEXT NOT NULL DEFAULT '',
    due_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    outcome TEXT,
    digest INTEGER NOT NULL DEFAULT 0,
    claimed_until TEXT,
    created_at TEXT NOT NULL,
    sent_at TEXT,
    updated_at TEXT NOT NULL,
    UNIQUE (seeker_user_id, posting_id)
);
CREATE INDEX deliveries_due ON deliveries (state, due_at);

CREATE TABLE delivery_attempts (
    id INTEGER PRIMARY KEY,
    delivery_id INTEGER NOT NULL REFERENCES deliveries(id) ON DELETE CASCADE,
    at TEXT NOT NULL,
    outcome TEXT NOT NULL,
    detail TEXT
);

-- 感兴趣 / 不感兴趣 (with reason) / 已找到工作.
CREATE TABLE feedback (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    posting_id INTEGER REFERENCES postings(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    reason TEXT,
    at TEXT NOT NULL
);

-- 联系服务记录. user_id is kept NULL-able so that statistics survive a deletion request.
CREATE TABLE contacts (
    id INTEGER PRIMARY KEY,
    user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    register_id INTEGER,
    at TEXT NOT NULL,
    method TEXT NOT NULL,
    content TEXT NOT NULL,
    staff TEXT NOT NULL DEFAULT '系统',
    outcome TEXT
);

-- Who did what privileged thing, and whether it was allowed.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,                        -- "channel:user_id" or "cli"
    action TEXT NOT NULL,
    target TEXT,
    detail TEXT,
    allowed INTEGER NOT NULL
);

-- Persisted timers (digests, expiry sweeps, retries, check-ins) so a restart loses none.
CREATE TABLE timers (
    name TEXT PRIMARY KEY,
    due_at TEXT NOT NULL,
    payload TEXT NOT NULL DEFAULT '{}'
);
"""

MIGRATIONS: list[Migration] = [
    Migration("0001_core", CORE),
]
