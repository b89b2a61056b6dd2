"""The SDK (and the CLI) against a hostile or broken gateway: see server.py."""
