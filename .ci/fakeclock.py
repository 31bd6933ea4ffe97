"""Moves the wall clock of every Python process of the test virtualenv while .ci/calendar-sweep
runs (it installs this module with a .pth file, then removes it).

The clock moves by RECORDBOT_CLOCK_OFFSET seconds and keeps ticking (time-machine), while
monotonic time is left alone, so sleeps and timeouts still work and the subprocesses a test
starts (the bot, the shell) share the moved clock with the test and the fakes.
"""

import os

if os.environ.get("RECORDBOT_CLOCK_OFFSET"):
    import time

    import time_machine

    time_machine.travel(time.time() + float(os.environ["RECORDBOT_CLOCK_OFFSET"]),
                        tick=True).start()
