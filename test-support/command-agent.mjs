// A local agent for the command provider's tests: reads a slipway.agent/1 request on stdin and
// answers on stdout. Its first argument picks the behaviour: reply | hang | garbage | fail | env
// (answers the names of the SLIPWAY_KEY_ variables it was given) | utf8 (a long answer of é,
// written in pieces that split characters) | huge (more than the 16 MiB a program may write) |
// leak (echoes the key it was given: in its answer, or — when the message says "fail" — on stderr
// before exiting 3).
let input = '';
process.stdin.on('data', (chunk) => (input += chunk));
process.stdin.on('end', () => {
  const request = JSON.parse(input);
  const mode = process.argv[2] ?? 'reply';
  if (mode === 'hang') return setTimeout(() => {}, 60_000);
  if (mode === 'garbage') return process.stdout.write('not json');
  if (mode === 'utf8') {
    const bytes = Buffer.from(JSON.stringify({ output: 'é'.repeat(150_000) }));
    // Odd-sized pieces, each its own write a moment apart: every other one ends inside a character.
    const write = (from) => {
      if (from >= bytes.length) return;
      process.stdout.write(bytes.subarray(from, from + 4097), () => setTimeout(() => write(from + 4097), 1));
    };
    return write(0);
  }
  if (mode === 'huge') {
    const piece = 'x'.repeat(1024 * 1024);
    const write = (left) => left > 0 && process.stdout.write(piece, () => write(left - 1));
    return write(40);
  }
  if (mode === 'env')
    return process.stdout.write(
      JSON.stringify({
        output:
          Object.keys(process.env)
            .filter((name) => name.startsWith('SLIPWAY_KEY_'))
            .join(',') || 'no keys',
      }),
    );
  if (mode === 'leak') {
    const key = Object.entries(process.env).find(([name]) => name.startsWith('SLIPWAY_KEY_'))?.[1] ?? 'no key';
    if (request.messages.at(-1).content.includes('fail')) {
      process.stderr.write(`auth failed with key ${key}`);
      process.exit(3);
    }
    return process.stdout.write(JSON.stringify({ output: `my key is ${key}, and "${JSON.stringify(key)}" too` }));
  }
  if (mode === 'fail') {
    process.stderr.write('model file missing');
    process.exit(3);
  }
  const last = request.messages.at(-1);
  process.stdout.write(
    JSON.stringify({
      output: `${request.model} saw: ${last.content.trim()} (vars: ${Object.keys(request.vars).join(',')})`,
      usage: { input_tokens: 7, output_tokens: 3 },
    }),
  );
});
