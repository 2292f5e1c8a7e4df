// Whether the user, in the role they act as, may change the experiment's catalog (take snapshots,
// close datasets): the same rule set the server applies, so the buttons match what it allows.
import { decide } from '@poms/core';
import { useSession } from '../../app/session.tsx';

export function useMayWriteCatalog(experiment: string): boolean {
  const session = useSession();
  const me = session.me;
  if (!me) return false;
  const actor = {
    username: me.username,
    // A root acting in a chosen role is capped at it, like everyone else.
    root: me.root && session.actingRole === undefined,
    role: session.roleIn(experiment),
  };
  return decide(actor, 'catalog.write', { experiment }).allowed;
}
