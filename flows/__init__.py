"""The evaluation domain and its conversations, pure and channel-neutral.

`flows` knows the référentiel and nothing of transports or databases: a flow
step is a pure function ``(state, event) -> (new state, replies)`` driven by a
table, so Slack, Teams and the web chat are thin renderers of the same
conversation, and every step is testable without any fake bot.

It also owns the one catalogue of user-facing French text
(:mod:`flows.catalogue`), so that every channel says the same thing.
"""
