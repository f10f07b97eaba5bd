/*
 * The benchmark's table and measuring helpers. A section measures one thing, ours beside
 * raw better-sqlite3 doing the same I/O in the same run, and returns rows; run.ts prints
 * them. Later sections (folding into the built-in views, the audit trail of one figure)
 * add a BenchSection to the list in run.ts and reuse ctx.logFile, the largest log built.
 */

/** smoke: tiny logs that prove every row still runs (the bench's own test); small: about a minute; full: 1M-event logs. */
export type Scale = 'smoke' | 'small' | 'full';

export interface BenchContext {
  readonly scale: Scale;
  /** A temporary folder for this run, removed at the end. */
  readonly dir: string;
  /** The largest log the read sections built (a SQLite ledger file), once they have run. */
  logFile?: string;
  logSize?: number;
}

export interface BenchRow {
  readonly name: string;
  readonly ours: string;
  readonly raw: string;
  /** ours ÷ raw, so 100% means no overhead (for latencies, raw ÷ ours). */
  readonly ratio: string;
  readonly goal: string;
}

export type BenchSection = (ctx: BenchContext) => Promise<BenchRow[]>;

export const fmt = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export const pct = (x: number): string => `${Math.round(x * 100)}%`;

/** A throughput row: higher is better. */
export const rateRow = (name: string, ours: number, raw: number | undefined, unit: string, goal = ''): BenchRow => ({
  name,
  ours: `${fmt(ours)} ${unit}`,
  raw: raw === undefined ? '' : `${fmt(raw)} ${unit}`,
  ratio: raw === undefined ? '' : pct(ours / raw),
  goal,
});

/** A latency row (p50/p99 in µs): lower is better. */
export const latencyRow = (name: string, ours: Latency, raw: Latency | undefined, goal = ''): BenchRow => ({
  name,
  ours: `p50 ${fmt(ours.p50, 1)} / p99 ${fmt(ours.p99, 1)} µs`,
  raw: raw ? `p50 ${fmt(raw.p50, 1)} / p99 ${fmt(raw.p99, 1)} µs` : '',
  ratio: raw ? pct(raw.p50 / ours.p50) : '',
  goal,
});

export const noteRow = (name: string, ours: string, goal = ''): BenchRow => ({ name, ours, raw: '', ratio: '', goal });

/** A row's goal with its verdict: "≥ 70% of raw · ok", or "· MISS" when the run fell short. */
export const judged = (row: BenchRow, met: boolean): BenchRow => ({ ...row, goal: `${row.goal} · ${met ? 'ok' : 'MISS'}` });

/** The table; `raw` names the column of the engine alone (raw better-sqlite3 unless told), `ours` the measured one. */
export const formatTable = (rows: readonly BenchRow[], raw = 'raw better-sqlite3', ours = 'minsheng store'): string => {
  const header: BenchRow = { name: 'measure', ours, raw, ratio: 'ratio', goal: 'goal' };
  const all = [header, ...rows];
  const keys = ['name', 'ours', 'raw', 'ratio', 'goal'] as const;
  const width = keys.map((k) => Math.max(...all.map((r) => [...r[k]].length)));
  const line = (r: BenchRow) => `| ${keys.map((k, i) => r[k] + ' '.repeat(width[i]! - [...r[k]].length)).join(' | ')} |`;
  return [line(header), `|${width.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
};

export const nowNs = (): bigint => process.hrtime.bigint();
export const secondsSince = (start: bigint): number => Number(nowNs() - start) / 1e9;

/** Operations per second of `n` sequential calls. */
export const opsPerSecond = async (n: number, op: (i: number) => unknown): Promise<number> => {
  const start = nowNs();
  for (let i = 0; i < n; i++) await op(i);
  return n / secondsSince(start);
};

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Ours and raw in alternating rounds, each reported as its median round: on a shared
 * machine whose fsync latency drifts, both sides then see the same conditions.
 */
export const interleaved = async (
  rounds: number,
  perRound: number,
  ours: (i: number) => unknown,
  raw: (i: number) => unknown,
): Promise<{ ours: number; raw: number; cpu: { ours: number; raw: number } }> => {
  const o: number[] = [];
  const r: number[] = [];
  const cpu = { ours: 0, raw: 0 };
  for (let k = 0; k < rounds; k++) {
    let c = cpuMicros();
    o.push(await opsPerSecond(perRound, (i) => ours(k * perRound + i)));
    cpu.ours += cpuMicros() - c;
    c = cpuMicros();
    r.push(await opsPerSecond(perRound, (i) => raw(k * perRound + i)));
    cpu.raw += cpuMicros() - c;
  }
  // Operations per CPU-second of the whole process (threads included): what a shared machine's
  // waits for a core leave out.
  const ops = rounds * perRound;
  return { ours: median(o), raw: median(r), cpu: { ours: ops / (cpu.ours / 1e6), raw: ops / (cpu.raw / 1e6) } };
};

/** CPU time of this process so far (user and system, every thread), in µs. */
export const cpuMicros = (): number => {
  const c = process.cpuUsage();
  return c.user + c.system;
};

export interface Latency {
  readonly p50: number;
  readonly p99: number;
}

/** p50 and p99 in µs of `n` sequential calls. */
export const latencies = async (n: number, op: (i: number) => unknown): Promise<Latency> => (await latenciesWithCpu(n, op)).wall;

/**
 * The same, with the p99 of each call's CPU time: on a shared machine a call's wall time also
 * holds the time its process waited for a core, which its CPU time leaves out.
 */
export const latenciesWithCpu = async (n: number, op: (i: number) => unknown): Promise<{ wall: Latency; cpuP99: number }> => {
  const samples = new Float64Array(n);
  const cpu = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const c = cpuMicros();
    const start = nowNs();
    await op(i);
    samples[i] = Number(nowNs() - start) / 1e3;
    cpu[i] = cpuMicros() - c;
  }
  samples.sort();
  cpu.sort();
  const p = (xs: Float64Array, q: number) => xs[Math.min(n - 1, Math.floor(n * q))]!;
  return { wall: { p50: p(samples, 0.5), p99: p(samples, 0.99) }, cpuP99: p(cpu, 0.99) };
};

export const peakRssMb = (): number => process.resourceUsage().maxRSS / 1024;
