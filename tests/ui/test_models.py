"""Every Qt model of the app passes Qt's model tester, filled from the demo network (the models not tested beside
their own views: the contact list's, the timeline's and the introduction paths' are tested in their own files)."""

from __future__ import annotations

from netdesk.services import NetDesk
from netdesk.services.demo import populate_demo
from netdesk.ui.pages.contributions import ContributionsPage
from netdesk.ui.pages.introduction_steps import IntroductionStepsPage


def test_practice_page_models_pass_qtmodeltester(qtbot, qtmodeltester, db: NetDesk) -> None:  # type: ignore[no-untyped-def]
    populate_demo(db, people=60)
    contributions = ContributionsPage(db)
    introductions = IntroductionStepsPage(db)
    qtbot.addWidget(contributions)
    qtbot.addWidget(introductions)
    for page in (contributions, introductions):
        page.refresh()
        assert page.model.rowCount() > 0  # the demo has both: the tester walks real rows
        qtmodeltester.check(page.model)
        page.model.set_items([])  # and an empty page
        qtmodeltester.check(page.model)
