// `npm start`: packages mlts (done by the npm script before this runs), starts code-server with the .vsix
// installed and examples/ open, and prints the URL, plus the one line a desktop VS Code user runs instead.
// Options: `--port N` (default 8080, or a free port if that is taken), `--folder DIR` (default examples/).
// Stops code-server on Ctrl+C or SIGTERM.
import { join, resolve } from 'node:path';
import { CODE_SERVER_VERSION, freePort, repoRoot, startCodeServer } from './codeServer';

const VSIX = join(repoRoot, 'out', 'mlts.vsix');

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function portToUse(): Promise<number> {
  const asked = option('port') ?? process.env.MLTS_PORT;
  if (asked) return Number(asked);
  const preferred = 8080;
  const { createServer } = await import('node:net');
  const free = await new Promise<boolean>((done) => {
    const probe = createServer();
    probe.once('error', () => done(false));
    probe.listen(preferred, '127.0.0.1', () => probe.close(() => done(true)));
  });
  return free ? preferred : freePort();
}

async function main(): Promise<void> {
  const folder = resolve(option('folder') ?? join(repoRoot, 'examples'));
  const server = await startCodeServer({ folder, vsix: VSIX, trusted: true, port: await portToUse() });
  console.log('');
  console.log(`mlts is running in VS Code (code-server ${CODE_SERVER_VERSION}) at ${server.folderUrl}`);
  console.log(`Desktop VS Code instead: code --install-extension ${VSIX}`);
  console.log('Press Ctrl+C to stop.');
  const stop = () => {
    void server.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err) => {
  console.error(`mlts: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
