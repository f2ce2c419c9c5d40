import {
  ChangePasswordRequestSchema,
  CreateTokenRequestSchema,
  CurrentConnectionSchema,
  LoginRequestSchema,
  type Connection,
  type MeResponse,
} from '@pgmcp/api-contract';
import { Hono } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import {
  type AuthVariables,
  clientIp,
  credentialOf,
  overTls,
  requireCaller,
  SESSION_COOKIE,
} from '../auth/caller.js';
import type { ServerDeps } from '../deps.js';
import { errorResponse } from '../http-edge.js';
import { jsonBody, storeError } from '../rest.js';
import { effectiveAccess, fromApiScope, toApiToken, toApiUser } from './serialize.js';

/** `/api/v1/auth/*`, `/api/v1/tokens*` and `/api/v1/connections*`: what every logged-in caller may use. */
export function callerRoutes(deps: ServerDeps): Hono<{ Variables: AuthVariables }> {
  const app = new Hono<{ Variables: AuthVariables }>();
  const { auth } = deps;
  const loggedIn = requireCaller(deps.resolveCaller);

  app.post('/api/v1/auth/login', jsonBody(LoginRequestSchema), async (c) => {
    if (!deps.authEnabled) {
      return errorResponse(
        c,
        'BAD_REQUEST',
        'Authentication is switched off on this server (PGMCP_AUTH=off): no login is needed.',
      );
    }
    const { username, password } = c.req.valid('json');
    try {
      const ip = clientIp(c, deps.trustedProxies);
      const userAgent = c.req.header('user-agent');
      const result = await auth.login(username, password, {
        ...(ip ? { ip } : {}),
        ...(userAgent ? { userAgent: userAgent.slice(0, 300) } : {}),
      });
      setCookie(c, SESSION_COOKIE, result.token, {
        httpOnly: true,
        sameSite: 'Strict',
        secure: overTls(c, deps.trustedProxies),
        path: '/',
        expires: result.expiresAt,
      });
      deps.logger.info({ user: result.user.username, ip }, 'login');
      return c.json({
        token: result.token,
        expires_at: result.expiresAt.toISOString(),
        user: toApiUser(result.user),
      });
    } catch (error) {
      return storeError(c, error);
    }
  });

  app.post('/api/v1/auth/logout', loggedIn, async (c) => {
    const caller = c.var.caller;
    if (caller.kind === 'api_token') {
      return errorResponse(
        c,
        'BAD_REQUEST',
        'API tokens do not log out; revoke one with DELETE /api/v1/tokens/{id}.',
      );
    }
    if (caller.kind === 'session') await auth.logout(credentialOf(c.req.raw) ?? '');
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.body(null, 204);
  });

  app.get('/api/v1/auth/me', loggedIn, async (c) => {
    const { caller } = c.var;
    const groups =
      caller.kind === 'local' ? [] : (await auth.listUserGroups(caller.user.id)).map((g) => g.name);
    const body: MeResponse = {
      user: toApiUser(caller.user),
      credential: {
        kind: caller.kind,
        id: caller.credentialId,
        expires_at: caller.expiresAt?.toISOString() ?? null,
      },
      groups,
      access: effectiveAccess(caller.access, deps.registry, deps.pools),
      auth_enabled: deps.authEnabled,
    };
    return c.json(body);
  });

  app.post('/api/v1/auth/password', loggedIn, jsonBody(ChangePasswordRequestSchema), async (c) => {
    const { caller } = c.var;
    if (caller.kind === 'local')
      return errorResponse(
        c,
        'BAD_REQUEST',
        'Authentication is switched off: there is no password to change.',
      );
    const { current_password, new_password } = c.req.valid('json');
    try {
      await auth.changePassword(caller.user.id, current_password, new_password, {
        ...(caller.kind === 'session' ? { keepSessionId: caller.credentialId } : {}),
      });
      return c.body(null, 204);
    } catch (error) {
      return storeError(c, error);
    }
  });

  app.get('/api/v1/tokens', loggedIn, async (c) => {
    const { caller } = c.var;
    const all = c.req.query('all') === 'true' && caller.access.hasAdmin('manage_tokens');
    const tokens = await auth.listApiTokens(all ? undefined : caller.user.id);
    const names = new Map((await auth.listUsers()).map((u) => [u.id, u.username]));
    return c.json({ tokens: tokens.map((t) => toApiToken(t, names.get(t.userId) ?? t.userId)) });
  });

  app.post('/api/v1/tokens', loggedIn, jsonBody(CreateTokenRequestSchema), async (c) => {
    const { caller } = c.var;
    const body = c.req.valid('json');
    try {
      let owner = caller.user;
      if (body.username && body.username.toLowerCase() !== caller.user.username.toLowerCase()) {
        if (!caller.access.hasAdmin('manage_tokens')) {
          return errorResponse(
            c,
            'FORBIDDEN',
            'Creating tokens for other users needs the manage_tokens permission.',
          );
        }
        owner = await auth.getUserByUsername(body.username);
      } else if (caller.kind === 'local') {
        return errorResponse(
          c,
          'BAD_REQUEST',
          'Authentication is switched off: name the user the token is for (username).',
        );
      }
      if (body.expires_at !== undefined && body.expires_in_days !== undefined) {
        return errorResponse(c, 'BAD_REQUEST', 'Give either expires_at or expires_in_days, not both.');
      }
      const expiresAt =
        body.expires_at !== undefined
          ? new Date(body.expires_at)
          : body.expires_in_days !== undefined
            ? new Date(Date.now() + body.expires_in_days * 86_400_000)
            : undefined;
      if (expiresAt && (Number.isNaN(expiresAt.getTime()) || expiresAt.getTime() <= Date.now())) {
        return errorResponse(c, 'BAD_REQUEST', 'expires_at must be a valid time in the future.');
      }
      const scope = fromApiScope(body.scope);
      const created = await auth.createApiToken(owner.id, {
        ...(body.note ? { note: body.note } : {}),
        ...(scope ? { scope } : {}),
        ...(expiresAt ? { expiresAt } : {}),
      });
      return c.json({ token: created.token, api_token: toApiToken(created.apiToken, owner.username) }, 201);
    } catch (error) {
      return storeError(c, error);
    }
  });

  app.delete('/api/v1/tokens/:id', loggedIn, async (c) => {
    const { caller } = c.var;
    const id = c.req.param('id');
    try {
      const mayRevokeAny = caller.access.hasAdmin('manage_tokens');
      const revoked = await auth.revokeApiToken(id, mayRevokeAny ? {} : { userId: caller.user.id });
      if (!revoked)
        return errorResponse(
          c,
          'NOT_FOUND',
          `There is no API token ${id}${mayRevokeAny ? '' : ' of yours'}. GET /api/v1/tokens lists them.`,
        );
      return c.body(null, 204);
    } catch (error) {
      return storeError(c, error);
    }
  });

  app.get('/api/v1/connections', loggedIn, async (c) => {
    const { caller } = c.var;
    const current = await deps.currentConnections.get(caller.credentialId);
    const usable = deps.pools.listConnections().filter((info) => caller.access.connectionAccess(info.name));
    const currentName =
      current && usable.some((u) => u.name === current.connection) ? current.connection : usable[0]?.name;
    const connections: Connection[] = usable.map((info) => {
      const access = caller.access.connectionAccess(info.name)!;
      return {
        name: info.name,
        description: info.description ?? null,
        host: info.host,
        port: info.port,
        database: info.name === current?.connection && current.database ? current.database : info.database,
        access,
        writes_allowed: info.allowWrites && access === 'read_write',
        current: info.name === currentName,
      };
    });
    return c.json({ connections });
  });

  app.get('/api/v1/connections/current', loggedIn, async (c) => {
    const { caller } = c.var;
    const current = await deps.currentConnections.get(caller.credentialId);
    const usable = deps.pools.listConnections().filter((info) => caller.access.connectionAccess(info.name));
    const chosen =
      current && usable.some((u) => u.name === current.connection)
        ? current
        : usable[0]
          ? { connection: usable[0].name }
          : undefined;
    if (!chosen)
      return errorResponse(c, 'NOT_FOUND', 'You have access to no connection. Ask an administrator for one.');
    return c.json({
      connection: chosen.connection,
      ...(chosen.database ? { database: chosen.database } : {}),
    });
  });

  app.post('/api/v1/connections/current', loggedIn, jsonBody(CurrentConnectionSchema), async (c) => {
    const { caller } = c.var;
    const body = c.req.valid('json');
    const info = deps.pools.findConnection(body.connection);
    if (!info || !caller.access.connectionAccess(body.connection)) {
      return errorResponse(
        c,
        'NOT_FOUND',
        `There is no connection "${body.connection}" you may use. GET /api/v1/connections lists yours.`,
      );
    }
    await deps.currentConnections.set(caller.credentialId, body);
    return c.json(body);
  });

  return app;
}
