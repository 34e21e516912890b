"""Texts of the terminal channel (`yizhan chat`) and of `yizhan demo`."""

TEXTS: dict[str, dict[str, str]] = {
    "console.intro": {
        "zh": "驿站对话（用户 {user}）。回复编号或文字都可以；多选时可以一次写几个编号，如“1 3”；"
        "发送位置：@loc 纬度 经度（如 @loc 39.08 117.2）；退出：/quit 或 Ctrl-D。",
        "en": "Yizhan chat (user {user}). Answer with a number or text; for multiple choice "
        "type several numbers like '1 3'; share a location: @loc LAT LON (e.g. @loc 39.08 "
        "117.2); quit: /quit or Ctrl-D.",
    },
    "console.multi_hint": {
        "zh": "（可多选：回复编号，可一次写几个，如“1 3”，最后选“完成”）",
        "en": "(several allowed: numbers like '1 3', then Done)",
    },
    "console.location_hint": {
        "zh": "（可发送位置：@loc 纬度 经度，如 @loc 39.08 117.2）",
        "en": "(share a location: @loc LAT LON, e.g. @loc 39.08 117.2)",
    },
    "console.bad_location": {
        "zh": "位置的写法：@loc 纬度 经度，例如 @loc 39.08 117.2",
        "en": "Write a location as @loc LAT LON, e.g. @loc 39.08 117.2",
    },
    "console.you": {"zh": "我", "en": "me"},
    "console.bot": {"zh": "驿站", "en": "Yizhan"},
    "console.prompt": {"zh": "我", "en": "me"},
    "console.unknown_user": {
        "zh": "没有找到终端用户“{user}”的资料。",
        "en": "No profile for console user '{user}'.",
    },
    "demo.title": {
        "zh": "驿站演示 — 数据库：{db}",
        "en": "Yizhan demo — database: {db}",
    },
    "demo.stage": {"zh": "== {n}. {name} ==", "en": "== {n}. {name} =="},
    "demo.stage.onboarding": {
        "zh": "求职者通过对话登记（终端通道）",
        "en": "A job seeker registers by chat (console channel)",
    },
    "demo.stage.profile": {"zh": "数据库里保存的资料", "en": "The stored profile"},
    "demo.seeker": {"zh": "求职者", "en": "seeker"},
    "backup.done.sqlite": {
        "zh": "已备份到 {path}（SQLite 在线备份）",
        "en": "Backed up to {path} (SQLite online backup)",
    },
    "backup.done.pg_dump": {
        "zh": "已备份到 {path}（pg_dump 格式，用 pg_restore 恢复）",
        "en": "Backed up to {path} (pg_dump format; restore with pg_restore)",
    },
    "backup.exists": {
        "zh": "备份文件已存在，请换一个文件名",
        "en": "The backup file exists already; choose another name",
    },
    "backup.missing": {"zh": "数据库文件不存在", "en": "The database file does not exist"},
    "backup.no_pg_dump": {
        "zh": "找不到 pg_dump，请安装 PostgreSQL 客户端",
        "en": "pg_dump not found; install the PostgreSQL client",
    },
    "backup.failed": {"zh": "备份失败", "en": "The backup failed"},
}
