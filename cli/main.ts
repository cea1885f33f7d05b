import { runCli } from './program';

// A reader that stops early (`slipway runs show 7 | head`) closes the pipe: that ends the
// command quietly, as it does for any Unix tool, instead of an EPIPE stack trace.
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });

const code = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  cwd: process.cwd(),
  isTTY: process.stderr.isTTY,
});
process.exitCode = code;
