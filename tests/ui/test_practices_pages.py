"""Stories on the practices pages, driven through the real widgets: an ask from a "Who can introduce me?" path to
"met", an introduction with double opt-in, a talk logged with no contact, who could help with a term, you in
Preferences."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QPushButton
from window_helpers import settle

from netdesk.core.model import ContactDTO, InteractionDTO, InteractionKind, Participant
from netdesk.core.networking import Section
from netdesk.core.practices import CommunityKind, ContributionKind, GoalMetric, IntroState
from netdesk.services import NetDesk
from netdesk.services.communities import CommunityDTO
from netdesk.services.contributions import ContributionDTO
from netdesk.ui.main_window import MainWindow
from netdesk.ui.navigation import View
from netdesk.ui.pages.communities import CommunitiesPage
from netdesk.ui.pages.contributions import ContributionDialog, ContributionsPage
from netdesk.ui.pages.introduction_steps import AskDialog, IntroductionStepsPage, ProposeDialog
from netdesk.ui.pages.offers import OffersPage
from netdesk.ui.views.goals_view import GoalsView
from netdesk.ui.views.introductions_view import IntroductionsView
from netdesk.ui.widgets.person_field import PersonField
from netdesk.ui.widgets.person_practices import PersonPractices


def add(db: NetDesk, given: str, family: str, org: str = "", title: str = "") -> int:
    return (
        db.contacts.create(ContactDTO(given_name=given, family_name=family, organization=org, title=title)).value.id
        or 0
    )


def type_and_pick(qtbot, field: PersonField, text: str, label: str) -> None:  # type: ignore[no-untyped-def]
    """Type into the field like a user, then take ``label`` from the completion pop-up with the keyboard."""
    field.setFocus()
    qtbot.keyClicks(field, text)
    offered = field.suggestions()
    assert label in offered, offered
    popup = field.completer().popup()
    qtbot.waitUntil(popup.isVisible, timeout=3000)
    popup.setCurrentIndex(field.completer().completionModel().index(offered.index(label), 0))
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert field.text() == label and field.choice() is not None


def test_ask_from_a_path_through_to_met(qtbot, make_window: Callable[..., MainWindow], db: NetDesk) -> None:  # type: ignore[no-untyped-def]
    priya = add(db, "Priya", "Patel", "Northwind")
    grace = add(db, "Grace", "Ho", "Globex", "CTO")
    db.networking.add_relationship(priya, grace, "colleague")
    db.timeline.log(  # you are in touch with Priya: she is a warm way in
        InteractionDTO(datetime.now() - timedelta(days=3), InteractionKind.MEETING, participants=(Participant(priya),))
    )
    window = make_window()
    window.navigation.show_introductions(grace)
    paths = window.navigation.current_page()
    assert isinstance(paths, IntroductionsView)
    assert paths.model.rowCount() == 1 and not paths.ask_button.isEnabled()
    paths.table.selectRow(0)
    qtbot.mouseClick(paths.ask_button, Qt.MouseButton.LeftButton)

    assert window.navigation.current is View.INTRO_STEPS
    page = window.navigation.current_page()
    assert isinstance(page, IntroductionStepsPage)
    dialog = page.active_dialog
    assert isinstance(dialog, AskDialog)
    assert (dialog.introducer_field.text(), dialog.target_field.text()) == ("Priya Patel", "Grace Ho")
    dialog.reason_edit.setText("I want to learn how Globex scaled payments.")
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert dialog.saving and not dialog.ok_button.isEnabled()  # written on the window's writer thread
    qtbot.waitUntil(lambda: page.active_dialog is None)
    settle(qtbot, window)

    assert page.current is not None and page.current.title == "Priya Patel to introduce you to Grace Ho"
    assert (
        "Hi Priya," in page.message_edit.toPlainText() and "Grace Ho, CTO at Globex" in page.message_edit.toPlainText()
    )
    page.copy_button.click()
    assert QApplication.clipboard().text() == page.message_edit.toPlainText()
    assert not page.opt_b_button.isVisible() and page.agreed_button.isVisible()
    qtbot.mouseClick(page.agreed_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(page.opt_b_button.isVisible)
    qtbot.mouseClick(page.opt_b_button, Qt.MouseButton.LeftButton)
    assert page.opt_b_button.text() == "Grace Ho opted in"
    qtbot.waitUntil(page.introduce_button.isVisible)
    assert not page.outcome_button.isEnabled()
    qtbot.mouseClick(page.introduce_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(page.outcome_button.isEnabled)
    page.outcome_combo.setCurrentIndex(page.outcome_combo.findData("met"))
    qtbot.mouseClick(page.outcome_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.message_label.text() == "Thank Priya Patel:")
    settle(qtbot, window)

    assert page.current is not None and page.current.state is IntroState.CLOSED
    assert page.steps_label.text().endswith(f"outcome: met ({date.today().isoformat()})")
    assert "Thank you for introducing me to Grace Ho" in page.message_edit.toPlainText()
    assert db.networking.favour_balance(priya) == (0, 1)
    assert [i.summary for i in db.timeline.for_contact(grace)] == ["Priya Patel introduced you to Grace Ho"]

    labels = [window.ops.undo_label]
    while window.ops.can_undo:  # every step is undoable, one at a time, newest first
        window.ops.undo()
        settle(qtbot, window)
        labels.append(window.ops.undo_label)
    assert len(labels) == 6 and labels[-1] == ""  # outcome, introduced, opted in, agreed, ask, then nothing left
    assert db.introductions.list_all() == [] and db.timeline.for_contact(grace) == []
    assert page.model.rowCount() == 0
    while window.ops.can_redo:
        window.ops.redo()
        settle(qtbot, window)
    assert page.model.rowCount() == 1
    page.table.selectRow(0)
    assert page.current is not None and page.current.state is IntroState.CLOSED
    assert db.networking.favour_balance(priya) == (0, 1)


def test_introduce_two_people_with_double_opt_in(qtbot, db: NetDesk) -> None:  # type: ignore[no-untyped-def]
    add(db, "Marcus", "Weber", "Fjord Fintech", "CTO")
    add(db, "Li", "Chen", "Kestrel Health")
    page = IntroductionStepsPage(db)
    qtbot.addWidget(page)
    page.show()
    qtbot.mouseClick(page.propose_button, Qt.MouseButton.LeftButton)
    dialog = page.active_dialog
    assert isinstance(dialog, ProposeDialog)
    type_and_pick(qtbot, dialog.a_field, "marc", "Marcus Weber (Fjord Fintech)")
    type_and_pick(qtbot, dialog.b_field, "li ch", "Li Chen (Kestrel Health)")
    dialog.reason_edit.setText("Both work on fraud models.")
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()

    assert page.current is not None and page.current.title == "Introduce Marcus Weber and Li Chen"
    assert [page.message_combo.itemText(i) for i in range(page.message_combo.count())] == [
        "Opt-in for Marcus Weber",
        "Opt-in for Li Chen",
        "The introduction",
    ]
    assert page.message_edit.toPlainText().startswith("Hi Marcus,")
    assert not page.introduce_button.isVisible()  # nobody said yes yet
    page.step_date.setDate(page.step_date.date().addDays(-2))  # before the ask itself: refused, nothing changes
    qtbot.mouseClick(page.opt_a_button, Qt.MouseButton.LeftButton)
    assert page.error_label.text().startswith("A step cannot be dated before the previous one")
    assert page.current.a_opted_in_on is None
    page.step_date.setDate(page.step_date.date().addDays(2))
    qtbot.mouseClick(page.opt_a_button, Qt.MouseButton.LeftButton)
    assert page.current.a_opted_in_on == date.today() and page.error_label.isHidden()
    assert not page.introduce_button.isVisible() and page.opt_b_button.isVisible()
    qtbot.mouseClick(page.opt_b_button, Qt.MouseButton.LeftButton)
    assert page.introduce_button.isVisible()
    qtbot.mouseClick(page.introduce_button, Qt.MouseButton.LeftButton)
    assert page.current.state is IntroState.INTRODUCED
    assert "Marcus Weber opted in" in page.steps_label.text() and "introduced" in page.steps_label.text()
    assert page.model.rowCount() == 1 and page.model.data(page.model.index(0, 1)) == "introduced"


def test_log_a_talk_with_no_contact_linked_to_a_community_and_a_goal(qtbot, db: NetDesk) -> None:  # type: ignore[no-untyped-def]
    communities = CommunitiesPage(db)
    qtbot.addWidget(communities)
    dialog = communities.open_dialog(None)
    dialog.name_edit.setText("Rust Oslo")
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData(CommunityKind.GROUP.value))
    dialog.count_spin.setValue(1)
    dialog.days_spin.setValue(30)
    dialog.what_edit.setText("attend")
    dialog.ok_button.click()
    assert communities.community_list.item(0).text() == "Rust Oslo — group · 0 people"
    assert "your rhythm: attend: 1 a month" in communities.detail_label.text()
    goal = db.goal_targets.create(
        "Two talks this year",
        GoalMetric.CONTRIBUTIONS,
        2,
        date(date.today().year, 12, 31),
        "talk",
        date(date.today().year, 1, 1),
    ).value

    page = ContributionsPage(db)
    qtbot.addWidget(page)
    log = page.open_log()
    assert isinstance(log, ContributionDialog)
    log.kind_combo.setCurrentIndex(log.kind_combo.findData("talk"))
    log.title_edit.setText("Async Rust in production")
    log.community_combo.setCurrentIndex(log.community_combo.findText("Rust Oslo"))
    log.goal_combo.setCurrentIndex(log.goal_combo.findText("Two talks this year"))
    log.ok_button.click()
    assert page.active_dialog is None
    assert page.titles() == ["Async Rust in production"]
    row = [page.model.data(page.model.index(0, c)) for c in range(5)]
    assert row == [date.today().isoformat(), "talk", "Async Rust in production", "Rust Oslo", "Two talks this year"]
    assert page.summary_label.text().startswith("This month: 1")
    assert page.rhythms_label.text().startswith("No rhythm yet: pick a kind")
    db.contributions.set_rhythm("answer", 7)
    db.contributions.set_rhythm("post", 1)
    page.refresh()
    assert page.rhythms_label.text() == "Your rhythms: an answer every 7 days, a post every day"

    goals = GoalsView(db)
    qtbot.addWidget(goals)
    goals.goal_list.setCurrentRow([g.goal_id for g in goals.overview].index(goal.goal_id))
    assert goals.target_panel.progress_label.text().startswith("1 of 2 contributions")
    assert goals.target_panel.progress_bar.value() == 1
    communities.refresh()
    assert "Your activity: 1 in the last 30 days" in communities.detail_label.text()


def test_a_contribution_without_a_title_is_refused_in_the_dialog(qtbot, db: NetDesk) -> None:  # type: ignore[no-untyped-def]
    page = ContributionsPage(db)
    qtbot.addWidget(page)
    log = page.open_log()
    log.ok_button.click()
    assert page.active_dialog is log and log.error_label.text() == "A contribution needs a title."
    log.reject()
    assert page.titles() == []


def test_find_who_could_help_with_a_term(qtbot, db: NetDesk) -> None:  # type: ignore[no-untyped-def]
    add(db, "Ana", "Silva", "Northwind")
    ben = add(db, "Ben", "Okafor")
    db.offers.set_for(ben, needs=["Help with pricing for our SaaS launch"])
    page = OffersPage(db)
    qtbot.addWidget(page)
    page.show()
    type_and_pick(qtbot, page.person_field, "ana", "Ana Silva (Northwind)")
    page.offers_edit.setPlainText("SaaS pricing reviews\nHiring data engineers")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(page.help_edit, "Pricing")
    qtbot.keyClick(page.help_edit, Qt.Key.Key_Return)
    assert page.results() == ["Ana Silva — SaaS pricing reviews · matched: pricing"]
    assert page.help_status.text() == "1 could help with Pricing"
    # Whom could I help: Ben's need matches Ana's offer; the suggested introduction starts the double opt-in.
    assert page.help_them_list.count() == 1
    page.help_them_list.setCurrentRow(0)
    assert "Introduce Ben Okafor to Ana Silva" in page.help_them_list.item(0).text()
    assert "matched: pricing, saas" in page.help_them_list.item(0).text()
    qtbot.mouseClick(page.suggest_button, Qt.MouseButton.LeftButton)
    (intro,) = db.introductions.list_all()
    assert intro.title == "Introduce Ben Okafor and Ana Silva" and intro.state is IntroState.ASKED


def test_who_did_i_meet_at_is_one_click(qtbot, db: NetDesk) -> None:  # type: ignore[no-untyped-def]
    summit = db.communities.save(CommunityDTO("Platform Summit", CommunityKind.CONFERENCE)).value
    assert summit.id is not None
    ana, ben = add(db, "Ana", "Silva"), add(db, "Ben", "Okafor")
    db.communities.link_person(summit.id, ana, "met_at")
    db.communities.link_person(summit.id, ben, "member")
    page = CommunitiesPage(db)
    qtbot.addWidget(page)
    assert page.people_shown() == ["Ana Silva — met at", "Ben Okafor — member of"]
    qtbot.mouseClick(page.met_button, Qt.MouseButton.LeftButton)
    assert page.people_shown() == ["Ana Silva — met at"]
    page.met_button.setChecked(False)
    qtbot.keyClicks(page.met_edit, "platf summ")
    qtbot.keyClick(page.met_edit, Qt.Key.Key_Return)
    assert page.met_button.isChecked() and page.people_shown() == ["Ana Silva — met at"]


def test_you_in_preferences(qtbot, make_window: Callable[..., MainWindow], db: NetDesk) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    window.show_preferences()
    dialog = window.current_dialog
    assert isinstance(dialog, QDialog)
    form = dialog.owner_form  # type: ignore[attr-defined]
    form.name_edit.setText("Sam Rivera")
    form.emails_edit.setPlainText("not an address")
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()  # type: ignore[attr-defined]
    qtbot.waitUntil(form.error_label.isVisible)  # the refusal comes back from the writer thread
    assert window.current_dialog is dialog and form.error_label.text() == "Not an email address: not an address"
    form.emails_edit.setPlainText("sam@example.org")
    form.offers_edit.setPlainText("Product strategy reviews")
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: window.current_dialog is None)
    settle(qtbot, window)
    assert window.ops.undo_label == "edit of your profile"
    owner = db.owner.get()
    assert (owner.name, owner.emails, owner.offers) == (
        "Sam Rivera",
        ("sam@example.org",),
        ("Product strategy reviews",),
    )


def test_due_list_and_dashboard_show_the_practices(qtbot, db: NetDesk) -> None:  # type: ignore[no-untyped-def]
    from netdesk.ui.views.dashboard_view import DashboardView
    from netdesk.ui.views.due_view import DueView

    db.contributions.set_rhythm("post", 10)
    db.contributions.save(ContributionDTO(ContributionKind.POST, "On favours", date.today() - timedelta(days=12)))
    priya, grace = add(db, "Priya", "Patel"), add(db, "Grace", "Ho")
    db.introductions.ask(priya, grace, on=date.today() - timedelta(days=9))
    view = DueView(db)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: not view.loading, timeout=5000)
    titles = {row.item.title: row for row in view.rows}
    rhythm = titles["No post in 12 days"]
    assert (
        rhythm.detail_label.text()
        == f"Your rhythm: every 10 days · last {(date.today() - timedelta(days=12)).isoformat()}"
    )
    assert view.section_labels[Section.YOUR_RHYTHMS].text().endswith("Your rhythms (1)")
    assert view.section_labels[Section.INTRODUCTIONS].text().endswith("Introductions waiting (1)")
    assert [b.text() for b in rhythm.findChildren(QPushButton) if b is not rhythm.title_button] == []
    waiting = titles["Priya Patel to introduce you to Grace Ho: ask Priya Patel again"]
    assert "Log…" in [b.text() for b in waiting.findChildren(QPushButton)]

    dashboard = DashboardView(db)
    qtbot.addWidget(dashboard)
    assert dashboard.practices.contributions_label.text().startswith("Contributions per month (1 in 12 months)")
    assert "/" not in dashboard.practices.contributions_label.text()  # month names: "Jan ’26: 0", not "26/01 0"
    assert any(f"{m} ’" in dashboard.practices.contributions_label.text() for m in ("Jan", "Jun", "Dec"))
    assert dashboard.practices.goals_label.text().startswith("No goal has a target yet: give one a target")
    db.goal_targets.create(
        "Posts",
        GoalMetric.CONTRIBUTIONS,
        4,
        date.today() + timedelta(days=30),
        "post",
        date.today() - timedelta(days=30),
    )
    dashboard.refresh()
    assert dashboard.practices.goals_label.text() == "Goals — Posts: 1 of 4 contributions, 30 days left."


def test_an_interaction_logged_on_a_community_page_belongs_to_it(qtbot, db: NetDesk) -> None:  # type: ignore[no-untyped-def]
    guild = db.communities.save(
        CommunityDTO("Product Guild", rhythm_count=2, rhythm_days=7, rhythm_what="answers")
    ).value
    assert guild.id is not None
    ana = add(db, "Ana", "Silva")
    db.communities.link_person(guild.id, ana, "member")
    page = CommunitiesPage(db)
    qtbot.addWidget(page)
    page.people_list.setCurrentRow(0)
    dialog = page.log_interaction()
    assert dialog is not None and dialog.participant_ids() == [ana]  # type: ignore[attr-defined]
    dialog.summary_edit.setText("Answered Ana's question on pricing")  # type: ignore[attr-defined]
    dialog.save_button.click()  # type: ignore[attr-defined]
    (logged,) = db.timeline.for_contact(ana)
    assert db.communities.community_of_interaction(logged.id or 0) == guild.id
    assert "Your activity: 1 in the last 7 days" in page.detail_label.text()


def test_the_detail_pane_shows_a_persons_communities_offers_and_needs(
    qtbot, make_window: Callable[..., MainWindow], db: NetDesk
) -> None:  # type: ignore[no-untyped-def]
    ana = add(db, "Ana", "Silva")
    summit = db.communities.save(CommunityDTO("Platform Summit", CommunityKind.CONFERENCE)).value
    db.communities.link_person(summit.id or 0, ana, "met_at")
    db.offers.set_for(ana, offers=["SaaS pricing reviews"], needs=["A UX designer"])
    window = make_window()
    window.select_contact(ana)
    window.detail.show_tab("Networking")
    label = window.detail.findChild(PersonPractices, "personPractices")
    assert label is not None and label.isVisible()
    assert label.text() == "Met at Platform Summit<br>Can help with: SaaS pricing reviews<br>Looking for: A UX designer"


def test_a_community_saved_in_the_window_is_undone_like_any_write(
    qtbot, make_window: Callable[..., MainWindow], db: NetDesk
) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    window.navigation.show_view(View.COMMUNITIES)
    page = window.navigation.current_page()
    assert isinstance(page, CommunitiesPage)
    dialog = page.open_dialog(None)
    dialog.name_edit.setText("Platform Summit")
    dialog.ok_button.click()
    settle(qtbot, window)
    assert [s.community.name for s in page.summaries] == ["Platform Summit"]
    assert window.ops.undo_label.lower().endswith("community platform summit")
    window.ops.undo()
    qtbot.waitUntil(lambda: page.community_list.count() == 0, timeout=5000)
    assert db.communities.overview() == []


def test_who_can_introduce_me_completes_an_organisation(qtbot, db: NetDesk) -> None:  # type: ignore[no-untyped-def]
    hana = add(db, "Hana", "Suzuki", "Sakura Design Studio", "Designer")
    db.timeline.log(
        InteractionDTO(datetime.now() - timedelta(days=2), InteractionKind.CALL, participants=(Participant(hana),))
    )
    view = IntroductionsView(db)
    qtbot.addWidget(view)
    view.show()
    view.org_edit.setFocus()
    qtbot.keyClicks(view.org_edit, "saku")
    popup = view.org_completer.popup()
    qtbot.waitUntil(popup.isVisible, timeout=3000)
    assert view.org_completer.model().stringList() == ["Sakura Design Studio"]  # type: ignore[attr-defined]
    popup.setCurrentIndex(view.org_completer.completionModel().index(0, 0))
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert view.org_edit.text() == "Sakura Design Studio"
    assert view.model.rowCount() == 1 and view.model.path(0).via_ids == (hana,)
