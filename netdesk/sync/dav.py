"""A small CardDAV client over httpx: the requests a two-way sync needs (RFC 4918, 6352, 6578), nothing more.

Every request goes through ``_send``, which retries what may pass (timeouts, refused connections, 5xx, 401) with
exponential back-off and turns what does not pass into one ``SyncError`` line naming the server and the reason.
XML answers are parsed with defusedxml (a server's answer is untrusted input: no entity expansion, no DTDs).
"""

from __future__ import annotations

import io
import ssl
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote, urljoin, urlsplit
from xml.etree.ElementTree import Element, SubElement, tostring

from defusedxml.ElementTree import fromstring, iterparse

from netdesk.core.errors import NetDeskError

if TYPE_CHECKING:
    import httpx  # imported when a client is made: the app starts without it (0.3 s) unless it syncs

DAV = "DAV:"
CARDDAV = "urn:ietf:params:xml:ns:carddav"
CALENDARSERVER = "http://calendarserver.org/ns/"
_RETRIED_STATUS = frozenset({401, 408, 429, 500, 502, 503, 504})
_MAX_REDIRECTS = 5


class SyncError(NetDeskError):
    """A sync that could not finish: one line for the user (server and reason)."""


class SyncCancelled(SyncError):
    def __init__(self) -> None:
        super().__init__("sync cancelled")


class ConnectionFailed(SyncError):
    """The server cannot be reached, refuses us, keeps failing, or its certificate is not trusted."""


class PreconditionFailed(SyncError):
    """412: the card changed on the server since we read it (If-Match), or exists already (If-None-Match)."""


class TokenExpired(SyncError):
    """The server no longer knows our sync token (RFC 6578 valid-sync-token): list everything again."""


class SyncUnsupported(SyncError):
    """The collection does not support the sync-collection report."""


def qname(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}"


def canonical_href(href: str, base: str = "") -> str:
    """The path of ``href`` in one spelling (servers differ in what they percent-encode): decoded, then encoded
    again with only unreserved characters and ``/`` left as they are."""
    path = urlsplit(urljoin(base, href)).path if base else urlsplit(href).path
    return quote(unquote(path), safe="/")


@dataclass(frozen=True, slots=True)
class DavResponse:
    """One <response> of a multistatus: its href, HTTP status and the properties found (by Clark name)."""

    href: str
    status: int
    props: dict[str, Element]

    def text(self, name: str) -> str:
        element = self.props.get(name)
        return (element.text or "").strip() if element is not None else ""


Card = tuple[str, str, str | None]  # href, ETag, card text (None: gone)


@dataclass(slots=True)
class CardBatch:
    """Some cards of a streamed answer; the last batch also says whether the server cut the answer short."""

    cards: list[Card] = field(default_factory=list)
    without_data: list[str] = field(default_factory=list)  # hrefs the server listed without their card
    truncated: bool = False
    last: bool = False


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 4
    first_delay: float = 0.5  # seconds; doubled after each failed attempt
    timeout: float = 30.0


@lru_cache(maxsize=8)
def ssl_context_for(certificate_pem: str) -> ssl.SSLContext:
    """The system's CAs with the host name checked, unless a certificate is pinned: then that certificate and
    nothing else is trusted. A pinned self-signed certificate is compared as a whole, so the host name it names is
    not checked again (self-signed certificates rarely name the address they are reached at). Made once per
    process: loading the CA bundle costs more than a whole sync with nothing to do spends on its own work."""
    if not certificate_pem.strip():
        import httpx

        return httpx.create_ssl_context()
    context = ssl.create_default_context(cadata=certificate_pem)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_REQUIRED
    return context


class DavClient:
    """Requests against one server with one set of credentials."""

    def __init__(
        self,
        url: str,
        username: str,
        password: str,
        *,
        certificate_pem: str = "",
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.url = url if url.endswith("/") else url + "/"
        self.retry = retry or RetryPolicy()
        self._sleep = sleep
        self.host = urlsplit(self.url).netloc or self.url
        import httpx

        self._http = httpx.Client(
            auth=httpx.BasicAuth(username, password) if username else None,
            verify=ssl_context_for(certificate_pem),
            timeout=self.retry.timeout,
            follow_redirects=True,
            headers={"User-Agent": "NetDesk CardDAV sync"},
            transport=transport,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> DavClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def absolute(self, href: str) -> str:
        return urljoin(self.url, href)

    # --- transport with retries ---------------------------------------------------------------------------

    def _send(
        self,
        method: str,
        url: str,
        *,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        stream: bool = False,
    ) -> httpx.Response:
        """The server's answer (with ``stream``, its body not read yet: the caller closes it)."""
        import httpx

        delay = self.retry.first_delay
        problem = ""
        for attempt in range(self.retry.attempts):
            if attempt:
                self._sleep(delay)
                delay *= 2
            try:
                response = self._send_once(method, url, body, headers, stream)
            except httpx.TimeoutException:
                problem = "the server did not answer in time"
                continue
            except httpx.ConnectError as exc:
                if isinstance(exc.__cause__, ssl.SSLError) or "CERTIFICATE" in str(exc).upper():
                    raise ConnectionFailed(
                        f"{self.host}: its TLS certificate is not trusted ({exc}); "
                        "pin the server's certificate if it is self-signed"
                    ) from None
                problem = "cannot connect to the server"
                continue
            except httpx.TransportError as exc:
                problem = f"the connection failed ({type(exc).__name__})"
                continue
            if response.status_code not in _RETRIED_STATUS:
                return response
            response.close()
            if response.status_code == 401:
                problem = "the server refused the user name or password (401)"
            else:
                problem = f"the server answered {response.status_code} {response.reason_phrase}"
        tries = self.retry.attempts
        raise ConnectionFailed(f"{self.host}: {problem} (tried {tries} time{'s' if tries != 1 else ''})")

    def _send_once(
        self, method: str, url: str, body: bytes | None, headers: dict[str, str] | None, stream: bool
    ) -> httpx.Response:
        """One request, following redirects within the server with the same method and body (httpx turns a 302 into
        a GET, as browsers do: Xandikos's /.well-known/carddav); to another server, httpx's way, without credentials."""
        target = self.absolute(url)
        for _hop in range(_MAX_REDIRECTS):
            request = self._http.build_request(method, target, content=body, headers=headers)
            response = self._http.send(request, stream=stream, follow_redirects=False)
            location = response.headers.get("Location", "")
            if not response.is_redirect or not location:
                return response
            response.close()
            following = urljoin(str(response.url), location)
            if _origin(following) != _origin(target):
                return self._http.send(request, stream=stream, follow_redirects=True)
            target = following
        raise ConnectionFailed(f"{self.host}: the server redirects in circles ({url})")

    def _check(self, response: httpx.Response, what: str) -> httpx.Response:
        if response.status_code == 412:
            raise PreconditionFailed(f"{self.host}: {what}: the card changed on the server meanwhile")
        if response.status_code >= 400:
            raise SyncError(f"{self.host}: {what}: {response.status_code} {response.reason_phrase}")
        return response

    # --- WebDAV ---------------------------------------------------------------------------------------------

    def propfind(self, url: str, props: Iterable[str], depth: int) -> list[DavResponse]:
        root = Element(qname(DAV, "propfind"))
        prop = SubElement(root, qname(DAV, "prop"))
        for name in props:
            SubElement(prop, name)
        response = self._send("PROPFIND", url, body=_xml(root), headers=_xml_headers(depth))
        self._check(response, f"PROPFIND {url}")
        return parse_multistatus(response.content, self.absolute(url))

    def collection_tag(self, url: str) -> str:
        """The collection's CTag (calendarserver.org getctag): it changes whenever a card does; "" if unsupported.
        One cheap PROPFIND that lets a sync with nothing to do skip the sync-collection report."""
        try:
            found = self.propfind(url, [qname(CALENDARSERVER, "getctag")], depth=0)
        except ConnectionFailed:
            raise
        except SyncError:
            return ""
        return found[0].text(qname(CALENDARSERVER, "getctag")) if found else ""

    def collection_state(self, url: str) -> tuple[str, str]:
        """(CTag, sync token) of the collection in one PROPFIND; "" for what the server does not offer. Asked for
        before a full read of the book, so that any change made during the read shows in the next sync."""
        names = [qname(CALENDARSERVER, "getctag"), qname(DAV, "sync-token")]
        try:
            found = self.propfind(url, names, depth=0)
        except ConnectionFailed:
            raise
        except SyncError:
            return "", ""
        return (found[0].text(names[0]), found[0].text(names[1])) if found else ("", "")

    def query_all(self, url: str, batch: int) -> Iterator[CardBatch]:
        """Every card of the collection in one addressbook-query with an empty filter (RFC 6352 §8.6: it matches
        every card), read as the answer streams in and handed on ``batch`` cards at a time. One request instead of
        a listing and then a multiget of each card: a server walks its collection once (Radicale answers it
        three times faster than the same cards by multiget). SyncUnsupported when the server refuses the report;
        the last batch says whether the server cut the answer short (RFC 6352 §8.6.1) and which cards came
        without their data."""
        root = Element(qname(CARDDAV, "addressbook-query"))
        prop = SubElement(root, qname(DAV, "prop"))
        SubElement(prop, qname(DAV, "getetag"))
        SubElement(prop, qname(CARDDAV, "address-data"))
        SubElement(root, qname(CARDDAV, "filter"))
        response = self._send("REPORT", url, body=_xml(root), headers=_xml_headers(1), stream=True)
        try:
            if response.status_code in (400, 403, 405, 415, 501):
                raise SyncUnsupported(f"{self.host}: addressbook-query not supported ({response.status_code})")
            if response.status_code >= 300:
                response.read()
                self._check(response, f"addressbook-query {url}")
                raise SyncError(f"{self.host}: addressbook-query {url}: {response.status_code}")
            yield from self._streamed_cards(response, url, batch)
        finally:
            response.close()

    def _streamed_cards(self, response: httpx.Response, url: str, batch: int) -> Iterator[CardBatch]:
        import httpx

        base = self.absolute(url)
        book = canonical_href(base)
        names = (qname(DAV, "getetag"), qname(CARDDAV, "address-data"))
        cards: list[Card] = []
        without_data: list[str] = []
        truncated = False
        try:
            root: Any = None
            for event, element in iterparse(_ByteStream(response.iter_bytes()), events=("start", "end")):
                if root is None:
                    root = element
                if event != "end" or element.tag != qname(DAV, "response"):
                    continue
                answer = _response(element, base, names)
                root.clear()  # what was handed on is not kept: memory stays flat however big the book
                if answer is None:
                    continue
                if answer.href == book:
                    truncated = truncated or answer.status == 507
                    continue
                if answer.status >= 300:
                    continue
                data = answer.props.get(names[1])
                if data is None or data.text is None:
                    without_data.append(answer.href)
                else:
                    cards.append((answer.href, answer.text(names[0]), data.text))
                if len(cards) >= batch:
                    yield CardBatch(cards)
                    cards = []
        except httpx.TransportError as exc:
            raise ConnectionFailed(f"{self.host}: the connection failed mid-answer ({type(exc).__name__})") from None
        except SyncError:
            raise
        except Exception as exc:  # malformed XML or something defusedxml refuses
            raise SyncError(f"{self.host}: the server sent an unreadable answer ({type(exc).__name__})") from None
        yield CardBatch(cards, without_data, truncated, last=True)

    def sync_collection(self, url: str, token: str) -> tuple[list[tuple[str, str | None]], str]:
        """(href, ETag or None for a removed card) for every change since ``token`` ("" = every card), and
        the new token."""
        root = Element(qname(DAV, "sync-collection"))
        SubElement(root, qname(DAV, "sync-token")).text = token
        SubElement(root, qname(DAV, "sync-level")).text = "1"
        SubElement(SubElement(root, qname(DAV, "prop")), qname(DAV, "getetag"))
        response = self._send("REPORT", url, body=_xml(root), headers=_xml_headers(None))
        if response.status_code in (403, 409, 412) and b"valid-sync-token" in response.content:
            raise TokenExpired(f"{self.host}: the sync token expired")
        if response.status_code in (400, 403, 405, 501):
            raise SyncUnsupported(f"{self.host}: sync-collection not supported ({response.status_code})")
        self._check(response, f"sync-collection {url}")
        base = self.absolute(url)
        book = canonical_href(base)
        changes: list[tuple[str, str | None]] = []
        for r in parse_multistatus(response.content, base):
            if r.href == book:
                continue
            changes.append((r.href, None if r.status == 404 else r.text(qname(DAV, "getetag"))))
        new_token = ""
        for element in fromstring(response.content).iter(qname(DAV, "sync-token")):
            new_token = (element.text or "").strip()
        return changes, new_token

    def etag_listing(self, url: str) -> dict[str, str]:
        """href -> ETag of every card in the collection (for servers without sync-collection)."""
        book = canonical_href(self.absolute(url))
        listing = self.propfind(url, [qname(DAV, "getetag"), qname(DAV, "resourcetype")], depth=1)
        return {
            r.href: r.text(qname(DAV, "getetag"))
            for r in listing
            if r.href != book and r.status < 300 and not _is_collection(r)
        }

    def multiget(self, url: str, hrefs: Sequence[str]) -> list[tuple[str, str, str | None]]:
        """(href, ETag, card text or None when gone) for each of ``hrefs``, in one addressbook-multiget."""
        root = Element(qname(CARDDAV, "addressbook-multiget"))
        prop = SubElement(root, qname(DAV, "prop"))
        SubElement(prop, qname(DAV, "getetag"))
        SubElement(prop, qname(CARDDAV, "address-data"))
        for href in hrefs:
            SubElement(root, qname(DAV, "href")).text = href
        response = self._send("REPORT", url, body=_xml(root), headers=_xml_headers(1))
        self._check(response, f"addressbook-multiget {url}")
        found: list[tuple[str, str, str | None]] = []
        for r in parse_multistatus(response.content, self.absolute(url)):
            data = r.props.get(qname(CARDDAV, "address-data"))
            text = data.text if data is not None and r.status < 300 else None
            found.append((r.href, r.text(qname(DAV, "getetag")), text))
        return found

    def get(self, href: str) -> tuple[str, str] | None:
        """(card text, ETag) of one card, None when it is gone."""
        response = self._send("GET", href)
        if response.status_code == 404:
            return None
        self._check(response, f"GET {href}")
        return response.text, response.headers.get("ETag", "")

    def put(self, href: str, card: str, *, etag: str | None) -> str:
        """Store a card: with ``etag`` only if the server still has that version (If-Match), else only if it does
        not exist yet (If-None-Match). Returns the new ETag, or "" when the server did not give one (it changed
        the card as it stored it, RFC 6352 §6.3.2.3: read it back)."""
        headers = {"Content-Type": "text/vcard; charset=utf-8"}
        if etag:
            headers["If-Match"] = etag
        else:
            headers["If-None-Match"] = "*"
        response = self._check(self._send("PUT", href, body=card.encode("utf-8"), headers=headers), f"PUT {href}")
        return str(response.headers.get("ETag", ""))

    def delete(self, href: str, *, etag: str) -> None:
        """Delete a card if it is still the version we know (If-Match); a card already gone is fine."""
        headers = {"If-Match": etag} if etag else {}
        response = self._send("DELETE", href, headers=headers)
        if response.status_code == 404:
            return
        self._check(response, f"DELETE {href}")

    def mkcol_addressbook(self, url: str, display_name: str) -> None:
        """Create an address book (extended MKCOL, RFC 5689): used to set up test servers and new accounts."""
        root = Element(qname(DAV, "mkcol"))
        prop = SubElement(SubElement(root, qname(DAV, "set")), qname(DAV, "prop"))
        kind = SubElement(prop, qname(DAV, "resourcetype"))
        SubElement(kind, qname(DAV, "collection"))
        SubElement(kind, qname(CARDDAV, "addressbook"))
        SubElement(prop, qname(DAV, "displayname")).text = display_name
        self._check(self._send("MKCOL", url, body=_xml(root), headers=_xml_headers(None)), f"MKCOL {url}")


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    return parts.scheme.lower(), (parts.hostname or "").lower(), parts.port


def _xml(root: Element) -> bytes:
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + tostring(root)


def _xml_headers(depth: int | None) -> dict[str, str]:
    headers = {"Content-Type": "application/xml; charset=utf-8"}
    if depth is not None:
        headers["Depth"] = str(depth)
    return headers


def _is_collection(r: DavResponse) -> bool:
    kind = r.props.get(qname(DAV, "resourcetype"))
    return kind is not None and kind.find(qname(DAV, "collection")) is not None


def _status_code(text: str | None) -> int:
    parts = (text or "").split()
    return int(parts[1]) if len(parts) >= 2 and parts[1].isdigit() else 200


def parse_multistatus(data: bytes, base: str) -> list[DavResponse]:
    """The responses of a 207 multistatus body; hrefs in canonical form (``canonical_href``)."""
    try:
        root: Any = fromstring(data)
    except Exception as exc:  # malformed XML or something defusedxml refuses
        raise SyncError(f"the server sent an unreadable answer ({type(exc).__name__})") from None
    out: list[DavResponse] = []
    for response in root.iter(qname(DAV, "response")):
        answer = _response(response, base)
        if answer is not None:
            out.append(answer)
    return out


def _response(response: Element, base: str, wanted: Sequence[str] = ()) -> DavResponse | None:
    """One <response> element (None without an href); with ``wanted``, only those properties are kept."""
    href = response.findtext(qname(DAV, "href"), default="").strip()
    if not href:
        return None
    status = _status_code(response.findtext(qname(DAV, "status")))
    props: dict[str, Element] = {}
    for propstat in response.findall(qname(DAV, "propstat")):
        if _status_code(propstat.findtext(qname(DAV, "status"))) >= 300:
            continue
        prop = propstat.find(qname(DAV, "prop"))
        if prop is not None:
            for element in prop:
                if not wanted or element.tag in wanted:
                    props[element.tag] = element
    return DavResponse(canonical_href(href, base), status, props)


class _ByteStream(io.RawIOBase):
    """A file over an iterator of byte chunks (a streamed answer), for the XML parser to read from."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._buffer = b""

    def readable(self) -> bool:
        return True

    def readinto(self, target: Any) -> int:
        while not self._buffer:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._buffer = chunk
        size = min(len(target), len(self._buffer))
        target[:size] = self._buffer[:size]
        self._buffer = self._buffer[size:]
        return size
