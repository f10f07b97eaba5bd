import { createHash } from 'node:crypto';
import { EMPTY_ROOT, leafHash, verifyConsistency, verifyInclusion } from './merkle';
import { MemoryTree } from './tree';

// RFC 6962/9162 test vectors as published by transparency-dev/merkle (proof/verify_test.go).
const leaves = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((h) => Buffer.from(h, 'hex'));
const roots = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const inclusionVectors: Array<[number, number, string[]]> = [
  [1, 8, ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4']],
  [6, 8, ['bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
  [3, 3, ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125']],
  [2, 5, ['6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b']],
];
const consistencyVectors: Array<[number, number, string[]]> = [
  [1, 8, ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4']],
  [6, 8, ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
  [2, 5, ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b']],
  [6, 7, ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
];

const treeOf = (entries: readonly Buffer[]): MemoryTree => {
  const t = new MemoryTree();
  for (const e of entries) t.append(leafHash(e));
  return t;
};
const hexes = (hs: readonly Buffer[]): string[] => hs.map((h) => h.toString('hex'));
const bufs = (hs: readonly string[]): Buffer[] => hs.map((h) => Buffer.from(h, 'hex'));

// An independent reference: RFC 9162's recursive definitions, written straight from the text.
const sha = (...parts: Buffer[]): Buffer => createHash('sha256').update(Buffer.concat(parts)).digest();
const k = (n: number): number => 2 ** Math.ceil(Math.log2(n) - 1);
const mth = (d: readonly Buffer[]): Buffer =>
  d.length === 0 ? sha() : d.length === 1 ? sha(Buffer.from([0]), d[0]!) : sha(Buffer.from([1]), mth(d.slice(0, k(d.length))), mth(d.slice(k(d.length))));
const refPath = (m: number, d: readonly Buffer[]): Buffer[] => {
  if (d.length <= 1) return [];
  const s = k(d.length);
  return m < s ? [...refPath(m, d.slice(0, s)), mth(d.slice(s))] : [...refPath(m - s, d.slice(s)), mth(d.slice(0, s))];
};
const refSubproof = (m: number, d: readonly Buffer[], b: boolean): Buffer[] => {
  if (m === d.length) return b ? [] : [mth(d)];
  const s = k(d.length);
  return m <= s ? [...refSubproof(m, d.slice(0, s), b), mth(d.slice(s))] : [...refSubproof(m - s, d.slice(s), false), mth(d.slice(0, s))];
};

describe('RFC 9162 Merkle tree', () => {
  it('gives the published roots of the first 1 to 8 test leaves, and SHA-256("") for none', () => {
    const t = treeOf(leaves);
    expect(roots.map((_, i) => t.root(i + 1).toString('hex'))).toEqual(roots);
    expect(t.root(0).toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(EMPTY_ROOT.toString('hex')).toBe(t.root(0).toString('hex'));
  });

  it.each(inclusionVectors)('builds and verifies the published inclusion proof of leaf %i in %i', (leaf, size, path) => {
    const t = treeOf(leaves);
    expect(hexes(t.inclusion(leaf - 1, size))).toEqual(path);
    expect(verifyInclusion(leaf - 1, size, leafHash(leaves[leaf - 1]!), bufs(path), Buffer.from(roots[size - 1]!, 'hex'))).toBe(true);
  });

  it.each(consistencyVectors)('builds and verifies the published consistency proof from %i to %i', (from, to, path) => {
    const t = treeOf(leaves);
    expect(hexes(t.consistency(from, to))).toEqual(path);
    expect(verifyConsistency(from, to, Buffer.from(roots[from - 1]!, 'hex'), Buffer.from(roots[to - 1]!, 'hex'), bufs(path))).toBe(true);
  });

  it('refuses each corruption of a good inclusion proof (the probes of transparency-dev)', () => {
    const t = treeOf(leaves);
    const root = t.root(8);
    const leaf = leafHash(leaves[5]!);
    const proof = t.inclusion(5, 8);
    const some = Buffer.from('abacaba000000000000000000000000000000000000000000060061e00123456', 'hex');
    const probes: Array<[number, number, Buffer, Buffer[], Buffer]> = [
      [4, 8, leaf, proof, root],
      [6, 8, leaf, proof, root],
      [5 ^ 2, 8, leaf, proof, root],
      [5, 16, leaf, proof, root],
      [5, 4, leaf, proof, root],
      [5, 8, Buffer.from('WrongLeaf'), proof, root],
      [5, 8, leaf, proof, EMPTY_ROOT],
      [5, 8, leaf, proof, some],
      [5, 8, leaf, [...proof, Buffer.alloc(0)], root],
      [5, 8, leaf, [...proof, root], root],
      [5, 8, leaf, [root, ...proof], root],
      [5, 8, leaf, proof.slice(0, -1), root],
      [5, 8, leaf, [proof[0]!, some, ...proof.slice(1)], root],
      ...proof.map((_, i): [number, number, Buffer, Buffer[], Buffer] => {
        const bad = proof.map((p) => Buffer.from(p));
        bad[i]![0]! ^= 8;
        return [5, 8, leaf, bad, root];
      }),
    ];
    for (const [i, n, l, p, r] of probes) expect(verifyInclusion(i, n, l, p, r)).toBe(false);
  });

  it('refuses each corruption of a good consistency proof', () => {
    const t = treeOf(leaves);
    const [r1, r2] = [t.root(6), t.root(8)];
    const proof = t.consistency(6, 8);
    const probes: Array<[number, number, Buffer, Buffer, Buffer[]]> = [
      [5, 8, r1, r2, proof],
      [7, 8, r1, r2, proof],
      [6 ^ 2, 8, r1, r2, proof],
      [6, 16, r1, r2, proof],
      [6, 4, r1, r2, proof],
      [6, 8, r2, r1, proof],
      [6, 8, r1, r2, []],
      [6, 8, r1, r2, [...proof, r1]],
      [6, 8, r1, r2, [r2, ...proof]],
      [6, 8, r1, r2, [proof[0]!, ...proof]],
      [6, 8, r1, r2, proof.slice(0, -1)],
      ...proof.map((_, i): [number, number, Buffer, Buffer, Buffer[]] => {
        const bad = proof.map((p) => Buffer.from(p));
        bad[i]![0]! ^= 16;
        return [6, 8, r1, r2, bad];
      }),
    ];
    for (const [a, b, x, y, p] of probes) expect(verifyConsistency(a, b, x, y, p)).toBe(false);
  });

  it('matches the independent reference for every tree up to 45 leaves, every leaf and every prefix', () => {
    const data = Array.from({ length: 45 }, (_, i) => Buffer.from(`event ${i}`));
    const t = treeOf(data);
    for (let n = 1; n <= data.length; n++) {
      const d = data.slice(0, n);
      const root = mth(d);
      expect(t.root(n).equals(root)).toBe(true);
      for (let m = 0; m < n; m++) {
        const p = t.inclusion(m, n);
        expect(hexes(p)).toEqual(hexes(refPath(m, d)));
        expect(verifyInclusion(m, n, leafHash(d[m]!), p, root)).toBe(true);
      }
      for (let m = 1; m <= n; m++) {
        const p = t.consistency(m, n);
        expect(hexes(p)).toEqual(m === n ? [] : hexes(refSubproof(m, d, true)));
        expect(verifyConsistency(m, n, mth(data.slice(0, m)), root, p)).toBe(true);
      }
    }
  });
});
