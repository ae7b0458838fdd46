// Calls the embedding service with the official Node.js gRPC client, straight from the contract in proto/.
//   cd examples/node && npm install && node embed.mjs [host:port]
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const protoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../proto/src/main/proto');
const definition = protoLoader.loadSync('tessera/embedding/v1/embedding_service.proto', {
  includeDirs: [protoRoot],
  keepCase: true,
  longs: Number,
  enums: String,
  defaults: true,
});
const { Embedding } = grpc.loadPackageDefinition(definition).tessera.embedding.v1;
const client = new Embedding(process.argv[2] ?? 'localhost:8084', grpc.credentials.createInsecure());

client.Embed(
  {
    inputs: ['how do plants make food from sunlight', 'Photosynthesis turns light into sugar.'],
    input_type: 'INPUT_TYPE_QUERY',
  },
  { deadline: Date.now() + 10_000 },
  (err, res) => {
    if (err) {
      console.error(`${grpc.status[err.code]}: ${err.details}`);
      process.exit(1);
    }
    const [a, b] = res.embeddings.map((e) => e.values);
    const cosine = a.reduce((s, x, i) => s + x * b[i], 0);
    console.log(`model ${res.model}, dimension ${res.dimension}, tokens ${res.usage.input_tokens}`);
    console.log(`cosine(query, passage) = ${cosine.toFixed(4)}`);
  },
);
