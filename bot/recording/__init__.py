"""The use cases: schedule, manage (list, stop, cancel), reconcile, and what Tencent's callbacks
mean — Slack-free, returning data; their ports (``ports``) are implemented by the adapters."""
