"""Texts of WeCom customer groups (客户群): the digest, the caseworker's commands and pages."""

TEXTS: dict[str, dict[str, str]] = {
    "groups.digest.header": {
        "zh": "【{name}】{date} 新招工 · {district} · {trades}",
        "en": "[{name}] {date} new jobs · {district} · {trades}",
    },
    "groups.digest.code": {
        "zh": "咨询或报名：发送 {code}",
        "en": "To ask or sign up: send {code}",
    },
    "groups.digest.footer": {
        "zh": "点下面的链接和驿站微信客服聊（不用加好友），发送编号即可咨询、报名：\n{link}",
        "en": "Tap the link to chat with the station's WeChat service (no need to add a "
        "friend) and send the code to ask or sign up:\n{link}",
    },
    "groups.digest.link_title": {
        "zh": "驿站微信客服：咨询 · 报名",
        "en": "Station WeChat service: ask · sign up",
    },
    "groups.any_trade": {"zh": "各类岗位", "en": "all trades"},
    "groups.no_wecom": {
        "zh": "未配置企业微信：请设置 YIZHAN_WECOM_CORP_ID 和 YIZHAN_WECOM_SECRET。",
        "en": "WeCom is not set up: set YIZHAN_WECOM_CORP_ID and YIZHAN_WECOM_SECRET.",
    },
    "groups.not_found": {
        "zh": "没有这个客户群：{chat_id}（先运行 yizhan groups sync）",
        "en": "No such customer group: {chat_id} (run yizhan groups sync first)",
    },
    "groups.refuse.dissolved": {
        "zh": "该群已解散，不再发送。",
        "en": "The group was dissolved; nothing more is sent to it.",
    },
    "groups.refuse.untagged": {
        "zh": "该群还没有群标签：请先设置区和工种（如 西青区 · 保洁/普工）。",
        "en": "The group has no tags yet: set its district and trades first.",
    },
    "groups.refuse.no_link": {
        "zh": "未设置（或不是）微信客服链接 YIZHAN_WECOM_KF_URL，群消息里没有咨询入口，暂不发送。",
        "en": "YIZHAN_WECOM_KF_URL is not set (or not a 微信客服 link): the digest would have "
        "no way to ask; not sent.",
    },
    "groups.refuse.today": {
        "zh": "该群今天已经有一条群发，明天再发。",
        "en": "The group already has today's mass send; try tomorrow.",
    },
    "groups.refuse.cap": {
        "zh": "该群本月群发次数已用完（上限 {cap} 次）。",
        "en": "The group has used this month's mass sends (cap {cap}).",
    },
    "groups.refuse.spread": {
        "zh": "本月群发次数按天平均分配，今天的额度已用（上限 {cap} 次/月）。",
        "en": "This month's mass sends are spread over its days; today's share is used "
        "(cap {cap} a month).",
    },
    "groups.refuse.empty": {
        "zh": "没有适合该群的新岗位（已发过的不再重复）。",
        "en": "No new postings fit this group (none is sent twice).",
    },
    "groups.tag.bad": {
        "zh": "群标签无法识别：{error}。写法如：西青区 · 保洁/普工",
        "en": "Tags not understood: {error}. Write e.g. 西青区 · 保洁/普工",
    },
    "groups.tag.done": {
        "zh": "已设置群标签：{name} → {district} · {trades}",
        "en": "Tags set: {name} → {district} · {trades}",
    },
    "groups.sync.done": {
        "zh": "已同步 {n} 个客户群（已解散 {dissolved} 个）。",
        "en": "Synced {n} customer groups ({dissolved} dissolved).",
    },
    "groups.send.done": {
        "zh": "已创建群发任务（{n} 个岗位），请群主 {owner} 在企业微信里确认发送。",
        "en": "Mass-send task created ({n} {n:posting|postings}); "
        "the owner {owner} confirms it in WeCom.",
    },
    "groups.send.failed": {
        "zh": "企业微信未接受群发任务：{error}",
        "en": "WeCom did not accept the task: {error}",
    },
    "groups.status.creating": {"zh": "创建中", "en": "creating"},
    "groups.status.waiting": {"zh": "待群主确认", "en": "waiting for the owner"},
    "groups.status.sent": {"zh": "已发送", "en": "sent"},
    "groups.status.not_member": {"zh": "未发送：群主不是该群成员", "en": "not sent: not a member"},
    "groups.status.over_cap": {
        "zh": "未发送：该群本月已收满群发",
        "en": "not sent: the group had its mass sends",
    },
    "groups.col.name": {"zh": "群名", "en": "Group"},
    "groups.col.owner": {"zh": "群主", "en": "Owner"},
    "groups.col.members": {"zh": "人数", "en": "Members"},
    "groups.col.tags": {"zh": "群标签", "en": "Tags"},
    "groups.col.state": {"zh": "状态", "en": "State"},
    "groups.col.day": {"zh": "日期", "en": "Day"},
    "groups.col.postings": {"zh": "岗位", "en": "Postings"},
    "groups.col.result": {"zh": "结果", "en": "Result"},
    "groups.state.live": {"zh": "正常", "en": "live"},
    "groups.state.dissolved": {"zh": "已解散", "en": "dissolved"},
    "groups.untagged": {"zh": "未设置", "en": "not set"},
    "groups.web.title": {"zh": "客户群", "en": "Customer groups"},
    "web.nav.groups": {"zh": "客户群", "en": "Groups"},
    "groups.web.sync": {"zh": "从企业微信同步客户群", "en": "Sync groups from WeCom"},
    "groups.web.read": {
        "zh": "已读取 {n} 条群发的结果。",
        "en": "Read the results of {n} digests.",
    },
    "groups.web.facts": {
        "zh": "群主 {owner} · {n} 人 · 群标签：{tags}",
        "en": "Owner {owner} · {n} members · tags: {tags}",
    },
    "groups.tag.own_district": {
        "zh": "只能把群标签设为您所在的区：{district}",
        "en": "You can only tag groups with your own district: {district}",
    },
    "groups.web.preview": {"zh": "预览今日群发", "en": "Preview today's digest"},
    "groups.web.send": {"zh": "发给群主确认", "en": "Send to the owner to confirm"},
    "groups.web.results": {"zh": "群发结果", "en": "Results"},
    "groups.web.tag": {"zh": "保存群标签", "en": "Save tags"},
    "groups.origins.title": {"zh": "来源统计", "en": "Where people came from"},
    "groups.origins.scene": {"zh": "来源", "en": "Source"},
    "groups.origins.people": {"zh": "扫码/点链接", "en": "Came"},
    "groups.origins.signed_up": {"zh": "已登记", "en": "Signed up"},
    "groups.origins.interested": {"zh": "感兴趣", "en": "Interested"},
    "groups.origins.kind": {"zh": "类别", "en": "Kind"},
    "groups.origins.post": {"zh": "岗位", "en": "Posting"},
    "groups.origins.by_post": {"zh": "各来源感兴趣的岗位", "en": "Postings each source liked"},
    "groups.origins.kind.group": {"zh": "客户群", "en": "group"},
    "groups.origins.kind.station": {"zh": "驿站/海报", "en": "station / poster"},
}
