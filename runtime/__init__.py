"""oauthgen runtime: a typed, requests-oauthlib compatible OAuth 1 and OAuth 2 client."""
