import { mockAgent } from './runtime-process';

/** intake → router, on the mock provider: intake 1.0.0 emits `intent`, 1.1.0 no longer does; router 1.0.0 requires it. */
const intakeContract = (withIntent: boolean) =>
  `offers:\n  output_schema:\n    type: object\n    required: [${withIntent ? 'intent, ' : ''}ticket]\n    properties:\n${withIntent ? '      intent: { type: string }\n' : ''}      ticket: { type: string }\n`;
const routerContract = (needsIntent: boolean) =>
  `requires:\n  intake:\n    range: ">=1.0.0 <2.0.0"\n    schema:\n      type: object\n      required: [${needsIntent ? 'intent' : 'ticket'}]\n      properties:\n        ${needsIntent ? 'intent: { type: string, enum: [billing, technical] }' : 'ticket: { type: string }'}\n`;

export const TEAM_VERSIONS = {
  intake: [
    {
      semver: '1.0.0',
      message: 'intake emits intent',
      files: mockAgent('intake 1.0.0', { 'contract.yaml': intakeContract(true) }).files,
    },
    {
      semver: '1.1.0',
      message: 'intake stops emitting intent',
      files: mockAgent('intake 1.1.0', {
        'contract.yaml': intakeContract(false),
        'prompt.md': 'You read tickets, and no longer classify them.\n',
      }).files,
    },
  ],
  router: [
    {
      semver: '1.0.0',
      message: 'router routes by intent',
      files: mockAgent('router 1.0.0', { 'contract.yaml': routerContract(true) }).files,
    },
    {
      semver: '2.0.0',
      message: 'router routes by ticket text',
      files: mockAgent('router 2.0.0', {
        'contract.yaml': routerContract(false),
        'prompt.md': 'You route tickets by their text.\n',
      }).files,
    },
  ],
} as const;
