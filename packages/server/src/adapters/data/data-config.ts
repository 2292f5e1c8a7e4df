// The experiments' external data management, read from the JSON file POMS_DATA_CONFIG names:
// per experiment, MetaCat or SAM (input datasets, output declarations) and Rucio (replicas,
// datasets, rules). Secrets are never in the file itself: each is read from an environment
// variable (`*_env`) or a file (`*_file`) that the file names, so the config can be shown and
// versioned. A bad file is refused as a whole with the field and the file named.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { DataSystems, ExperimentDataSystems } from '../../ports/data-systems.ts';
import { MetacatClient } from './metacat/metacat-client.ts';
import { RucioClient } from './rucio/rucio-client.ts';
import { SamClient } from './sam/sam-client.ts';

const Secret = z
  .strictObject({ env: z.string().min(1).optional(), file: z.string().min(1).optional() })
  .refine((s) => (s.env === undefined) !== (s.file === undefined), {
    message: 'give exactly one of env (a variable name) or file (a path)',
  });
type Secret = z.infer<typeof Secret>;

const Url = z.url({ protocol: /^https?$/ });

/** A folder where jobs find the catalog's files by name, recorded as their replica at `location`. */
const InputFiles = z.strictObject({
  folder: z.string().startsWith('/'),
  location: z.string().min(1).max(100).default('local'),
});

const Metacat = z.strictObject({
  url: Url,
  input_files: InputFiles.optional(),
  /** The namespace outputs are declared in. */
  namespace: z.string().min(1).optional(),
  token: Secret.optional(),
  timeout_s: z.number().positive().max(600).optional(),
});

const Sam = z.strictObject({
  url: Url,
  input_files: InputFiles.optional(),
  /** SAM's experiment name, when it is not the POMS experiment's. */
  experiment: z.string().min(1).optional(),
  token: Secret.optional(),
  timeout_s: z.number().positive().max(600).optional(),
});

const Rucio = z.strictObject({
  url: Url,
  account: z.string().min(1),
  auth: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('userpass'), username: z.string().min(1), password: Secret }),
    z.strictObject({ kind: z.literal('token'), token: Secret }),
  ]),
  vo: z.string().min(1).optional(),
  scope: z.string().min(1),
  /** The RSE of the storage jobs copy their outputs to. */
  rse: z.string().min(1),
  /** Rewrites output paths into PFNs at `rse`: a path under `path` becomes `url` + the rest. */
  pfn: z.strictObject({ path: z.string().startsWith('/'), url: z.string().min(1) }).optional(),
  /** Catalog location names that are RSEs (a stage's output_location), location → RSE. */
  locations: z.record(z.string().min(1), z.string().min(1)).optional(),
  timeout_s: z.number().positive().max(600).optional(),
});

const Experiment = z
  .strictObject({ metacat: Metacat.optional(), sam: Sam.optional(), rucio: Rucio.optional() })
  .refine((e) => e.metacat === undefined || e.sam === undefined, {
    message: 'an experiment has one metadata catalog: metacat or sam, not both',
  });

export const DataConfigFile = z.strictObject({ experiments: z.record(z.string(), Experiment) });
export type DataConfigFile = z.infer<typeof DataConfigFile>;

export class DataConfigError extends Error {
  override readonly name = 'DataConfigError';
}

/** Reads and checks the file; builds no client yet. */
export function readDataConfig(file: string): DataConfigFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new DataConfigError(`${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const checked = DataConfigFile.safeParse(parsed);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new DataConfigError(
      `${file}: ${issue?.path.join('.') || '(top)'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return checked.data;
}

/**
 * The clients of every experiment the file names. Secrets are read now, so a missing variable or
 * file fails at start-up, naming the field, never showing a value.
 */
export function dataSystemsFrom(
  config: DataConfigFile,
  file: string,
  env: NodeJS.ProcessEnv = process.env,
): DataSystems {
  const built = new Map<string, ExperimentDataSystems>();
  for (const [experiment, settings] of Object.entries(config.experiments)) {
    const secret = (value: Secret, field: string): string =>
      readSecret(value, `${file}: experiments.${experiment}.${field}`, env);
    const systems: ExperimentDataSystems = {};
    if (settings.metacat) {
      const m = settings.metacat;
      systems.metadata = new MetacatClient({
        url: m.url,
        ...(m.token === undefined ? {} : { token: secret(m.token, 'metacat.token') }),
        ...(m.timeout_s === undefined ? {} : { timeoutMs: m.timeout_s * 1000 }),
      });
      systems.metadataNamespace = m.namespace;
      systems.inputFiles = m.input_files;
    }
    if (settings.sam) {
      const s = settings.sam;
      systems.metadata = new SamClient({
        url: s.url,
        experiment: s.experiment ?? experiment,
        ...(s.token === undefined ? {} : { token: secret(s.token, 'sam.token') }),
        ...(s.timeout_s === undefined ? {} : { timeoutMs: s.timeout_s * 1000 }),
      });
      systems.inputFiles = s.input_files;
    }
    if (settings.rucio) {
      const r = settings.rucio;
      const client = new RucioClient({
        url: r.url,
        account: r.account,
        auth:
          r.auth.kind === 'userpass'
            ? {
                kind: 'userpass',
                username: r.auth.username,
                password: secret(r.auth.password, 'rucio.auth.password'),
              }
            : { kind: 'token', token: secret(r.auth.token, 'rucio.auth.token') },
        ...(r.vo === undefined ? {} : { vo: r.vo }),
        ...(r.timeout_s === undefined ? {} : { timeoutMs: r.timeout_s * 1000 }),
      });
      const prefix = r.pfn;
      systems.rucio = {
        client,
        scope: r.scope,
        rse: r.rse,
        locations: r.locations ?? {},
        ...(prefix === undefined ? {} : { pfn: (path: string) => pfnOf(path, prefix) }),
      };
    }
    built.set(experiment, systems);
  }
  return (experiment) => built.get(experiment);
}

/** The systems POMS_DATA_CONFIG describes; none when it is unset. */
export function dataSystemsFromEnv(env: NodeJS.ProcessEnv = process.env): DataSystems | undefined {
  const file = env.POMS_DATA_CONFIG;
  if (file === undefined || file === '') return undefined;
  return dataSystemsFrom(readDataConfig(file), file, env);
}

function readSecret(secret: Secret, where: string, env: NodeJS.ProcessEnv): string {
  if (secret.env !== undefined) {
    const value = env[secret.env];
    if (value === undefined || value === '') {
      throw new DataConfigError(`${where}: environment variable ${secret.env} is not set`);
    }
    return value;
  }
  try {
    const value = readFileSync(secret.file ?? '', 'utf8').trim();
    if (value === '') throw new Error('the file is empty');
    return value;
  } catch (error) {
    throw new DataConfigError(
      `${where}: cannot read ${secret.file ?? ''}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

function pfnOf(path: string, prefix: { path: string; url: string }): string {
  const base = prefix.path.endsWith('/') ? prefix.path : `${prefix.path}/`;
  return path.startsWith(base)
    ? `${prefix.url.replace(/\/$/, '')}/${path.slice(base.length)}`
    : `file://${path}`;
}
