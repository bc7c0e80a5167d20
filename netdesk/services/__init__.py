"""The one door to the core for the UI and the CLI: services own transactions and return DTOs."""

from __future__ import annotations

from netdesk.services.app import NetDesk, open_netdesk

__all__ = ["NetDesk", "open_netdesk"]
