"""The browser review app for an output folder: `create_app(out_dir)` for tests, `serve(out_dir)` for the CLI."""

from scan2text.review.app import create_app, serve

__all__ = ["create_app", "serve"]
