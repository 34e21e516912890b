"""WeCom (企业微信): the API client, the app callback, group robots and groups."""
