"""The reference for ``bench/load.py``: a hello-world Flask app served by the same gunicorn settings.

Every path answers GET and POST with a few bytes, so the load script's mix runs unchanged against it and the
ratio factorysafe / hello-world shows what the application costs above the server and the framework.
"""
from flask import Flask

app = Flask(__name__)


@app.route("/", defaults={"path": ""}, methods=["GET", "POST"])
@app.route("/<path:path>", methods=["GET", "POST"])
def hello(path: str):
    return "Hello, world!\n"
