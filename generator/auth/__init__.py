"""``oauthgen login / token / logout / status``: signing in from a terminal with any client.

* ``config``: where things live (XDG directories) and the client id / secret sources;
* ``clients``: finding a provider's client class (shipped ``generated.<id>`` or a spec file);
* ``store``: the token store and the per-profile records ``token`` rebuilds its client from;
* ``commands``: the four commands and their exit codes.
"""
