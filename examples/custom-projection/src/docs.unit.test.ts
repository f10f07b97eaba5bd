import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// docs/projections.md shows this example's definition: the snippet is the compiled file itself,
// so it cannot drift from code that builds and passes its tests.
describe('docs/projections.md', () => {
  it('shows the definition exactly as examples/custom-projection/src/unit-months.ts has it', () => {
    const doc = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'projections.md'), 'utf8');
    const snippet = /^```ts\n([\s\S]*?)^```$/m.exec(doc)?.[1];
    expect(snippet).toBe(readFileSync(join(__dirname, 'unit-months.ts'), 'utf8'));
  });
});
