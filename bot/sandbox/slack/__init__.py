"""The Slack Web API and Socket Mode fake: a workspace in memory, served over real HTTP."""
