#!/usr/bin/env node
// The `syfala` command. Plain JavaScript on purpose: pnpm links bins at install time, before `dist/`
// is built, so the bin must exist in the repository; it loads the compiled tool.
const tool = new URL('../dist/cli/main.js', import.meta.url);
try {
  await import(tool.href);
} catch (e) {
  if (e?.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes('dist/cli/main.js')) {
    console.error('syfala: the package is not built yet (run `pnpm build` in the repository)');
    process.exit(1);
  }
  throw e;
}
