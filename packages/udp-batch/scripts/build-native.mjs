// Builds native/udp_batch.c into build/udp_batch.node with the system C compiler and Node's own
// headers (no node-gyp, nothing downloaded). Runs on install. The binding is optional: without Linux,
// a compiler or the headers this prints one line and exits 0, and the package reports itself
// unavailable so that its users fall back to node:dgram. `--strict` makes a failure exit 1 instead.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const strict = process.argv.includes('--strict');
const source = join(root, 'native', 'udp_batch.c');
const out = join(root, 'build', 'udp_batch.node');

function skip(why) {
  console.log(`@proto/udp-batch: native binding not built (${why}); node:dgram sends and receives one datagram per call instead`);
  process.exit(strict ? 1 : 0);
}

if (process.platform !== 'linux') skip(`sendmmsg/recvmmsg are Linux calls, this is ${process.platform}`);
if (process.env['PROTO_UDP_BATCH'] === '0') skip('PROTO_UDP_BATCH=0');

const candidates = [
  process.env['npm_config_nodedir'] && join(process.env['npm_config_nodedir'], 'include', 'node'),
  resolve(dirname(process.execPath), '..', 'include', 'node'),
  '/usr/include/node',
  '/usr/local/include/node',
].filter(Boolean);
const headers = candidates.find((d) => existsSync(join(d, 'node_api.h')));
if (headers === undefined) skip(`node_api.h not found in ${candidates.join(', ')}`);

const compiler = process.env['CC'] || 'cc';
mkdirSync(join(root, 'build'), { recursive: true });
const tmp = `${out}.${process.pid}.tmp`;
try {
  execFileSync(compiler, ['-O2', '-std=c11', '-Wall', '-Wextra', '-fPIC', '-shared', '-fvisibility=hidden', `-I${headers}`, source, '-o', tmp], { stdio: ['ignore', 'ignore', 'pipe'] });
  renameSync(tmp, out);
} catch (e) {
  rmSync(tmp, { force: true });
  const detail = e && typeof e === 'object' && 'stderr' in e && e.stderr ? String(e.stderr).trim().split('\n')[0] : String(e && e.message);
  skip(`${compiler} failed: ${detail}`);
}
