"""The employer's conversation: a post in chat, its draft, and 我的招聘."""
