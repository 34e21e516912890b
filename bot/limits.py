"""Platform limits as named constants, each with its source (see shared/PLATFORMS.md)."""

# Telegram Bot FAQ / PTB constants.FloodLimit
TELEGRAM_PER_CHAT_PER_S = 1.0  # ~1 message/s per chat
TELEGRAM_GLOBAL_PER_S = 30.0  # ~30 messages/s for bulk notifications
TELEGRAM_GROUP_PER_MIN = 20  # 20 messages/min into one group
TELEGRAM_TEXT_MAX = 4096  # characters per message

# WeChat official account customer-service messages (since 2023-06-12)
WECHAT_WINDOW_HOURS = 48  # after the user's last message
WECHAT_WINDOW_MESSAGES = 5  # at most 5 in that window
WECHAT_PASSIVE_REPLY_S = 5.0  # a passive reply must arrive within 5 s; WeChat retries 3 times
WECHAT_TEXT_MAX_BYTES = 2048  # customer-service text content limit

# WeCom group robot
WECOM_ROBOT_PER_MIN = 20  # 20 msgs/min per robot, errcode 130101 (or 45009) beyond
WECOM_TEXT_MAX_BYTES = 2048
WECOM_MARKDOWN_MAX_BYTES = 4096
