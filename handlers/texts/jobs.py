"""Texts of asking for jobs (找工作 / 推荐工作 / 有啥活 / /jobs, 换一批), the push bars and the
seekers import."""

TEXTS: dict[str, dict[str, str]] = {
    "jobs.header": {
        "zh": "为您找到这些合适的岗位（{n} 个）：",
        "en": "Jobs that fit you ({n}):",
    },
    "jobs.near_only": {
        "zh": "暂时没有完全符合您要求的岗位，下面这些比较接近。{advice}",
        "en": "Nothing fits all you asked for yet; these come close. {advice}",
    },
    "jobs.not_quite": {
        "zh": "（与您的要求不完全一致）",
        "en": "(not everything you asked for)",
    },
    "jobs.none": {
        "zh": "暂时没有合适的岗位。{advice}有新岗位会第一时间推送给您。",
        "en": "No fitting jobs right now. {advice}New jobs are pushed to you as they come.",
    },
    "jobs.no_more": {
        "zh": "合适的岗位就这些了。{advice}",
        "en": "That is all the fitting jobs for now. {advice}",
    },
    "jobs.more": {"zh": "换一批", "en": "More jobs"},
    "jobs.more_hint": {
        "zh": "想看更多，点“换一批”。",
        "en": "Tap More jobs to see the next ones.",
    },
    "jobs.no_profile": {
        "zh": "还不知道您想找什么工作。请先告诉我想做什么、在哪个区，比如“想在西青区找保洁”。",
        "en": "I don't know what work you want yet. Tell me the job and district first.",
    },
    "jobs.unavailable": {
        "zh": "岗位查询暂时不可用，请稍后再试。",
        "en": "Job search is not available right now, please try again later.",
    },
    "jobs.advice.trade": {
        "zh": "可以发“修改 岗位”多选几个岗位类别。",
        "en": "Send '/edit job' to pick more kinds of work.",
    },
    "jobs.advice.place": {
        "zh": "可以发“修改 地点”多选几个区，或放宽距离。",
        "en": "Send '/edit district' to add districts or travel further.",
    },
    "jobs.advice.pay": {
        "zh": "附近的岗位工资大多低于您的期望，可以发“修改 工资”调整。",
        "en": "Most jobs nearby pay below your floor; send '/edit pay' to change it.",
    },
    "jobs.advice.requirements": {
        "zh": "这些岗位要求证书或管理经验，可以发“修改 技能”补充您的证书和经历。",
        "en": "These jobs ask for a licence or experience; add yours with '/edit skills'.",
    },
    "seekers.cli.bad_line": {
        "zh": "第 {line} 行无法导入，已跳过：{reason}",
        "en": "Line {line} not imported: {reason}",
    },
    "seekers.cli.done": {
        "zh": "已导入 {count} 位求职者（跳过 {skipped} 行）。",
        "en": "Imported {count} {count:seeker|seekers} ({skipped} {skipped:line|lines} skipped).",
    },
    "push.bar.risk": {"zh": "风险待审核", "en": "held for risk"},
    "push.bar.area": {"zh": "不在服务区域", "en": "outside the service area"},
    "push.bar.trade": {"zh": "工种不符", "en": "another trade"},
    "push.bar.place": {"zh": "地点不符", "en": "outside their places"},
    "push.bar.pay": {"zh": "工资低于期望", "en": "pay below their floor"},
    "push.bar.requirements": {"zh": "缺少所需证书或经验", "en": "lacking a required licence"},
    "match.cli.bars": {"zh": "通过的推送条件", "en": "Bars cleared"},
    "commands.help.jobs": {
        "zh": "找工作 /jobs — 看现在适合您的岗位",
        "en": "/jobs — jobs that fit you now",
    },
}
