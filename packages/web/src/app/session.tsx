// Who is logged in, in which experiment they are working, and the login/logout actions. The
// session is the server's httpOnly cookie; the app keeps only the CSRF token (from login, or from
// GET /auth/me after a reload) and the answer of /auth/me.
import { ROLES, roleAtLeast } from '@poms/core';
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import {
  api,
  ApiError,
  setActingRole,
  setCsrfToken,
  setUnauthorizedHandler,
} from '../api/client.ts';
import type { Me, Role } from '../api/types.ts';

const ROLE_KEY = 'poms.acting-role';

/** The role chosen in an earlier visit, if it is still a role. */
function savedRole(): Role | undefined {
  const saved = localStorage.getItem(ROLE_KEY);
  return ROLES.find((r) => r === saved);
}

export interface Session {
  /** undefined while the first /auth/me is in flight; null when nobody is logged in. */
  me: Me | null | undefined;
  login(username: string, password: string): Promise<Me>;
  logout(): Promise<void>;
  refresh(): Promise<void>;
  /** The role acted in for an experiment: the membership, capped by the chosen role. */
  roleIn(experiment: string): Role | undefined;
  /** The caller's own (strongest) role in an experiment; superusers have it everywhere. */
  grantedIn(experiment: string): Role | undefined;
  /** The role chosen to act as (POMS: one role at a time); undefined for the caller's own. */
  actingRole: Role | undefined;
  /** Changes the role acted as; pages reload their data (see `generation`). */
  actAs(role: Role | undefined): Promise<void>;
  /** Changes whenever what the caller may see or do changes, to remount the pages. */
  generation: number;
}

const SessionContext = createContext<Session | undefined>(undefined);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [actingRole, setRole] = useState<Role | undefined>(() => {
    const role = savedRole();
    setActingRole(role);
    return role;
  });
  const [generation, setGeneration] = useState(0);

  const refresh = useCallback(async () => {
    try {
      const answer = await api.get<Me>('/auth/me');
      setCsrfToken(answer.csrf);
      setMe(answer);
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        setCsrfToken(undefined);
        setMe(null);
      } else throw error;
    }
  }, []);

  useEffect(() => {
    setUnauthorizedHandler(() => setMe(null));
    void refresh();
    return () => setUnauthorizedHandler(undefined);
  }, [refresh]);

  const session = useMemo<Session>(() => {
    const grantedIn = (experiment: string): Role | undefined => {
      if (!me) return undefined;
      if (me.root) return 'superuser';
      return me.memberships.find((m) => m.experiment === experiment)?.role;
    };
    return {
      me,
      refresh,
      async login(username, password) {
        const answer = await api.post<{ csrf: string }>('/auth/login', { username, password });
        setCsrfToken(answer.csrf);
        const who = await api.get<Me>('/auth/me');
        setMe(who);
        return who;
      },
      async logout() {
        try {
          await api.post('/auth/logout');
        } finally {
          setCsrfToken(undefined);
          setMe(null);
        }
      },
      grantedIn,
      roleIn(experiment) {
        const granted = grantedIn(experiment);
        if (granted === undefined || actingRole === undefined) return granted;
        return roleAtLeast(granted, actingRole) ? actingRole : granted;
      },
      actingRole,
      async actAs(role) {
        if (role === undefined) localStorage.removeItem(ROLE_KEY);
        else localStorage.setItem(ROLE_KEY, role);
        setActingRole(role);
        setRole(role);
        await refresh();
        setGeneration((g) => g + 1);
      },
      generation,
    };
  }, [me, refresh, actingRole, generation]);
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}
