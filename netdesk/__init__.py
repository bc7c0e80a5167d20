"""NetDesk: a desktop contact manager for people who network on purpose."""

__version__ = "0.1.0"
APP_NAME = "NetDesk"
