// Roles from API keys: who may read, see PII, write, administer or subscribe.
import { allRoles, type AppConfig, type Role } from '../config.js';
import { forbidden, unauthenticated } from '../errors.js';

export interface AuthContext {
  /** The key's name for audit records ("anonymous" where keys are not configured). */
  actor: string;
  authenticated: boolean;
  roles: ReadonlySet<Role>;
  /** Why a credential that was sent is refused: a client can tell a typo from a missing header. */
  reason?: string;
}

export function authenticate(config: AppConfig, authorization: string | undefined): AuthContext {
  if (config.apiKeys === null) {
    // With only JWTs configured, a caller is known by its token (src/access/jwt.ts), never by default.
    if (config.jwt !== null) return { actor: 'anonymous', authenticated: false, roles: new Set() };
    return { actor: 'anonymous', authenticated: true, roles: new Set(allRoles) };
  }
  const token = /^Bearer\s+(.+)$/i.exec(authorization ?? '')?.[1]?.trim();
  const grant = token ? config.apiKeys.find((g) => g.key === token) : undefined;
  if (!grant) {
    const reason = token ? 'The API key sent is not known (a typo, or a revoked key?)' : undefined;
    return { actor: 'anonymous', authenticated: false, roles: new Set(), ...(reason ? { reason } : {}) };
  }
  // admin implies every other role: an administrator who cannot read would be odd.
  const roles = new Set<Role>(grant.roles.includes('admin') ? allRoles : grant.roles);
  return { actor: `key:${grant.key.slice(0, 4)}…`, authenticated: true, roles };
}

export function requireRole(auth: AuthContext, role: Role): void {
  if (!auth.authenticated) throw unauthenticated('Send Authorization: Bearer <api key>');
  if (!auth.roles.has(role)) throw forbidden(`This operation needs the "${role}" role`);
}
