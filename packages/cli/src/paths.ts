import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The Harbin 2024 seed plan. An installed package carries its own copy (packages/cli/seeds/,
 * copied there when the package is packed: see scripts/copy-seeds.js); in the repository the
 * plan is found in seeds/ at the root (packages/cli/dist → seeds/).
 */
export const seedPlanFile = (name: string, packageDir: string = join(__dirname, '..')): string => {
  const shipped = join(packageDir, 'seeds', name);
  return existsSync(shipped) ? shipped : join(packageDir, '..', '..', 'seeds', name);
};

export const SEED_PLAN = seedPlanFile('harbin-2024.json');
