"""The in-memory ranking service: the stored pool kept encoded for the kernel.

:mod:`~api.live_pool.pool` (:class:`~api.live_pool.pool.LivePool`, what the rankings read),
its workers' encoded segments (:mod:`~api.live_pool.workers`), its job orders and their
screening (:mod:`~api.live_pool.orders`), exact top-k over the segments
(:mod:`~api.live_pool.topk`), thread-safe helpers (:mod:`~api.live_pool.cache`), kept
out of the garbage collector's way by :mod:`matcher.memory`, and the pool as the
API uses it, keyed by agency (:mod:`~api.live_pool.ranking`, which is filled from the
store on start). Nothing here speaks HTTP: the routes and :mod:`api.records` feed it.
"""
