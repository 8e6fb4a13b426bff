// A real OAuth 2.0 / OpenID Connect authorization server for oauthgen's integration tests.
//
// The server is panva's `oidc-provider` (an OpenID Certified implementation), configured but
// not extended: every grant, error and token rule the tests see is the library's own.
//
// Usage:  node server.mjs <port>        (or PORT=<port> node server.mjs)
// Listens on 127.0.0.1:<port>, issuer http://127.0.0.1:<port>, and prints `READY <port>` on
// stdout once it accepts connections. Library warnings go to stderr.
//
// Environment:
//   PORT               port to listen on when no argv port is given
//   ACCESS_TOKEN_TTL   access token lifetime in seconds (default 3600)
//   CLOCK_TOLERANCE    seconds an expired token is still accepted (library default 15; set
//                      0 with a short ACCESS_TOKEN_TTL to see tokens expire server-side)
//   DEVICE_CODE_TTL    device code lifetime in seconds (default 600)
//   CLIENT_JWKS        JSON JWK Set ({"keys": [...]}) with the public key(s) of the
//                      `key-jwt-client` client; without it that client is not registered.
//                      The tests generate the key pair at startup and keep the private part.
//   WEB_APP_REDIRECT_URIS  JSON array of more redirect URIs for `web-app` (a web app under
//                      test listening on a port of its own, e.g. the Flask example).
//
// Clients (all redirect URIs are on 127.0.0.1 and are never actually requested):
//   web-app       confidential, client_secret_basic, authorization_code + refresh_token
//   public-app    public native app, token_endpoint_auth_method none (PKCE required)
//   service       confidential, client_secret_basic, client_credentials only
//   post-client   confidential, client_secret_post, authorization_code + refresh_token +
//                 client_credentials
//   device-app    public, device_code grant (+ refresh_token)
//   secret-jwt-client  confidential, client_secret_jwt (HS256 assertion keyed with its secret),
//                 authorization_code + refresh_token + client_credentials
//   key-jwt-client     confidential, private_key_jwt (assertion signed with the key whose
//                 public part is in CLIENT_JWKS), same grants
//
// Features: devInteractions (built-in login/consent HTML forms: any login, any password),
// clientCredentials, introspection, revocation, deviceFlow, refresh-token rotation (reuse of
// a rotated refresh token is rejected with invalid_grant and revokes the grant), discovery.

import Provider from 'oidc-provider';

const port = Number.parseInt(process.argv[2] ?? process.env.PORT ?? '', 10);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error('usage: node server.mjs <port>  (or set PORT)');
  process.exit(2);
}
const accessTokenTTL = Number.parseInt(process.env.ACCESS_TOKEN_TTL ?? '3600', 10);
const clockTolerance = Number.parseInt(process.env.CLOCK_TOLERANCE ?? '15', 10);
const deviceCodeTTL = Number.parseInt(process.env.DEVICE_CODE_TTL ?? '600', 10);
const clientJwks = process.env.CLIENT_JWKS ? JSON.parse(process.env.CLIENT_JWKS) : undefined;
const webAppRedirectUris = process.env.WEB_APP_REDIRECT_URIS
  ? JSON.parse(process.env.WEB_APP_REDIRECT_URIS)
  : [];

const issuer = `http://127.0.0.1:${port}`;

const clients = [
  {
    client_id: 'web-app',
    client_secret: 'web-app-secret',
    application_type: 'web',
    token_endpoint_auth_method: 'client_secret_basic',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    redirect_uris: ['http://127.0.0.1:8000/callback', ...webAppRedirectUris],
  },
  {
    client_id: 'public-app',
    application_type: 'native',
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    // A native client's loopback redirect URI matches any port (RFC 8252 section 7.3).
    redirect_uris: ['http://127.0.0.1/callback'],
  },
  {
    client_id: 'service',
    client_secret: 'service-secret',
    token_endpoint_auth_method: 'client_secret_basic',
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
  },
  {
    client_id: 'post-client',
    client_secret: 'post-client-secret',
    application_type: 'web',
    token_endpoint_auth_method: 'client_secret_post',
    grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
    response_types: ['code'],
    redirect_uris: ['http://127.0.0.1:8000/callback'],
  },
  {
    client_id: 'device-app',
    application_type: 'native',
    token_endpoint_auth_method: 'none',
    grant_types: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'],
    response_types: [],
    redirect_uris: [],
  },
  {
    client_id: 'secret-jwt-client',
    // client_secret_jwt signs with HS256 keyed by the secret: at least 32 bytes.
    client_secret: 'secret-jwt-client-secret-at-least-32-bytes-long',
    application_type: 'web',
    token_endpoint_auth_method: 'client_secret_jwt',
    grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
    response_types: ['code'],
    redirect_uris: ['http://127.0.0.1:8000/callback'],
  },
];
if (clientJwks) {
  clients.push({
    client_id: 'key-jwt-client',
    application_type: 'web',
    token_endpoint_auth_method: 'private_key_jwt',
    jwks: clientJwks,
    grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
    response_types: ['code'],
    redirect_uris: ['http://127.0.0.1:8000/callback'],
  });
}

const configuration = {
  clients,
  // Fixed, test-only cookie signing keys (the default is none, which the library warns about).
  cookies: { keys: ['oauthgen-integration-tests-only'] },
  // Any login typed into the dev login form becomes the account id; userinfo returns it.
  async findAccount(_ctx, sub) {
    return { accountId: sub, async claims() { return { sub }; } };
  },
  scopes: ['openid', 'offline_access', 'api:read', 'api:write'],
  features: {
    devInteractions: { enabled: true },
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    revocation: { enabled: true },
    deviceFlow: { enabled: true },
  },
  // Always issue a refresh token to clients allowed the refresh_token grant (no need to ask
  // for offline_access), and always rotate it on use.
  async issueRefreshToken(_ctx, client) {
    return client.grantTypeAllowed('refresh_token');
  },
  rotateRefreshToken: true,
  clockTolerance,
  ttl: {
    AccessToken: accessTokenTTL,
    ClientCredentials: accessTokenTTL,
    AuthorizationCode: 60,
    DeviceCode: deviceCodeTTL,
    IdToken: 3600,
    RefreshToken: 86400,
    Interaction: 600,
    Session: 3600,
    Grant: 86400,
  },
};

const provider = new Provider(issuer, configuration);
provider.on('server_error', (_ctx, err) => console.error('server_error', err));

const server = provider.listen(port, '127.0.0.1', () => {
  process.stdout.write(`READY ${port}\n`);
});
server.on('error', (err) => {
  console.error(`cannot listen on 127.0.0.1:${port}: ${err.message}`);
  process.exit(1);
});

function shutdown() {
  server.close(() => process.exit(0));
  // Keep-alive connections would hold close() open; don't wait for them.
  setTimeout(() => process.exit(0), 500).unref();
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
