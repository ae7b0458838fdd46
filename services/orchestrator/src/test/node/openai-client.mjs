// Black-box test of the orchestrator with OpenAI's official Node.js client, unchanged: chat, streaming, a tool-call
// round trip, a json_schema answer, embeddings (base64, the client's default, and float), errors, the model list.
// Usage: node openai-client.mjs <base url> <key with a 1 micro-dollar budget>; prints one JSON object of results.
import OpenAI from 'openai';

const [, , baseURL, poorKey] = process.argv;
const client = new OpenAI({ baseURL: `${baseURL}/v1`, apiKey: 'local-mode' });
const story = [{ role: 'user', content: 'Once upon a time' }];
const out = {};

const chat = await client.chat.completions.create({ model: 'stories15m', messages: story, temperature: 0, max_tokens: 16 });
out.chat = { model: chat.model, text: chat.choices[0].message.content, finish: chat.choices[0].finish_reason, usage: chat.usage };

const stream = await client.chat.completions.create({
  model: 'auto', messages: story, temperature: 0, max_tokens: 16, stream: true, stream_options: { include_usage: true },
});
let text = '';
let chunks = 0;
let finish = null;
let usage = null;
let model = null;
for await (const chunk of stream) {
  chunks++;
  model = chunk.model;
  if (chunk.choices.length > 0) {
    text += chunk.choices[0].delta.content ?? '';
    finish = chunk.choices[0].finish_reason ?? finish;
  }
  if (chunk.usage) usage = chunk.usage;
}
out.stream = { text, chunks, finish, usage, model };

const tools = [{
  type: 'function',
  function: {
    name: 'calculator',
    description: 'evaluates an arithmetic expression',
    parameters: { type: 'object', properties: { expression: { type: 'string' } }, required: ['expression'] },
  },
}];
const ask = [{ role: 'user', content: 'what is 12 times 7?' }];
const first = await client.chat.completions.create({ model: 'tool-llm', messages: ask, tools, temperature: 0 });
const call = first.choices[0].message.tool_calls[0];
const second = await client.chat.completions.create({
  model: 'tool-llm',
  messages: [...ask, first.choices[0].message, { role: 'tool', tool_call_id: call.id, content: '84' }],
  tools,
  temperature: 0,
});
out.tools = {
  finish: first.choices[0].finish_reason,
  name: call.function.name,
  args: JSON.parse(call.function.arguments),
  id: call.id,
  second: { finish: second.choices[0].finish_reason, message: second.choices[0].message },
};

const person = {
  type: 'object',
  properties: { name: { type: 'string' }, age: { type: 'integer' } },
  required: ['name', 'age'],
  additionalProperties: false,
};
const structured = await client.chat.completions.create({
  model: 'stories15m',
  messages: [{ role: 'user', content: 'Lily was five years old.' }],
  response_format: { type: 'json_schema', json_schema: { name: 'person', schema: person, strict: true } },
  temperature: 0,
  max_tokens: 64,
});
out.json = JSON.parse(structured.choices[0].message.content);

const embeddings = await client.embeddings.create({ model: 'e5-small-v2-q8', input: ['how do plants make food', 'photosynthesis'] });
out.embeddings = { count: embeddings.data.length, dim: embeddings.data[0].embedding.length, head: embeddings.data[0].embedding.slice(0, 4), usage: embeddings.usage };
const floats = await client.embeddings.create({ model: 'e5-small-v2-q8', input: 'how do plants make food', encoding_format: 'float' });
out.embeddingsFloat = floats.data[0].embedding.slice(0, 4);

try {
  await client.chat.completions.create({ model: 'gpt-17', messages: story });
} catch (e) {
  out.notFound = { status: e.status, code: e.code, type: e.type, param: e.param };
}
const poor = new OpenAI({ baseURL: `${baseURL}/v1`, apiKey: poorKey, maxRetries: 0 });
try {
  await poor.chat.completions.create({ model: 'stories15m', messages: story, max_tokens: 64 });
} catch (e) {
  out.quota = { status: e.status, code: e.code, type: e.type };
}
try {
  await new OpenAI({ baseURL: `${baseURL}/v1`, apiKey: 'tsk_revoked-or-never-issued', maxRetries: 0 }).models.list();
} catch (e) {
  out.unauthorized = { status: e.status, code: e.code };
}

out.models = (await client.models.list()).data.map((m) => m.id);
console.log(JSON.stringify(out));
