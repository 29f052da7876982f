"""Item shapes in the feeds: this project's own, or zyte-common-items' ``Article``."""
