"""Texts of matching: the reason phrases of a match (rendered by matching.explain) and the
`yizhan match` / `yizhan reach` / demo output."""

TEXTS: dict[str, dict[str, str]] = {
    # One phrase per ReasonPart key (matching/explain.py); joined with match.reason.sep.
    "match.reason.sep": {"zh": " · ", "en": " · "},
    "match.reason.category": {"zh": "{name}类", "en": "{name}"},
    "match.reason.district": {"zh": "{district}", "en": "{district}"},
    "match.reason.neighbour": {
        "zh": "{district}（邻近您选的区）",
        "en": "{district} (next to your area)",
    },
    "match.reason.km": {
        "zh": "{district} 距您约 {km} 公里",
        "en": "{district}, about {km} km away",
    },
    "match.reason.km_only": {"zh": "距您约 {km} 公里", "en": "about {km} km away"},
    "match.reason.km_beyond": {
        "zh": "{district} 距您约 {km} 公里，略超出您的范围",
        "en": "{district}, about {km} km away, a little beyond your range",
    },
    "match.reason.km_beyond_only": {
        "zh": "距您约 {km} 公里，略超出您的范围",
        "en": "about {km} km away, a little beyond your range",
    },
    "match.reason.pay_daily": {"zh": "日结 {amount} 元", "en": "{amount} yuan/day, paid daily"},
    "match.reason.pay_day": {"zh": "日薪 {amount} 元", "en": "{amount} yuan/day"},
    "match.reason.pay_hour": {"zh": "时薪 {amount} 元", "en": "{amount} yuan/hour"},
    "match.reason.pay_month": {"zh": "月薪 {amount} 元", "en": "{amount} yuan/month"},
    "match.reason.pay_year": {"zh": "年薪 {amount} 元", "en": "{amount} yuan/year"},
    "match.reason.pay_piece": {"zh": "计件工资", "en": "piece rate"},
    "match.reason.pay_negotiable": {"zh": "薪资面议", "en": "pay negotiable"},
    "match.reason.pay_below": {"zh": "略低于您的期望", "en": "a little below your expectation"},
    "match.reason.verified": {"zh": "已核实", "en": "verified"},
    # yizhan match / reach, printed for people
    "match.cli.title": {
        "zh": "为 {user} 推荐的岗位（前 {k} 个）",
        "en": "Top {k} {k:job|jobs} for {user}",
    },
    "match.cli.rank": {"zh": "#", "en": "#"},
    "match.cli.posting": {"zh": "岗位", "en": "Job"},
    "match.cli.score": {"zh": "匹配度", "en": "Score"},
    "match.cli.reason": {"zh": "推荐理由", "en": "Why"},
    "match.cli.near_miss": {"zh": "（接近）", "en": " (near miss)"},
    "match.cli.none": {"zh": "暂时没有合适的岗位。", "en": "No suitable jobs yet."},
    "match.cli.no_user": {
        "zh": "没有找到控制台用户 {user} 的求职资料。",
        "en": "No seeker profile for console user {user}.",
    },
    "match.cli.no_posting": {"zh": "没有找到岗位 {posting}。", "en": "No posting {posting}."},
    "match.cli.bad_line": {
        "zh": "第 {line} 行无法使用，已跳过：{reason}",
        "en": "Line {line} skipped: {reason}",
    },
    "match.cli.done": {
        "zh": "已为 {count} 份资料写出推荐结果（跳过 {skipped} 行）。",
        "en": "Wrote matches for {count} {count:profile|profiles} ({skipped} "
        "{skipped:line|lines} skipped).",
    },
    "match.cli.need_input": {
        "zh": "请给出 --profiles 文件或 --user 用户名。",
        "en": "Give a --profiles file or a --user name.",
    },
    "match.cli.reach_title": {
        "zh": "岗位「{title}」会推送给 {count} 位求职者（阈值 {threshold}）",
        "en": "Job “{title}” would reach {count} {count:seeker|seekers} (threshold {threshold})",
    },
    "match.cli.seeker": {"zh": "求职者", "en": "Seeker"},
    "match.cli.nobody": {
        "zh": "没有求职者达到推送阈值。",
        "en": "No seeker reaches the push threshold.",
    },
    # yizhan demo
    "match.demo.stage": {"zh": "为示例求职者推荐岗位", "en": "Top matches for the sample seeker"},
    "match.demo.loaded": {
        "zh": "数据库里还没有岗位，已载入 {count} 条示例岗位。",
        "en": "The database had no jobs; loaded {count} sample {count:posting|postings}.",
    },
    "match.demo.line": {
        "zh": "{rank}. {title}（匹配度 {score}）",
        "en": "{rank}. {title} ({score})",
    },
    "match.demo.reason": {"zh": "   推荐理由：{reason}", "en": "   Why: {reason}"},
}
