import threading

from netdesk.core.model import ContactDTO
from netdesk.services import open_netdesk


def test_a_memory_database_is_one_database_for_every_thread() -> None:
    nd = open_netdesk(":memory:")
    nd.contacts.create(ContactDTO(given_name="Ada", family_name="Lovelace"))
    seen: list[object] = []

    def background() -> None:  # what the app's list loader and search do off the GUI thread
        try:
            seen.append([r.name for r in nd.contacts.rows()])
            nd.contacts.create(ContactDTO(given_name="Grace", family_name="Hopper"))
        except Exception as exc:
            seen.append(exc)

    worker = threading.Thread(target=background)
    worker.start()
    worker.join()
    assert seen == [["Ada Lovelace"]]
    assert [r.name for r in nd.contacts.rows()] == ["Ada Lovelace", "Grace Hopper"]
    nd.close()
