"""The one door to the core for the UI and the CLI: services own transactions and return DTOs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from netdesk.services.app import NetDesk, open_netdesk

__all__ = ["NetDesk", "open_netdesk"]


def __getattr__(name: str) -> Any:
    # Loaded on first use, not with the package: importing one light service module (backup, for the settings)
    # must not import every service and SQLAlchemy, which the app's window frame shows before.
    if name in __all__:
        from netdesk.services import app

        return getattr(app, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
