"""The outside world: channels (web chat, Slack, Teams), server, CLI and wiring.

This is the only layer that may import transports. Each channel is two
translations — payload to neutral event, neutral message to payload — around
the conversations of `flows`.
"""
