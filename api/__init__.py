"""The interfaces people and programs use: the HTTP server (:mod:`govkg.api.http`), the ``govkg``
command line (:mod:`govkg.api.cli`) and the worker runtime both run on (:mod:`govkg.api.runtime`).

Nothing imports this package: it sits on top of :mod:`govkg.graph` and :mod:`govkg.viz`.
"""
