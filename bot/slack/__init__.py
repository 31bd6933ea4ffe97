"""Slack adapter: the Bolt app, its listeners by surface, the notifier and directory that
implement the use cases' ports, and the Block Kit every message is made of."""
