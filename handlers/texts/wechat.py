"""Texts of the WeChat official account and the WeCom group robot."""

TEXTS: dict[str, dict[str, str]] = {
    "wechat.choose": {
        "zh": "回复数字：",
        "en": "Reply with a number:",
    },
    "wechat.choose_multi": {
        "zh": "回复数字，可多选，用空格分开（如 1 3）：",
        "en": "Reply with numbers; several are fine, separated by spaces (e.g. 1 3):",
    },
    "wechat.choose_words": {
        "zh": "直接回复数字或文字，例如：",
        "en": "Reply with a number or in words, for example:",
    },
    "wechat.share_location": {
        "zh": "也可以发送位置：点输入框旁的“＋”→“位置”。",
        "en": "You can also share your location: tap “+” next to the input box → “Location”.",
    },
    "wechat.welcome": {
        "zh": "感谢关注驿站就业服务！",
        "en": "Thank you for following the employment station!",
    },
    "wechat.unsupported": {
        "zh": "暂时只能处理文字和位置消息，请用文字告诉我们。",
        "en": "For now we can only read text and locations; please write to us.",
    },
    "wechat.menu.jobs": {"zh": "找工作", "en": "Find jobs"},
    "wechat.menu.profile": {"zh": "我的资料", "en": "My profile"},
    "wechat.menu.post": {"zh": "发布零工", "en": "Post a gig"},
    "wechat.menu.help": {"zh": "帮助", "en": "Help"},
    "wechat.menu.more": {"zh": "更多", "en": "More"},
    "wechat.subscribe.more": {"zh": "回复公众号查看详情", "en": "Reply for details"},
    "wechat.robot.contact": {
        "zh": "报名或咨询请联系驿站工作人员，或关注驿站公众号。",
        "en": "To apply or ask, contact the station staff or follow the station's account.",
    },
    "wechat.robot.masked": {
        "zh": "（电话已隐藏）",
        "en": "(phone hidden)",
    },
    "wecom_kf.welcome": {
        "zh": "您好，这里是驿站就业服务，在微信里直接和我们聊就行。",
        "en": "Hello, this is the employment station; just chat with us here in WeChat.",
    },
}
