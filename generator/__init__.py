"""oauthgen generator: provider spec -> typed client package."""
