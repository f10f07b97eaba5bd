// Before the package is packed (prepack): the seed plans travel with @minsheng/cli (its demo reads
// one), copied from the repository's seeds/, which stays their one source. After packing
// (postpack, `--clean`) the copy is removed, so that the repository's CLI reads seeds/ itself.
// packages/cli/seeds/ is gitignored.
const { cpSync, mkdirSync, readdirSync, rmSync } = require('node:fs');
const { join } = require('node:path');

const from = join(__dirname, '..', '..', '..', 'seeds');
const to = join(__dirname, '..', 'seeds');
rmSync(to, { recursive: true, force: true });
if (!process.argv.includes('--clean')) {
  mkdirSync(to);
  for (const name of readdirSync(from).filter((n) => n.endsWith('.json'))) cpSync(join(from, name), join(to, name));
}
