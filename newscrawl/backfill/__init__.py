"""History: a date window (``-a since/until``) or an id range (``-a ids=A-B``), resumable, with progress."""
