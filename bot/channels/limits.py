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

# WeCom 微信客服 (kf/sync_msg, kf/send_msg); its window is the official account's 48 h / 5
WECOM_KF_TEXT_MAX_BYTES = 2048  # text content of kf/send_msg
WECOM_KF_SYNC_LIMIT = 1000  # messages per sync_msg page (the API's maximum)
WECOM_KF_SCENE_PARAM_MAX_BYTES = 128  # scene_param of a 微信客服 link, URL-encoded
