"""Everything the bot sends on its own: the engine that works the outbox, its HTTP client and
sender, the broadcast lifecycle, and the pacing and retries of replies."""
