"""Texts of the commands that work in every state (帮助, 我的资料, 修改, 暂停推送, …)."""

TEXTS: dict[str, dict[str, str]] = {
    "commands.help.header": {
        "zh": "随时可以发这些命令（中文或斜杠形式都行）：",
        "en": "Commands you can send at any time (Chinese words or slash forms):",
    },
    "commands.help.footer": {
        "zh": "也可以直接说想找什么工作，比如“想在西青区找保洁，日结，一天150以上”。",
        "en": "Or just tell me what you are looking for, e.g. 'cleaning in Xiqing, 150 a day'.",
    },
    "commands.help.help": {"zh": "帮助 /help — 看这份说明", "en": "/help — this list"},
    "commands.help.profile": {
        "zh": "我的资料 /profile — 查看您的资料",
        "en": "/profile — show your profile",
    },
    "commands.help.edit": {
        "zh": "修改 /edit — 修改一项，比如“修改 工资”",
        "en": "/edit — change one item, e.g. '/edit pay'",
    },
    "commands.help.pause": {
        "zh": "暂停推送 /pause — 暂时不接收工作推送",
        "en": "/pause — stop job pushes for now",
    },
    "commands.help.resume": {
        "zh": "恢复推送 /resume — 重新接收推送",
        "en": "/resume — receive job pushes again",
    },
    "commands.help.restart": {
        "zh": "重新开始 /restart — 清空资料，从头登记",
        "en": "/restart — clear your answers and start over",
    },
    "commands.help.delete": {
        "zh": "删除我的信息 /delete — 永久删除您的全部资料",
        "en": "/delete — delete all your data for good",
    },
    "commands.help.lang": {
        "zh": "English /lang en — 切换到英文；中文 /lang zh — 切换到中文",
        "en": "/lang zh — 中文; /lang en — English",
    },
    "commands.profile.empty": {
        "zh": "您还没有填写资料，发任意消息就可以开始登记。",
        "en": "You have no profile yet; send any message to start.",
    },
    "commands.profile.show": {"zh": "您的资料：\n{summary}", "en": "Your profile:\n{summary}"},
    "commands.profile.incomplete": {
        "zh": "（还没填完，接着回答下面的问题就好）",
        "en": "(not finished yet — just answer the question below)",
    },
    "commands.paused": {
        "zh": "已暂停推送。想再收到工作时发“恢复推送”。",
        "en": "Job pushes paused. Send /resume to get them again.",
    },
    "commands.resumed": {
        "zh": "已恢复推送，有合适的工作会发给您。",
        "en": "Job pushes resumed; suitable jobs will be sent to you.",
    },
    "commands.resumed_unfinished": {
        "zh": "已开启推送；资料填完后就会开始推送。",
        "en": "Pushes are on; they start once your profile is complete.",
    },
    "commands.restarted": {
        "zh": "好的，资料已清空，我们从头开始。",
        "en": "OK, your answers are cleared; let's start again.",
    },
    "commands.delete.ask": {
        "zh": "确定要永久删除您的全部资料吗？删除后无法恢复。请回复“确认删除”或“取消”。",
        "en": "Delete all your data for good? This cannot be undone. Reply '确认删除' "
        "(confirm delete) or Cancel.",
    },
    "commands.delete.again": {
        "zh": "请回复“确认删除”永久删除，或“取消”保留资料。",
        "en": "Reply '确认删除' to delete for good, or Cancel to keep your data.",
    },
    "commands.delete.done": {
        "zh": "您的资料已全部删除。感谢使用驿站，祝您早日找到满意的工作！再发消息会重新开始。",
        "en": "All your data has been deleted. Thank you, and good luck! Writing again starts "
        "afresh.",
    },
    "commands.delete.cancelled": {
        "zh": "已取消，您的资料保留不变。",
        "en": "Cancelled; your data is kept.",
    },
    "commands.delete.yes": {"zh": "确认删除", "en": "确认删除 (delete)"},
    "commands.delete.no": {"zh": "取消", "en": "Cancel"},
    "commands.lang.set": {"zh": "已切换为中文。", "en": "Switched to English."},
    "commands.lang.ask": {"zh": "请选择语言 / Choose a language:", "en": "Choose a language:"},
    "commands.edit.unknown": {
        "zh": "没有“{name}”这一项。",
        "en": "There is no item '{name}'.",
    },
}
