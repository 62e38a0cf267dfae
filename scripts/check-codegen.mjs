// Fails when src/generated/ is stale: regenerates into a scratch file and compares byte for byte.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const committed = 'src/generated/graphql.ts';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codegen-check-'));
const fresh = path.join(dir, 'graphql.ts');
try {
  execFileSync('npx', ['graphql-codegen', '--config', 'codegen.ts', '--silent'], {
    stdio: 'inherit',
    env: { ...process.env, CODEGEN_OUTPUT: fresh },
  });
  if (!fs.existsSync(committed) || fs.readFileSync(committed, 'utf8') !== fs.readFileSync(fresh, 'utf8')) {
    console.error(`${committed} is stale: run \`npm run codegen\` and commit the result.`);
    process.exitCode = 1;
  } else {
    console.log('generated types are up to date');
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
