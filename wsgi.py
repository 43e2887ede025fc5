"""The WSGI entry point that gunicorn and `flask` load.

A worker's background threads (the search queue's drainer, the mail sender: forum/search/queue.py,
forum/notifications/outbox.py) run Python beside its requests. A request thread back from a database round
trip waits for the GIL, and by default Python asks a running thread to give it up only every 5 ms; a request
makes a dozen round trips. At 0.5 ms the request gets it back sooner, and a thread alone never pays for it.
"""
import sys

from forum import create_app

SWITCH_INTERVAL = 0.0005  # seconds

sys.setswitchinterval(SWITCH_INTERVAL)
app = create_app()
