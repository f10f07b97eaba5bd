import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './run-cli';

/** Packages under packages/* that are tools of this repository and never published. */
export const DEV_ONLY = ['@minsheng/bench'];

export interface WorkspacePackage {
  readonly dir: string;
  readonly manifest: Record<string, any>;
}

/** Every package under packages/*, found anew on each call: a package added later is picked up. */
export const workspacePackages = (): WorkspacePackage[] =>
  readdirSync(join(ROOT, 'packages'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => join(ROOT, 'packages', d.name))
    .flatMap((dir) => {
      try {
        return [{ dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }];
      } catch {
        return [];
      }
    });

export const publishable = (): WorkspacePackage[] => workspacePackages().filter((p) => !DEV_ONLY.includes(p.manifest.name));

const PNPM = ['-y', 'pnpm@10'];

/**
 * `pnpm pack` of every publishable package under packages/* into `into`, in one pnpm run (pnpm
 * replaces workspace:* ranges by versions): each package's name with its tarball's path.
 */
export const packAll = (into: string): Record<string, string> => {
  const filters = ['--filter', './packages/*', ...DEV_ONLY.flatMap((name) => ['--filter', `!${name}`])];
  execFileSync('npx', [...PNPM, '-r', ...filters, 'pack', '--pack-destination', into], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return Object.fromEntries(
    publishable().map(({ manifest: m }) => {
      const tgz = join(into, `${String(m.name).replace(/^@/, '').replace('/', '-')}-${m.version}.tgz`);
      if (!existsSync(tgz)) throw new Error(`pnpm pack left no ${tgz} for ${m.name}`);
      return [m.name, tgz];
    }),
  );
};

/** The paths inside a tarball (without the leading package/). */
export const tarballFiles = (tgz: string): string[] =>
  execFileSync('tar', ['tzf', tgz], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((p) => p.replace(/^package\//, ''));

/** Runs `pnpm install` in a project outside the repository, from the machine's pnpm store where it can. */
export const pnpmInstall = (cwd: string): void => {
  const r = spawnSync('npx', [...PNPM, 'install', '--prefer-offline', '--config.confirmModulesPurge=false'], { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`pnpm install in ${cwd} failed:\n${r.stdout}\n${r.stderr}`);
};

/** Runs a command; its stdout, or an error with both streams. */
export const runIn = (cwd: string, cmd: string, args: readonly string[]): string => {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
};
