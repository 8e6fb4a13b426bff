"""``python -m generator`` runs the oauthgen CLI."""

from .cli import main

raise SystemExit(main())
