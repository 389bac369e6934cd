// Parses each file named on the command line as one mermaid diagram with
// mermaid's own parser (mermaid.parse, which needs a DOM: jsdom gives it
// one). Prints `ok <type> <file>` or `error <file>: <message>` per file and
// exits 1 when any diagram does not parse. Used by tests/report_mermaid.rs.
import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false });

let failed = 0;
for (const file of process.argv.slice(2)) {
  const text = readFileSync(file, 'utf8');
  try {
    const r = await mermaid.parse(text);
    console.log(`ok ${r.diagramType} ${file}`);
  } catch (e) {
    failed += 1;
    console.log(`error ${file}: ${String(e.message ?? e).split('\n').slice(0, 4).join(' | ')}`);
  }
}
process.exit(failed ? 1 : 0);
