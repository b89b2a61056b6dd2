import asyncio

from chainhub_aigc import AsyncClient, Task


async def main() -> None:
    async with AsyncClient() as client:

        async def show(task: Task) -> None:  # a coroutine function works too
            print(task.status, task.progress)

        result = await client.images.generate(
            model_name="GEM",
            model_version="3.0",
            prompt="a red fox",
            on_progress=show,
        )
        print(await result.download("out/"))


asyncio.run(main())
