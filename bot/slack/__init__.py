"""Slack: the flows' conversations in Block Kit, through slack-bolt's AsyncApp on our server."""
