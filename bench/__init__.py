"""Benchmarks of the bot against the local Bot API server, not part of the test suite.

``python -m bench.updates`` compares the full bot with a bare PTB echo bot; see
``bench/README.md``.
"""
