"""The web review app: one part at a time, answers grouped, marked from the keyboard.

`create_app(workspace, who=..., anonymous=...)` builds it; `gradewise review serve` runs it.
"""

from gradewise.review.app import create_app

__all__ = ["create_app"]
