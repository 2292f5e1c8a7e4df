// Who is logged in, in which experiment they are working, and the login/logout actions. The
// session is the server's httpOnly cookie; the app keeps only the CSRF token (from login, or from
// GET /auth/me after a reload) and the answer of /auth/me.
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { api, ApiError, setCsrfToken, setUnauthorizedHandler } from '../api/client.ts';
import type { Me, Role } from '../api/types.ts';

export interface Session {
  /** undefined while the first /auth/me is in flight; null when nobody is logged in. */
  me: Me | null | undefined;
  login(username: string, password: string): Promise<Me>;
  logout(): Promise<void>;
  refresh(): Promise<void>;
  /** The caller's role in an experiment (superusers everywhere); undefined when not a member. */
  roleIn(experiment: string): Role | undefined;
}

const SessionContext = createContext<Session | undefined>(undefined);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null | undefined>(undefined);

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

  const session = useMemo<Session>(
    () => ({
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
      roleIn(experiment) {
        if (!me) return undefined;
        if (me.root) return 'superuser';
        return me.memberships.find((m) => m.experiment === experiment)?.role;
      },
    }),
    [me, refresh],
  );
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}
