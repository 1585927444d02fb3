// End-to-end tests: a throwaway Mangrove server with the demo data, Debian's
// Chromium driven by playwright-core, the whole flow once in Thai and once
// in English. Prints "N passed, M failed" last and exits non-zero on any
// failure; the server is always stopped.

import { launch, SCREENSHOTS } from './browser.mjs';
import { loadCatalogue } from './catalogue.mjs';
import { scenario } from './flow.mjs';
import { startServer } from './server.mjs';
import { worldScenario } from './world.mjs';

const LANGUAGES = ['th', 'en'];

async function runScenario(made, lang, tally) {
  const { steps, close, photographFailure } = made;
  let broken = null;
  try {
    for (const [name, step] of steps) {
      const title = `${lang}: ${name}`;
      if (broken) {
        tally.failed += 1;
        console.log(`not ok - ${title} (not run: "${broken}" failed)`);
        continue;
      }
      const started = Date.now();
      try {
        await step();
        tally.passed += 1;
        console.log(`ok - ${title} (${Date.now() - started} ms)`);
      } catch (error) {
        tally.failed += 1;
        broken = name;
        await photographFailure(tally.passed + tally.failed);
        console.log(`not ok - ${title}\n  ${String(error.stack ?? error).split('\n').join('\n  ')}`);
      }
    }
  } finally {
    await close();
  }
}

async function main() {
  const tally = { passed: 0, failed: 0 };
  let server = null;
  let browser = null;
  const stopAll = () => server?.stop();
  process.on('SIGINT', () => {
    stopAll();
    process.exit(130);
  });
  try {
    const messages = await loadCatalogue();
    server = await startServer();
    console.log(`e2e: server at ${server.url}; screenshots in ${SCREENSHOTS}`);
    browser = await launch();
    const context = { browser, baseURL: server.url, messages, offsite: [] };
    // E2E_ONLY=world runs only the virtual city's scenario (while working on it).
    if (process.env.E2E_ONLY !== 'world') {
      for (const lang of LANGUAGES) await runScenario(scenario({ ...context, lang }), lang, tally);
    }
    await runScenario(worldScenario(context), 'world', tally);
  } catch (error) {
    tally.failed += 1;
    console.log(`not ok - e2e setup\n  ${error.stack ?? error}`);
  } finally {
    await browser?.close().catch(() => undefined);
    stopAll();
  }
  console.log(`${tally.passed} passed, ${tally.failed} failed`);
  process.exitCode = tally.failed > 0 ? 1 : 0;
}

await main();
