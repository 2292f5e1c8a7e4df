// People: an experiment's members and their roles (the experiment's superusers), and the users
// themselves (global superusers only). Password hashes never appear in an answer.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ROLES } from '@poms/core';
import type { UserOperations } from '../../services/operations/users.ts';
import { callerOf } from '../caller.ts';
import type { RouteRegistry } from '../route.ts';
import { ExperimentParams, PageQuery, offsetPage } from './schemas.ts';

const time = z.string().describe('ISO 8601 UTC');
const username = z.string().min(2).max(64);

const Membership = z.object({
  experiment: z.string(),
  user_id: z.string(),
  username: z.string(),
  role: z.enum(ROLES),
  granted_by: z.string(),
  created_at: time,
  updated_at: time,
});
const User = z.object({
  id: z.string(),
  username: z.string(),
  display_name: z.string(),
  email: z.string().nullable(),
  is_root: z.boolean(),
  active: z.boolean(),
  has_password: z.boolean(),
  must_change_password: z.boolean(),
  created_at: time,
  updated_at: time,
});
const MemberParams = ExperimentParams.extend({ username });

export function userRoutes(app: FastifyInstance, routes: RouteRegistry, ops: UserOperations) {
  routes.add(app, {
    method: 'GET',
    url: '/experiments/:experiment/members',
    tag: 'users',
    summary: "The experiment's members and their roles, by username, a page at a time",
    params: ExperimentParams,
    query: PageQuery.extend({
      role: z.enum(ROLES).optional().describe('only members with this role'),
    }),
    response: offsetPage(Membership),
    handler: ({ params, query, request }) =>
      ops.members(callerOf(request), params.experiment, query),
  });

  routes.add(app, {
    method: 'PUT',
    url: '/experiments/:experiment/members/:username',
    tag: 'users',
    summary: "Grant (or change) a user's role in the experiment; the user must exist",
    params: MemberParams,
    body: z.strictObject({ role: z.enum(ROLES) }),
    response: Membership,
    handler: ({ params, body, request }) =>
      ops.setMember(callerOf(request), params.experiment, params.username, body.role),
  });

  routes.add(app, {
    method: 'DELETE',
    url: '/experiments/:experiment/members/:username',
    tag: 'users',
    summary: 'Remove a member from the experiment',
    params: MemberParams,
    response: z.object({ removed: z.boolean() }),
    handler: ({ params, request }) =>
      ops.removeMember(callerOf(request), params.experiment, params.username),
  });

  routes.add(app, {
    method: 'GET',
    url: '/users',
    tag: 'users',
    summary: 'Every user, by username (a global superuser only)',
    query: PageQuery,
    response: offsetPage(User),
    handler: ({ query, request }) =>
      ops.listUsers(callerOf(request), { limit: query.limit, offset: query.offset }),
  });

  routes.add(app, {
    method: 'POST',
    url: '/users',
    tag: 'users',
    summary:
      'Create a user (a global superuser only): with a password they change at first login, else single sign-on only',
    body: z.strictObject({
      username,
      display_name: z.string().min(1).max(200),
      email: z.string().min(3).max(254).optional(),
      password: z.string().min(12).max(1024).optional(),
    }),
    response: User,
    status: 201,
    handler: ({ body, request }) =>
      ops.createUser(callerOf(request), {
        username: body.username,
        displayName: body.display_name,
        email: body.email,
        password: body.password,
      }),
  });
}
