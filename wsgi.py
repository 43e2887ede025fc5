"""The WSGI entry point that gunicorn and `flask` load."""
from forum import create_app

app = create_app()
