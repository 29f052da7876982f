"""Feeds: what the run writes and where (``plan``), the storages (``storages``) and the exporter that proves
which articles reached every feed (``exporter``: ``Delivery``, ``delivery_of``)."""
