"""Downloader middlewares that guard what the crawler fetches and how it reads it: the origin of every
request (``origin``) and the charset of every text response (``charset``)."""
