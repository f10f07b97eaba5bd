/*
 * The fault suite's writer (faults.ts): reports through the built CLI's own openLedger, with
 * inline projection and completion checks, as `minsheng report` does, one after another until it
 * is killed. Plain JavaScript, as node runs it without a build.
 *
 *   node fault-writer.cjs (--db <file> | --database-url <url>) <seed>
 */
const { dirname, join } = require('node:path');

const cli = dirname(require.resolve('../../package.json'));
const { openLedger } = require(join(cli, 'dist', 'open-ledger.js'));

const [flag, where, seedText] = process.argv.slice(2);
const location = flag === '--db' ? { kind: 'sqlite', file: where } : { kind: 'postgres', url: where };
let seed = Number(seedText) >>> 0;
// mulberry32, as the demo's PRNG.
const rnd = () => {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const DISTRICTS = ['daoli', 'daowai', 'nangang', 'xiangfang', 'pingfang', 'songbei', 'hulan', 'acheng', 'shuangcheng'];
// Tasks 3 and 13 complete after a few of these; task 1 never does.
const REPORTS = [
  { task: 3, metric: 't03-child-friendly-communities', by: 'womens-federation', max: 10 },
  { task: 13, metric: 't13-gas-pipe-renewal', by: 'housing', max: 250 },
  { task: 1, metric: 't01-job-stations', by: 'hrss', max: 4 },
];
let t = Date.parse('2024-10-02T00:00:00Z');
const clock = { now: () => new Date((t += 1000)) };

(async () => {
  const l = await openLedger(location, clock, {});
  for (;;) {
    const r = REPORTS[Math.floor(rnd() * REPORTS.length)];
    const place = DISTRICTS[Math.floor(rnd() * DISTRICTS.length)];
    const value = String(Math.floor(rnd() * r.max));
    const result = await l.ledger.report({ task: r.task, metric: r.metric, place, asOf: '2024-10-01', value, responsibleUnit: r.by })();
    if (result._tag === 'Left') {
      process.stderr.write(`fault-writer: ${result.left.message}\n`);
      process.exit(1);
    }
  }
})();
