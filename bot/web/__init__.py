"""The bot's own web server, in the bot's process and event loop: ``/healthz`` and
``/metrics`` for operators, the webhook Telegram posts updates to, and the coordinators'
console (a Telegram Mini App) with its API. One aiohttp application, served on
``BOT_LISTEN``; see :mod:`bot.web.server`.
"""
