// A local agent for the command provider's tests: reads a slipway.agent/1 request on stdin and
// answers on stdout. Its first argument picks the behaviour: reply | hang | garbage | fail | env
// (answers the names of the SLIPWAY_KEY_ variables it was given).
let input = '';
process.stdin.on('data', (chunk) => (input += chunk));
process.stdin.on('end', () => {
  const request = JSON.parse(input);
  const mode = process.argv[2] ?? 'reply';
  if (mode === 'hang') return setTimeout(() => {}, 60_000);
  if (mode === 'garbage') return process.stdout.write('not json');
  if (mode === 'env')
    return process.stdout.write(
      JSON.stringify({
        output:
          Object.keys(process.env)
            .filter((name) => name.startsWith('SLIPWAY_KEY_'))
            .join(',') || 'no keys',
      }),
    );
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
