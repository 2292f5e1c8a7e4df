// Pages loaded when first visited, so the editor's libraries stay out of the first load.
import { lazy } from 'react';
import type { ComponentType } from 'react';

export function lazyPage<M extends Record<string, unknown>>(load: () => Promise<M>, name: keyof M) {
  return lazy(async () => ({ default: (await load())[name] as ComponentType }));
}
