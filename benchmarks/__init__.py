"""Side-by-side measurements; never imported by the crawler."""
