import { createHash } from 'node:crypto';
import { MemoryTree } from '@minsheng/verify';
import { edgeLevels, nodeColumns, nodePosition, nodesColumn, treeEdge } from './tree-columns';

const leaf = (i: number) => createHash('sha256').update(`leaf ${i}`).digest();

/** The `nodes` column of leaf i as the tree itself holds its nodes: those it completed, levels 1 up. */
const expectedColumn = (tree: MemoryTree, i: number): Buffer | null => {
  const completed = [];
  for (let level = 1, width = 2; (i + 1) % width === 0; level++, width *= 2) completed.push({ hash: tree.node(level, (i + 1) / width - 1) });
  return nodesColumn([{ hash: leaf(i) }, ...completed]);
};

describe('the Merkle row layout (tree-columns.ts)', () => {
  const tree = new MemoryTree();
  for (let i = 0; i < 300; i++) tree.append(leaf(i));

  it('gives each leaf the nodes it completes, from an empty tree up', () => {
    const columnOf = nodeColumns();
    for (let i = 0; i < 300; i++) expect(columnOf(i, leaf(i))?.toString('hex')).toBe(expectedColumn(tree, i)?.toString('hex'));
  });

  it('names the rows of the right edge: one a bit of the size, each holding the node edgeLevels says', () => {
    expect(edgeLevels(0)).toEqual([]);
    expect(edgeLevels(6)).toEqual([{ level: 1, position: 6 }, { level: 2, position: 4 }]);
    expect(edgeLevels(13)).toEqual([{ level: 0, position: 13 }, { level: 2, position: 12 }, { level: 3, position: 8 }]);
    for (let size = 1; size < 300; size++)
      for (const { level, position } of edgeLevels(size)) {
        const index = Math.floor(size / 2 ** level) - 1;
        expect(level === 0 ? position : nodePosition(level, index)).toBe(position);
        expect(position).toBe((index + 1) * 2 ** level);
      }
  });

  it('seeded with the edge of any tree size, goes on as a tree grown from empty does', () => {
    for (let size = 0; size < 140; size++) {
      const seed: Buffer[] = [];
      for (const { level } of edgeLevels(size)) seed[level] = tree.node(level, Math.floor(size / 2 ** level) - 1);
      const edge = treeEdge(seed);
      for (let i = size; i < size + 40; i++) expect(edge.nodesOf(i, leaf(i))?.toString('hex')).toBe(expectedColumn(tree, i)?.toString('hex'));
    }
  });

  it('refuses, naming the level, an edge that lacks a node the next leaf pairs with', () => {
    expect(() => treeEdge([]).nodesOf(5, leaf(5))).toThrow("the Merkle tree's right edge has no node at level 0 for leaf 5");
  });
});
