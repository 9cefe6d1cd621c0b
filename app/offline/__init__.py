"""Works without signal: the installable shell, the service worker and queued writes."""
