"""First run: what an empty database shows instead of an empty list.

Three ways in: import a file (a vCard from a phone or Google/Apple/Outlook; LinkedIn's data export has a button of
its own, with the steps to request that export), add a contact by hand, or open the demo network to look around
first. The window wires the buttons to its import, new-contact and demo actions; this page only says what to do.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

LINKEDIN_STEPS = (
    "To get your LinkedIn export: on linkedin.com open Me → Settings & Privacy → Data privacy → "
    "Get a copy of your data; under “Want something in particular?” tick Connections, Messages and "
    "Invitations, then Request archive. LinkedIn e-mails you when it is ready (often within minutes, at most "
    "a day); import the ZIP as downloaded."
)


class WelcomePage(QWidget):
    import_requested = Signal()
    linkedin_requested = Signal()  # the same import, its file dialog showing LinkedIn's ZIP first
    add_requested = Signal()
    demo_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcomePage")
        title = QLabel("Welcome to NetDesk")
        title.setObjectName("welcomeTitle")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        title.setFont(font)
        intro = QLabel(
            "Your network lives in this database, on this computer only. It is empty: bring your contacts in, "
            "or start by hand."
        )
        intro.setWordWrap(True)

        self.import_button = QPushButton("Import contacts…")
        self.import_button.setObjectName("welcomeImport")
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.import_requested)
        import_text = QLabel(
            "A vCard file (.vcf) from your phone, Google, Apple or Outlook, a folder of them, or a contacts CSV."
        )
        self.linkedin_button = QPushButton("Import your LinkedIn export…")
        self.linkedin_button.setObjectName("welcomeLinkedIn")
        self.linkedin_button.clicked.connect(self.linkedin_requested)
        linkedin = QLabel(LINKEDIN_STEPS)
        linkedin.setObjectName("welcomeLinkedInSteps")
        self.add_button = QPushButton("Add a contact…")
        self.add_button.setObjectName("welcomeAdd")
        self.add_button.clicked.connect(self.add_requested)
        add_text = QLabel("Type in the first person you want to keep in touch with.")
        self.demo_button = QPushButton("Open the demo")
        self.demo_button.setObjectName("welcomeDemo")
        self.demo_button.clicked.connect(self.demo_requested)
        demo_text = QLabel(
            "A made-up network of 300 people in a throw-away database, to see the Due list, timelines and "
            "goals at work. Your own database stays as it is (File → Open database… to come back)."
        )

        card = QFrame()
        card.setObjectName("welcomeCard")
        card.setMaximumWidth(720)
        layout = QVBoxLayout(card)
        layout.addWidget(title)
        layout.addWidget(intro)
        for button, *texts in (
            (self.import_button, import_text),
            (self.linkedin_button, linkedin),
            (self.add_button, add_text),
            (self.demo_button, demo_text),
        ):
            layout.addSpacing(12)
            row = QHBoxLayout()
            row.addWidget(button)
            row.addStretch(1)
            layout.addLayout(row)
            for text in texts:
                text.setWordWrap(True)
                text.setTextFormat(Qt.TextFormat.PlainText)
                layout.addWidget(text)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        centre = QHBoxLayout()
        centre.addStretch(1)
        centre.addWidget(card, 4)
        centre.addStretch(1)
        outer.addLayout(centre)
        outer.addStretch(2)
