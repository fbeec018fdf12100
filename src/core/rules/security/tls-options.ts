/**
 * Names of options that switch certificate checks (`strictSSL`, `insecure`, `verify`, `tlsVerify`,
 * `verify_ssl`, `cert_reqs`, `allowSelfSigned`, `server_hostname`…), in either language. A setting
 * that turns checks off in a branch of a condition on one of them passes the caller's own choice on
 * (request's `if (self.strictSSL === false) self.rejectUnauthorized = false`, requests'
 * `if … and verify: … else: conn.cert_reqs = "CERT_NONE"`): decided at run time, not written in.
 */
export const TLS_OPTION_NAME =
  /strict_?ssl|reject_?unauthori[sz]ed|insecure|\bverif(?:y|ied)(?:_?ssl)?\b|(?:tls|ssl|cert(?:ificate)?)_?verif|verif\w*?_?(?:tls|ssl|cert)|self_?signed|cert_reqs|(?:server|check|assert)_?hostname/i;

/**
 * Names of functions that exist to build an unverified connection on request (httpx's
 * `load_ssl_context_no_verify`, `createInsecureAgent`): what they set is the mode their name says,
 * chosen by whoever calls them.
 */
export const UNVERIFIED_MAKER_NAME = /no_?verif|unverified|insecure/i;
