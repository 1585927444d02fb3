// Starts a throwaway Mangrove: the demo built into a temporary database,
// served on a free port. The caller must always call stop().

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const WEB = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const START_TIMEOUT_MS = 60_000;

/// MANGROVE_BIN, else the debug build under CARGO_TARGET_DIR or ../target.
export function binaryPath() {
  if (process.env.MANGROVE_BIN) return resolve(process.env.MANGROVE_BIN);
  const target = process.env.CARGO_TARGET_DIR ? resolve(process.env.CARGO_TARGET_DIR) : join(WEB, '..', 'target');
  return join(target, 'debug', 'mangrove');
}

function waitForUrl(child) {
  return new Promise((resolveUrl, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error('the server did not say where it serves within 60 s')), START_TIMEOUT_MS);
    child.stdout.on('data', (chunk) => {
      buffered += chunk;
      const match = /serving on (http:\/\/\S+)/.exec(buffered);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited early with ${code}`));
    });
  });
}

export async function startServer() {
  const binary = binaryPath();
  if (!existsSync(binary)) {
    throw new Error(`no mangrove binary at ${binary}: run \`cargo build -p mangrove-cli\` or set MANGROVE_BIN`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'mangrove-e2e-'));
  const database = join(dir, 'm.db');
  const demo = spawnSync(binary, ['demo', '--database', database, '--factories', '40'], { encoding: 'utf8' });
  if (demo.status !== 0) throw new Error(`mangrove demo failed: ${demo.stderr || demo.stdout}`);
  const child = spawn(binary, ['serve', '--database', database, '--listen', '127.0.0.1:0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.setEncoding('utf8');
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
  const stop = () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    return { url: await waitForUrl(child), stop, log: () => stderr };
  } catch (error) {
    stop();
    throw new Error(`${error.message}\n${stderr}`);
  }
}
