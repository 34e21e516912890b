"""Texts shared by every flow: errors, apologies, generic words."""

TEXTS: dict[str, dict[str, str]] = {
    "error.apology": {
        "zh": "抱歉，系统出了点问题，请稍后再试。您的资料不会丢失。",
        "en": "Sorry, something went wrong on our side. Please try again later; nothing was lost.",
    },
    "error.empty": {
        "zh": "没有收到内容，请再发一次。",
        "en": "I received nothing — please send it again.",
    },
    "error.not_allowed": {
        "zh": "抱歉，只有驿站工作人员可以使用这个功能。",
        "en": "Sorry, only station staff may use this function.",
    },
    "word.yes": {"zh": "是", "en": "Yes"},
    "word.no": {"zh": "否", "en": "No"},
    "word.done": {"zh": "完成", "en": "Done"},
    "word.skip": {"zh": "跳过", "en": "Skip"},
    "word.cancel": {"zh": "取消", "en": "Cancel"},
    "word.confirm": {"zh": "确认", "en": "Confirm"},
    "word.negotiable": {"zh": "面议", "en": "negotiable"},
}
