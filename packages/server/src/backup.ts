// `poms backup` / `poms restore` of a data folder on the embedded store. The database copy is
// `VACUUM INTO`: one read transaction, so the copy is the database as it was at one instant while
// the server keeps writing (WAL readers never block the writer, and a copy that restarted under
// constant writes, as the page-by-page backup API can, never ends). Beside it go the job secret
// (without it, running jobs' tokens stop working after a restore), the kept job and launch logs,
// and on request the output files. A manifest records what was copied, the counts of the main
// tables and the database copy's SHA-256, which restore checks before touching anything.
// PostgreSQL stores are backed up with pg_dump (docs/reliability.md).
import { createHash } from 'node:crypto';
import {
  closeSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  openSync,
  readSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { runningServer } from './main.ts';

export const BACKUP_FORMAT = 'poms-backup/1';
const DATABASE = 'poms.sqlite';
const SECRET = 'job-secret';
const LOGS = 'logs';
const FILES = 'files';
const MANIFEST = 'manifest.json';
/**
 * Tables whose row counts the manifest keeps, so a restore can be checked by eye and by test: the
 * records nothing may lose or duplicate (tests that change nothing compare them too).
 */
export const COUNTED = [
  'experiments',
  'campaigns',
  'campaign_revisions',
  'submissions',
  'jobs',
  'ledger',
  'files',
  'outputs',
  'audit_log',
] as const;

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  created_at: string;
  /** The data folder backed up. */
  source: string;
  /** Migrations applied to the database copied, in order. */
  migrations: string[];
  counts: Record<(typeof COUNTED)[number], number>;
  database_sha256: string;
  database_bytes: number;
  /** What the backup holds besides the database. */
  includes: { job_secret: boolean; logs: boolean; files: boolean };
}

export class BackupError extends Error {
  readonly code = 'backup.refused';
}

/** Copies the data folder's store (consistent while the server runs) and its secrets and logs. */
export function backupDataFolder(options: {
  dataDir: string;
  destination: string;
  withFiles?: boolean;
  now?: () => Date;
}): BackupManifest {
  const dataDir = resolve(options.dataDir);
  const destination = resolve(options.destination);
  const database = join(dataDir, DATABASE);
  if (!existsSync(database)) {
    throw new BackupError(`no store to back up: ${database} does not exist`);
  }
  if (existsSync(destination) && readdirSync(destination).length > 0) {
    throw new BackupError(`the backup folder ${destination} exists and is not empty`);
  }
  mkdirSync(destination, { recursive: true });
  const copy = join(destination, DATABASE);
  const source = new SqliteDatabase(database, { fileMustExist: true });
  try {
    source.pragma('busy_timeout = 10000');
    source.prepare('VACUUM INTO ?').run(copy);
  } finally {
    source.close();
  }
  const { migrations, counts } = verifyDatabase(copy);
  const includes = {
    job_secret: copyIfPresent(join(dataDir, SECRET), join(destination, SECRET)),
    logs: copyIfPresent(join(dataDir, LOGS), join(destination, LOGS)),
    files:
      options.withFiles === true && copyIfPresent(join(dataDir, FILES), join(destination, FILES)),
  };
  const manifest: BackupManifest = {
    format: BACKUP_FORMAT,
    created_at: (options.now?.() ?? new Date()).toISOString(),
    source: dataDir,
    migrations,
    counts,
    database_sha256: sha256(copy),
    database_bytes: statSync(copy).size,
    includes,
  };
  writeFileSync(join(destination, MANIFEST), JSON.stringify(manifest, null, 2) + '\n', {
    mode: 0o600,
  });
  return manifest;
}

/**
 * Puts a backup in place as the data folder's store. Refused while a server runs on the folder,
 * and over an existing store unless `force`, in which case what was there is kept aside in
 * `before-restore-TIME/` (nothing is deleted). The backup is checked first (manifest, checksum,
 * SQLite's integrity check), so a bad backup changes nothing.
 */
export function restoreDataFolder(options: {
  source: string;
  dataDir: string;
  force?: boolean;
  now?: () => Date;
}): { manifest: BackupManifest; keptAside: string | undefined } {
  const source = resolve(options.source);
  const dataDir = resolve(options.dataDir);
  const manifest = readManifest(source);
  const backupDatabase = join(source, DATABASE);
  if (!existsSync(backupDatabase)) throw new BackupError(`${backupDatabase} is missing`);
  if (sha256(backupDatabase) !== manifest.database_sha256) {
    throw new BackupError(
      `${backupDatabase} does not match its manifest's SHA-256: the backup is damaged`,
    );
  }
  verifyDatabase(backupDatabase);
  const server = runningServer(dataDir);
  if (server !== undefined) {
    throw new BackupError(
      `a server (pid ${server.pid}, ${server.url}) runs on ${dataDir}: stop it before restoring`,
    );
  }
  const existing = [DATABASE, `${DATABASE}-wal`, `${DATABASE}-shm`, SECRET, LOGS, FILES].filter(
    (name) => existsSync(join(dataDir, name)),
  );
  const hasStore = existing.includes(DATABASE);
  if (hasStore && options.force !== true) {
    throw new BackupError(
      `${dataDir} already holds a store: give --force to restore over it (the current one is kept aside)`,
    );
  }
  let keptAside: string | undefined;
  const restored = [DATABASE, ...(manifest.includes.job_secret ? [SECRET] : [])]
    .concat(manifest.includes.logs ? [LOGS] : [])
    .concat(manifest.includes.files ? [FILES] : []);
  // What the backup replaces moves aside; what it does not hold (its files, say) stays.
  const replaced = existing.filter(
    (name) => restored.includes(name) || name.startsWith(`${DATABASE}-`),
  );
  if (replaced.length > 0) {
    const stamp = (options.now?.() ?? new Date()).toISOString().replaceAll(':', '-');
    keptAside = join(dataDir, `before-restore-${stamp}`);
    mkdirSync(keptAside, { recursive: true });
    for (const name of replaced) renameSync(join(dataDir, name), join(keptAside, name));
  }
  mkdirSync(dataDir, { recursive: true });
  // The database arrives under a temporary name and is renamed: a crash leaves no half store.
  const partial = join(dataDir, `${DATABASE}.restoring`);
  cpSync(backupDatabase, partial);
  renameSync(partial, join(dataDir, DATABASE));
  for (const name of restored.slice(1)) {
    cpSync(join(source, name), join(dataDir, name), { recursive: true });
  }
  return { manifest, keptAside };
}

function readManifest(folder: string): BackupManifest {
  const file = join(folder, MANIFEST);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new BackupError(
      `${file}: not a POMS backup (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  const manifest = parsed as Partial<BackupManifest>;
  if (manifest.format !== BACKUP_FORMAT) {
    throw new BackupError(`${file}: format is ${String(manifest.format)}, not ${BACKUP_FORMAT}`);
  }
  if (typeof manifest.database_sha256 !== 'string' || typeof manifest.includes !== 'object') {
    throw new BackupError(`${file}: database_sha256 and includes are required`);
  }
  return manifest as BackupManifest;
}

/** SQLite's own integrity check, then the migrations applied and the counts of the main tables. */
function verifyDatabase(file: string): Pick<BackupManifest, 'migrations' | 'counts'> {
  const db = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
  try {
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') throw new BackupError(`${file}: integrity check: ${String(integrity)}`);
    const migrations = db
      .prepare('select name from kysely_migration order by name')
      .pluck()
      .all() as string[];
    const counts = Object.fromEntries(
      COUNTED.map((table) => [
        table,
        Number(db.prepare(`select count(*) from ${table}`).pluck().get()),
      ]),
    ) as BackupManifest['counts'];
    return { migrations, counts };
  } finally {
    db.close();
  }
}

function copyIfPresent(from: string, to: string): boolean {
  if (!existsSync(from)) return false;
  mkdirSync(dirname(to), { recursive: true });
  cpSync(from, to, { recursive: true, preserveTimestamps: true });
  return true;
}

/** The file's SHA-256, read in 1 MiB pieces (a store can be larger than memory allows). */
function sha256(file: string): string {
  const hash = createHash('sha256');
  const buffer = Buffer.alloc(2 ** 20);
  const fd = openSync(file, 'r');
  try {
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      hash.update(buffer.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}
