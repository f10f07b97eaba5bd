import { join } from 'node:path';

/** The Harbin 2024 seed plan, found from this file's place in the repository (packages/cli/dist → seeds/). */
export const SEED_PLAN = join(__dirname, '../../../seeds/harbin-2024.json');
