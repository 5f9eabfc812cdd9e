"""The rules of the bot that know neither Telegram nor SQL, and the types storage returns.

Nothing here imports anything of ours outside this package (see ARCHITECTURE.md).
"""
