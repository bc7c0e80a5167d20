"""The main window's controllers: each owns one concern of the window, which only composes them.

- ``contact_list``: the tag side bar, the contact list, search and filters, selection and the detail pane.
- ``contact_edits``: what the Contacts page writes (new, edit, delete, merge, trash, log) and its page actions.
- ``transfer``: File → Import/Export/Back up/Restore, and files dropped on the window.
- ``database``: File → Open/New database, the demo, Edit → Preferences.

They reach the window only through ``host.Host`` (never by importing ``main_window``), and each other through the
objects the window hands them.
"""
