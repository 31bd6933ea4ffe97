"""`recordbot shell`: use the bot from a terminal, with no Slack workspace.

Like Hubot's shell adapter or Errbot's text mode, it lets a newcomer see the bot work in a
minute, and lets anyone try a phrase or a flow without a workspace. It is not a second bot:
the production Bolt listeners and services run; only Slack is played locally (``session``),
the conversation is printed as text (``transcript``, ``render``), and forms become prompts
(``forms``). With ``--sandbox`` Tencent is the built-in Live API emulator too. ``run`` starts
it all; ``parse`` is `recordbot parse`, the time parser on its own.

Nothing is imported here, so `recordbot parse` does not load Bolt, the store or the SDKs.
"""
