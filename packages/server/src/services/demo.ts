// The demo experiment a fresh `poms start` shows: one experiment and the template campaigns it was
// given, created once (a restart finds them and leaves them alone).
import type { Engine } from '@poms/core';
import { parseCampaign, setField } from '@poms/campaign-file';
import { NotFoundError } from '../ports/errors.ts';
import type { Store } from '../ports/store.ts';
import { CampaignService } from './campaigns.ts';

export const DEMO_EXPERIMENT = 'demo';

export async function seedDemo(
  store: Store,
  campaigns: readonly { text: string }[],
  options: { engine?: Engine } = {},
): Promise<{ created: string[] }> {
  try {
    await store.experiments.get(DEMO_EXPERIMENT);
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    await store.experiments.create({ name: DEMO_EXPERIMENT, display_name: 'Demo experiment' });
  }
  const service = new CampaignService(store);
  const existing = await store.campaigns.list(DEMO_EXPERIMENT, { limit: 1000 });
  const names = new Set(existing.items.map((c) => c.name));
  const created: string[] = [];
  for (const { text } of campaigns) {
    const engine = options.engine;
    const saved = await seedOne(
      service,
      engine === undefined ? text : onEngine(text, engine),
      names,
    );
    if (saved) created.push(saved);
  }
  return { created };
}

/** The campaign with its local launch setups moved to `engine` (`poms demo --engine slurm`). */
export function onEngine(text: string, engine: Engine): string {
  let out = text;
  for (const setup of parseCampaign(text).effective?.launch_setups ?? []) {
    if (setup.engine !== 'local') continue;
    const edited = setField(out, ['launch_setups', setup.name, 'engine'], engine);
    if (edited.ok) out = edited.text;
  }
  return out;
}

async function seedOne(service: CampaignService, text: string, existing: Set<string>) {
  const name = /^campaign:\s*(\S+)/m.exec(text)?.[1];
  if (name && existing.has(name)) return undefined;
  const saved = await service.create(
    DEMO_EXPERIMENT,
    text,
    'poms',
    'demo campaign from the template library',
  );
  return saved.campaign.name;
}
