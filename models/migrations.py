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

WECHAT = """
-- The access token has one owner and is stored, so a restart reuses it (2,000 fetches a day).
CREATE TABLE wechat_tokens (
    app_id TEXT PRIMARY KEY,
    token TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

-- The numbered choices last sent to a WeChat user ("回复数字：1 … 2 …"); a bare number maps back.
CREATE TABLE wechat_choices (
    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    choices TEXT NOT NULL,                      -- JSON [[label, payload], ...]
    multi INTEGER NOT NULL DEFAULT 0,
    sent_at TEXT NOT NULL
);

-- Customer-service messages spent in the user's current 48-hour window (at most 5).
CREATE TABLE wechat_windows (
    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    opened_at TEXT NOT NULL,                    -- the users.last_inbound_at the count belongs to
    sent INTEGER NOT NULL DEFAULT 0
);

-- 订阅通知 consent per template, from the subscribe_msg_* events: accept / reject.
CREATE TABLE wechat_subscriptions (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    template_id TEXT NOT NULL,
    status TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (user_id, template_id)
);

-- Callback replay cache: signed (timestamp, nonce, signature) triples seen recently.
CREATE TABLE wechat_replays (
    key TEXT PRIMARY KEY,
    digest TEXT NOT NULL,                       -- SHA-256 of the body it came with
    at TEXT NOT NULL
);
CREATE INDEX wechat_replays_at ON wechat_replays (at);
"""

CASEWORKER = """
-- The register of unemployed people a caseworker imports (登记表 fields; never 身份证号).
CREATE TABLE register (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    phone TEXT,
    gender TEXT,
    education TEXT,
    skills TEXT,
    registered_on TEXT,                         -- 失业登记时间, ISO date
    address TEXT,
    district TEXT,
    user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    invite_code TEXT UNIQUE,
    status TEXT NOT NULL DEFAULT 'registered',  -- registered / employed / unreachable / closed
    status_detail TEXT,
    status_at TEXT,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    imported_at TEXT NOT NULL,
    UNIQUE (name, phone)
);
CREATE INDEX register_district ON register (district);
CREATE INDEX contacts_at ON contacts (at);
"""

DELIVERY = """
-- Digests and notices: one message each, sent by the dispatcher like a delivery. A digest groups
-- the matches held for digest mode or beyond the daily cap; a notice tells a poster or caseworker
-- something (a posting reported 已招满 by several seekers).
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,                         -- digest / notice
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    channel TEXT NOT NULL,
    dedupe_key TEXT UNIQUE,                     -- notices: raised once per key
    reply TEXT,                                 -- notices: JSON {"text", "choices": [...]}
    state TEXT NOT NULL DEFAULT 'queued',       -- the delivery states
    due_at TEXT NOT NULL,
    hold TEXT,                                  -- why a queued row waits: quiet/retry/rate/window
    held_at TEXT,                               -- window holds end when the user writes after this
    attempts INTEGER NOT NULL DEFAULT 0,
    recoveries INTEGER NOT NULL DEFAULT 0,      -- claims lost by a stopped worker
    outcome TEXT,
    claimed_until TEXT,
    claim_token TEXT,
    message_id TEXT,
    created_at TEXT NOT NULL,
    sent_at TEXT,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX outbox_open_digest ON outbox (user_id)
    WHERE kind = 'digest' AND state = 'queued';                 -- one open digest per seeker
CREATE INDEX outbox_lane ON outbox (channel, state, due_at);
CREATE INDEX outbox_window ON outbox (user_id) WHERE hold = 'window';

-- Dispatch columns of the outbox of job pushes.
ALTER TABLE deliveries ADD COLUMN channel TEXT;        -- the seeker's channel: lanes claim by it
ALTER TABLE deliveries ADD COLUMN hold TEXT;           -- quiet / retry / rate / digest
ALTER TABLE deliveries ADD COLUMN claim_token TEXT;    -- which worker's lease claimed_until is
ALTER TABLE deliveries ADD COLUMN recoveries INTEGER NOT NULL DEFAULT 0;
ALTER TABLE deliveries ADD COLUMN message_id TEXT;     -- the platform's id of the sent message
ALTER TABLE deliveries ADD COLUMN digest_id INTEGER REFERENCES outbox(id) ON DELETE SET NULL;
CREATE INDEX deliveries_lane ON deliveries (channel, state, due_at);
CREATE INDEX deliveries_digest ON deliveries (digest_id) WHERE digest_id IS NOT NULL;
CREATE INDEX deliveries_posting ON deliveries (posting_id, state);
CREATE INDEX delivery_attempts_delivery ON delivery_attempts (delivery_id);
CREATE INDEX feedback_posting ON feedback (posting_id, kind, reason);
CREATE INDEX postings_dup ON postings (dup_of) WHERE dup_of IS NOT NULL;
CREATE INDEX feedback_user ON feedback (user_id, posting_id);
"""

INTAKE = """
-- Near-duplicate lookup: MinHash band keys and phone+category+district+pay keys per posting.
CREATE TABLE posting_dedup_keys (
    key INTEGER NOT NULL,
    posting_id INTEGER NOT NULL REFERENCES postings(id) ON DELETE CASCADE,
    PRIMARY KEY (key, posting_id)
) WITHOUT ROWID;
CREATE INDEX posting_dedup_keys_posting ON posting_dedup_keys (posting_id);

-- Phones per posting: one phone posting many unrelated jobs is a risk signal.
CREATE TABLE posting_phones (
    phone TEXT NOT NULL,
    posting_id INTEGER NOT NULL REFERENCES postings(id) ON DELETE CASCADE,
    PRIMARY KEY (phone, posting_id)
) WITHOUT ROWID;
CREATE INDEX posting_phones_posting ON posting_phones (posting_id);

-- Sightings by source reference ("import:feed#123") and over time (mass reposting).
CREATE INDEX posting_sources_source ON posting_sources (source);
CREATE INDEX posting_sources_posting ON posting_sources (posting_id, seen_at);
CREATE INDEX postings_poster ON postings (poster_user_id);
"""

STAFF = """
-- One-time codes an admin hands to a new caseworker or admin ("加入 CODE", or a deep link).
CREATE TABLE staff_invites (
    code TEXT PRIMARY KEY,
    role TEXT NOT NULL,                         -- caseworker / admin
    district TEXT,
    station TEXT,
    created_by TEXT NOT NULL,                   -- "channel:user_id" or "cli"
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    used_at TEXT
);

-- Replies "J12" to a group post: counted per posting, so a station sees which posts work.
CREATE TABLE group_post_replies (
    id INTEGER PRIMARY KEY,
    posting_id INTEGER NOT NULL REFERENCES postings(id) ON DELETE CASCADE,
    user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    at TEXT NOT NULL
);
CREATE INDEX group_post_replies_posting ON group_post_replies (posting_id);

-- The monthly check-in ("这个月找工作顺利吗？"): at most one per person and month.
CREATE TABLE checkins (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    month TEXT NOT NULL,                        -- YYYY-MM, local time
    sent_at TEXT NOT NULL,
    answer TEXT,                                -- found / looking / help
    answered_at TEXT,
    PRIMARY KEY (user_id, month)
);

-- Caseworker broadcasts of a posting to their district's seekers and/or WeCom group.
CREATE TABLE broadcasts (
    id INTEGER PRIMARY KEY,
    posting_id INTEGER NOT NULL REFERENCES postings(id) ON DELETE CASCADE,
    staff TEXT NOT NULL,
    district TEXT,
    at TEXT NOT NULL,
    matched INTEGER NOT NULL DEFAULT 0,         -- seekers of the district the posting matched
    queued INTEGER NOT NULL DEFAULT 0,          -- new pushes this broadcast added
    group_notice INTEGER REFERENCES outbox(id) ON DELETE SET NULL
);
CREATE INDEX broadcasts_posting ON broadcasts (posting_id);

-- Push answers (感兴趣/不感兴趣) already written as a day's contact record, per person and day.
CREATE TABLE feedback_contacts (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    day TEXT NOT NULL,                          -- YYYY-MM-DD, local time
    PRIMARY KEY (user_id, day)
);
CREATE INDEX contacts_user ON contacts (user_id, at);
CREATE INDEX contacts_register ON contacts (register_id, at);
CREATE INDEX register_user ON register (user_id);
"""

# The caseworker web console (issue 9): one-time sign-in links and browser sessions. Only
# SHA-256 hashes of the secrets are stored, so a copied database opens no session.
WEB = """
CREATE TABLE web_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT                                -- set once: a link signs in one browser only
);
CREATE TABLE web_sessions (
    session_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf TEXT NOT NULL,                         -- the form token of this session
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    flash TEXT                                  -- one notice shown on the next page
);
CREATE INDEX web_sessions_user ON web_sessions (user_id);
"""

# Workers that claim rows (dispatcher lanes): a claim is held while its worker's heartbeat is
# fresh and its lease has not run out. A worker starting drops the rows of its host's dead
# processes, so their claims are recovered at once, not after the lease (#17 item 14).
WORKERS = """
CREATE TABLE workers (
    id TEXT PRIMARY KEY,                        -- the claim_token its claims carry
    host TEXT,
    pid INTEGER,
    pid_stamp TEXT,                             -- the process's start time: tells a reused pid
    started_at TEXT NOT NULL,
    heartbeat_at TEXT NOT NULL
);
CREATE INDEX workers_host ON workers (host);
"""

# 就业意向, 街道 and 社区 of the 登记表, kept so a register can move between systems unchanged.
I16_REGISTER_FIELDS = """
ALTER TABLE register ADD COLUMN wish TEXT;
ALTER TABLE register ADD COLUMN street TEXT;
ALTER TABLE register ADD COLUMN community TEXT;
CREATE INDEX register_phone ON register (phone);
"""

# What seekers say about themselves in a first message (issue 15): 女 45岁, 包吃住最好. Kept
# for matching age- and gender-limited jobs and benefits; removed with the profile on 删除我的信息.
I15_SEEKER_SELF = """
ALTER TABLE seekers ADD COLUMN age INTEGER;
ALTER TABLE seekers ADD COLUMN gender TEXT;            -- 男 / 女, only when the seeker says it
ALTER TABLE seekers ADD COLUMN benefits TEXT NOT NULL DEFAULT '[]';  -- JSON list: 包吃, 包住 …
"""

# The console channel keeps its last numbered list in wechat_choices too (issue 15), and a list
# whose question asks for a number ("比如 5") must still read a typed 5 as 5 after a restart.
I15B_CHOICES_NUMERIC = """
ALTER TABLE wechat_choices ADD COLUMN numeric_reply INTEGER NOT NULL DEFAULT 0;
"""

# The push decision (issue 13): each delivery keeps the bars it cleared ("trade:category
# place:district pay:meets …", matching/push_rules.py), so a push can be explained later.
PUSH_BARS = """
ALTER TABLE deliveries ADD COLUMN push_bars TEXT NOT NULL DEFAULT '';
"""

# Where each person first came from (issue 21): an official-account QR code or a 微信客服 link,
# each with the scene a caseworker printed on it (a customer group, a 驿站 poster, a post). The
# first touch is kept; later scans are counted as events, not as a new origin.
I21_ORIGINS = """
CREATE TABLE user_origins (
    user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    source TEXT NOT NULL,                       -- wechat_qr / kf_link
    scene TEXT NOT NULL,                        -- e.g. 西青区-张家窝驿站, group:<chat id>
    at TEXT NOT NULL
);
CREATE INDEX user_origins_scene ON user_origins (scene);
"""

# Timers are claimed like deliveries (issue 20): a claim names its worker and holds while that
# worker beats (models.repos.workers.stale_claim), so a dead worker's timer fires again within
# seconds instead of after the whole lease.
I20_TIMER_CLAIMS = """
ALTER TABLE timers ADD COLUMN claimed_until TEXT;
ALTER TABLE timers ADD COLUMN claim_token TEXT;
"""

# Crypto-shredding (issue 20): each user's key for their sealed personal fields
# (models/repos/personal.py); deleting the row makes every copy of those fields unreadable.
I20_USER_KEYS = """
CREATE TABLE user_keys (
    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    key BLOB NOT NULL,                          -- AES-256-GCM, 32 random bytes
    created_at TEXT NOT NULL
);
"""

# 微信客服 (issue 21, i21kf): messages are fetched with kf/sync_msg from a cursor. A page is
# stored in the inbox together with its next cursor in one transaction, then handled row by row:
# a restart re-reads nothing already stored and loses nothing stored but not yet handled. The
# msgid key drops a message WeCom hands out twice. Handled rows keep only their msgid (for that
# de-duplication) and are pruned after 3 days, the span sync_msg returns messages for.
I21KF_CURSOR = """
CREATE TABLE wecom_kf_cursors (
    open_kfid TEXT PRIMARY KEY,                 -- the 微信客服 account (wk…)
    next_cursor TEXT NOT NULL,                  -- of the last stored page
    at TEXT NOT NULL
);
CREATE TABLE wecom_kf_inbox (
    msgid TEXT PRIMARY KEY,
    open_kfid TEXT NOT NULL,
    body TEXT NOT NULL,                         -- the message JSON; '' once handled
    send_time INTEGER NOT NULL,
    state TEXT NOT NULL DEFAULT 'new',          -- new / done
    at TEXT NOT NULL
);
CREATE INDEX wecom_kf_inbox_state ON wecom_kf_inbox (state, send_time);
CREATE TABLE wecom_kf_contacts (
    user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    open_kfid TEXT NOT NULL,                    -- the account they talk to; replies use it
    at TEXT NOT NULL
);
"""

# WeCom customer groups (客户群, issue 21) as digest destinations: the groups synced from
# externalcontact/groupchat, the caseworker's 群标签 (district and trades), and each day's
# digest created as an enterprise mass-send task (add_msg_template) with its read-back state.
# One digest per group and local day (UNIQUE); a posting is never sent to a group twice.
I21GROUPS_CUSTOMER_GROUPS = """
CREATE TABLE customer_groups (
    chat_id TEXT PRIMARY KEY,
    name TEXT NOT NULL DEFAULT '',
    owner TEXT NOT NULL DEFAULT '',             -- the owner's WeCom userid: the digest's sender
    member_count INTEGER NOT NULL DEFAULT 0,
    dissolved INTEGER NOT NULL DEFAULT 0,       -- 1: gone from groupchat/list or /get refused it
    district TEXT,                              -- 群标签: one of the 16 districts
    trades TEXT NOT NULL DEFAULT '[]',          -- 群标签: JSON list of form codes; [] = any trade
    tagged_by TEXT,
    synced_at TEXT NOT NULL
);
CREATE TABLE group_digests (
    id INTEGER PRIMARY KEY,
    chat_id TEXT NOT NULL REFERENCES customer_groups (chat_id) ON DELETE CASCADE,
    day TEXT NOT NULL,                          -- local date YYYY-MM-DD
    msgid TEXT,                                 -- add_msg_template's task id
    content TEXT NOT NULL,
    status TEXT NOT NULL,                       -- creating/waiting/sent/not_member/over_cap
    staff TEXT NOT NULL,
    created_at TEXT NOT NULL,
    checked_at TEXT,
    sent_at TEXT,
    UNIQUE (chat_id, day)
);
CREATE TABLE group_digest_postings (
    chat_id TEXT NOT NULL,
    posting_id INTEGER NOT NULL REFERENCES postings (id) ON DELETE CASCADE,
    digest_id INTEGER NOT NULL REFERENCES group_digests (id) ON DELETE CASCADE,
    PRIMARY KEY (chat_id, posting_id)
);
"""

# The last page of 找工作's list shown to each seeker (issue 13), so a typed 换一批 / 更多
# shows the next one instead of the first again; deleted with the user.
I13SMALL_JOB_PAGES = """
CREATE TABLE job_pages (
    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    page INTEGER NOT NULL,                      -- 0 = the first five
    shown_at TEXT NOT NULL
);
"""

# Encoded vectors kept in the database (issue 20), so a new worker, a restart or a lost index
# file never runs the model again on a text it encoded before. The key hashes the encoder's
# identity (model and sequence length), the kind (query/passage) and the text, so another
# model never reuses a stale vector. A seeker's row is keyed by their user id instead of their
# text and holds the text's hash and the vector sealed with their key (models/repos/personal.py):
# nothing of it is readable once 删除我的信息 shreds the key, and the row goes with the user.
I20_TEXT_VECTORS = """
CREATE TABLE text_vectors (
    text_key BLOB PRIMARY KEY,                  -- sha256 (see models/repos/text_vectors.py)
    user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,  -- a seeker's; NULL: a posting's
    vector BLOB NOT NULL                        -- float32 little-endian; a seeker's sealed
) WITHOUT ROWID;
CREATE INDEX text_vectors_user ON text_vectors (user_id);
"""

MIGRATIONS: list[Migration] = [
    Migration("0001_core", CORE),
    Migration("0007_wechat", WECHAT),
    Migration("0008_caseworker", CASEWORKER),
    Migration("0005_delivery", DELIVERY),
    Migration("0004_intake", INTAKE),
    Migration("0009_staff", STAFF),
    Migration("0010_web", WEB),
    Migration("i20_workers", WORKERS),
    Migration("i16_register_fields", I16_REGISTER_FIELDS),
    Migration("i15_seeker_self", I15_SEEKER_SELF),
    Migration("i15b_choices_numeric", I15B_CHOICES_NUMERIC),
    Migration("i13_push_bars", PUSH_BARS),
    Migration("i21_origins", I21_ORIGINS),
    Migration("i20_timer_claims", I20_TIMER_CLAIMS),
    Migration("i20_user_keys", I20_USER_KEYS),
    Migration("i21kf_cursor", I21KF_CURSOR),
    Migration("i21groups_customer_groups", I21GROUPS_CUSTOMER_GROUPS),
    Migration("i13small_job_pages", I13SMALL_JOB_PAGES),
    Migration("i20_text_vectors", I20_TEXT_VECTORS),
]
