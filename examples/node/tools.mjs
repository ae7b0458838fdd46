// A tool-use round trip with the official Node.js gRPC client: tool-llm calls the calculator, this script runs the
// calculation, sends the result back as a tool message, and prints the model's final answer. Then a JSON answer from
// stories15m, constrained by a schema.
//   cd examples/node && npm install && node tools.mjs [host:port] [question]
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
const question = process.argv[3] ?? 'What is 37 times 41?';

const object = (properties, required) => JSON.stringify({ type: 'object', properties, required });
const tools = [
  { name: 'calculator', description: 'Evaluates an arithmetic expression.',
    parameters_json_schema: object({ expression: { type: 'string', maxLength: 120 } }, ['expression']) },
  { name: 'final_answer', description: 'Ends the turn with the answer for the user.',
    parameters_json_schema: object({ text: { type: 'string', maxLength: 400 } }, ['text']) },
];

const generate = (request) => new Promise((resolve, reject) =>
  client.Generate(request, { deadline: Date.now() + 30_000 }, (err, res) => (err ? reject(err) : resolve(res))));

const user = { role: 'ROLE_USER', content: question };
const first = await generate({ model: 'tool-llm', messages: [user], tools, sampling: { temperature: 0 } });
const call = first.tool_calls[0];
console.log(`${first.finish_reason}: ${call.name}(${call.arguments_json})`);

// Only digits, operators and parentheses reach the evaluation.
const expression = JSON.parse(call.arguments_json).expression;
const result = /^[\d+\-*/(). ]+$/.test(expression) ? String(Function(`return (${expression})`)()) : 'error';
const second = await generate({
  model: 'tool-llm',
  tools,
  sampling: { temperature: 0 },
  messages: [user, { role: 'ROLE_ASSISTANT', tool_calls: [call] },
    { role: 'ROLE_TOOL', tool_call_id: call.id, content: result }],
});
const answer = second.tool_calls.length ? JSON.parse(second.tool_calls[0].arguments_json).text : second.text;
console.log(`tool result ${result} -> answer: ${answer}`);

const json = await generate({
  model: 'stories15m',
  messages: [{ role: 'ROLE_USER', content: 'Once upon a time' }],
  max_tokens: 48,
  sampling: { temperature: 0 },
  response_format: { type: 'TYPE_JSON_SCHEMA',
    json_schema: object({ hero: { type: 'string', maxLength: 20 }, age: { type: 'integer' } }, ['hero', 'age']) },
});
console.log(`stories15m, constrained: ${json.text} -> ${JSON.stringify(JSON.parse(json.text))}`);
client.close();
