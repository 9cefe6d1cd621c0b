"""The floor of the benches: a bare Flask app answering "hello", nothing of Shakirt in it.

bench/pages.py calls it through the test client; bench/load.py serves it with the same
gunicorn settings as the app: `gunicorn -c gunicorn.conf.py --chdir bench hello:app`.
"""

from flask import Flask


def hello_app() -> Flask:
    """What a Flask request costs with nothing of ours in it."""
    hello = Flask("hello")

    @hello.get("/")
    def index():
        return "hello"

    return hello


app = hello_app()
