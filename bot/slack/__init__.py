"""Slack adapter: the Bolt app, its listeners by surface, and the Block Kit it renders."""
