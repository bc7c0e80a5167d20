"""User preferences as a typed value, with the parsing rules for what a settings store hands back. No Qt here.

The GUI keeps these in QSettings (netdesk/ui/preferences.py); the store returns strings ("true", "30") from INI
files and typed values elsewhere, so every field is coerced here and a bad stored value falls back to its default
instead of breaking the start.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from netdesk.core.networking import MAX_CADENCE_DAYS as MAX_CADENCE_DAYS
from netdesk.core.networking import TODAY_LIMIT
from netdesk.services.backup import DEFAULT_KEEP

MIN_BACKUPS_KEPT = 1
MAX_BACKUPS_KEPT = 200
VCARD_VERSIONS = ("3.0", "4.0")


class ThemeChoice(StrEnum):
    SYSTEM = "system"
    LIGHT = "light"
    DARK = "dark"


# Keys in the settings store, one place so the dialog, the app start and the tests agree.
KEY_DEFAULT_CADENCE = "preferences/defaultCadenceDays"
KEY_NOTIFICATIONS = "preferences/notifications"
KEY_THEME = "preferences/theme"
KEY_EXPORT_VCARD_VERSION = "preferences/exportVCardVersion"
KEY_BACKUPS_KEPT = "preferences/backupsKept"
KEY_REPLY_BENCHMARK = "preferences/replyBenchmarkPercent"
KEY_DUE_TODAY_LIMIT = "preferences/dueTodayLimit"
KEY_LAST_DATABASE = "database/last"
KEY_HOME_VIEW = "navigation/view"  # the page the window opens on (netdesk/ui/navigation.py)
KEY_LAST_NOTIFIED = "notifications/lastShownOn"


@dataclass(frozen=True, slots=True)
class Preferences:
    default_cadence_days: int | None = None  # given to contacts created in the app; None: no cadence
    notifications: bool = True
    theme: ThemeChoice = ThemeChoice.SYSTEM
    export_vcard_version: str = "3.0"
    backups_kept: int = DEFAULT_KEEP
    reply_benchmark_percent: int = 25  # the share of new connections expected to answer a personal note
    due_today_limit: int = TODAY_LIMIT  # items in the Due list's "Today"
    # Where phone numbers without a country code are (ISO code, "GB"). Kept in the database, not in this store: it
    # decides how that database's numbers match. "" leaves it as it is.
    phone_region: str = ""

    def as_mapping(self) -> dict[str, object]:
        """The values to store, keyed like the settings store (a cadence of None is stored as 0)."""
        return {
            KEY_DEFAULT_CADENCE: self.default_cadence_days or 0,
            KEY_NOTIFICATIONS: self.notifications,
            KEY_THEME: self.theme.value,
            KEY_EXPORT_VCARD_VERSION: self.export_vcard_version,
            KEY_BACKUPS_KEPT: self.backups_kept,
            KEY_REPLY_BENCHMARK: self.reply_benchmark_percent,
            KEY_DUE_TODAY_LIMIT: self.due_today_limit,
        }


def _as_bool(value: object, default: bool) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"true", "1", "yes", "on"}:
        return True
    if isinstance(value, str) and value.strip().lower() in {"false", "0", "no", "off"}:
        return False
    if isinstance(value, int):
        return value != 0
    return default


def _as_int(value: object, default: int | None, low: int, high: int) -> int | None:
    try:
        number = int(str(value).strip()) if not isinstance(value, int) else value
    except ValueError:
        return default
    return number if low <= number <= high else default


def preferences_from(get: Callable[[str], object] | Mapping[str, object]) -> Preferences:
    """Preferences from a settings store (a lookup returning None for missing keys), defaults where unusable."""
    lookup = get.get if isinstance(get, Mapping) else get
    defaults = Preferences()
    cadence = _as_int(lookup(KEY_DEFAULT_CADENCE), 0, 0, MAX_CADENCE_DAYS)
    try:
        theme = ThemeChoice(str(lookup(KEY_THEME) or defaults.theme.value))
    except ValueError:
        theme = defaults.theme
    version = str(lookup(KEY_EXPORT_VCARD_VERSION) or defaults.export_vcard_version)
    kept = _as_int(lookup(KEY_BACKUPS_KEPT), defaults.backups_kept, MIN_BACKUPS_KEPT, MAX_BACKUPS_KEPT)
    return Preferences(
        default_cadence_days=cadence or None,
        notifications=_as_bool(lookup(KEY_NOTIFICATIONS), defaults.notifications),
        theme=theme,
        export_vcard_version=version if version in VCARD_VERSIONS else defaults.export_vcard_version,
        backups_kept=kept if kept is not None else defaults.backups_kept,
        reply_benchmark_percent=_as_int(lookup(KEY_REPLY_BENCHMARK), defaults.reply_benchmark_percent, 1, 100)
        or defaults.reply_benchmark_percent,
        due_today_limit=_as_int(lookup(KEY_DUE_TODAY_LIMIT), defaults.due_today_limit, 1, 100)
        or defaults.due_today_limit,
    )
