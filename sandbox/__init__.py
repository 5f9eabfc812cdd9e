"""For development only, not shipped in the wheel: a local Telegram Bot API server with a
simulated world (``sandbox.local_api``) and the terminal demo (``python -m bot demo``)."""
