"""The PySide6 desktop front end; it reaches the data only through ``netdesk.services``."""
