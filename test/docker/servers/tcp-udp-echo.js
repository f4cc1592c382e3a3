// A target for TCP_UDP groups (`node /srv/tcp-udp-echo.js`): the TCP echo and the UDP echo on the
// same container port, as a DNS server answers on 53/tcp and 53/udp. GREETING and ECHO_NAME work
// as in each server.
import './tcp-echo.js';
import './udp-echo.js';
