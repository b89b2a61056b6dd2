from chainhub_aigc import Client

# api_key from CHAINHUB_API_KEY, base_url from CHAINHUB_BASE_URL
with Client() as client:
    result = client.images.generate(
        model_name="GEM", model_version="3.0", prompt="a red fox"
    )
    paths = result.download("out/")
    print(paths)  # [PosixPath('out/1392336703-AigcImageTask-...-0.png')]
