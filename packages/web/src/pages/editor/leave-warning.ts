// The unsaved-changes warning: the browser's own prompt when the tab closes or reloads, and a
// confirmation before following an in-app link away from the page (BrowserRouter has no blocker).
import { useEffect } from 'react';

export const LEAVE_QUESTION = 'The campaign has unsaved changes. Leave and lose them?';

export function useLeaveWarning(dirty: boolean): void {
  useEffect(() => {
    if (!dirty) return;
    const beforeUnload = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      event.returnValue = '';
    };
    const onClick = (event: MouseEvent) => {
      const link = (event.target as Element | null)?.closest?.('a[href]');
      if (!link || event.defaultPrevented) return;
      const href = link.getAttribute('href') ?? '';
      if (href.startsWith('#') || link.getAttribute('target') === '_blank') return;
      if (!window.confirm(LEAVE_QUESTION)) {
        event.preventDefault();
        event.stopPropagation();
      }
    };
    window.addEventListener('beforeunload', beforeUnload);
    document.addEventListener('click', onClick, true);
    return () => {
      window.removeEventListener('beforeunload', beforeUnload);
      document.removeEventListener('click', onClick, true);
    };
  }, [dirty]);
}
