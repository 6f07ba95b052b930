"""Webhook building blocks for agency systems: signing, SSRF guard, retry schedule.

Pure Python with no HTTP client: the delivery code (in ``api``) calls these.
"""
