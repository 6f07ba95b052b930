"""Webhooks: which answered requests raise events (:mod:`~api.webhooks.events`) and their
signed, retried delivery in the background (:mod:`~api.webhooks.delivery`).
"""
