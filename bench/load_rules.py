"""What the load bench's runner (load.py) and its locust users (load_users.py) share: the mix
of roles and the one safety rule, that it loads addresses of this machine only."""

import ipaddress
import socket
from urllib.parse import urlsplit


def loopback_refusal(host: str | None) -> str | None:
    """Why this host may not be loaded, or None: only loopback addresses may."""
    name = urlsplit(host or "").hostname
    if not name:
        return f"no host to load: {host!r}"
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(name, None)}
    except OSError as error:
        return f"cannot resolve {name}: {error}"
    outside = sorted(a for a in addresses if not ipaddress.ip_address(a).is_loopback)
    if outside:
        return f"{name} is not a loopback address ({', '.join(outside)}): refused"
    return None


# Share of each role among the signed-in users (percent): the locust users' weights.
MIX = {"student": 70, "mentor": 18, "coordinator": 6, "employer": 5, "admin": 1}
