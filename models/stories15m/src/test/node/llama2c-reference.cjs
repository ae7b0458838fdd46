// The independent reference for stories15m: the npm package's own llama2.c, compiled to WebAssembly, run under Node.
// Usage: node llama2c-reference.cjs <package/src folder> <requests.json>
// requests.json: {"requests": [{"prompt": "...", "steps": N}, ...], "decodeTokens": M (optional)}. Prints one JSON
// object:
// {"results": [{"prompt", "tokens": [...prompt and generated ids, as the callback reports them],
//   "pieces": [...the text llama2.c prints for each of those tokens],
//   "logits": [...next-token logits after the prompt], "ms": generation wall time,
//   "decode": {"tokens": [...], "ms": ...}}]}
// `ms` includes the package's main-loop pacing (one token per animation frame); `decode` drives the same forward pass
// synchronously (manual_start, then manual_next with a greedy argmax here) for as many tokens as were generated, and
// times only that: the figure a throughput comparison should use.
// Greedy (temperature 0); llama2.c's own loop runs `steps` positions, the prompt included. This build's encoder
// knows only single-byte lookups and exits on text outside ASCII, so prompts must be ASCII.
const fs = require('fs');
const path = require('path');

const dir = path.resolve(process.argv[2]);
const requests = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
const Llama2 = require(path.join(dir, 'llama2.js'));

(async () => {
  const mod = await Llama2({
    locateFile: (file) => path.join(dir, file),
    arguments: ['model.bin'],
    print: () => {},
    printErr: (line) => process.stderr.write(line + '\n'),
  });
  let tokens = [];
  let pieces = [];
  let finish = null;
  const callback = mod.addFunction((strPtr, token, probability, finished) => {
    tokens.push(token);
    pieces.push(mod.UTF8ToString(strPtr));
    if (finished && finish) {
      finish();
    }
  }, 'viifi');
  mod.ccall('register_callback', null, ['number'], [callback]);
  const vocab = mod.ccall('get_vocab_size', 'number', [], []);
  const results = [];
  for (const { prompt, steps } of requests.requests) {
    tokens = [];
    pieces = [];
    const done = new Promise((resolve) => { finish = resolve; });
    mod.ccall('set_parameters', null, ['number', 'number'], [0.0, steps]);
    const started = process.hrtime.bigint();
    mod.ccall('generate', null, ['string'], [prompt]);
    await done;
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const last = mod.ccall('manual_start', 'number', ['string'], [prompt]);
    const pointer = mod.ccall('manual_next', 'number', ['number'], [last]);
    const logits = Array.from(mod.HEAPF32.subarray(pointer / 4, pointer / 4 + vocab));
    const decode = { tokens: [], ms: 0 };
    if (requests.decodeTokens) {
      let token = mod.ccall('manual_start', 'number', ['string'], [prompt]);
      const begin = process.hrtime.bigint();
      for (let i = 0; i < requests.decodeTokens; i++) {
        const p = mod.ccall('manual_next', 'number', ['number'], [token]) / 4;
        let best = 0;
        for (let v = 1; v < vocab; v++) {
          if (mod.HEAPF32[p + v] > mod.HEAPF32[p + best]) best = v;
        }
        decode.tokens.push(best);
        token = best;
      }
      decode.ms = Number(process.hrtime.bigint() - begin) / 1e6;
    }
    results.push({ prompt, tokens, pieces, logits, ms, decode });
  }
  // exit only once the output is flushed: a pipe takes it asynchronously
  process.stdout.write(JSON.stringify({ vocab, results }), () => process.exit(0));
})().catch((e) => {
  process.stderr.write((e && e.stack) || JSON.stringify(e) + '\n');
  process.exit(1);
});
