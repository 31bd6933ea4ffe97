"""The bot's HTTP entry points: the ASGI app of HTTP mode (``app``) and the Tencent callback
endpoint, also served alone in Socket Mode (``callbacks``)."""
