// What the WebSocket layer refuses before any subscription starts: a connection without a valid
// API key where keys are configured (over HTTP such a request is answered 401, see server.ts).
import type { AppConfig } from './config.js';
import { authenticate } from './privacy/auth.js';

/**
 * graphql-ws's onConnect: refuses a connection_init without a known key (connectionParams or the
 * upgrade request's header) by closing with 4401, the code graphql-ws uses for "Unauthorized".
 */
export function acceptsConnection(
  config: AppConfig,
  authorization: string,
  close: (code: number, reason: string) => void,
): boolean {
  if (authenticate(config, authorization).authenticated) return true;
  close(
    4401,
    `Unauthorized: missing or unknown API key. Send connectionParams {authorization: "Bearer <key>"}`,
  );
  return false;
}
