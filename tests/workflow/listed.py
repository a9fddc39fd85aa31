"""The staff's lists as a person reads them: from the page's HTML (the home queues are kept
in the cache as HTML, so a page served from it has no list objects to look at)."""

import re
from html import unescape

QUEUE = re.compile(r'<section class="queue" aria-labelledby="queue-(?P<key>[\w-]+)-title">'
                   r"(?P<body>.*?)</section>", re.DOTALL)
ROW_CODE = re.compile(r'<tr[^>]*><td class="nowrap"><a href="[^"]+">([^<]+)</a></td>')
COUNT = re.compile(r'<span class="count">\((?P<count>[^)]*)\)</span>')
NEXT = re.compile(r'<a href="([^"]+)" rel="next">')


def queues(html: str) -> dict[str, str]:
    """Each list on the page, by its key ("coordinator", "inbox", "approval", "all")."""
    return {match["key"]: match["body"] for match in QUEUE.finditer(html)}


def codes(html: str, key: str | None = None) -> list[str]:
    """The tracking codes listed, in their order: of one list, or of every list."""
    bodies = [queues(html)[key]] if key else queues(html).values()
    return [unescape(code) for body in bodies for code in ROW_CODE.findall(body)]


def count(html: str, key: str) -> str:
    return COUNT.search(queues(html)[key])["count"]


def next_url(html: str, key: str) -> str | None:
    found = NEXT.search(queues(html)[key])
    return unescape(found[1]) if found else None


def codes_on(client, user, url: str) -> set[str]:
    """The tracking codes `user` sees listed on the page at `url`."""
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return set(codes(response.content.decode()))
