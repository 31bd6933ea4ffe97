"""recordbot: schedule Tencent Cloud Live recordings from Slack."""
