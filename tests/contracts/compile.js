// Compile the test contracts offline with the npm solc, into build/<Name>.json
// ({abi, bytecode, compiler, evmVersion}). The outputs are committed, so CI never
// needs to compile; run `node tests/contracts/compile.js` after changing a source.
const path = require('path');
const fs = require('fs');
const solc = require(path.join(__dirname, '../../.tools/node_modules/solc'));

const evmVersion = 'cancun';
const sources = {};
for (const f of fs.readdirSync(__dirname).filter((f) => f.endsWith('.sol'))) {
  sources[f] = { content: fs.readFileSync(path.join(__dirname, f), 'utf8') };
}
const input = {
  language: 'Solidity',
  sources,
  settings: {
    optimizer: { enabled: true, runs: 200 },
    evmVersion,
    outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
  },
};
const out = JSON.parse(solc.compile(JSON.stringify(input)));
let failed = false;
for (const e of out.errors || []) {
  console.error(e.formattedMessage);
  if (e.severity === 'error') failed = true;
}
if (failed) process.exit(1);
fs.mkdirSync(path.join(__dirname, 'build'), { recursive: true });
for (const [, contracts] of Object.entries(out.contracts)) {
  for (const [name, c] of Object.entries(contracts)) {
    const artifact = { abi: c.abi, bytecode: '0x' + c.evm.bytecode.object,
                       compiler: 'solc ' + solc.version(), evmVersion };
    fs.writeFileSync(path.join(__dirname, 'build', name + '.json'),
                     JSON.stringify(artifact, null, 1) + '\n');
  }
}
