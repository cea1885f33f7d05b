import { startFakeLlm } from './test-support/fake-llm';
const fake = await startFakeLlm(() => ({ kind: 'reply', text: 'Queue: billing. Priority: p3. Summary: the customer was charged twice.' }));
console.log(fake.url);
