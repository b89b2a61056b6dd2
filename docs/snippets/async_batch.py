import asyncio

from chainhub_aigc import AsyncClient

PROMPTS = ["a car on a highway", "a boat at sea", "a train in the mountains"]


async def main() -> None:
    async with AsyncClient() as client:
        results = await asyncio.gather(
            *(
                client.videos.generate(
                    model_name="Kling", model_version="2.1", prompt=prompt
                )
                for prompt in PROMPTS
            )
        )
        for result in results:
            print(await result.download("videos/"))


asyncio.run(main())
