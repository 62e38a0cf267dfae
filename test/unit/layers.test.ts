// The layer check of `npm run lint` fails on what it is there to stop. Each case copies src/ to a
// temporary folder, adds one offending file and runs the same command as `npm run lint:layers` there,
// so the working tree is never touched and an interrupted run leaves nothing in it.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const depcruise = path.join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const scripts = (
  JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  }
).scripts;

/** Runs the lint:layers command on a copy of src/ with `file` added; its exit status and report. */
function checkLayersWith(file: string, text: string): { status: number | null; report: string } {
  const [command, ...args] = scripts['lint:layers']!.split(' ');
  expect(command).toBe('depcruise');
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'idgraph-layers-'));
  try {
    fs.cpSync(path.join(root, 'src'), path.join(copy, 'src'), { recursive: true });
    for (const name of ['tsconfig.json', '.dependency-cruiser.cjs'])
      fs.copyFileSync(path.join(root, name), path.join(copy, name));
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
    fs.writeFileSync(path.join(copy, file), text);
    const run = spawnSync(process.execPath, [depcruise, ...args], { cwd: copy, encoding: 'utf8' });
    return { status: run.status, report: `${run.stdout}${run.stderr}` };
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }
}

describe('npm run lint: layers that hold', () => {
  it('fails on a cycle between folders, even through a type-only import', () => {
    // privacy builds on identity (erasure regroups through it); identity reaching back closes a loop.
    const { status, report } = checkLayersWith(
      'src/identity/layers-probe.ts',
      "import type { ErasureModel } from '../privacy/privacy.model.js';\nexport type Probe = ErasureModel;\n",
    );
    expect(status).not.toBe(0);
    expect(report).toMatch(/error no-folder-cycle: src\/identity →\s+src\/privacy →\s+src\/identity/);
  });

  it("fails when a domain imports another domain's repository", () => {
    const { status, report } = checkLayersWith(
      'src/profile/layers-probe.ts',
      "export { IdentityRepository } from '../identity/identity.repository.js';\n",
    );
    expect(status).not.toBe(0);
    expect(report).toContain(
      'error no-foreign-repository: src/profile/layers-probe.ts → src/identity/identity.repository.ts',
    );
  });
});
