// How long a client has to finish its TLS handshake on any Berth listener (HTTPS and TLS): a socket
// that says nothing is closed then, as AWS's load balancers do, instead of Node's 120 s default.
export const TLS_HANDSHAKE_TIMEOUT_MS = 10_000;
