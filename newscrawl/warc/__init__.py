"""Raw capture: every request and response of a crawl as WARC files (ISO 28500), written with warcio."""
