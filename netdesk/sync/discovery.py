"""Finding a user's address books from a server URL (RFC 6764 §5, RFC 6352 §7, RFC 5397).

``/.well-known/carddav`` (or the URL given) -> current-user-principal -> addressbook-home-set -> the address books
in it. A URL that already is an address book, or an address-book home, is taken as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin

from netdesk.sync.dav import CARDDAV, DAV, ConnectionFailed, DavClient, DavResponse, SyncError, canonical_href, qname


@dataclass(frozen=True, slots=True)
class BookInfo:
    url: str  # absolute
    display_name: str


_PROPS = [
    qname(DAV, "resourcetype"),
    qname(DAV, "displayname"),
    qname(DAV, "current-user-principal"),
    qname(CARDDAV, "addressbook-home-set"),
]


def _is_book(r: DavResponse) -> bool:
    kind = r.props.get(qname(DAV, "resourcetype"))
    return kind is not None and kind.find(qname(CARDDAV, "addressbook")) is not None


def _href_in(r: DavResponse, prop: str) -> str:
    element = r.props.get(prop)
    if element is None:
        return ""
    return (element.findtext(qname(DAV, "href")) or "").strip()


def _first(client: DavClient, url: str) -> DavResponse | None:
    try:
        responses = client.propfind(url, _PROPS, depth=0)
    except ConnectionFailed:  # unreachable, refusing us or untrusted: no point trying another URL
        raise
    except SyncError:
        return None
    return responses[0] if responses else None


def discover_books(client: DavClient) -> list[BookInfo]:
    """Every address book of the account at ``client.url``; a SyncError when there is none to be found."""
    start = _first(client, client.url)
    if start is not None and _is_book(start):
        return [BookInfo(client.absolute(start.href), start.text(qname(DAV, "displayname")))]
    principal = _href_in(start, qname(DAV, "current-user-principal")) if start is not None else ""
    if not principal:
        well_known = _first(client, urljoin(client.url, "/.well-known/carddav"))
        principal = _href_in(well_known, qname(DAV, "current-user-principal")) if well_known is not None else ""
    home = _href_in(start, qname(CARDDAV, "addressbook-home-set")) if start is not None else ""
    if principal and not home:
        found = _first(client, principal)
        home = _href_in(found, qname(CARDDAV, "addressbook-home-set")) if found is not None else ""
    if not home:
        raise SyncError(f"{client.host}: no CardDAV address books found at {client.url}")
    home_href = canonical_href(client.absolute(home))
    books = [
        BookInfo(client.absolute(r.href), r.text(qname(DAV, "displayname")) or r.href.rstrip("/").rsplit("/", 1)[-1])
        for r in client.propfind(home, [qname(DAV, "resourcetype"), qname(DAV, "displayname")], depth=1)
        if r.href != home_href and _is_book(r)
    ]
    return sorted(books, key=lambda b: b.url)
