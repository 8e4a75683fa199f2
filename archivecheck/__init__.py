"""archivecheck: keep links to withdrawn public documents honest."""

__version__ = "0.1.0"
