"""Texts of the Telegram channel (buttons, command menu) and of `yizhan run` (the runner)."""

TEXTS: dict[str, dict[str, str]] = {
    # Reply-keyboard button that asks Telegram to share the user's location.
    "telegram.share_location": {"zh": "📍 发送我的位置", "en": "📍 Share my location"},
    # Sent under a question that has inline choices too (one message carries one keyboard).
    "telegram.location_hint": {
        "zh": "也可以点下方按钮发送您的位置。",
        "en": "You can also share your location with the button below.",
    },
    # Appended to a message whose button was tapped (its keyboard is removed).
    "telegram.picked": {"zh": "✅ {label}", "en": "✅ {label}"},
    # Command menu (setMyCommands): Chinese is the default, English for language_code "en".
    # Telegram allows 1-256 characters per description.
    "telegram.cmd.start": {"zh": "开始 / 登记求职信息", "en": "Start / register as a job seeker"},
    "telegram.cmd.help": {"zh": "使用帮助", "en": "How to use this bot"},
    "telegram.cmd.profile": {"zh": "查看我的资料", "en": "Show my profile"},
    "telegram.cmd.edit": {"zh": "修改资料", "en": "Edit my profile"},
    "telegram.cmd.pause": {"zh": "暂停推送", "en": "Pause job alerts"},
    "telegram.cmd.resume": {"zh": "恢复推送", "en": "Resume job alerts"},
    "telegram.cmd.restart": {"zh": "重新登记", "en": "Start the registration again"},
    "telegram.cmd.delete": {"zh": "删除我的信息", "en": "Delete my data"},
    "telegram.cmd.lang": {"zh": "切换语言 中文/English", "en": "Switch language 中文/English"},
    "telegram.cmd.post": {"zh": "发布招工信息", "en": "Post a job"},
    "telegram.cmd.myposts": {"zh": "我发布的招聘", "en": "My job posts"},
    "telegram.cmd.close": {
        "zh": "招满了，关闭一条招聘（加编号）",
        "en": "Close a filled post (add its number)",
    },
    "telegram.cmd.repost": {
        "zh": "重新发布一条招聘（加编号）",
        "en": "Publish a post again (add its number)",
    },
    # `yizhan run` without any channel configured.
    "run.no_channel": {
        "zh": "没有配置任何聊天渠道，yizhan run 无事可做。",
        "en": "No chat channel is configured, so yizhan run has nothing to serve.",
    },
    "run.channel_needs": {
        "zh": "  {channel}：请设置 {settings}",
        "en": "  {channel}: set {settings}",
    },
    "run.chat_locally": {
        "zh": "不用任何账号也可以在本机终端里聊天：yizhan chat --user 姓名",
        "en": "To chat locally without any account: yizhan chat --user NAME",
    },
    "run.started": {
        "zh": "yizhan run 已启动：{channels}。按 Ctrl+C 停止。",
        "en": "yizhan run is serving: {channels}. Press Ctrl+C to stop.",
    },
    "run.stopped": {"zh": "yizhan run 已停止。", "en": "yizhan run has stopped."},
    "run.telegram_webhook_needed": {
        "zh": "另一个 yizhan run 已在用长轮询接收这个机器人的消息（同一令牌只能有一个）。"
        "多个进程请设置 YIZHAN_TELEGRAM_WEBHOOK_URL 改用 webhook。",
        "en": "Another yizhan run already long-polls this bot (one per token). "
        "For several workers set YIZHAN_TELEGRAM_WEBHOOK_URL to use a webhook.",
    },
}
