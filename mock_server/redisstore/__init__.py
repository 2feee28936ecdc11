"""The shared store: every piece of sandbox state in Redis, so worker processes and hosts are one sandbox.

``serve --store redis://HOST:PORT/DB`` selects it; the default store (``memory``) keeps state in the
process as before. The Redis client is the ``redis`` package, an optional extra
(``pip install 'ecommerce-marketing-mock[redis]'``).
"""
