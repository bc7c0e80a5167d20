"""Edit → Preferences…: the dialog, and reading, storing and applying Preferences through QSettings."""

from __future__ import annotations

from PySide6.QtCore import QLocale, QRegularExpression, QSettings
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from netdesk.core.normalize import FALLBACK_REGION, is_phone_region, region_from_locale
from netdesk.services import NetDesk
from netdesk.settings import (
    MAX_BACKUPS_KEPT,
    MAX_CADENCE_DAYS,
    MIN_BACKUPS_KEPT,
    VCARD_VERSIONS,
    Preferences,
    ThemeChoice,
    preferences_from,
)
from netdesk.ui.owner_form import OwnerForm
from netdesk.ui.theme import apply_theme

THEME_LABELS = {ThemeChoice.SYSTEM: "Follow the system", ThemeChoice.LIGHT: "Light", ThemeChoice.DARK: "Dark"}


def load_preferences(settings: QSettings) -> Preferences:
    return preferences_from(lambda key: settings.value(key))


def save_preferences(settings: QSettings, prefs: Preferences) -> None:
    for key, value in prefs.as_mapping().items():
        settings.setValue(key, value)
    settings.sync()


def apply_preferences(prefs: Preferences, nd: NetDesk | None = None) -> None:
    """Make ``prefs`` take effect now: the theme for the whole app, how many backups ``nd`` keeps, its phone region
    (a database that has none gets the system locale's country: the first start sets it).

    Notifications and the export version are read where they are used (the tray, the export dialog).
    """
    apply_theme(prefs.theme)
    if nd is not None and nd.backups is not None:
        nd.backups.keep = prefs.backups_kept
    if nd is not None:
        stored = nd.settings.phone_region()
        wanted = prefs.phone_region or stored or region_from_locale(QLocale.system().name()) or FALLBACK_REGION
        if wanted != stored:
            nd.settings.set_phone_region(wanted)
        nd.settings.apply()


class PreferencesDialog(QDialog):
    def __init__(self, prefs: Preferences, parent: QWidget | None = None, nd: NetDesk | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("preferencesDialog")
        self.setWindowTitle("Preferences")

        self.cadence_spin = QSpinBox()
        self.cadence_spin.setObjectName("defaultCadenceSpin")
        self.cadence_spin.setRange(0, MAX_CADENCE_DAYS)
        self.cadence_spin.setSpecialValueText("None")  # shown for 0
        self.cadence_spin.setSuffix(" days")
        self.cadence_spin.setToolTip("How often to get in touch with contacts you create; None leaves it unset")
        self.cadence_spin.setValue(prefs.default_cadence_days or 0)

        self.notifications_check = QCheckBox("Show a tray icon and a daily notification when contacts are due")
        self.notifications_check.setObjectName("notificationsCheck")
        self.notifications_check.setChecked(prefs.notifications)

        self.theme_combo = QComboBox()
        self.theme_combo.setObjectName("themeCombo")
        for choice, label in THEME_LABELS.items():
            self.theme_combo.addItem(label, choice.value)
        self.theme_combo.setCurrentIndex(self.theme_combo.findData(prefs.theme.value))

        self.vcard_combo = QComboBox()
        self.vcard_combo.setObjectName("exportVCardCombo")
        for version in VCARD_VERSIONS:
            self.vcard_combo.addItem(f"vCard {version}", version)
        self.vcard_combo.setCurrentIndex(self.vcard_combo.findData(prefs.export_vcard_version))

        self.backups_spin = QSpinBox()
        self.backups_spin.setObjectName("backupsKeptSpin")
        self.backups_spin.setRange(MIN_BACKUPS_KEPT, MAX_BACKUPS_KEPT)
        self.backups_spin.setValue(prefs.backups_kept)

        self.benchmark_spin = QSpinBox()
        self.benchmark_spin.setObjectName("replyBenchmarkSpin")
        self.benchmark_spin.setRange(1, 100)
        self.benchmark_spin.setSuffix(" %")
        self.benchmark_spin.setToolTip("The Dashboard shows your reply rate beside this benchmark")
        self.benchmark_spin.setValue(prefs.reply_benchmark_percent)
        self.today_spin = QSpinBox()
        self.today_spin.setObjectName("dueTodaySpin")
        self.today_spin.setRange(1, 100)
        self.today_spin.setToolTip("How many items the Due list puts under “Today”")
        self.today_spin.setValue(prefs.due_today_limit)
        self.region_edit = QLineEdit(prefs.phone_region)
        self.region_edit.setObjectName("phoneRegionEdit")
        self.region_edit.setMaxLength(2)
        self.region_edit.setValidator(QRegularExpressionValidator(QRegularExpression("[A-Za-z]{0,2}")))
        self.region_edit.setToolTip("Country of phone numbers written without +country code, e.g. GB or DE")

        form = QFormLayout()
        form.addRow("Default &rhythm for new contacts:", self.cadence_spin)
        form.addRow("&Notifications:", self.notifications_check)
        form.addRow("&Theme:", self.theme_combo)
        form.addRow("&Export vCards as:", self.vcard_combo)
        form.addRow("&Backups to keep:", self.backups_spin)
        form.addRow("Expected &reply rate of new connections:", self.benchmark_spin)
        form.addRow("Items in the Due list's “To&day”:", self.today_spin)
        form.addRow("&Phone numbers without a country code are in:", self.region_edit)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        # You, as a party (issue 15): stored in the database, not in QSettings.
        self.owner_form = OwnerForm(nd) if nd is not None else None
        if self.owner_form is not None:
            layout.addWidget(self.owner_form)
        layout.addWidget(self.buttons)

    def accept(self) -> None:
        if self.owner_form is None:
            super().accept()
        else:  # the dialog closes once your profile is stored; a refusal is shown in the form and it stays open
            self.owner_form.save(super().accept)

    def preferences(self) -> Preferences:
        return Preferences(
            default_cadence_days=self.cadence_spin.value() or None,
            notifications=self.notifications_check.isChecked(),
            theme=ThemeChoice(self.theme_combo.currentData()),
            export_vcard_version=str(self.vcard_combo.currentData()),
            backups_kept=self.backups_spin.value(),
            reply_benchmark_percent=self.benchmark_spin.value(),
            due_today_limit=self.today_spin.value(),
            phone_region=self.region_edit.text().strip().upper() if is_phone_region(self.region_edit.text()) else "",
        )
