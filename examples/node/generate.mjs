// Streams a story from the LLM (or SLM) service with the official Node.js gRPC client, then cancels a second stream
// after a few pieces, straight from the contract in proto/.
//   cd examples/node && npm install && node generate.mjs [host:port] [prompt]
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const protoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../proto/src/main/proto');
const definition = protoLoader.loadSync('tessera/textgen/v1/textgen_service.proto', {
  includeDirs: [protoRoot],
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
});
const { TextGeneration } = grpc.loadPackageDefinition(definition).tessera.textgen.v1;
const client = new TextGeneration(process.argv[2] ?? 'localhost:8081', grpc.credentials.createInsecure());
const prompt = process.argv[3] ?? 'Once upon a time, a little fox';

const request = {
  messages: [{ role: 'ROLE_USER', content: prompt }],
  sampling: { temperature: 0.8, top_p: 0.95, seed: 42 },
  max_tokens: 80,
};

function stream(cancelAfter) {
  return new Promise((resolve, reject) => {
    const call = client.GenerateStream({ request }, { deadline: Date.now() + 30_000 });
    let pieces = 0;
    call.on('data', (m) => {
      if (m.delta) {
        process.stdout.write(m.delta);
        if (++pieces === cancelAfter) {
          call.cancel();
        }
      }
      if (m.finish_reason !== 'FINISH_REASON_UNSPECIFIED') {
        console.log(`\n[${m.model}: ${m.finish_reason}, ${m.usage.output_tokens} tokens, seed ${m.seed}]`);
      }
    });
    call.on('error', (err) => (err.code === grpc.status.CANCELLED ? resolve('cancelled') : reject(err)));
    call.on('end', () => resolve('done'));
  });
}

try {
  process.stdout.write(prompt);
  await stream(0);
  process.stdout.write(prompt);
  console.log(`\n[second stream ${await stream(5)} by the client after 5 pieces]`);
} catch (err) {
  console.error(`${grpc.status[err.code]}: ${err.details}`);
  process.exit(1);
}
