// Removes the previous build but keeps dist/.gitignore, which is committed so
// that the server's rust-embed folder exists before anyone runs Node.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const dist = new URL('../dist/', import.meta.url).pathname;
for (const name of readdirSync(dist)) {
  if (name !== '.gitignore') rmSync(join(dist, name), { recursive: true, force: true });
}
