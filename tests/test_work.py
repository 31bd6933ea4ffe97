import asyncio

from bot.work import BackgroundWork


async def test_work_waits_for_the_acks_in_flight_but_not_forever():
    work = BackgroundWork(max_defer=5)
    order = []
    with work.acking():
        task = work.spawn(_note(order, "work"))
        await asyncio.sleep(0.05)
        order.append("ack")
    await task
    assert order == ["ack", "work"]  # spawned during the ack, run after it

    starving = BackgroundWork(max_defer=0.05)
    with starving.acking():  # an ack that never finishes must not hold work back for good
        done = starving.spawn(_note(order, "late"))
        await asyncio.wait_for(done, 2)
    assert order[-1] == "late"


async def _note(order, what):
    order.append(what)


async def test_drain_waits_for_work_and_failures_are_logged(caplog):
    work = BackgroundWork()

    async def boom():
        raise RuntimeError("boom")

    work.spawn(boom(), name="boom")
    await work.drain(timeout=2)
    assert work.in_flight == 0
    assert "background boom failed" in caplog.text
