"""``python -m bot.sandbox.live``: serve the Live API emulator alone, for manual use."""

from bot.sandbox.live.server import main

main()
