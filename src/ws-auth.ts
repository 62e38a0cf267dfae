// What the WebSocket layer refuses before any subscription starts: a connection without a valid API
// key or token where they are configured (over HTTP such a request is answered 401, see server.ts).
import type { AppConfig } from './config.js';
import { authenticateRequest } from './access/jwt.js';

/**
 * graphql-ws's onConnect: refuses a connection_init without a known key or a valid token
 * (connectionParams or the upgrade request's header) by closing with 4401, the code graphql-ws uses
 * for "Unauthorized", with the reason.
 */
export async function acceptsConnection(
  config: AppConfig,
  authorization: string,
  close: (code: number, reason: string) => void,
): Promise<boolean> {
  const auth = await authenticateRequest(config, authorization);
  if (auth.authenticated) return true;
  // A close reason holds at most 123 bytes: the specific reason, or what to send.
  close(
    4401,
    auth.reason
      ? `Unauthorized: ${auth.reason}`
      : 'Unauthorized: send connectionParams {authorization: "Bearer <key or token>"}',
  );
  return false;
}
