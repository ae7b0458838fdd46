// Calls the orchestrator's OpenAI-compatible API with OpenAI's official Node.js client, unchanged.
//   cd examples/node && npm install && node chat.mjs [host:port]
// In local mode any key that is not a Tessera key (tsk_...) is accepted; with keys required, pass one in TESSERA_KEY.
import OpenAI from 'openai';

const client = new OpenAI({
  baseURL: `http://${process.argv[2] ?? 'localhost:8080'}/v1`,
  apiKey: process.env.TESSERA_KEY ?? 'local',
});

const answer = await client.chat.completions.create({
  model: 'auto',
  messages: [{ role: 'user', content: 'Once upon a time' }],
  temperature: 0,
  max_tokens: 32,
});
const receipt = answer.tessera_receipt;
console.log(answer.choices[0].message.content);
console.log(`[${answer.model}, ${answer.usage.completion_tokens} tokens, charged ${receipt.charged_micros} micro-dollars, ` +
  `policy ${receipt.policy}]`);

process.stdout.write('streamed: ');
const stream = await client.chat.completions.create({
  model: 'auto',
  messages: [{ role: 'user', content: 'Lily had a kite' }],
  max_tokens: 32,
  stream: true,
  stream_options: { include_usage: true },
});
for await (const chunk of stream) {
  process.stdout.write(chunk.choices[0]?.delta?.content ?? '');
  if (chunk.usage) console.log(`\n[${chunk.usage.completion_tokens} tokens]`);
}

const embedding = await client.embeddings.create({ model: 'auto', input: 'how do plants make food' });
console.log(`embedding: ${embedding.model}, ${embedding.data[0].embedding.length} dimensions`);
