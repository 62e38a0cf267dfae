// Fails when generated files are stale: regenerates into a scratch folder and compares byte for byte.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const committed = ['src/generated/graphql.ts', 'client/generated/graphql.ts'];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codegen-check-'));
try {
  execFileSync('npx', ['graphql-codegen', '--config', 'codegen.ts', '--silent'], {
    stdio: 'inherit',
    env: { ...process.env, CODEGEN_OUTPUT_DIR: dir },
  });
  const stale = committed.filter(
    (file) =>
      !fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== fs.readFileSync(path.join(dir, file), 'utf8'),
  );
  if (stale.length) {
    console.error(`${stale.join(', ')} stale: run \`npm run codegen\` and commit the result.`);
    process.exitCode = 1;
  } else {
    console.log('generated types are up to date');
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
