// Bearer JWTs beside API keys: verified with jose against a JWKS URL, a PEM public key or a shared
// secret, with the roles taken from a claim. A token that is not a JWT goes to the API-key check.
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  importSPKI,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyGetKey,
  type KeyLike,
} from 'jose';
import { allRoles, type AppConfig, type JwtSettings, type Role } from '../config.js';
import { authenticate, type AuthContext } from './auth.js';

/** An authentication that failed, with the reason a client can act on. */
export interface Refusal extends AuthContext {
  authenticated: false;
  reason: string;
}

const jwtShape = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const bearer = (authorization: string | undefined) =>
  /^Bearer\s+(.+)$/i.exec(authorization ?? '')?.[1]?.trim();

// One key source per settings object: the remote JWKS is fetched once and cached by jose.
const keySources = new WeakMap<JwtSettings, Promise<KeyLike | Uint8Array | JWTVerifyGetKey>>();

function keySource(settings: JwtSettings): Promise<KeyLike | Uint8Array | JWTVerifyGetKey> {
  let source = keySources.get(settings);
  if (!source) {
    source = (async () => {
      if (settings.jwksUrl) return createRemoteJWKSet(new URL(settings.jwksUrl));
      if (settings.publicKey) {
        const pem = settings.publicKey.trim();
        // A JWKS document pasted in the variable works too.
        if (pem.startsWith('{'))
          return createLocalJWKSet(JSON.parse(pem) as Parameters<typeof createLocalJWKSet>[0]);
        return importSPKI(pem, settings.algorithm);
      }
      return new TextEncoder().encode(settings.secret!);
    })();
    keySources.set(settings, source);
  }
  return source;
}

function rolesOf(payload: JWTPayload, claim: string): Role[] {
  const value = payload[claim];
  const names = Array.isArray(value)
    ? value.map(String)
    : typeof value === 'string'
      ? value.split(/\s+/)
      : [];
  const roles = names.filter((r): r is Role => (allRoles as readonly string[]).includes(r));
  // admin implies every other role, as for API keys.
  return roles.includes('admin') ? [...allRoles] : roles;
}

const refuse = (reason: string): Refusal => ({
  actor: 'anonymous',
  authenticated: false,
  roles: new Set(),
  reason,
});

/**
 * Who is calling: a verified JWT's subject and roles, an API key's grant, or a refusal with its reason.
 * Without API keys and JWT settings everyone is an anonymous caller with every role (local use).
 */
export async function authenticateRequest(
  config: AppConfig,
  authorization: string | undefined,
): Promise<AuthContext | Refusal> {
  const token = bearer(authorization);
  if (config.jwt && token && jwtShape.test(token)) {
    try {
      const key = await keySource(config.jwt);
      const { payload } = await jwtVerify(token, key as Parameters<typeof jwtVerify>[1], {
        issuer: config.jwt.issuer,
        audience: config.jwt.audience,
      });
      return {
        actor: `jwt:${payload.sub ?? 'unknown'}`,
        authenticated: true,
        roles: new Set(rolesOf(payload, config.jwt.rolesClaim)),
      };
    } catch (error) {
      if (error instanceof errors.JWTExpired) return refuse('The token has expired');
      if (error instanceof errors.JWTClaimValidationFailed)
        return refuse(`The token's "${error.claim}" claim is not accepted`);
      if (error instanceof errors.JOSEError) return refuse('The token could not be verified');
      throw error;
    }
  }
  // Anything else is an API key (authenticate refuses it where none are configured but tokens are).
  return authenticate(config, authorization);
}

/** Whether callers must identify themselves at all (API keys or JWT settings configured). */
export const requiresAuthentication = (config: AppConfig) => config.apiKeys !== null || config.jwt !== null;
