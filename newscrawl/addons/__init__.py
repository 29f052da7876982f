"""Optional integrations, each switched on by one setting read from the environment in settings.py.

Add-ons run after every other source of settings (including ``-s`` and ``-o``/``-O``), so a switch
given on the command line works the same as one given in the environment. Unset, an add-on changes
nothing.
"""
